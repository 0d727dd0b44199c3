"""`lifelong assistant …`: train the question matcher, show its versions, roll it back."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from assistant.artefacts import ArtefactError
from assistant.nightly import retrain
from webapp.assistant import get_assistant
from webapp.db import get_session

assistant_cli = AppGroup("assistant", help="The service desk's question matcher.")


@assistant_cli.command("train")
def train_command() -> None:
    """Train the matcher as the nightly job does; promote it if the gate lets it through."""
    report = retrain(get_session(), get_assistant().store)
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))


@assistant_cli.command("versions")
def versions_command() -> None:
    """The matcher versions kept, the current one marked, with their held-out figures."""
    store = get_assistant().store
    current = store.current()
    for name in store.versions():
        metrics = store.meta(name).get("metrics", {})
        mark = "*" if name == current else " "
        figures = ", ".join(f"{k} {v}" for k, v in sorted(metrics.items()) if isinstance(v, float))
        click.echo(f"{mark} {name}  {figures}")


@assistant_cli.command("rollback")
def rollback_command() -> None:
    """Make the previous matcher version current again."""
    try:
        name = get_assistant().store.rollback()
    except ArtefactError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Current matcher: {name}")
