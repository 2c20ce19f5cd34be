"""实名登记 pages: the worker's H5 form and the console queue's scope."""

import datetime

import pytest
from django.contrib.messages import get_messages

from gonghui.people import auth, privacy, services
from gonghui.people.demo import fake_id_number
from gonghui.people.models import ClaimStatus, MembershipStatus, Worker, WorkerAccount
from gonghui.people.tests.factories import make_worker
from gonghui.people.worker_session import SESSION_KEY

from .test_registration import form

pytestmark = pytest.mark.django_db


def h5_login(client, phone="13700001111", consent=True):
    account = auth.sign_in_worker(phone)
    if consent:
        privacy.grant_consent(account, "sensitive_id")
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return account


def consenting(phone):
    account = auth.sign_in_worker(phone)
    privacy.grant_consent(account, "sensitive_id")
    return account


def test_register_page_needs_login(client, orgs):
    r = client.get("/me/register/")
    assert r.status_code == 302 and "next=%2Fme%2Fregister%2F" in r["Location"]


def test_register_page_without_consent_says_which_and_links_to_the_consent_page(client, orgs):
    h5_login(client, consent=False)
    page = client.get("/me/register/").content.decode()
    assert 'id="consent-needed"' in page and 'href="/me/privacy/"' in page
    r = client.post("/me/register/", form())
    assert r.status_code == 400
    html = r.content.decode()
    assert "身份证件号码" in html and "个人信息授权" in html and 'href="/me/privacy/"' in html
    assert (
        'name="consent" value="1"' in html and "checked" not in html.split('name="consent"')[1][:40]
    )
    assert not Worker.objects.exists()
    # ticking the box on the form is the separate consent (recorded, then the registration)
    r = client.post("/me/register/", {**form(), "consent": "1"})
    assert r.status_code == 200 and 'id="registration-state"' in r.content.decode()
    assert Worker.objects.count() == 1
    assert privacy.has_consent(WorkerAccount.objects.get(worker__isnull=False), "sensitive_id")


def test_register_page_shows_places_by_name_and_field_errors(client, orgs):
    h5_login(client)
    page = client.get("/me/register/").content.decode()
    assert '<optgroup label="朝阳区总工会">' in page and "望京街道工会" in page
    assert "BJ-CY" not in page
    bad = form(id_number="123", district="")
    bad["member"] = "1"
    r = client.post("/me/register/", bad)
    assert r.status_code == 400
    assert "身份证号" in r.content.decode() and "请选择所在区" in r.content.decode()


def test_register_page_same_answer_for_known_and_new_numbers(client, orgs):
    on_file = make_worker(orgs["BJ-HD-ZGC-001"], name="钱有档", phone="13700002222")
    h5_login(client, "13700008888")
    known = client.post("/me/register/", {**form(name="孙冒名", id_number=on_file.id_number)})
    client.logout()
    h5_login(client, "13700009999")
    new = client.post("/me/register/", {**form(name="孙冒名")})
    assert known.status_code == new.status_code == 200

    def body(r):
        html = r.content.decode()
        return html[html.index('id="registration-state"') :]

    assert body(known) == body(new) and services.registration_received() in body(new)


def test_no_worker_notices_link_to_registration(client, orgs):
    h5_login(client)
    assert 'href="/me/register/"' in client.get("/services/").content.decode()
    health = client.get("/services/health/")
    assert health.status_code == 403 and 'href="/me/register/"' in health.content.decode()


def _pending(orgs):
    cy = services.register_self(consenting("13700001111"), form()).worker
    hd = services.register_self(
        consenting("13700003333"),
        form(
            name="海淀人",
            id_number=fake_id_number("110108", datetime.date(1990, 1, 1), 12, "M"),
            district="海淀区总工会",
            street="中关村街道工会",
        ),
    ).worker
    on_file = make_worker(orgs["BJ-HD-ZGC-001"], name="钱有档", phone="13700002222")
    hd_claim = services.register_self(
        consenting("13700004444"),
        form(name="钱某", id_number=on_file.id_number, district="海淀区总工会", street=""),
    ).claim
    return cy, hd, hd_claim


def test_queue_is_scoped(client, orgs, cy_handler):
    from .factories import console_login

    cy, hd, hd_claim = _pending(orgs)
    console_login(client, cy_handler)
    page = client.get("/console/workers/registrations/").content.decode()
    assert cy.name in page and "望京街道工会" in page
    assert hd.name not in page and "钱某" not in page
    url = "/console/workers/registrations/"
    assert client.post(f"{url}memberships/{hd.pk}/confirm/").status_code == 404
    assert client.post(f"{url}claims/{hd_claim.pk}/reject/").status_code == 404
    assert client.post(f"{url}claims/{hd_claim.pk}/link/").status_code == 404
    hd.refresh_from_db()
    hd_claim.refresh_from_db()
    assert hd.membership_status == MembershipStatus.CLAIMED
    assert hd_claim.status == ClaimStatus.OPEN
    r = client.post(f"{url}memberships/{cy.pk}/confirm/")
    assert r.status_code == 302
    assert [str(m) for m in get_messages(r.wsgi_request)] == ["已确认会员身份"]
    assert Worker.objects.get(pk=cy.pk).is_member


def test_queue_actions_for_hd_staff(client, orgs, hd_handler):
    from .factories import console_login

    _cy, hd, hd_claim = _pending(orgs)
    console_login(client, hd_handler)
    url = "/console/workers/registrations/"
    r = client.post(f"{url}claims/{hd_claim.pk}/link/", follow=True)
    assert "已关联到职工档案" in r.content.decode()
    hd_claim.refresh_from_db()
    assert hd_claim.status == ClaimStatus.LINKED
    r = client.post(f"{url}memberships/{hd.pk}/reject/", follow=True)
    assert "已驳回" in r.content.decode()
    assert client.post(f"{url}memberships/{hd.pk}/bogus/").status_code == 404


def test_queue_refused_without_permission(client, orgs):
    from .factories import console_login, make_staff

    manager = make_staff("station_mgr", orgs["BJ-CY"], "station_manager")
    console_login(client, manager)
    assert client.get("/console/workers/registrations/").status_code == 403


def test_worker_detail_shows_claimed_membership(client, orgs, cy_handler):
    from .factories import console_login

    cy, _hd, _claim = _pending(orgs)
    console_login(client, cy_handler)
    page = client.get(f"/console/workers/{cy.pk}/").content.decode()
    assert "会员身份待确认" in page and "/console/workers/registrations/" in page
