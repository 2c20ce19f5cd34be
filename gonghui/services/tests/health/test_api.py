"""/api/v1/health: the worker's side (eligibility, book, cancel) and the staff side (masked
lists, complete / no-show / cancel, dashboard, quotas and slots), with scope isolation for
every route: 朝阳 staff never see 海淀 data, hospital A staff never act on hospital B."""

import datetime
import json

import pytest

from gonghui.core import sms
from gonghui.hotline.tests.factories import worker_token
from gonghui.people import privacy
from gonghui.people.models import WorkerAccount
from gonghui.people.services import phone_hash
from gonghui.people.tests.factories import UserFactory, bearer, make_staff, make_worker
from gonghui.services.health import services as health
from gonghui.services.models import BookingStatus, HealthBooking, HealthProgram, HealthQuota

from .test_world import API, TOMORROW, at, book, freeze, make_world

pytestmark = pytest.mark.django_db
CY_PHONE = "13812345678"
HD_PHONE = "13987654321"


@pytest.fixture
def clock(monkeypatch):
    return freeze(monkeypatch)


@pytest.fixture
def w(orgs, clock):
    return make_world(orgs)


def consenting_token(client, phone) -> dict:
    """A worker's token whose account consented to the use of health information."""
    headers = worker_token(client, phone)
    privacy.grant_consent(WorkerAccount.objects.get(phone_hash=phone_hash(phone)), "health")
    return headers


@pytest.fixture
def me(client, cy_worker):
    return consenting_token(client, CY_PHONE)


def post(client, url, headers, data=None):
    return client.post(url, data or {}, content_type="application/json", **headers)


def put(client, url, headers, data):
    return client.put(url, json.dumps(data), content_type="application/json", **headers)


# --- worker side -------------------------------------------------------------------------------


def test_a_worker_checks_eligibility_books_and_sees_the_booking(
    client, w, me, django_capture_on_commit_callbacks
):
    r = client.get(f"{API}/my", **me)
    assert r.status_code == 200
    body = r.json()
    assert body["eligible"] is True and body["reasons"] == [] and body["bookings"] == []
    assert body["program"]["year"] == 2026
    assert "快递员" in body["program"]["employment_form_names"]
    days = client.get(f"{API}/days", **me).json()
    assert {d["id"] for d in days} == {w.a1.pk, w.a2.pk, w.b1.pk}  # not today
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = post(client, f"{API}/my/bookings", me, {"day": w.a1.pk})
    assert r.status_code == 201, r.json()
    assert r.json()["status"] == "booked" and r.json()["can_cancel"] is True
    assert len(sms.outbox) == 1
    body = client.get(f"{API}/my", **me).json()
    assert body["eligible"] is False
    assert body["reasons"] == ["您今年已申请过免费体检（每人每年限一次），不能重复申请"]
    assert [b["id"] for b in body["bookings"]] == [r.json()["id"]]
    assert [b["id"] for b in client.get(f"{API}/my/bookings", **me).json()] == [r.json()["id"]]


def test_quota_exhausted_is_a_409_with_a_field_error(client, orgs, clock, cy_worker, me):
    w = make_world(orgs, cy_quota=1)
    book(make_worker(orgs["BJ-CY-WJ-001"]), w.a1)
    r = post(client, f"{API}/my/bookings", me, {"day": w.a1.pk})
    assert r.status_code == 409
    assert r.json() == {
        "detail": "本区今年的免费体检名额已用完",
        "errors": {"quota": ["本区今年的免费体检名额已用完"]},
    }
    assert client.get(f"{API}/my", **me).json()["reasons"] == ["本区今年的免费体检名额已用完"]


def test_a_full_day_is_a_409_on_the_day(client, w, orgs, me):
    book(make_worker(orgs["BJ-CY-WJ-001"]), w.a2)
    r = post(client, f"{API}/my/bookings", me, {"day": w.a2.pk})
    assert r.status_code == 409
    assert list(r.json()["errors"]) == ["day"] and "约满" in r.json()["detail"]


