"""The installable web app: its manifest, its service worker (webapp/static/sw.js, served at
the site's root so it may look after every page) and the page shown offline."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, jsonify, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

bp = Blueprint("app_shell", __name__)
SERVICE_WORKER = Path(__file__).resolve().parent.parent / "static" / "sw.js"
THEME = "#0b5cad"


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest, in the page's language."""
    body = {
        "name": _("Lifelong Learning"),
        "short_name": _("Lifelong Learning"),
        "description": _("A lifelong-learning platform for everyone, at every age."),
        "lang": "zh-CN" if str(get_locale()) == "zh" else "en",
        "start_url": "/?source=app",
        "scope": "/",
        "id": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "icons": [
            {
                "src": url_for("static", filename="icons/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": url_for("static", filename="icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
            {
                "src": url_for("static", filename="icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/sw.js")
def service_worker():
    """The service worker, never cached by the browser's HTTP cache (updates reach people)."""
    response = Response(SERVICE_WORKER.read_text(encoding="utf-8"), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
def offline():
    """What the app shows for a page it has not kept when there is no connection."""
    return render_template("offline.html")
