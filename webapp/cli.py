"""The `lifelong` console script: Flask's CLI bound to our app factory."""

from __future__ import annotations

from flask.cli import FlaskGroup

from webapp import create_app


def main() -> None:
    """Run the `lifelong` command line."""
    FlaskGroup(create_app=lambda: create_app(), help="Lifelong-learning platform.")()
