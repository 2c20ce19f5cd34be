"""The annual report's files: .docx re-opened with python-docx (and, when LibreOffice is on
the machine, converted headless), PDF with the built-in CID font, standalone HTML."""

import io
import shutil
import subprocess
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn

from gonghui.reports.annual import AnnualReport, Figure, sentences, title
from gonghui.reports.annual_render import render, render_docx, render_html, render_pdf

from .test_annual_text import BJ_2022

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(orgs):
    figures = [
        Figure("stations_opened_warm", "新建户外劳动者暖心驿站", "家", "count", 1013, "1013家"),
        Figure("service_person_times", "服务职工", "人次", "count", 5_811_400, "581.14万人次"),
        Figure("aid_raised_warmth", "筹集送温暖款物", "元", "money", 225_000_000, "2.25亿元"),
        Figure("honors_awarded", "表彰先进", "人/集体", "count", None, ""),
    ]
    bj = orgs["BJ"]
    return AnnualReport(
        org=bj, year=2022, title=title(bj, 2022), figures=figures, sentences=sentences(BJ_2022)
    )


def test_docx_reopens_with_the_text_and_the_east_asian_font(report):
    data = render_docx(report)
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "北京市总工会2022年职工服务工作年报" in text
    assert "服务职工581.14万人次" in text and "筹集送温暖款物2.25亿元" in text
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert cells[:2] == ["指标", "数值"] and "2.25亿元" in cells
    assert "表彰先进" not in cells  # no value, no row
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        styles = z.read("word/styles.xml").decode()
        fonts = z.read("word/fontTable.xml").decode()
    assert 'w:eastAsia="仿宋"' in styles and 'w:eastAsia="zh-CN"' in styles
    assert 'w:lang w:val="en-US" w:eastAsia="en-US"' not in styles
    normal_fonts = doc.styles["Normal"].element.rPr.rFonts
    assert normal_fonts.get(qn("w:eastAsia")) == "仿宋"
    assert normal_fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would win
    assert 'w:name="仿宋"' in fonts and 'w:charset w:val="86"' in fonts


@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
def test_docx_converts_in_libreoffice(report, tmp_path):
    src = tmp_path / "r.docx"
    src.write_bytes(render_docx(report))
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "txt:Text", "--outdir", str(tmp_path), src],
        check=True,
        timeout=120,
        capture_output=True,
    )
    assert "581.14万人次" in (tmp_path / "r.txt").read_text(encoding="utf-8-sig")


def test_pdf_uses_the_builtin_cid_font(report):
    data = render_pdf(report)
    assert data.startswith(b"%PDF")
    assert b"STSong-Light" in data
    assert b"/FontFile" not in data  # referenced, not embedded: the reader supplies it


def test_html_is_a_standalone_page(report):
    html = render_html(report).decode()
    assert html.startswith("<!doctype html>") and 'lang="zh-CN"' in html
    assert "2022年，北京市总工会全年新建户外劳动者暖心驿站1013家" in html
    assert 'data-code="honors_awarded"' not in html


def test_render_by_format(report):
    assert render(report, "pdf").startswith(b"%PDF")
    assert render(report, "docx")[:2] == b"PK"
