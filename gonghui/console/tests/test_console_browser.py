"""Page tests of the staff console in real headless Chromium (Playwright, sync API).

Each test builds its own data with the ORM (demo org tree, two staff users, three workers)
against pytest-django's ``live_server``; the transactional flush wipes it afterwards. No test
reveals personal data: a reveal writes to the append-only audit table.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from gonghui.orgs.demo import load_orgs
from gonghui.people.demo import fake_id_number
from gonghui.people.services import create_worker
from gonghui.people.staff import create_or_update_staff

PASSWORD = "Gonghui@2026"

pytestmark = pytest.mark.browser


@pytest.fixture
def console_data(live_server):
    """Org tree, a 朝阳 and a 海淀 case handler, two 朝阳 workers and one 海淀 worker."""
    load_orgs()
    cy_handler = create_or_update_staff(
        username="cy_handler_t",
        password=PASSWORD,
        org_code="BJ-CY",
        roles=["case_handler"],
        name="朝阳承办人",
    )
    hd_handler = create_or_update_staff(
        username="hd_handler_t",
        password=PASSWORD,
        org_code="BJ-HD",
        roles=["case_handler"],
        name="海淀承办人",
    )
    cy_zhang = _worker(cy_handler, "BJ-CY", "张晓明", "13812345678", (1990, 1, 1), 1, "M")
    cy_li = _worker(cy_handler, "BJ-CY", "李红梅", "13987654321", (1988, 6, 15), 2, "F")
    hd_wang = _worker(hd_handler, "BJ-HD", "王海涛", "13700001111", (1985, 3, 20), 3, "M")
    return {
        "url": live_server.url,
        "cy_handler": cy_handler,
        "cy_zhang": cy_zhang,
        "cy_li": cy_li,
        "hd_wang": hd_wang,
    }


def _worker(actor, org: str, name: str, phone: str, born: tuple, seq: int, sex: str):
    """A worker in standard employment at ``org``, ID number from the district's area code."""
    area = {"BJ-CY": "110105", "BJ-HD": "110108"}[org]
    id_number = fake_id_number(area, datetime.date(*born), seq, sex)
    return create_worker(
        actor=actor,
        data={"name": name, "id_number": id_number, "phone": phone,
              "employment_form": "standard", "union_org": org},
    )  # fmt: skip


def _login(page, base_url: str, username: str, password: str = PASSWORD):
    page.goto(f"{base_url}/console/login/")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()


def test_cy_handler_logs_in_and_sees_only_cy_workers_masked(page, console_data):
    base = console_data["url"]
    _login(page, base, "cy_handler_t")

    # Home: the role and the org it is held at.
    expect(page).to_have_url(f"{base}/console/")
    assignment = page.locator("main table tbody tr")
    expect(assignment).to_have_count(1)
    expect(assignment.locator("td").nth(0)).to_have_text("承办人员")
    expect(assignment.locator("td").nth(1)).to_have_text("朝阳区总工会")
    expect(assignment.locator("td").nth(2)).to_have_text("区总工会")
    expect(page.locator("#worker-count")).to_have_text("2")

    # Workers: own district's workers with masked phone; nothing from 海淀.
    page.get_by_role("link", name="职工管理").click()
    expect(page).to_have_url(f"{base}/console/workers/")
    rows = page.locator("#worker-rows tbody tr")
    expect(rows).to_have_count(2)
    zhang_row = rows.filter(has_text="张晓明")
    expect(zhang_row).to_have_count(1)
    expect(zhang_row.locator("td").nth(1)).to_have_text(re.compile(r"^138\*{4}5678$"))
    expect(zhang_row.locator("td").nth(2)).to_have_text(re.compile(r"^110105\*{8}\w{4}$"))
    expect(rows.filter(has_text="李红梅")).to_have_count(1)
    worker_rows = page.locator("#worker-rows")
    expect(worker_rows).not_to_contain_text("王海涛")
    content = page.content()
    assert "13812345678" not in content
    assert console_data["cy_zhang"].id_number not in content

    # Live search (htmx, POST so an ID number or phone typed there stays out of URLs and
    # access logs): typing pinyin initials swaps in the filtered rows, no page load.
    page.evaluate("window.__samePage = true")
    with page.expect_response(
        lambda r: (
            r.url.endswith("/console/workers/")
            and r.request.method == "POST"
            and "q=zxm" in (r.request.post_data or "")
        )
    ) as r:
        page.locator("#q").press_sequentially("zxm")
    assert r.value.status == 200
    assert r.value.request.headers.get("hx-request") == "true"
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张晓明")
    expect(worker_rows).not_to_contain_text("李红梅")
    expect(worker_rows).to_contain_text("共 1 人")
    assert page.evaluate("window.__samePage") is True
    expect(page).to_have_url(f"{base}/console/workers/")

    # Searching for the 海淀 worker by name finds nothing.
    page.locator("#q").fill("王海涛")
    expect(worker_rows).to_contain_text("没有符合条件的职工")
    expect(worker_rows).not_to_contain_text("王海涛")


