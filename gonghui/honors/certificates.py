"""奖状 (certificate) PDF per awardee, drawn with reportlab.

Chinese text uses the Adobe CID font ``STSong-Light`` built into reportlab (D11): PDF readers
supply the glyphs, so a fresh server needs no font files.
"""

import io

from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
RED = HexColor("#b3121b")


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break Chinese text into lines no wider than ``width`` (character by character)."""
    lines, line = [], ""
    for char in text:
        if pdfmetrics.stringWidth(line + char, font, size) > width:
            lines.append(line)
            line = char
        else:
            line += char
    return [*lines, line] if line else lines


def certificate_pdf(nomination) -> bytes:
    """One A4-landscape page: title, awardee, honour, organiser, date and certificate number."""
    font, program = _font(), nomination.program
    width, height = landscape(A4)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(width, height))
    pdf.setTitle(f"{_('荣誉证书')} {nomination.certificate_no}")
    pdf.setStrokeColor(RED)
    pdf.setLineWidth(6)
    pdf.rect(28, 28, width - 56, height - 56)
    pdf.setLineWidth(1.5)
    pdf.rect(40, 40, width - 80, height - 80)
    pdf.setFillColor(RED)
    pdf.setFont(font, 48)
    pdf.drawCentredString(width / 2, height - 130, _("荣誉证书"))
    pdf.setFillColor(HexColor("#000000"))
    salutation = (
        _("%s同志：") % nomination.nominee_name
        if nomination.worker_id
        else f"{nomination.nominee_name}："
    )
    pdf.setFont(font, 24)
    pdf.drawString(110, height - 210, salutation)
    body = _("在%(year)s年度评选表彰中，被评为“%(title)s”。特发此证，以资鼓励。") % {
        "year": program.year,
        "title": program.title,
    }
    y = height - 260
    pdf.setFont(font, 22)
    for line in _wrap("　　" + body, font, 22, width - 220):
        pdf.drawString(110, y, line)
        y -= 36
    pdf.setFont(font, 20)
    pdf.drawRightString(width - 110, 150, program.organiser.name)
    day = nomination.awarded_on
    if day:
        pdf.drawRightString(width - 110, 118, f"{day.year}年{day.month}月{day.day}日")
    pdf.setFont(font, 11)
    pdf.drawString(70, 62, _("证书编号：%s") % nomination.certificate_no)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
