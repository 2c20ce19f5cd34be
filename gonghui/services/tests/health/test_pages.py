"""The worker H5 pages at /services/health/ and the console pages at /console/health/, with
scope isolation on every console page."""

import pytest
from django.urls import reverse

from gonghui.people import privacy
from gonghui.people.models import WorkerAccount
from gonghui.people.services import phone_hash
from gonghui.people.tests.factories import make_staff, make_worker
from gonghui.people.worker_session import SESSION_KEY
from gonghui.services.models import BookingStatus, HealthBooking

from .test_world import TOMORROW, at, book, freeze, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    return freeze(monkeypatch)


@pytest.fixture
def w(orgs, clock):
    return make_world(orgs)


def h5_login(client, phone="13812345678", worker=None, consent=True):
    account = WorkerAccount.objects.create(phone=phone, phone_hash=phone_hash(phone), worker=worker)
    if consent:
        privacy.grant_consent(account, "health")
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return account


def staff_login(client, user):
    client.force_login(user)


# --- H5 ----------------------------------------------------------------------------------------


def test_h5_needs_a_login(client, w):
    for name in ("health:index", "health:book"):
        r = client.get(reverse(name))
        assert r.status_code == 302 and r.url.startswith(reverse("account:login") + "?next=")


def test_h5_without_a_worker_profile_says_so(client, w):
    h5_login(client, "13600000000")
    for r in (
        client.get(reverse("health:index")),
        client.post(reverse("health:book"), {"day": w.a1.pk}),
    ):
        assert r.status_code == 403
        assert "尚未关联职工档案" in r.content.decode()
    assert not HealthBooking.objects.exists()