def test_not_eligible_is_a_400_listing_the_reasons(client, w, cy_worker, me):
    cy_worker.employment_form = "standard"
    cy_worker.save()
    r = post(client, f"{API}/my/bookings", me, {"day": w.a1.pk})
    assert r.status_code == 400
    assert r.json()["detail"] == "请求参数有误"
    assert "仅限以下用工形式" in r.json()["errors"]["eligibility"][0]
    r = post(client, f"{API}/my/bookings", me, {"day": "x"})
    assert r.status_code == 400 and "day" in r.json()["errors"]


def test_a_login_without_a_worker_profile_gets_a_clear_message(client, w):
    headers = worker_token(client, "13600000000")
    for r in (
        client.get(f"{API}/my", **headers),
        post(client, f"{API}/my/bookings", headers, {"day": w.a1.pk}),
    ):
        assert r.status_code == 403
        assert "尚未关联职工档案" in r.json()["detail"]
        assert r.json()["errors"]["__all__"] == [r.json()["detail"]]


def test_booking_without_the_health_consent_is_a_400_naming_it(client, w, cy_worker):
    headers = worker_token(client, CY_PHONE)
    r = post(client, f"{API}/my/bookings", headers, {"day": w.a1.pk})
    assert r.status_code == 400 and list(r.json()["errors"]) == ["consent"]
    assert "健康信息" in r.json()["errors"]["consent"][0]
    assert "/me/privacy/" in r.json()["errors"]["consent"][0]
    assert not HealthBooking.objects.exists()
    account = WorkerAccount.objects.get(worker=cy_worker)
    privacy.grant_consent(account, "health")
    assert post(client, f"{API}/my/bookings", headers, {"day": w.a1.pk}).status_code == 201
    privacy.withdraw_consent(account, "health")  # the booking made stays
    assert HealthBooking.objects.get().status == BookingStatus.BOOKED
    assert post(client, f"{API}/my/bookings", headers, {"day": w.b1.pk}).status_code == 400


def test_the_same_person_under_another_account_is_refused(client, w, cy_worker, me):
    assert post(client, f"{API}/my/bookings", me, {"day": w.a1.pk}).status_code == 201
    # a second account for the same person: staff linked it to the same worker profile
    other = consenting_token(client, "13700000001")
    WorkerAccount.objects.filter(worker__isnull=True).update(worker=cy_worker)
    r = post(client, f"{API}/my/bookings", other, {"day": w.b1.pk})
    assert r.status_code == 409
    assert r.json()["detail"] == "您今年已申请过免费体检（每人每年限一次），不能重复申请"
    assert HealthBooking.objects.count() == 1


def test_a_worker_cancels_their_own_booking_only(client, w, cy_worker, hd_worker, me):
    mine = book(cy_worker, w.a1)
    theirs = book(hd_worker, w.b1)
    assert post(client, f"{API}/my/bookings/{theirs.pk}/cancel", me).status_code == 404
    r = post(client, f"{API}/my/bookings/{mine.pk}/cancel", me)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    w.cy_quota.refresh_from_db()
    assert w.cy_quota.used == 0
    assert post(client, f"{API}/my/bookings/{mine.pk}/cancel", me).status_code == 409


def test_workers_and_staff_stay_on_their_side(client, w, cy_worker, me):
    b = book(cy_worker, w.a1)
    for url in (f"{API}/bookings", f"{API}/bookings/{b.pk}", f"{API}/dashboard", f"{API}/programs"):
        assert client.get(url, **me).status_code == 403
    assert post(client, f"{API}/bookings/{b.pk}/complete", me).status_code == 403
    staff = bearer(w.cy_social)
    assert client.get(f"{API}/my", **staff).status_code == 403
    assert post(client, f"{API}/my/bookings", staff, {"day": w.a1.pk}).status_code == 403
    assert client.get(f"{API}/bookings").status_code == 401
    nobody = bearer(UserFactory())
    assert client.get(f"{API}/bookings", **nobody).status_code == 403


# --- staff side: masking and scope -------------------------------------------------------------


@pytest.fixture
def two(w, cy_worker, hd_worker):
    """One booking in 朝阳 at hospital A, one in 海淀 at hospital B."""
    return book(cy_worker, w.a1), book(hd_worker, w.b1)


