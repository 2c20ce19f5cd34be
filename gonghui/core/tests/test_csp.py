"""Content-Security-Policy (issue 12, defect 11): the header on every kind of page, scripts only
from our own files, and no template that would need an inline script."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from gonghui.core.csp import origin
from gonghui.people.tests.factories import console_login, make_staff

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    out = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def assert_strict(response):
    p = policy(response)
    assert p["script-src"] == ["'self'"]  # no inline script, no eval, no CDN
    assert p["default-src"] == ["'self'"] and p["object-src"] == ["'none'"]
    assert p["frame-ancestors"] == ["'none'"] and p["base-uri"] == ["'self'"]
    assert p["form-action"] == ["'self'"]
    return p


@pytest.mark.parametrize(
    "path",
    [
        "/",  # worker app home
        "/h5/appeals/new/",  # worker form
        "/stations/",  # the finder
        "/partners/",  # public page
        "/honors/",  # public honour roll
        "/login/",  # worker SMS login
        "/sw.js",  # service worker script
        "/manifest.webmanifest",
        "/console/login/",
        "/admin/login/",
        "/api/v1/hotline/categories",  # API JSON
        "/api/v1/nope",  # API error
        "/healthz",
        "/no-such-page/",  # 404
    ],
)
def test_every_anonymous_page_kind_has_the_policy(client, orgs, path):
    assert_strict(client.get(path))


def test_console_pages_and_htmx_fragments_have_the_policy(client, orgs):
    staff = make_staff("csp_cy", orgs["BJ-CY"], "case_handler")
    console_login(client, staff)
    for path in ("/console/", "/console/workers/", "/console/hotline/", "/console/orgs/"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert_strict(r)
    r = client.post("/console/workers/", {"q": "张"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and assert_strict(r)
    assert_strict(client.get("/api/v1/workers", HTTP_AUTHORIZATION="Bearer wrong"))


def test_only_the_finder_allows_the_map_tile_origin(client, orgs, settings):
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    finder = assert_strict(client.get("/stations/"))
    assert "https://*.tiles.example.org" in finder["img-src"]
    other = assert_strict(client.get("/partners/"))
    assert other["img-src"] == ["'self'", "data:", "blob:"]


def test_tile_origin_from_url_templates():
    assert origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://tile.openstreetmap.org"
    )
    assert origin("http://127.0.0.1:8080/{z}/{x}/{y}.png") == "http://127.0.0.1:8080"
    assert origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert origin("/tiles/{z}/{x}/{y}.png") == ""  # same origin: 'self' covers it


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER_ATTR = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_no_template_has_an_inline_script_or_event_handler():
    """Under ``script-src 'self'`` an inline script or ``onclick=`` would silently not run."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER_ATTR, re.compile(r"javascript:", re.I)):
            for m in pattern.finditer(text):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {m.group(0)[:60]}")
    assert offenders == []
