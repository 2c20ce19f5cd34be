"""The worker page renders sections other apps register (people imports none of them)."""

import pytest
from django.utils.html import format_html

from gonghui.people import profile
from gonghui.people.tests.factories import make_staff


@pytest.fixture
def extra_section():
    def section(request, worker):
        return format_html('<div id="extra">{}：{}</div>', "测试栏目", worker.name)

    def empty(request, worker):
        return ""

    def unsafe(request, worker):
        return "<script>bad()</script>"

    saved = list(profile._SECTIONS)
    profile.register_section(section)
    profile.register_section(section)  # registering twice adds it once
    profile.register_section(empty)
    profile.register_section(unsafe)
    yield section
    profile._SECTIONS[:] = saved


@pytest.mark.django_db
def test_worker_page_renders_registered_sections(client, orgs, cy_worker, extra_section):
    client.force_login(make_staff("cy_sw", orgs["BJ-CY"], "social_worker"))
    html = client.get(f"/console/workers/{cy_worker.pk}/").content.decode()
    assert html.count('<div id="extra">测试栏目：王朝阳</div>') == 1
    assert "<script>bad()</script>" not in html and "&lt;script&gt;bad()" in html


def test_people_does_not_import_other_apps():
    import ast
    import pathlib

    source = pathlib.Path(profile.__file__).read_text()
    imported = {
        node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)
    }
    assert not {m for m in imported if m and m.startswith("gonghui.")}