def test_h5_apply_and_book(client, w, cy_worker, django_capture_on_commit_callbacks):
    h5_login(client)  # linked to cy_worker through the phone
    r = client.get(reverse("health:index"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "2026年新就业形态劳动者免费体检" in body and 'id="book-link"' in body
    r = client.get(reverse("health:book"))
    body = r.content.decode()
    assert "朝阳合作医院" in body and "海淀合作医院" in body
    assert f'value="{w.a1.pk}"' in body and f'value="{w.a_today.pk}"' not in body
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("health:book"), {"day": w.a1.pk})
    booking = HealthBooking.objects.get()
    assert r.status_code == 302 and r.url == reverse("health:booked", args=[booking.pk])
    r = client.get(r.url)
    assert "2026-06-16" in r.content.decode() and "取消预约" in r.content.decode()
    body = client.get(reverse("health:index")).content.decode()
    assert "不能重复申请" in body and 'id="book-link"' not in body


def test_h5_booking_without_the_health_consent_says_which_and_links_to_it(client, w, cy_worker):
    account = h5_login(client, consent=False)
    page = client.get(reverse("health:book")).content.decode()
    assert 'id="consent-needed"' in page and 'href="/me/privacy/"' in page
    r = client.post(reverse("health:book"), {"day": w.a1.pk})
    assert r.status_code == 400 and not HealthBooking.objects.exists()
    html = r.content.decode()
    assert "健康信息" in html and "个人信息授权" in html and 'href="/me/privacy/"' in html
    assert 'name="consent" value="1"' in html
    # ticking the box on the form is the separate consent (recorded, then the booking)
    r = client.post(reverse("health:book"), {"day": w.a1.pk, "consent": "1"})
    assert r.status_code == 302 and HealthBooking.objects.count() == 1
    assert privacy.has_consent(account, "health")
    assert 'id="consent-needed"' not in client.get(reverse("health:book")).content.decode()


def test_h5_quota_exhausted_is_a_form_error(client, orgs, clock, cy_worker):
    w = make_world(orgs, cy_quota=1)
    book(make_worker(orgs["BJ-CY-WJ-001"]), w.a1)
    h5_login(client)
    assert "本区今年的免费体检名额已用完" in client.get(reverse("health:index")).content.decode()
    r = client.post(reverse("health:book"), {"day": w.a1.pk})
    assert r.status_code == 409
    assert '<p class="error" id="form-error">本区今年的免费体检名额已用完</p>' in r.content.decode()


def test_h5_full_day_and_bad_input_are_form_errors(client, w, orgs, cy_worker):
    book(make_worker(orgs["BJ-CY-WJ-001"]), w.a2)
    h5_login(client)
    r = client.post(reverse("health:book"), {"day": w.a2.pk})
    assert r.status_code == 409 and "约满" in r.content.decode()
    r = client.post(reverse("health:book"), {"day": ""})
    assert r.status_code == 400 and "请选择体检日期" in r.content.decode()


def test_h5_cancel_and_others_bookings(client, w, cy_worker, hd_worker):
    mine, theirs = book(cy_worker, w.a1), book(hd_worker, w.b1)
    h5_login(client)
    assert client.get(reverse("health:booked", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("health:cancel", args=[theirs.pk])).status_code == 404
    r = client.post(reverse("health:cancel", args=[mine.pk]))
    assert r.status_code == 302
    mine.refresh_from_db()
    assert mine.status == BookingStatus.CANCELLED
    r = client.post(reverse("health:cancel", args=[mine.pk]))
    assert r.status_code == 409 and "不能取消" in r.content.decode()


# --- console -----------------------------------------------------------------------------------


@pytest.fixture
def two(w, cy_worker, hd_worker):
    return book(cy_worker, w.a1), book(hd_worker, w.b1)


def test_console_list_is_masked_and_scoped(client, w, two):
    cy, hd = two
    staff_login(client, w.cy_social)
    r = client.get(reverse("console-health:list"))
    assert r.status_code == 200
    body = r.content.decode()
    assert f'id="booking-{cy.pk}"' in body and f'id="booking-{hd.pk}"' not in body
    assert "王**" in body and "138****5678" in body
    assert "王朝阳" not in body and "李海淀" not in body and "13812345678" not in body
    assert "取消" in body  # health.manage over 朝阳
    r = client.get(reverse("console-health:list"), HTTP_HX_REQUEST="true")
    assert "<h1>" not in r.content.decode() and f'id="booking-{cy.pk}"' in r.content.decode()


def test_console_actions_are_scoped(client, w, clock, two):
    cy, hd = two
    staff_login(client, w.cy_social)
    url = reverse("console-health:action", args=[hd.pk, "cancel"])
    assert client.post(url).status_code == 404
    assert client.post(reverse("console-health:action", args=[cy.pk, "bogus"])).status_code == 404
    r = client.post(reverse("console-health:action", args=[cy.pk, "cancel"]))
    assert r.status_code == 302
    cy.refresh_from_db()
    assert cy.status == BookingStatus.CANCELLED
    hd.refresh_from_db()
    assert hd.status == BookingStatus.BOOKED


def test_hospital_staff_console(client, w, clock, two):
    cy, hd = two
    clock.set(at(TOMORROW, 9))
    staff_login(client, w.staff_a)
    body = client.get(reverse("console-health:list")).content.decode()
    assert f'id="booking-{cy.pk}"' in body and f'id="booking-{hd.pk}"' not in body
    assert "完成" in body and "未到检" in body
    assert (
        client.post(reverse("console-health:action", args=[hd.pk, "complete"])).status_code == 404
    )
    assert client.post(reverse("console-health:action", args=[cy.pk, "cancel"])).status_code == 403
    r = client.post(
        reverse("console-health:action", args=[cy.pk, "complete"]),
        {"next": "https://evil.example/"},
    )
    assert r.status_code == 302 and r.url == reverse("console-health:list")
    cy.refresh_from_db()
    assert cy.status == BookingStatus.COMPLETED and cy.completed_by == w.staff_a
    r = client.post(reverse("console-health:action", args=[cy.pk, "complete"]), follow=True)
    assert "不能登记完成" in r.content.decode()
    hd.refresh_from_db()
    assert hd.status == BookingStatus.BOOKED


def test_console_dashboard_is_scoped(client, w, orgs, two):
    staff_login(client, w.cy_social)
    r = client.get(reverse("console-health:dashboard"))
    assert r.status_code == 200
    body = r.content.decode()
    assert 'data-code="BJ-CY"' in body and 'data-code="BJ-HD"' not in body
    assert r.context["data"]["total"].used == 1
    client.logout()
    staff_login(client, w.staff_b)
    r = client.get(reverse("console-health:dashboard"))
    assert r.context["data"]["districts"] == []
    assert [h.name for h in r.context["data"]["hospitals"]] == ["海淀合作医院"]


def test_console_needs_a_health_role(client, w, orgs):
    stations = make_staff("cy_station_h", orgs["BJ-CY"], "station_manager")
    staff_login(client, stations)
    assert client.get(reverse("console-health:list")).status_code == 403
    assert client.get(reverse("console-health:dashboard")).status_code == 403
    client.logout()
    assert client.get(reverse("console-health:list")).status_code == 302
