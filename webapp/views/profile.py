"""A learner's own profile: learning time, areas, courses, goals and reminders (issue 16)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("profile", __name__)
