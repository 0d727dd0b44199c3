"""Signing and verifying credentials: Ed25519 keys in a key directory, JSON Canonicalization
(RFC 8785) and W3C Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite.

A key is named by its public key in multibase (base58btc of the Ed25519 multicodec header and
the 32 key bytes, "z6Mk…"): the proof's verificationMethod is the key's `did:key` URL, so a
verifier needs nothing but the list of keys it trusts (the site's published issuer keys or the
local key directory). Key directory layout (docs/certificates.md):

    <key id>.key        the private key (PKCS#8 PEM, mode 0600) — only the current key keeps one
    <key id>.pub.json   the public key with its created/retired dates, kept for ever
    current             the id of the key that signs from now on
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_TYPE = "DataIntegrityProof"
ED25519_MULTICODEC = b"\xed\x01"
CURRENT_FILE = "current"
PRIVATE_SUFFIX = ".key"
PUBLIC_SUFFIX = ".pub.json"
MAX_SAFE_INTEGER = 2**53 - 1

# -- JSON Canonicalization Scheme (RFC 8785) ------------------------------------------------


class CanonicalizationError(ValueError):
    """The value cannot be canonicalised (NaN, infinity, a lone surrogate, an unsafe integer,
    a key that is not a string, a type JSON does not have)."""


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def _jcs_string(text: str) -> str:
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            raise CanonicalizationError("a string holds a lone surrogate")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _jcs_number(value: float) -> str:
    """A number as ECMAScript's Number.prototype.toString writes it (RFC 8785 section 3.2.2.3)."""
    if not math.isfinite(value):
        raise CanonicalizationError("NaN and infinity have no JSON form")
    if value == 0:
        return "0"  # also -0
    sign = "-" if value < 0 else ""
    # repr() gives the shortest digits that read back to the same double, as ECMAScript does.
    digits_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()[1:]
    digits = "".join(str(d) for d in digits_tuple)
    k = len(digits)
    n = k + exponent  # value = 0.digits × 10^n
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        body = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + body


