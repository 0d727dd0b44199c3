"""The credit bank: credit accounts, recognition requests, the registrar's desk, transcripts."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("credits", __name__)
