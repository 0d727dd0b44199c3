"""The learner's official credit transcript: a PDF (reportlab, the built-in CID font
STSong-Light for Chinese) and a W3C Verifiable Credential document of the same figures, which
the site signs with its certificate key (records/signing.py).

The words are handed in by the caller (the site translates them), so this module needs no
translation machinery."""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from catalogue.models.awards import OutcomeType
from records.credits import Account

CJK_FONT = "STSong-Light"


@dataclass(frozen=True)
class TranscriptWords:
    """The transcript's words in the reader's language."""

    title: str
    holder: str
    issued: str
    balances: str
    total: str
    entries: str
    columns: tuple[str, str, str, str, str, str]  # no., date, kind, outcome, source, credits
    kinds: Mapping[str, str]
    outcome_types: Mapping[str, str]
    empty: str
    footer: str


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def transcript_pdf(
    account: Account, holder_name: str, issued_at: datetime, words: TranscriptWords
) -> bytes:
    """The transcript as PDF bytes: balances by outcome type, then every entry with its source."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)
    heading = ParagraphStyle("heading", parent=body, fontSize=18, leading=24, spaceAfter=6)
    sub = ParagraphStyle("sub", parent=body, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)

    def para(text: Any, style: ParagraphStyle = body) -> Paragraph:
        escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(escaped, style)

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=words.title,
        author=words.title,
    )
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    story: list[Any] = [
        para(words.title, heading),
        para(f"{words.holder}: {holder_name}"),
        para(f"{words.issued}: {issued_at.strftime('%Y-%m-%d %H:%M UTC')}"),
        Spacer(1, 4 * mm),
        para(words.balances, sub),
    ]
    rows = [
        [para(words.outcome_types.get(t.value, t.value)), para(str(v))]
        for t, v in account.balances.items()
    ]
    rows.append([para(words.total), para(str(account.total))])
    table = Table(rows, colWidths=[90 * mm, 40 * mm])
    table.setStyle(
        TableStyle(
            [("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]
        )
    )
    story += [table, Spacer(1, 4 * mm), para(words.entries, sub)]
    if account.entries:
        rows = [[para(c, small) for c in words.columns]]
        for entry in account.entries:
            source = entry.title
            if entry.provider_name:
                source += f" — {entry.provider_name}"
            if entry.rule:
                source += f" ({entry.rule})"
            rows.append(
                [
                    para(entry.seq, small),
                    para(entry.created_at.strftime("%Y-%m-%d"), small),
                    para(words.kinds.get(entry.kind.value, entry.kind.value), small),
                    para(words.outcome_types.get(entry.outcome_type.value, ""), small),
                    para(source, small),
                    para(entry.credits, small),
                ]
            )
        widths = [10 * mm, 22 * mm, 22 * mm, 24 * mm, 78 * mm, 18 * mm]
        entries = Table(rows, colWidths=widths, repeatRows=1)
        entries.setStyle(grid)
        story.append(entries)
    else:
        story.append(para(words.empty))
    story += [Spacer(1, 6 * mm), para(words.footer, small)]
    doc.build(story)
    return out.getvalue()


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def transcript_document(
    account: Account,
    holder_name: str,
    user_id: int,
    issued_at: datetime,
    issuer_url: str,
    issuer_name: str,
) -> dict[str, Any]:
    """The transcript as an unsigned W3C Verifiable Credential (credits as decimal strings,
    each entry with its ledger hash so it can be matched against the ledger)."""
    stamp = issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "CreditTranscript"],
        "issuer": {"id": issuer_url, "name": issuer_name},
        "validFrom": stamp,
        "name": "Credit bank transcript",
        "credentialSubject": {
            "id": f"{issuer_url}/users/{user_id}",
            "name": holder_name,
            "totalCredits": _amount(account.total),
            "balances": {
                t.value: _amount(account.balances.get(t, Decimal(0))) for t in OutcomeType
            },
            "entries": [
                {
                    "seq": e.seq,
                    "kind": e.kind.value,
                    "credits": _amount(e.credits),
                    "outcomeType": e.outcome_type.value,
                    "title": e.title,
                    "provider": e.provider_name,
                    "rule": e.rule,
                    "recordedAt": e.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "ledgerHash": e.entry_hash,
                }
                for e in account.entries
            ],
        },
    }
