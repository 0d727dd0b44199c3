"""Certificates: the learner's, their PDF and credential, the public verification page."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("certificates", __name__)
