"""Every response that shows a full ID or phone number is ``Cache-Control: private, no-store``
(the audited request marks it; core.nostore), and ordinary pages are not."""

import pytest

from gonghui.people import auth
from gonghui.people.tests.factories import bearer, make_worker
from gonghui.people.worker_session import SESSION_KEY

pytestmark = pytest.mark.django_db
NO_STORE = "private, no-store"


def no_store(response) -> bool:
    return response.get("Cache-Control") == NO_STORE


def test_console_worker_reveal(client, cy_handler, cy_worker):
    client.force_login(cy_handler)
    url = f"/console/workers/{cy_worker.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and not no_store(page)
    r = client.post(url, {"fields": ["phone", "id_number"], "reason": "回访"})
    assert cy_worker.id_number in r.content.decode() and no_store(r)


def test_api_worker_reveal(client, cy_handler, cy_worker):
    url = f"/api/v1/workers/{cy_worker.pk}"
    plain = client.get(url, **bearer(cy_handler))
    assert plain.status_code == 200 and not no_store(plain)
    r = client.get(url, {"reveal": "id_number,phone", "reason": "核实"}, **bearer(cy_handler))
    assert r.json()["id_number"] == cy_worker.id_number and no_store(r)


@pytest.mark.parametrize("suffix", ["export.json", "export.xlsx"])
def test_my_data_export_page(client, orgs, suffix):
    me = make_worker(orgs["BJ-CY-WJ-001"], phone="13811110001")
    session = client.session
    session[SESSION_KEY] = auth.sign_in_worker("13811110001").pk
    session.save()
    r = client.get(f"/me/privacy/{suffix}")
    assert r.status_code == 200 and no_store(r)
    if suffix.endswith("json"):
        assert me.id_number in r.content.decode()


@pytest.mark.parametrize("suffix", ["export", "export.xlsx"])
def test_my_data_export_api(client, orgs, suffix):
    me = make_worker(orgs["BJ-CY"], phone="13811115555")
    token = auth.issue_token(worker_account=auth.sign_in_worker("13811115555"))
    r = client.get(f"/api/v1/me/{suffix}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200 and no_store(r)
    if suffix == "export":
        assert me.id_number in r.content.decode()


def test_hotline_contact_reveal(client, orgs, cy_handler):
    from gonghui.hotline.tests.factories import act, make_appeal, make_operator

    op = make_operator(orgs["BJ"])
    appeal = act(op, make_appeal(op, district="BJ-CY", contact_phone="13812345678"), "dispatch")
    client.force_login(cy_handler)
    url = f"/console/hotline/{appeal.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and not no_store(page)
    r = client.post(url, {"reveal": "1", "reason": "回访"})
    assert "13812345678" in r.content.decode() and no_store(r)
