"""Special events: a thematic column run as an event (issue 16)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("special_events", __name__)
