"""Certificates: the learner's, their PDF and credential, and the public verification page (issue 16)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("certificates", __name__)
