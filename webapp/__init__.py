"""The Flask application: the composition root that wires every subsystem together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from jobs.gc_gate import process_gate
from webapp import (
    assistant,
    auth,
    caching,
    caring,
    commands,
    compression,
    covers,
    credentials,
    db,
    errors,
    i18n,
    limits,
    recommendations,
    response_times,
    search_index,
    snapshots,
    uploads,
    urls,
)
from webapp.gc_middleware import GcGateMiddleware
from webapp.settings import EXTENSION as SETTINGS
from webapp.settings import Settings
from webapp.templating import init_templating
from webapp.views import (
    admin,
    api_clients,
    api_docs,
    app_api,
    app_shell,
    certificates,
    channels,
    cockpit,
    cockpit_ask,
    credits,
    discussion,
    editor,
    editor_columns,
    editor_moderation,
    editor_reviews,
    groups,
    health,
    info,
    learning,
    lessons,
    notes,
    notifications,
    open_api,
    pages,
    partner,
    partner_analytics,
    partner_api,
    partner_courses,
    personal_data,
    profile,
    search,
    smart_living,
    special_events,
    support,
)
from webapp.views import assistant as assistant_views
from webapp.views import recommendations as recommendations_views

csrf = CSRFProtect()


HSTS_SECONDS = 365 * 24 * 3600


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment, with `config` overriding settings and Flask keys."""
    settings = Settings.load(overrides=config)
    app = Flask(__name__, instance_path=str(settings.instance_path))
    urls.init_app(app)  # bounded `int` URL converter: before any route is added
    app.config.update(
        SECRET_KEY=settings.secret_key,
        # Room for the form fields around the largest allowed file.
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Behind a TLS-terminating proxy (HTTPS, or an https SITE_URL): Secure cookies, HSTS.
        SESSION_COOKIE_SECURE=settings.https,
        REMEMBER_COOKIE_SECURE=settings.https,
        PREFERRED_URL_SCHEME="https" if settings.https else "http",
        HSTS_SECONDS=HSTS_SECONDS if settings.https else 0,
        WTF_CSRF_TIME_LIMIT=None,  # no time limit on forms: older learners type slowly
    )
    app.config.update({k: v for k, v in (config or {}).items() if k.isupper()})
    app.extensions[SETTINGS] = settings

    db.init_app(app, settings.database_url)
    csrf.init_app(app)
    i18n.init_app(app, settings.default_locale)
    auth.init_app(app)
    caring.init_app(app)
    errors.init_app(app)
    limits.init_app(app, settings)
    caching.init_app(app)
    compression.init_app(app)
    init_templating(app)
    commands.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(health.bp)
    search_index.init_app(app, settings.index_dir, settings.index_publish_dir)
    recommendations.init_app(app, settings.model_dir)
    snapshots.init_app(app, settings.catalogue_counts_max_age)
    assistant.init_app(app, settings.model_dir, settings.desk_hours, settings.jobs_timezone)
    credentials.init_app(
        app, settings.certificate_key_dir or settings.instance_path / "certificate-keys"
    )
    app.register_blueprint(search.bp)
    app.register_blueprint(search.api)
    # Visitors' clients ask without a session; the site's own widget proves itself with the
    # CSRF token in a header (webapp/views/assistant.py), else it asks as a visitor.
    csrf.exempt(assistant_views.api)
    app.register_blueprint(assistant_views.api)
    app.register_blueprint(assistant_views.bp)
    app.register_blueprint(recommendations_views.api)
    app.register_blueprint(editor.bp)
    app.register_blueprint(editor_columns.bp)
    app.register_blueprint(editor_moderation.bp)
    app.register_blueprint(editor_reviews.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(notes.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(learning.bp)
    app.register_blueprint(lessons.bp)
    covers.init_app(app)
    app.register_blueprint(info.bp)
    app.register_blueprint(app_shell.bp)
    app.register_blueprint(smart_living.bp)
    app.register_blueprint(channels.bp)
    app.register_blueprint(discussion.bp)
    uploads.init_app(app, settings)
    app.register_blueprint(partner.bp)
    app.register_blueprint(partner_courses.bp)
    app.register_blueprint(support.bp)
    # The learning record (issue 16).
    for blueprint in (profile, certificates, credits, groups, special_events, personal_data):
        app.register_blueprint(blueprint.bp)
    csrf.exempt(partner_api.bp)  # token-authenticated; no browser session involved
    app.register_blueprint(partner_api.bp)
    # Insight and the APIs (issue 17). The open data and app APIs take bearer tokens, no session.
    csrf.exempt(open_api.bp)
    csrf.exempt(app_api.bp)
    for blueprint in (
        cockpit,
        cockpit_ask,
        partner_analytics,
        open_api,
        api_clients,
        app_api,
        api_docs,
    ):
        app.register_blueprint(blueprint.bp)
    app.register_blueprint(open_api.consent_bp)  # /me/data-sharing: learners' consents (CSRF)
    app.register_blueprint(app_api.page)  # /me/apps: a learner's app sign-ins (with CSRF)
    response_times.init_app(app)  # times every request (issue 17), inside the gate
    # Outermost, so the gate sees each request whole (jobs/gc_gate.py says why).
    app.wsgi_app = GcGateMiddleware(app.wsgi_app, process_gate())
    return app
