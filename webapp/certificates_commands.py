"""`lifelong certificates …`: verify a credential file offline, rotate the signing key, revoke
a certificate (docs/certificates.md)."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from catalogue.errors import NotFound, ValidationError
from catalogue.services.audit import Operator
from records import certificates as certs
from records.signing import keys_from_json, public_keys, rotate_key, verify_document
from webapp.credentials import get_credentials
from webapp.db import get_database

certificates_cli = AppGroup(
    "certificates", help="Certificates: verify a credential offline, rotate the key, revoke."
)


@certificates_cli.command("verify")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--keys",
    "keys_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A keys file (the site's /certificates/issuer document) instead of the local key "
    "directory.",
)
def verify_command(file: Path, keys_file: Path | None) -> None:
    """Check a credential FILE offline: signature, trusted key, validity dates. Exit 0 when
    valid, 1 when not."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        click.echo(f"INVALID: {file} does not exist", err=True)
        sys.exit(1)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        click.echo(f"INVALID: {file} is not a JSON credential ({exc})", err=True)
        sys.exit(1)
    if keys_file is not None:
        try:
            trusted = keys_from_json(json.loads(keys_file.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            click.echo(f"error: the keys file cannot be read: {exc}", err=True)
            sys.exit(2)
        source = str(keys_file)
    else:
        key_dir = get_credentials().key_dir
        trusted = public_keys(key_dir)
        source = str(key_dir)
    verdict = verify_document(document, trusted)
    name = document.get("name") if isinstance(document, dict) else None
    if verdict.ok:
        click.echo(f"VALID: {verdict.reason}.")
        if name:
            click.echo(f"  certifies: {name}")
        click.echo(f"  credential: {document.get('id')}")
        click.echo(f"  signed by key {verdict.key_id} (trusted keys from {source})")
        click.echo("  Revocation is shown on the credential's verification page (its id).")
        sys.exit(0)
    click.echo(f"INVALID: {verdict.reason}.", err=True)
    sys.exit(1)


@certificates_cli.command("rotate-key")
@click.option(
    "--keep-old-private",
    is_flag=True,
    help="Keep the old private key file (by default only its public key is kept).",
)
def rotate_key_command(keep_old_private: bool) -> None:
    """Make a new signing key; the old one is retired, its public key kept so that what it
    signed stays verifiable. Running web processes pick up the new key by themselves."""
    key_dir = get_credentials().key_dir
    old, new = rotate_key(key_dir, keep_old_private=keep_old_private)
    click.echo(f"New signing key: {new}")
    if old:
        click.echo(f"Retired key: {old} (its public key stays published and trusted)")
    click.echo(f"Key directory: {key_dir} — back it up now (docs/certificates.md).")


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Shown on the verification page.")
def revoke_command(code: str, reason: str) -> None:
    """Revoke the certificate with CODE (recorded in the audit log as the command line)."""
    operator = Operator.command_line(getpass.getuser())
    with get_database().sessions() as session:
        try:
            certificate = certs.revoke(session, code, reason, operator)
        except NotFound:
            click.echo(f"error: no certificate has the code {code!r}", err=True)
            sys.exit(2)
        except ValidationError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        session.commit()
        click.echo(
            f"Revoked {certs.display_code(certificate.code)} ({certificate.title_zh}, "
            f"{certificate.holder_name})."
        )


@certificates_cli.command("keys")
def keys_command() -> None:
    """List the signing keys: current and retired."""
    credentials = get_credentials()
    current = credentials.signer().key_id
    for record in credentials.trusted_keys():
        state = "current" if record.key_id == current else "retired"
        created = f"{record.created:%Y-%m-%d}" if record.created else "?"
        click.echo(f"{record.key_id}  {state}  created {created}")
