"""A certificate as a printable PDF (A4 landscape): Chinese text in reportlab's built-in CID font
STSong-Light (no font file needed), the code, and a QR code to the public verification page."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from records.models.certificates import Certificate, CertificateKind

CHINESE_FONT = "STSong-Light"
LATIN_FONT = "Helvetica"
CODE_FONT = "Courier-Bold"
QR_SIZE = 42 * mm
DISPLAY_ZONE = ZoneInfo("Asia/Shanghai")


def _fonts() -> None:
    if CHINESE_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CHINESE_FONT))


def qr_drawing(url: str, size: float = QR_SIZE) -> Drawing:
    """A QR code of the URL as a drawing `size` points square (error correction M)."""
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> float:
    """The largest font size up to `size` at which the text fits the width."""
    while size > 8 and canvas.stringWidth(text, font, size) > width:
        size -= 1
    return size


def _chinese_date(moment: datetime) -> str:
    day = moment.astimezone(DISPLAY_ZONE)
    return f"{day.year}年{day.month}月{day.day}日"


def render_pdf(certificate: Certificate, verify_url: str, display_code: str) -> bytes:
    """The certificate as PDF bytes; a revoked certificate says so across the page."""
    _fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setTitle(f"{certificate.title_zh} · {display_code}")
    canvas.setAuthor("终身学习平台 Lifelong Learning")
    canvas.setSubject(verify_url)
    inner = width - 60 * mm

    canvas.setStrokeColor(colors.HexColor("#8a6d1f"))
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)

    course = certificate.kind == CertificateKind.COURSE
    title = "结业证书" if course else "参与证书"
    subtitle = "Certificate of Completion" if course else "Certificate of Participation"
    canvas.setFillColor(colors.HexColor("#1d2b4f"))
    canvas.setFont(CHINESE_FONT, 34)
    canvas.drawCentredString(width / 2, height - 45 * mm, title)
    canvas.setFont(LATIN_FONT, 14)
    canvas.drawCentredString(width / 2, height - 54 * mm, subtitle)

    canvas.setFillColor(colors.black)
    canvas.setFont(CHINESE_FONT, 14)
    canvas.drawCentredString(width / 2, height - 72 * mm, "兹证明 This certifies that")
    size = _fit(canvas, certificate.holder_name, CHINESE_FONT, 30, inner)
    canvas.setFont(CHINESE_FONT, size)
    canvas.drawCentredString(width / 2, height - 88 * mm, certificate.holder_name)
    canvas.setFont(CHINESE_FONT, 14)
    done = "完成了课程 has completed the course" if course else "参加了专题活动 took part in"
    canvas.drawCentredString(width / 2, height - 102 * mm, done)
    size = _fit(canvas, certificate.title_zh, CHINESE_FONT, 24, inner)
    canvas.setFont(CHINESE_FONT, size)
    canvas.drawCentredString(width / 2, height - 116 * mm, certificate.title_zh)
    if certificate.title_en and certificate.title_en != certificate.title_zh:
        size = _fit(canvas, certificate.title_en, LATIN_FONT, 14, inner)
        canvas.setFont(LATIN_FONT, size)
        canvas.drawCentredString(width / 2, height - 125 * mm, certificate.title_en)

    left = 30 * mm
    canvas.setFont(CHINESE_FONT, 12)
    line = 50 * mm
    if certificate.provider_name:
        canvas.drawString(left, line, f"开课机构 Provider: {certificate.provider_name}")
    issued = certificate.issued_at
    canvas.drawString(
        left, line - 8 * mm, f"颁发日期 Issued: {_chinese_date(issued)} ({issued:%Y-%m-%d})"
    )
    canvas.drawString(left, line - 16 * mm, "证书编号 Code:")
    canvas.setFont(CODE_FONT, 14)
    canvas.drawString(left + 32 * mm, line - 16 * mm, display_code)
    canvas.setFont(CHINESE_FONT, 10)
    canvas.drawString(left, line - 24 * mm, "扫码或访问以下网址验证 Scan or visit to verify:")
    canvas.setFont(LATIN_FONT, 10)
    canvas.drawString(left, line - 30 * mm, verify_url)

    renderPDF.draw(qr_drawing(verify_url), canvas, width - 30 * mm - QR_SIZE, 22 * mm)

    if certificate.revoked_at is not None:
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.8, 0, 0, alpha=0.35))
        canvas.translate(width / 2, height / 2)
        canvas.rotate(20)
        canvas.setFont(CHINESE_FONT, 60)
        canvas.drawCentredString(0, 0, "已撤销 REVOKED")
        canvas.restoreState()

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
