"""Study groups: the organiser's groups and the members' side (issue 16)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("groups", __name__)
