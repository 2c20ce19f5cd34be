"""The annual report as HTML, Word (.docx) and PDF (docs/annual-report.md, D12).

- HTML: a standalone page from ``templates/reports/annual.html``.
- .docx (python-docx): body in 仿宋, title in 宋体, set through ``w:eastAsia`` with a GB2312
  charset entry in the font table, so Word and LibreOffice substitute a Chinese font when the
  named one is missing; the document language is zh-CN.
- PDF (reportlab): the built-in CID font ``STSong-Light`` (Adobe-GB1), which PDF readers supply
  themselves — no font file to ship, works on a fresh machine.
"""

import datetime
import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .annual import AnnualReport

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
FORMATS = tuple(CONTENT_TYPES)

BODY_FONT = "仿宋"  # FangSong
TITLE_FONT = "宋体"  # SimSun
LATIN_FONT = "Times New Roman"
# name → (altName, PANOSE, pitch): the font-table entries that make substitution work.
FONT_TABLE = {
    "仿宋": ("FangSong", "02010609060101010101", "fixed"),
    "宋体": ("SimSun", "02010600030101010101", "variable"),
}


def filename(report: AnnualReport, fmt: str) -> str:
    return f"annual-report-{report.org.code}-{report.year}.{fmt}"


def render(report: AnnualReport, fmt: str) -> bytes:
    return {"html": render_html, "docx": render_docx, "pdf": render_pdf}[fmt](report)


def generated_on() -> str:
    today = datetime.date.today()
    return _("%(y)s年%(m)s月%(d)s日") % {"y": today.year, "m": today.month, "d": today.day}


# --- HTML --------------------------------------------------------------------------------------


def render_html(report: AnnualReport) -> bytes:
    html = render_to_string(
        "reports/annual.html", {"report": report, "generated_on": generated_on()}
    )
    return html.encode("utf-8")


# --- Word --------------------------------------------------------------------------------------


def _east_asian(rpr, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set ascii/hAnsi to ``latin`` and eastAsia to ``east_asia`` on a ``w:rPr`` element."""
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    # theme fonts would win over named ones: drop them
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _font_table(document) -> None:
    """Declare the Chinese fonts with altName and charset 86 (GB2312) for substitution."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    part = next(
        (r.target_part for r in document.part.rels.values() if r.reltype == RT.FONT_TABLE), None
    )
    if part is None:  # pragma: no cover - python-docx's default template has one
        return
    root = parse_xml(part.blob)
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    for name, (alt, panose, pitch) in FONT_TABLE.items():
        if name in known:
            continue
        root.append(
            parse_xml(
                f'<w:font {ns} w:name="{name}"><w:altName w:val="{alt}"/>'
                f'<w:panose1 w:val="{panose}"/><w:charset w:val="86"/>'
                f'<w:family w:val="modern"/><w:pitch w:val="{pitch}"/></w:font>'
            )
        )
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _styles(document) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    rpr = rpr_default.find(qn("w:rPr")) if rpr_default is not None else None
    if rpr is not None:  # everything else (tables, footnotes) falls back to 宋体
        _east_asian(rpr, TITLE_FONT)
    normal = document.styles["Normal"]
    normal.font.size = Pt(16)  # 三号, the size of the federation's documents
    _east_asian(normal.element.get_or_add_rPr(), BODY_FONT)
    for holder in (rpr, normal.element.get_or_add_rPr()):
        if holder is None:
            continue
        lang = holder.find(qn("w:lang"))
        if lang is None:
            lang = holder.makeelement(qn("w:lang"), {})
            holder.append(lang)
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    for name in ("Title", "Heading 1"):
        style = document.styles[name]
        _east_asian(style.element.get_or_add_rPr(), TITLE_FONT)
        style.font.bold = True
        style.font.color.rgb = None


def render_docx(report: AnnualReport) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    _styles(document)
    _font_table(document)
    document.core_properties.title = report.title
    document.core_properties.language = "zh-CN"
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    title = document.add_paragraph(report.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in title.runs:
        run.font.size = Pt(22)  # 二号
    sub = document.add_paragraph(generated_on())
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_paragraph(_("一、年度综述"), style="Heading 1")
    body = document.add_paragraph(report.paragraph or _("本年度暂无可报告的数据。"))
    body.paragraph_format.first_line_indent = Pt(32)  # two characters
    body.paragraph_format.line_spacing = Pt(28)

    document.add_paragraph(_("二、主要数据"), style="Heading 1")
    rows = [f for f in report.figures if f.value is not None]
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    head = table.rows[0].cells
    head[0].text, head[1].text = _("指标"), _("数值")
    for f in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = f.name, f.text
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(12)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# --- PDF ---------------------------------------------------------------------------------------

PDF_FONT = "STSong-Light"


def render_pdf(report: AnnualReport) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    base = {"fontName": PDF_FONT, "wordWrap": "CJK"}
    title_style = ParagraphStyle("t", fontSize=20, leading=30, alignment=TA_CENTER, **base)
    sub_style = ParagraphStyle("s", fontSize=11, leading=16, alignment=TA_CENTER, **base)
    head_style = ParagraphStyle("h", fontSize=15, leading=24, spaceBefore=12, **base)
    body_style = ParagraphStyle("b", fontSize=13, leading=23, firstLineIndent=26, **base)
    cell_style = ParagraphStyle("c", fontSize=11, leading=15, **base)

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        title=report.title,
        author=report.org.name,
        leftMargin=2.6 * cm,
        rightMargin=2.6 * cm,
        topMargin=3 * cm,
        bottomMargin=3 * cm,
    )
    story = [
        Paragraph(escape(report.title), title_style),
        Paragraph(escape(generated_on()), sub_style),
        Spacer(1, 12),
        Paragraph(escape(_("一、年度综述")), head_style),
        Paragraph(escape(report.paragraph or _("本年度暂无可报告的数据。")), body_style),
        Paragraph(escape(_("二、主要数据")), head_style),
    ]
    data = [[Paragraph(escape(_("指标")), cell_style), Paragraph(escape(_("数值")), cell_style)]]
    data += [
        [Paragraph(escape(f.name), cell_style), Paragraph(escape(f.text), cell_style)]
        for f in report.figures
        if f.value is not None
    ]
    table = Table(data, colWidths=[10 * cm, 5.5 * cm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return buf.getvalue()
