"""Personal data rights: download everything the site holds about you, delete your account (issue 16)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("personal_data", __name__)