def test_staff_lists_are_masked(client, w, two):
    r = client.get(f"{API}/bookings", **bearer(w.cy_social))
    assert r.status_code == 200
    (row,) = r.json()["results"]
    assert row["name"] == "王**" and row["phone"] == "138****5678"
    assert row["id_number"].startswith("110105") and "********" in row["id_number"]
    text = r.content.decode()
    assert "王朝阳" not in text and CY_PHONE not in text
    assert two[0].worker.id_number not in text


def test_union_staff_see_only_their_districts(client, w, two):
    cy, hd = two
    cy_h = bearer(w.cy_social)
    assert [b["id"] for b in client.get(f"{API}/bookings", **cy_h).json()["results"]] == [cy.pk]
    assert client.get(f"{API}/bookings?district=BJ-HD", **cy_h).json()["count"] == 0
    assert client.get(f"{API}/bookings/{cy.pk}", **cy_h).status_code == 200
    assert client.get(f"{API}/bookings/{hd.pk}", **cy_h).status_code == 404
    assert post(client, f"{API}/bookings/{hd.pk}/cancel", cy_h).status_code == 404
    assert post(client, f"{API}/bookings/{hd.pk}/complete", cy_h).status_code == 404
    hd_h = bearer(w.hd_social)
    assert [b["id"] for b in client.get(f"{API}/bookings", **hd_h).json()["results"]] == [hd.pk]
    assert client.get(f"{API}/bookings/{cy.pk}", **hd_h).status_code == 404
    hd.refresh_from_db()
    assert hd.status == BookingStatus.BOOKED


def test_hospital_staff_see_and_complete_only_their_hospital(client, w, clock, two):
    cy, hd = two
    a, b = bearer(w.staff_a), bearer(w.staff_b)
    assert [x["id"] for x in client.get(f"{API}/bookings", **a).json()["results"]] == [cy.pk]
    assert [x["id"] for x in client.get(f"{API}/bookings", **b).json()["results"]] == [hd.pk]
    assert client.get(f"{API}/bookings/{hd.pk}", **a).status_code == 404
    r = post(client, f"{API}/bookings/{cy.pk}/complete", a)
    assert r.status_code == 409 and "未到" in r.json()["detail"]
    clock.set(at(TOMORROW, 9))
    a, b = bearer(w.staff_a), bearer(w.staff_b)  # tokens expire after 30 idle minutes
    assert post(client, f"{API}/bookings/{hd.pk}/complete", a).status_code == 404
    assert post(client, f"{API}/bookings/{hd.pk}/no-show", a).status_code == 404
    r = post(client, f"{API}/bookings/{cy.pk}/complete", a)
    assert r.status_code == 200 and r.json()["status"] == "completed"
    assert post(client, f"{API}/bookings/{cy.pk}/complete", a).status_code == 409
    r = post(client, f"{API}/bookings/{hd.pk}/no-show", b)
    assert r.status_code == 200 and r.json()["status"] == "no_show"
    # hospital staff cannot cancel; union staff cannot complete
    assert post(client, f"{API}/bookings/{hd.pk}/cancel", b).status_code == 403
    clock.set(at(TOMORROW, 10))
    cy2 = book(make_worker(w.cy_quota.district.children.first()), w.a2)
    clock.set(at(TOMORROW + datetime.timedelta(days=1), 9))
    r = post(client, f"{API}/bookings/{cy2.pk}/complete", bearer(w.cy_social))
    assert r.status_code == 403
    hd.refresh_from_db()
    assert hd.completed_at is None


def test_programs_and_days_for_staff(client, w, two):
    for user in (w.cy_social, w.staff_a):
        r = client.get(f"{API}/programs", **bearer(user))
        assert [p["id"] for p in r.json()] == [w.program.pk]
    other = make_world_other_program(w)
    assert [p["id"] for p in client.get(f"{API}/programs", **bearer(w.cy_social)).json()] == [
        w.program.pk
    ]
    assert other.pk not in [
        p["id"] for p in client.get(f"{API}/programs", **bearer(w.staff_a)).json()
    ]
    assert client.get(f"{API}/days?program={w.program.pk}", **bearer(w.staff_a)).status_code == 200


