"""`lifelong provider …`: operators register and manage partner institutions from a shell.

Every change is recorded in the audit log as made by the command line and the OS user running
it. A refused change prints `error: <message> (<CODE>)` on stderr and exits with status 2.
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import NoReturn

import click
from flask.cli import AppGroup

from catalogue.errors import ServiceError, ValidationError
from catalogue.models import ProviderKind
from catalogue.services import providers as provider_service
from catalogue.services.audit import Operator
from webapp.db import get_database

provider_cli = AppGroup("provider", help="Partner institutions (providers).")
KINDS = ", ".join(k.value for k in ProviderKind)


def command_line_operator() -> Operator:
    """The operator for audit entries: the command line and the OS user running it."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (a bare container)
        name = "?"
    return Operator.command_line(name)


def refuse(exc: ServiceError) -> NoReturn:
    """Print why a change was refused, with its stable code, and exit with status 2."""
    if isinstance(exc, ValidationError):
        for error in exc.errors:
            click.echo(f"error: {error.field}: {error.message} ({error.code})", err=True)
    else:
        click.echo(f"error: {exc.message} ({exc.code})", err=True)
    sys.exit(2)


def _describe(provider) -> str:
    return f"{provider.id} {provider.name!r} ({provider.kind.value}, {provider.status.value})"


@provider_cli.command("create")
@click.option("--name", required=True, help="The institution's name (unique).")
@click.option("--kind", required=True, help=f"One of: {KINDS}.")
@click.option("--contact-email", help="An address to reach the institution.")
def create_command(name: str, kind: str, contact_email: str | None) -> None:
    """Register a partner institution."""
    with get_database().sessions() as session:
        try:
            provider = provider_service.add_provider(
                session, command_line_operator(), name, kind, contact_email=contact_email
            )
        except ServiceError as exc:
            refuse(exc)
        session.commit()
        click.echo(f"Created provider {_describe(provider)}.")


@provider_cli.command("list")
@click.option("--search", "query", default="", help="Only names containing this text.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def list_command(query: str, as_json: bool) -> None:
    """Every provider (or those matching --search) with its counts."""
    rows = []
    with get_database().sessions() as session:
        page_number = 1
        while True:
            page = provider_service.provider_rows(session, query, page_number, 100)
            rows.extend(page.items)
            if not page.has_next:
                break
            page_number += 1
        records = [
            {
                "id": r.provider.id,
                "name": r.provider.name,
                "kind": r.provider.kind.value,
                "status": r.provider.status.value,
                "contact_email": r.provider.contact_email,
                "courses": r.courses,
                "published_courses": r.published,
                "partner_accounts": r.partners,
            }
            for r in rows
        ]
    if as_json:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if not records:
        click.echo("No providers.")
        return
    click.echo(f"{'id':>6}  {'status':<9}  {'kind':<10}  {'published':>9}  {'courses':>8}  "
               f"{'partners':>8}  name")  # fmt: skip
    for r in records:
        click.echo(
            f"{r['id']:>6}  {r['status']:<9}  {r['kind']:<10}  {r['published_courses']:>9}  "
            f"{r['courses']:>8}  {r['partner_accounts']:>8}  {r['name']}"
        )


@provider_cli.command("rename")
@click.argument("provider")
@click.argument("new_name")
def rename_command(provider: str, new_name: str) -> None:
    """Rename PROVIDER (its number or exact name) to NEW_NAME."""
    with get_database().sessions() as session:
        try:
            found = provider_service.resolve_provider(session, provider)
            old = found.name
            renamed = provider_service.rename_provider(
                session, command_line_operator(), found.id, new_name
            )
        except ServiceError as exc:
            refuse(exc)
        session.commit()
        if renamed.name == old:
            click.echo(f"Provider {_describe(renamed)} already has this name; nothing changed.")
        else:
            click.echo(f"Renamed provider {renamed.id}: {old!r} -> {renamed.name!r}.")


@provider_cli.command("suspend")
@click.argument("provider")
def suspend_command(provider: str) -> None:
    """Suspend PROVIDER: its partners can no longer upload or use API tokens."""
    with get_database().sessions() as session:
        try:
            found = provider_service.resolve_provider(session, provider)
            change = provider_service.suspend_provider(session, command_line_operator(), found.id)
        except ServiceError as exc:
            refuse(exc)
        session.commit()
        if change.changed:
            click.echo(
                f"Suspended provider {_describe(change.provider)}; "
                f"{change.stopped_uploads} upload(s) not yet applied were stopped."
            )
        else:
            click.echo(f"Provider {_describe(change.provider)} was already suspended.")


@provider_cli.command("unsuspend")
@click.argument("provider")
def unsuspend_command(provider: str) -> None:
    """Lift PROVIDER's suspension."""
    with get_database().sessions() as session:
        try:
            found = provider_service.resolve_provider(session, provider)
            change = provider_service.unsuspend_provider(session, command_line_operator(), found.id)
        except ServiceError as exc:
            refuse(exc)
        session.commit()
        if change.changed:
            click.echo(f"Lifted the suspension of provider {_describe(change.provider)}.")
        else:
            click.echo(f"Provider {_describe(change.provider)} was not suspended.")