def test_org_tree_is_rooted_at_cy_and_expands_with_htmx(page, console_data):
    base = console_data["url"]
    _login(page, base, "cy_handler_t")
    expect(page).to_have_url(f"{base}/console/")

    page.goto(f"{base}/console/orgs/")
    tree = page.locator(".tree")
    roots = tree.locator(":scope > ul > li")
    expect(roots).to_have_count(1)
    expect(roots.first.locator(":scope > a")).to_have_text("朝阳区总工会")
    expect(tree).not_to_contain_text("北京市总工会")
    expect(tree).not_to_contain_text("望京街道工会")  # children are loaded on demand

    page.evaluate("window.__samePage = true")
    with page.expect_response(lambda r: r.url.endswith("/console/orgs/BJ-CY/children/")) as r:
        page.locator("#org-BJ-CY > button.expand").click()
    assert r.value.status == 200
    kids = page.locator("#kids-BJ-CY")
    expect(kids).to_contain_text("望京街道工会")
    expect(kids).to_contain_text("建外街道工会")
    expect(kids.locator(":scope > ul > li")).to_have_count(5)
    assert page.evaluate("window.__samePage") is True

    # One level further down: a street's grassroots unions.
    wangjing = kids.locator("li", has_text="望京街道工会").first
    wangjing.locator(":scope > button.expand").click()
    expect(wangjing.locator(":scope > div")).to_contain_text("望京物流配送站工会")

    expect(page.locator("body")).not_to_contain_text("海淀区总工会")

    # Asking for 海淀's children directly is refused like a missing org.
    response = page.request.get(f"{base}/console/orgs/BJ-HD/children/")
    assert response.status == 404
    assert "海淀" not in response.text()


def test_worker_detail_of_another_district_is_404(page, console_data):
    base = console_data["url"]
    _login(page, base, "cy_handler_t")
    expect(page).to_have_url(f"{base}/console/")

    # Control: the handler's own worker opens (masked), so the URL pattern is right.
    own = page.goto(f"{base}/console/workers/{console_data['cy_zhang'].pk}/")
    assert own.status == 200
    expect(page.locator("h1")).to_have_text("张晓明")
    expect(page.locator("#phone")).to_have_text("138****5678")

    other = page.goto(f"{base}/console/workers/{console_data['hd_wang'].pk}/")
    assert other.status == 404
    expect(page.locator("body")).not_to_contain_text("王海涛")
    expect(page.locator("body")).not_to_contain_text("137****1111")


def test_wrong_password_shows_chinese_error(page, console_data):
    base = console_data["url"]
    with page.expect_response(lambda r: r.request.method == "POST") as r:
        _login(page, base, "cy_handler_t", password="Wrong@2026pass")
    assert r.value.status == 401
    expect(page).to_have_url(re.compile(r"/console/login/"))
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误")
    expect(page.locator("main form input[name=username]")).to_have_value("cy_handler_t")

    # Still anonymous: the console sends us back to the login page.
    page.goto(f"{base}/console/")
    expect(page).to_have_url(re.compile(r"/console/login/\?next=/console/$"))
