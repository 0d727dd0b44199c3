"""Signing credentials: RFC 8785 canonicalisation, eddsa-jcs-2022 proofs, tampering, keys."""

from __future__ import annotations

import copy
import json
import multiprocessing
import os
import stat
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from records import signing
from records.signing import (
    CanonicalizationError,
    MissingKey,
    Signer,
    canonicalize,
    keys_from_json,
    load_signer,
    public_keys,
    rotate_key,
    verify_document,
)


def _double(bits: str) -> float:
    return struct.unpack(">d", bytes.fromhex(bits))[0]


# RFC 8785 appendix B: IEEE 754 bits and their canonical text.
@pytest.mark.parametrize(
    ("bits", "text"),
    [
        ("0000000000000000", "0"),
        ("8000000000000000", "0"),
        ("0000000000000001", "5e-324"),
        ("8000000000000001", "-5e-324"),
        ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("ffefffffffffffff", "-1.7976931348623157e+308"),
        ("4340000000000000", "9007199254740992"),
        ("c340000000000000", "-9007199254740992"),
        ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"),
        ("44b52d02c7e14af6", "1e+23"),
        ("44b52d02c7e14af7", "1.0000000000000001e+23"),
        ("444b1ae4d6e2ef4e", "999999999999999700000"),
        ("444b1ae4d6e2ef4f", "999999999999999900000"),
        ("444b1ae4d6e2ef50", "1e+21"),
        ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
        ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("41b3de4355555553", "333333333.3333332"),
        ("41b3de4355555554", "333333333.33333325"),
        ("41b3de4355555555", "333333333.3333333"),
        ("41b3de4355555556", "333333333.3333334"),
        ("41b3de4355555557", "333333333.33333343"),
        ("becbf647612f3696", "-0.0000033333333333333333"),
        ("43143ff3c1cb0959", "1424953923781206.2"),
    ],
)
def test_jcs_numbers_follow_rfc8785(bits, text):
    assert canonicalize(_double(bits)) == text.encode()


def test_jcs_rfc8785_example_and_sorting():
    given = json.loads(
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    assert (
        canonicalize(given)
        == (
            '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
            '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
        ).encode()
    )
    keys = json.loads(
        '{"\\u20ac": 1, "\\r": 2, "\\ufb33": 3, "1": 4, "\\ud83d\\ude00": 5, "\\u0080": 6,'
        ' "\\u00f6": 7}'
    )
    # UTF-16 code unit order: the emoji (a surrogate pair) sorts before U+FB33.
    assert canonicalize(keys).decode() == (
        '{"\\r":2,"1":4,"\u0080":6,"\u00f6":7,"\u20ac":1,"\U0001f600":5,"\ufb33":3}'
    )


def test_jcs_chinese_text_and_numbers():
    value = {
        "课程": "老年人智能手机入门",
        "学分": 1.5,
        "学时": 12,
        "a": -0.0,
        "说明": "第1讲\n完成",
    }
    assert canonicalize(value).decode("utf-8") == (
        '{"a":0,"学分":1.5,"学时":12,"说明":"第1讲\\n完成","课程":"老年人智能手机入门"}'
    )


@pytest.mark.parametrize(
    "bad", [float("nan"), float("inf"), 2**53, {1: "x"}, {"a": "\ud800"}, b"bytes", {1, 2}]
)
def test_jcs_refuses_what_has_no_canonical_form(bad):
    with pytest.raises(CanonicalizationError):
        canonicalize(bad)


def test_interop_vector_from_the_eddsa_jcs_2022_suite_verifies():
    """Digital Bazaar's published eddsa-jcs-2022 vector (a proof with its own @context)."""
    key = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    context = [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ]
    document = {
        "@context": context,
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "name": "Alumni Credential",
        "description": "A minimum viable example of an Alumni Credential.",
        "issuer": f"did:key:{key}",
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
        "proof": {
            "type": "DataIntegrityProof",
            "created": "2023-02-24T23:36:38Z",
            "verificationMethod": f"did:key:{key}#{key}",
            "cryptosuite": "eddsa-jcs-2022",
            "proofPurpose": "assertionMethod",
            "@context": context,
            "proofValue": "z5EhYRJkfPLkoT92FPXN8KK6M9rsBhq3xs19GBSsA6VdNYH4QMKSyNuA2Gfznz9Qth"
            "VD7Rz3HTAfqxxay23htUpTg",
        },
    }
    trusted = {key: signing.public_key_from_multibase(key)}
    assert verify_document(document, trusted).ok
    document["credentialSubject"]["alumniOf"] = "The School of Samples"
    assert verify_document(document, trusted).code == "bad_signature"


def _credential() -> dict:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "https://example.org/verify/abc",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": "https://example.org/certificates/issuer",
            "type": ["Profile"],
            "name": "站",
        },
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "智能手机入门",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "creditsEarned": 1.5,
            "achievement": {
                "id": "https://example.org/courses/1",
                "type": ["Achievement"],
                "name": "课",
            },
        },
    }


