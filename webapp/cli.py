"""The `lifelong` console script: Flask's CLI bound to our app factory."""

from __future__ import annotations

from flask.cli import FlaskGroup

from webapp import create_app


def command_group() -> FlaskGroup:
    """The `lifelong` commands: Flask's CLI group with our app factory."""
    return FlaskGroup(create_app=lambda: create_app(), help="Lifelong-learning platform.")


def main() -> None:
    """Run the `lifelong` command line."""
    command_group()()
