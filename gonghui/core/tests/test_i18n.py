"""English is really available: the compiled ``en`` catalogue is used for pages and API errors."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

EN_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


@pytest.fixture(autouse=True)
def _restore_language():
    # LocaleMiddleware activates the request's language in this thread and nothing undoes it;
    # don't let "en" leak into later tests that translate outside a request.
    previous = translation.get_language()
    yield
    translation.activate(previous)


@pytest.mark.django_db
def test_console_login_in_english(client):
    r = client.get("/console/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    assert r["Content-Language"] == "en"
    html = r.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Staff login</h1>" in html
    assert '<button type="submit">Log in</button>' in html
    assert "Username" in html
    assert "工作人员登录" not in html
    assert "用户名" not in html


@pytest.mark.django_db
def test_console_login_in_chinese(client):
    r = client.get("/console/login/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<h1>工作人员登录</h1>" in html
    assert "Staff login" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "detail"),
    [("en", "Incorrect username or password"), ("zh-hans", "用户名或密码错误")],
)
def test_api_error_follows_accept_language(client, accept_language, detail):
    r = client.post(
        "/api/v1/auth/token",
        {"username": "nobody-at-all", "password": "wrong-password"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=accept_language,
    )
    assert r.status_code == 401
    assert r.json()["detail"] == detail


def _unescape(s: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), s)


def _po_entries(path: Path) -> list[tuple[str, str, bool, str]]:
    """``(msgid, msgstr, fuzzy, msgctxt)`` for each entry of a .po file without plurals."""
    entries, current, fuzzy, key = [], {}, False, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if "msgid" in current:
                entries.append(
                    (current["msgid"], current.get("msgstr", ""), fuzzy, current.get("msgctxt", ""))
                )
            current, fuzzy, key = {}, False, None
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue
        else:
            m = re.match(r'^(msgid|msgstr|msgid_plural|msgctxt|msgstr\[\d+\])?\s*"(.*)"$', line)
            assert m, f"unparsed .po line: {line!r}"
            key = m.group(1) or key
            current[key] = current.get(key, "") + _unescape(m.group(2))
    return entries


def test_en_catalogue_is_complete_and_compiled():
    entries = [e for e in _po_entries(EN_DIR / "django.po") if e[0]]
    assert entries
    assert [e[0] for e in entries if e[2]] == []
    assert [e[0] for e in entries if not e[1]] == []
    # The committed .mo must match the .po: deployments do not run compilemessages.
    with (EN_DIR / "django.mo").open("rb") as f:
        mo = gettext.GNUTranslations(f)
    stale = [
        (ctx, msgid)
        for msgid, msgstr, _fuzzy, ctx in entries
        if (mo.pgettext(ctx, msgid) if ctx else mo.gettext(msgid)) != msgstr
    ]
    assert stale == [], "run: manage.py compilemessages -l en"


def test_unit_of_measure_and_organisation_are_translated_apart():
    """单位 is a unit of measure in plans and partners and an organisation in the dashboards
    and honours quotas: one word in Chinese, two in English (pgettext contexts)."""
    with translation.override("en"):
        assert translation.pgettext("measure", "单位") == "Unit"
        assert translation.pgettext("organisation", "单位") == "Organization"