def test_round_trip_and_every_field_tampered_fails():
    signer = Signer(Ed25519PrivateKey.generate())
    signed = signer.sign(_credential())
    trusted = {signer.key_id: signer.public_key}
    verdict = verify_document(signed, trusted)
    assert verdict.ok, verdict.reason
    assert verdict.key_id == signer.key_id
    # Survives a trip through JSON text with other spacing and key order.
    assert verify_document(json.loads(json.dumps(signed, indent=3, sort_keys=True)), trusted).ok

    def paths(value, prefix=()):
        if isinstance(value, dict):
            for key, item in value.items():
                yield from paths(item, (*prefix, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from paths(item, (*prefix, index))
        else:
            yield prefix

    leaves = list(paths(signed))
    assert len(leaves) > 15
    for path in leaves:
        changed = copy.deepcopy(signed)
        holder = changed
        for step in path[:-1]:
            holder = holder[step]
        old = holder[path[-1]]
        holder[path[-1]] = old + 1 if isinstance(old, (int, float)) else str(old) + "x"
        assert not verify_document(changed, trusted).ok, path
    added = copy.deepcopy(signed)
    added["credentialSubject"]["extra"] = "x"
    assert verify_document(added, trusted).code == "bad_signature"


def test_untrusted_key_dates_and_malformed_documents():
    signer = Signer(Ed25519PrivateKey.generate())
    other = Signer(Ed25519PrivateKey.generate())
    signed = signer.sign(_credential())
    assert verify_document(signed, {other.key_id: other.public_key}).code == "untrusted_key"
    future = signer.sign({**_credential(), "validFrom": "2999-01-01T00:00:00Z"})
    assert verify_document(future, {signer.key_id: signer.public_key}).code == "not_yet_valid"
    expired = signer.sign({**_credential(), "validUntil": "2027-01-01T00:00:00Z"})
    trusted = {signer.key_id: signer.public_key}
    assert verify_document(expired, trusted, now=datetime(2026, 6, 1, tzinfo=UTC)).ok
    assert verify_document(expired, trusted, now=datetime(2028, 1, 1, tzinfo=UTC)).code == "expired"
    for bad in (
        [],
        "x",
        {},
        {"proof": "x"},
        {**signed, "proof": {**signed["proof"], "proofValue": "x"}},
    ):
        assert not verify_document(bad, trusted).ok
    # A proof from another key dressed in this key's name fails the signature.
    forged = other.sign(_credential())
    forged["proof"]["verificationMethod"] = signer.verification_method
    assert verify_document(forged, trusted).code == "bad_signature"


def test_keys_created_private_rotated_and_old_keys_still_verify(tmp_path):
    keys = tmp_path / "keys"
    first = load_signer(keys)
    assert load_signer(keys).key_id == first.key_id  # created once
    private = keys / f"{first.key_id}.key"
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(keys).st_mode) == 0o700
    old_credential = first.sign(_credential())

    old, new = rotate_key(keys)
    assert old == first.key_id and new != old
    assert not private.exists()  # the retired private key is gone
    second = load_signer(keys)
    assert second.key_id == new
    records = public_keys(keys)
    assert [r.key_id for r in records] == [old, new]
    assert records[0].retired is not None and records[1].retired is None
    assert verify_document(old_credential, records).ok  # signed before retirement
    assert verify_document(second.sign(_credential()), records).ok
    # A retired key's proof dated after its retirement is refused.
    late = first.sign(_credential(), created=datetime.now(UTC) + timedelta(days=1))
    assert verify_document(late, records).code == "retired_key"
    published = {"verificationMethod": [r.as_json() for r in records]}
    assert [r.key_id for r in keys_from_json(json.loads(json.dumps(published)))] == [old, new]
    with pytest.raises(ValueError):
        keys_from_json({"verificationMethod": [{"publicKeyMultibase": "zabc"}]})


def _start_key(directory: str) -> str:
    return load_signer(Path(directory)).key_id


def test_processes_starting_at_once_agree_on_one_key(tmp_path):
    keys = tmp_path / "keys"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        ids = pool.map(_start_key, [str(keys)] * 8)
    assert len(set(ids)) == 1
    assert [p.name for p in keys.glob("*.key")] == [f"{ids[0]}.key"]
    assert len(list(keys.glob("*.pub.json"))) == 1


def test_a_missing_private_key_is_a_clear_error(tmp_path):
    keys = tmp_path / "keys"
    signer = load_signer(keys)
    (keys / f"{signer.key_id}.key").unlink()
    with pytest.raises(MissingKey, match="rotate-key"):
        load_signer(keys)