def _jcs(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalizationError(f"integer {value} is beyond 2^53 - 1")
        out.append(str(value))
    elif isinstance(value, float):
        out.append(_jcs_number(value))
    elif isinstance(value, str):
        out.append(_jcs_string(value))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _jcs(item, out)
        out.append("]")
    elif isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalizationError(f"object key {key!r} is not a string")
        out.append("{")
        # Keys sorted by their UTF-16 code units (big-endian bytes compare the same way).
        for i, key in enumerate(
            sorted(value, key=lambda k: k.encode("utf-16-be", "surrogatepass"))
        ):
            if i:
                out.append(",")
            out.append(_jcs_string(key))
            out.append(":")
            _jcs(value[key], out)
        out.append("}")
    else:
        raise CanonicalizationError(f"{type(value).__name__} is not a JSON value")


def canonicalize(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value."""
    out: list[str] = []
    _jcs(value, out)
    return "".join(out).encode("utf-8")


# -- multibase / did:key --------------------------------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58btc_encode(data: bytes) -> str:
    """Bitcoin base58 of some bytes."""
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def base58btc_decode(text: str) -> bytes:
    """Bytes of a Bitcoin base58 string; ValueError on a character outside the alphabet."""
    number = 0
    for char in text:
        index = _B58.find(char)
        if index < 0:
            raise ValueError(f"{char!r} is not a base58 character")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    """The key as Multikey `publicKeyMultibase` ("z6Mk…"), which is also its key id."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58btc_encode(ED25519_MULTICODEC + raw)


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """The Ed25519 key of a `publicKeyMultibase`; ValueError if it is not one."""
    if not value.startswith("z"):
        raise ValueError("not a base58btc multibase value")
    raw = base58btc_decode(value[1:])
    if len(raw) != 34 or raw[:2] != ED25519_MULTICODEC:
        raise ValueError("not an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def verification_method(key_id: str) -> str:
    """The did:key verification method URL of a key id."""
    return f"did:key:{key_id}#{key_id}"


def key_id_of_method(method: str) -> str | None:
    """The key id named by a did:key verification method URL, or None."""
    if not method.startswith("did:key:"):
        return None
    did, _, fragment = method[len("did:key:") :].partition("#")
    if fragment and fragment != did:
        return None
    return did


# -- keys -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicKeyRecord:
    """A public key the site signs or signed with: id, key, since when, retired when."""

    key_id: str
    public_key: Ed25519PublicKey = field(repr=False, compare=False)
    created: datetime | None = None
    retired: datetime | None = None

    def as_json(self, controller: str | None = None) -> dict[str, Any]:
        """The key as a Multikey verification method (as the issuer page publishes it)."""
        data: dict[str, Any] = {
            "id": verification_method(self.key_id),
            "type": "Multikey",
            "controller": controller or f"did:key:{self.key_id}",
            "publicKeyMultibase": self.key_id,
            "created": _stamp(self.created) if self.created else None,
            "retired": _stamp(self.retired) if self.retired else None,
        }
        return data


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(text: Any) -> datetime | None:
    """An XML Schema / RFC 3339 date-time string as an aware datetime, or None if invalid."""
    if not isinstance(text, str) or "T" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment


class Signer:
    """Signs documents with one Ed25519 key (the key directory's current key)."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private = private_key
        self.public_key = private_key.public_key()
        self.key_id = public_key_multibase(self.public_key)

    @property
    def verification_method(self) -> str:
        """The did:key URL a proof names."""
        return verification_method(self.key_id)

    def sign(self, document: dict, created: datetime | None = None) -> dict:
        """A copy of the document with an eddsa-jcs-2022 Data Integrity proof added."""
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        proof: dict[str, Any] = {
            "type": PROOF_TYPE,
            "cryptosuite": CRYPTOSUITE,
            "created": _stamp(created or datetime.now(UTC)),
            "verificationMethod": self.verification_method,
            "proofPurpose": "assertionMethod",
        }
        signature = self._private.sign(_hash_data(unsecured, proof))
        secured = dict(unsecured)
        secured["proof"] = {**proof, "proofValue": "z" + base58btc_encode(signature)}
        return secured


def _hash_data(unsecured: dict, proof_options: dict) -> bytes:
    """SHA-256 of the canonical proof configuration, then of the canonical document."""
    config = dict(proof_options)
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    return (
        hashlib.sha256(canonicalize(config)).digest()
        + hashlib.sha256(canonicalize(unsecured)).digest()
    )


def _read_public(path: Path) -> PublicKeyRecord:
    data = json.loads(path.read_text(encoding="utf-8"))
    key_id = data["publicKeyMultibase"]
    return PublicKeyRecord(
        key_id,
        public_key_from_multibase(key_id),
        parse_datetime(data.get("created")),
        parse_datetime(data.get("retired")),
    )


def _write_public(directory: Path, record: PublicKeyRecord) -> None:
    path = directory / f"{record.key_id}{PUBLIC_SUFFIX}"
    draft = directory / f".{record.key_id}.{secrets.token_hex(4)}.tmp"
    draft.write_text(json.dumps(record.as_json(), indent=2) + "\n", encoding="utf-8")
    os.chmod(draft, 0o644)
    os.replace(draft, path)


def _write_private(directory: Path, private_key: Ed25519PrivateKey) -> str:
    key_id = public_key_multibase(private_key.public_key())
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(
        directory / f"{key_id}{PRIVATE_SUFFIX}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600
    )
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    _write_public(directory, PublicKeyRecord(key_id, private_key.public_key(), datetime.now(UTC)))
    return key_id


class MissingKey(RuntimeError):
    """The key directory names a current key whose private key file is missing."""


def current_key_id(directory: Path) -> str | None:
    """The id of the key that signs now, or None when the directory holds none yet."""
    try:
        return (directory / CURRENT_FILE).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def ensure_key(directory: Path) -> str:
    """The current key's id, generating the first key if the directory holds none (safe when
    several processes start at once: one key wins, the others' drafts are removed)."""
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    existing = current_key_id(directory)
    if existing:
        return existing
    private = Ed25519PrivateKey.generate()
    key_id = _write_private(directory, private)
    draft = directory / f".current.{os.getpid()}.{secrets.token_hex(4)}"
    draft.write_text(key_id + "\n", encoding="utf-8")
    try:
        os.link(draft, directory / CURRENT_FILE)  # fails if another process linked first
    except FileExistsError:
        (directory / f"{key_id}{PRIVATE_SUFFIX}").unlink(missing_ok=True)
        (directory / f"{key_id}{PUBLIC_SUFFIX}").unlink(missing_ok=True)
    finally:
        draft.unlink()
    return current_key_id(directory) or key_id


def load_signer(directory: Path) -> Signer:
    """The signer of the directory's current key (created first if absent)."""
    key_id = ensure_key(directory)
    path = directory / f"{key_id}{PRIVATE_SUFFIX}"
    if not path.exists():
        raise MissingKey(
            f"the current signing key {key_id} has no private key file {path}: restore it "
            "from the backup, or make a new key with `lifelong certificates rotate-key` "
            "(docs/certificates.md)"
        )
    pem = path.read_bytes()
    private = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"{key_id}{PRIVATE_SUFFIX} is not an Ed25519 key")
    return Signer(private)


def rotate_key(directory: Path, keep_old_private: bool = False) -> tuple[str | None, str]:
    """Make a new current key; the old key is marked retired (its public key is kept so what it
    signed stays verifiable) and its private key removed unless asked to keep it. Returns
    (old id, new id)."""
    old = current_key_id(directory)
    directory.mkdir(parents=True, exist_ok=True)
    new = _write_private(directory, Ed25519PrivateKey.generate())
    draft = directory / f".current.{secrets.token_hex(4)}"
    draft.write_text(new + "\n", encoding="utf-8")
    os.replace(draft, directory / CURRENT_FILE)
    if old:
        public = directory / f"{old}{PUBLIC_SUFFIX}"
        if public.exists():
            record = _read_public(public)
            _write_public(
                directory,
                PublicKeyRecord(
                    record.key_id, record.public_key, record.created, datetime.now(UTC)
                ),
            )
        if not keep_old_private:
            (directory / f"{old}{PRIVATE_SUFFIX}").unlink(missing_ok=True)
    return old, new


def public_keys(directory: Path) -> list[PublicKeyRecord]:
    """Every public key of the directory, current and retired, oldest first."""
    if not directory.is_dir():
        return []
    records = [_read_public(path) for path in directory.glob(f"*{PUBLIC_SUFFIX}")]
    epoch = datetime.min.replace(tzinfo=UTC)
    # Stamps are to the second: a key made and rotated within one second ties with its
    # successor, and a retired key is the older of the two.
    return sorted(records, key=lambda r: (r.created or epoch, r.retired is None, r.key_id))


def keys_from_json(data: Any) -> list[PublicKeyRecord]:
    """Trusted keys from a published issuer document or keys file: an object with
    "verificationMethod" (or "keys"), or a list of Multikey entries; ValueError otherwise."""
    entries = data
    if isinstance(data, Mapping):
        entries = data.get("verificationMethod", data.get("keys"))
    if not isinstance(entries, list):
        raise ValueError("no list of keys (verificationMethod) in the keys file")
    records = []
    for entry in entries:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("publicKeyMultibase"), str):
            raise ValueError("a key without publicKeyMultibase")
        key_id = entry["publicKeyMultibase"]
        records.append(
            PublicKeyRecord(
                key_id,
                public_key_from_multibase(key_id),
                parse_datetime(entry.get("created")),
                parse_datetime(entry.get("retired")),
            )
        )
    return records


# -- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The outcome of verifying a credential: ok, or the first reason it failed."""

    ok: bool
    reason: str
    key_id: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    code: str = "ok"

    def __bool__(self) -> bool:
        return self.ok


def _fail(code: str, reason: str, **more: Any) -> Verdict:
    return Verdict(False, reason, code=code, **more)


def verify_document(
    document: Any,
    trusted_keys: Iterable[PublicKeyRecord] | Mapping[str, Ed25519PublicKey],
    now: datetime | None = None,
) -> Verdict:
    """Check a signed credential offline: its eddsa-jcs-2022 proof, that the signing key is
    trusted (and the proof was made before the key retired), and the validity dates."""
    if isinstance(trusted_keys, Mapping):
        trusted = {k: PublicKeyRecord(k, v) for k, v in trusted_keys.items()}
    else:
        trusted = {record.key_id: record for record in trusted_keys}
    if not isinstance(document, Mapping):
        return _fail("malformed", "the file is not a JSON object")
    proof = document.get("proof")
    if not isinstance(proof, Mapping):
        return _fail("no_proof", "the credential carries no proof")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return _fail("unsupported", f"the proof is not a {PROOF_TYPE} with {CRYPTOSUITE}")
    if proof.get("proofPurpose") != "assertionMethod":
        return _fail("unsupported", "the proof's purpose is not assertionMethod")
    key_id = key_id_of_method(str(proof.get("verificationMethod", "")))
    if key_id is None:
        return _fail("unknown_key", "the proof names no did:key verification method")
    created = parse_datetime(proof.get("created"))
    if created is None:
        return _fail("malformed", "the proof has no valid creation time", key_id=key_id)
    record = trusted.get(key_id)
    if record is None:
        return _fail(
            "untrusted_key", f"the signing key {key_id} is not a trusted key", key_id=key_id
        )
    value = proof.get("proofValue")
    try:
        if not isinstance(value, str) or not value.startswith("z"):
            raise ValueError
        signature = base58btc_decode(value[1:])
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        if "@context" in options:
            if options["@context"] != unsecured.get("@context"):
                raise InvalidSignature
            options.pop("@context")
        record.public_key.verify(signature, _hash_data(unsecured, options))
    except (ValueError, InvalidSignature):
        return _fail("bad_signature", "the signature does not match the content", key_id=key_id)
    if record.retired and created > record.retired:
        return _fail("retired_key", "the proof was made after its key was retired", key_id=key_id)
    valid_from = parse_datetime(document.get("validFrom"))
    valid_until = parse_datetime(document.get("validUntil")) if "validUntil" in document else None
    moment = now or datetime.now(UTC)
    dates = {"key_id": key_id, "valid_from": valid_from, "valid_until": valid_until}
    if valid_from is None:
        return _fail("malformed", "the credential has no valid validFrom date", **dates)
    if "validUntil" in document and valid_until is None:
        return _fail("malformed", "the credential's validUntil is not a date", **dates)
    if valid_from > moment:
        return _fail("not_yet_valid", "the credential is not valid yet", **dates)
    if valid_until is not None and valid_until < moment:
        return _fail("expired", "the credential has expired", **dates)
    return Verdict(True, "the signature is valid and the signing key is trusted", **dates)
