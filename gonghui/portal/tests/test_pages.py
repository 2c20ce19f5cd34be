"""The worker app shell: home, 办事, 我的, the one login, 长辈模式, manifest, service worker."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from gonghui.core import sms
from gonghui.hotline import services as hotline_services
from gonghui.people import auth
from gonghui.people.worker_session import SESSION_KEY

pytestmark = pytest.mark.django_db


def login_as(client, phone: str):
    account = auth.sign_in_worker(phone)
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return account


def text(response) -> str:
    return response.content.decode()


def test_root_is_the_worker_home_with_tiles_and_a_discreet_console_link(client, orgs):
    r = client.get("/")
    assert r.status_code == 200
    page = text(r)
    for label in ("找驿站", "我要反映", "普惠服务", "免费体检", "困难帮扶", "查询诉求"):
        assert label in page
    assert "荣誉榜" not in page  # no honours awarded yet
    assert 'href="/console/"' in page and "工作人员入口" in page
    assert 'class="wk-tabs"' in page and 'aria-current="page"' in page


def test_honours_tile_appears_once_there_is_a_roll(client, orgs):
    from gonghui.honors.models import State
    from gonghui.honors.tests.factories import make_nomination, make_program

    program = make_program(orgs["BJ"])
    make_nomination(program, orgs["BJ-HD"], state=State.SUBMITTED)
    assert "荣誉榜" not in text(client.get("/"))  # nominated is not on the roll
    make_nomination(program, orgs["BJ-CY"], state=State.AWARDED)
    assert "荣誉榜" in text(client.get("/"))


WORKER_PAGES = [
    "/",
    "/hub/",
    "/login/",
    "/h5/lookup/",
    "/h5/appeals/new/",
    "/stations/",
    "/services/",
    "/partners/",
    "/honors/",
    "/assistance/notice/",
    "/offline/",
]


@pytest.mark.parametrize("path", WORKER_PAGES)
def test_every_worker_page_has_the_one_header_and_tab_bar(client, orgs, path):
    r = client.get(path)
    assert r.status_code == 200, path
    page = text(r)
    assert page.count('class="wk-top"') == 1 and page.count('class="wk-tabs"') == 1
    assert 'rel="manifest"' in page and "js/worker.js" in page


@pytest.mark.parametrize("path", ["/me/", "/services/mine/", "/services/health/", "/assistance/"])
def test_private_pages_send_to_the_one_login_and_back(client, orgs, path):
    r = client.get(path)
    assert r.status_code == 302
    assert r["Location"].startswith("/login/?next=")
    assert re.sub(r"^/login/\?next=", "", r["Location"]).replace("%2F", "/") == path


def test_one_sms_login_returns_to_where_the_worker_was(client, orgs):
    r = client.get("/login/?next=/services/mine/")
    assert r.status_code == 200 and 'id="phone"' in text(r)
    client.post("/login/", {"phone": "13700002222"})
    code = re.search(r"\d{6}", sms.outbox[-1][1]).group()
    r = client.post("/login/", {"phone": "13700002222", "code": code})
    assert r.status_code == 302 and r["Location"] == "/services/mine/"
    assert client.session[SESSION_KEY]


def test_login_refuses_to_send_the_worker_off_site(client, orgs):
    for n, target in enumerate(("https://evil.example/", "//evil.example/x")):
        phone = f"1370000333{n}"
        client.get(f"/login/?next={target}")
        client.post("/login/", {"phone": phone})
        code = re.search(r"\d{6}", sms.outbox[-1][1]).group()
        r = client.post("/login/", {"phone": phone, "code": code})
        assert r["Location"] == "/"
        client.post("/logout/")
        sms.outbox.clear()


def test_bad_phone_is_a_form_error_not_a_500(client, orgs):
    r = client.post("/login/", {"phone": "12"})
    assert r.status_code == 400 and 'class="error"' in text(r)


def test_logout_ends_only_the_worker_session(client, orgs):
    login_as(client, "13700004444")
    r = client.post("/logout/")
    assert r.status_code == 302 and SESSION_KEY not in client.session
    assert client.get("/me/").status_code == 302


def test_me_shows_a_masked_profile_and_only_my_own_appeals(client, orgs, cy_worker, hd_worker):
    mine = login_as(client, "13812345678")  # cy_worker's phone
    other = auth.sign_in_worker("13987654321")
    for account, words in ((mine, "我的工资被拖欠"), (other, "别人的诉求内容")):
        hotline_services.create_appeal(
            actor=None,
            data={
                "type": "complaint",
                "category": "LABOR-WAGE",
                "district": "BJ-CY",
                "content": words,
                "contact_name": "",
                "contact_phone": account.phone,
            },
            worker_account=account,
        )
    r = client.get("/me/")
    page = text(r)
    assert r.status_code == 200 and r["Cache-Control"].startswith("max-age=0")
    assert "王**" in page and "王朝阳" not in page
    assert "138****5678" in page and "13812345678" not in page
    assert cy_worker.id_number not in page and cy_worker.id_number[:6] in page
    mine_number = mine.appeals.get().number
    other_number = other.appeals.get().number
    assert mine_number in page and other_number not in page


def test_me_for_a_phone_without_a_record_offers_registration(client, orgs):
    login_as(client, "13700005555")
    page = text(client.get("/me/"))
    assert "去实名登记" in page and "暂无诉求" in page


def test_elder_mode_is_a_remembered_toggle(client, orgs):
    assert 'class="wk"' in text(client.get("/hub/"))
    r = client.get("/elder-mode/?on=1&next=/hub/")
    assert r.status_code == 302 and r["Location"] == "/hub/"
    assert r.cookies["gh_elder"].value == "1" and int(r.cookies["gh_elder"]["max-age"]) > 86400
    page = text(client.get("/hub/"))
    assert 'class="wk elder"' in page and "标准模式" in page
    r = client.get("/elder-mode/?on=0&next=https://evil.example/")
    assert r["Location"] == "/"
    assert 'class="wk"' in text(client.get("/hub/"))


def test_manifest_makes_the_app_installable(client):
    r = client.get("/manifest.webmanifest")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/manifest+json")
    data = json.loads(r.content)
    assert data["display"] == "standalone" and data["start_url"].startswith("/")
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL)), icon["src"]


def test_service_worker_is_served_at_the_root_with_the_shell_filled_in(client):
    r = client.get("/sw.js")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/javascript")
    assert r["Service-Worker-Allowed"] == "/"
    body = text(r)
    assert "__SHELL__" not in body and "__VERSION__" not in body
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", body).group(1))
    assert shell[0] == "/offline/" and any(url.endswith("worker.css") for url in shell)
    assert re.search(r'const VERSION = "[0-9a-f]{12}"', body)


def test_offline_page_lists_what_still_works(client):
    page = text(client.get("/offline/"))
    assert "网络不可用" in page and "/services/mine/" in page and "/stations/" in page
