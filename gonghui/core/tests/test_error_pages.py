"""The error pages with DEBUG off: Chinese, in the console's or the worker app's look, with a
way back; the API keeps its JSON errors."""

import pytest
from django.test import Client

from gonghui.people.tests.factories import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def page(response) -> str:
    return response.content.decode()


def test_console_404_is_chinese_in_the_console_look(client, orgs):
    client.force_login(make_staff("err_cy", orgs["BJ-CY"], "case_handler"))
    response = client.get("/console/no-such-page/")
    assert response.status_code == 404
    html = page(response)
    assert "页面不存在" in html and 'id="error-page"' in html
    assert 'class="topbar"' in html  # base.html: the console header and menu
    assert 'href="/console/"' in html and "返回首页" in html
    assert "Not Found" not in html and "wk-tabs" not in html


def test_worker_404_is_chinese_in_the_worker_app_look(client):
    response = client.get("/no-such-page/", HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")
    assert response.status_code == 404
    html = page(response)
    assert "页面不存在" in html and "返回首页" in html
    assert "wk-tabs" in html and "worker.css" in html  # worker/base.html: tab bar and styles
    assert 'class="topbar"' not in html


def test_an_unknown_station_page_is_the_worker_404(client):
    response = client.get("/stations/999999999/")
    assert response.status_code == 404
    assert "页面不存在" in page(response)


def test_back_link_goes_to_the_referring_page_on_this_site_only(client):
    here = client.get("/nothing/", HTTP_REFERER="http://testserver/hub/")
    assert 'href="http://testserver/hub/"' in page(here) and "返回上一页" in page(here)
    away = client.get("/nothing/", HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in page(away)


def test_console_403_for_a_role_without_the_module(client, orgs):
    client.force_login(make_staff("err_hosp", orgs["BJ"], "hospital_staff"))
    response = client.get("/console/assistance/")
    assert response.status_code == 403
    html = page(response)
    assert "没有权限" in html and "返回首页" in html and 'class="topbar"' in html
    assert "Forbidden" not in html


def test_console_403_for_a_user_without_any_role(client):
    from gonghui.people.tests.factories import UserFactory

    client.force_login(UserFactory(username="err_norole"))
    response = client.get("/console/")
    assert response.status_code == 403
    assert "没有权限" in page(response)


def test_500_pages_are_self_contained(settings):
    settings.ROOT_URLCONF = "gonghui.core.tests.urls_boom"
    client = Client(raise_request_exception=False)
    console = client.get("/console/boom/")
    assert console.status_code == 500
    assert "系统出错了" in page(console) and 'href="/console/"' in page(console)
    assert "工会职工服务平台" in page(console)
    worker = client.get("/boom/")
    assert worker.status_code == 500
    assert "系统出错了" in page(worker) and 'href="/"' in page(worker)
    assert "12351" in page(worker)
    assert "Traceback" not in page(worker) and "RuntimeError" not in page(worker)


def test_the_500_page_needs_no_database(settings, django_db_blocker):
    from django.test import RequestFactory

    from gonghui.core.error_views import server_error

    request = RequestFactory().get("/console/x/")
    with django_db_blocker.block():
        response = server_error(request)
    assert response.status_code == 500 and "系统出错了" in page(response)


def test_csrf_failure_is_the_chinese_403(orgs):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/console/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = page(response)
    assert "页面已过期" in html and "返回首页" in html
    assert "CSRF verification failed" not in html


def test_400_is_the_chinese_page(client):
    response = client.get("/", HTTP_HOST="bad host name")
    assert response.status_code == 400
    html = page(response)
    assert "请求有误" in html and "Bad Request" not in html


def test_api_errors_stay_json(client):
    response = client.get("/api/v1/no-such-route")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
