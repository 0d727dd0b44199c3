"""The credit bank: a learner's credit account, recognition requests, the registrar's desk, transcripts (issue 16)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("credits", __name__)