def make_world_other_program(w):
    """A programme elsewhere (organised by 海淀, quota only for 海淀)."""
    p = HealthProgram.objects.create(
        title="海淀区补充体检", year=2026, organiser=w.hd_quota.district,
        employment_forms=["courier"], applications_open=w.program.applications_open,
        applications_close=w.program.applications_close,
    )  # fmt: skip
    HealthQuota.objects.create(program=p, district=w.hd_quota.district, quota=5)
    return p


def test_dashboard_numbers_and_scope(client, w, clock, two, orgs):
    cy, hd = two
    clock.set(at(TOMORROW, 9))
    health.complete(actor=w.staff_a, booking_id=cy.pk)
    health.no_show(actor=w.staff_b, booking_id=hd.pk)
    r = client.get(f"{API}/dashboard", **bearer(w.cy_social))
    assert r.status_code == 200
    body = r.json()
    (row,) = body["districts"]
    assert row == {
        "code": "BJ-CY", "name": "朝阳区总工会", "quota": 3, "used": 1, "booked": 0,
        "completed": 1, "no_show": 0, "remaining": 2, "completion_rate": 100.0,
    }  # fmt: skip
    assert body["total"]["quota"] == 3
    assert [h["name"] for h in body["hospitals"]] == ["朝阳合作医院"]  # where its bookings are
    assert "BJ-HD" not in r.content.decode()
    # the organiser's staff (city level) see every district and hospital
    admin = make_staff("bj_social", orgs["BJ"], "social_worker")
    body = client.get(f"{API}/dashboard", **bearer(admin)).json()
    assert [d["code"] for d in body["districts"]] == ["BJ-CY", "BJ-HD"]
    assert body["total"]["used"] == 2 and body["total"]["no_show"] == 1
    assert body["total"]["remaining"] == 4
    assert {h["name"]: h["quota"] for h in body["hospitals"]} == {
        "朝阳合作医院": 11, "海淀合作医院": 5,
    }  # fmt: skip
    # hospital staff: no district rows, their hospital only
    body = client.get(f"{API}/dashboard", **bearer(w.staff_b)).json()
    assert body["districts"] == []
    assert [(h["name"], h["no_show"]) for h in body["hospitals"]] == [("海淀合作医院", 1)]
    # a programme outside the caller's scope is absent
    other = make_world_other_program(w)
    assert (
        client.get(f"{API}/dashboard?program={other.pk}", **bearer(w.cy_social)).status_code == 404
    )


def test_quota_and_slot_changes_are_scoped(client, w, two):
    url = f"{API}/programs/{w.program.pk}/quotas"
    cy_h = bearer(w.cy_social)
    r = put(client, f"{url}/BJ-CY", cy_h, {"quota": 10})
    assert r.status_code == 200 and r.json()["quota"] == 10 and r.json()["remaining"] == 9
    assert put(client, f"{url}/BJ-HD", cy_h, {"quota": 10}).status_code == 403
    r = put(client, f"{url}/BJ-CY", cy_h, {"quota": 0})
    assert r.status_code == 400 and "quota" in r.json()["errors"]
    assert put(client, f"{url}/BJ-CY", bearer(w.staff_a), {"quota": 99}).status_code == 403
    assert put(client, f"{url}/NOPE", cy_h, {"quota": 1}).status_code == 400
    days = f"{API}/programs/{w.program.pk}/hospitals"
    r = put(client, f"{days}/{w.hosp_a.pk}/days/2026-06-22", bearer(w.staff_a), {"slots": 7})
    assert r.status_code == 200 and r.json()["slots"] == 7
    r = put(client, f"{days}/{w.hosp_b.pk}/days/2026-06-22", bearer(w.staff_a), {"slots": 7})
    assert r.status_code == 403
    r = put(client, f"{days}/{w.hosp_a.pk}/days/2026-06-22", cy_h, {"slots": 7})
    assert r.status_code == 403  # a district's social worker is not the organiser
