"""Personal data rights: download all the site holds about you; delete your account."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("personal_data", __name__)
