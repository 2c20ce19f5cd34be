"""The services API: project validation and review, sessions, enrollment, attendance,
statistics on a known data set, and scope isolation on every endpoint."""

import datetime
import json

import pytest
from django.utils import timezone

from gonghui.people import auth
from gonghui.people.models import WorkerAccount
from gonghui.people.tests.factories import bearer, make_staff, make_worker
from gonghui.services import enrollment
from gonghui.services.models import Attendance, Enrollment, Project, Session

from .factories import API, make_project, make_session, make_social_worker, project_data

pytestmark = pytest.mark.django_db


def call(client, method, path, headers, body=None, **params):
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body else {}
    if params:
        kwargs["QUERY_STRING"] = "&".join(f"{k}={v}" for k, v in params.items())
    return getattr(client, method)(f"{API}{path}", **kwargs, **headers)


@pytest.fixture
def cy(orgs):
    return bearer(make_social_worker(orgs["BJ-CY"], "sw_cy"))


@pytest.fixture
def hd(orgs):
    return bearer(make_social_worker(orgs["BJ-HD"], "sw_hd"))


@pytest.fixture
def city(orgs):
    return bearer(make_social_worker(orgs["BJ"], "sw_city"))


def session_body(**overrides):
    start = timezone.localtime() + datetime.timedelta(days=3)
    return {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "朝阳区职工服务中心",
        "capacity": 20,
        **overrides,
    }


# --- projects and review ----------------------------------------------------------------------


def test_create_project_answers_201_and_field_errors(client, cy):
    r = call(client, "post", "/projects", cy, project_data("BJ-CY", budget="5000"))
    assert r.status_code == 201, r.json()
    assert (r.json()["status"], r.json()["budget"]) == ("draft", "5000.00")
    bad = project_data(
        "BJ-HD", category="nope", ends_on="2000-01-01", employment_forms=["astronaut"]
    )
    bad["budget"] = "-1"
    r = call(client, "post", "/projects", cy, bad)
    assert r.status_code == 400
    assert set(r.json()["errors"]) == {
        "organiser",
        "category",
        "ends_on",
        "budget",
        "employment_forms",
    }
    assert Project.objects.count() == 1


def test_roles_without_manage_cannot_create(client, orgs):
    leader = bearer(make_staff("leader_cy", orgs["BJ-CY"], "leader"))
    r = call(client, "post", "/projects", leader, project_data("BJ-CY"))
    assert r.status_code == 403


def test_review_goes_to_the_level_above(client, orgs, cy, city):
    p = call(client, "post", "/projects", cy, project_data("BJ-CY")).json()
    r = call(client, "post", f"/projects/{p['id']}/transition", cy, {"action": "submit"})
    assert r.status_code == 400 and "sessions" in r.json()["errors"]
    assert (
        call(client, "post", f"/projects/{p['id']}/sessions", cy, session_body()).status_code == 201
    )
    r = call(client, "post", f"/projects/{p['id']}/transition", cy, {"action": "submit"})
    assert r.json()["status"] == "pending"
    # the organiser's own union cannot approve; editing waits for a withdrawal
    r = call(client, "post", f"/projects/{p['id']}/transition", cy, {"action": "approve"})
    assert r.status_code == 403
    assert call(client, "patch", f"/projects/{p['id']}", cy, {"title": "x"}).status_code == 409
    r = call(client, "post", f"/projects/{p['id']}/transition", city, {"action": "reject"})
    assert r.status_code == 400 and "note" in r.json()["errors"]
    r = call(client, "post", f"/projects/{p['id']}/transition", city, {"action": "approve"})
    assert r.json()["status"] == "published"
    # approving twice is not a transition the table has
    r = call(client, "post", f"/projects/{p['id']}/transition", city, {"action": "approve"})
    assert r.status_code == 409
    r = call(client, "post", f"/projects/{p['id']}/transition", cy, {"action": "unpublish"})
    assert r.json()["status"] == "unpublished"
    r = call(client, "post", f"/projects/{p['id']}/transition", cy, {"action": "fly"})
    assert r.status_code == 400


def test_reject_sends_back_to_draft_with_the_reason(client, orgs, cy, city):
    p = make_project(organiser=orgs["BJ-CY"], status="pending")
    r = call(
        client,
        "post",
        f"/projects/{p.pk}/transition",
        city,
        {"action": "reject", "note": "预算不清"},
    )
    assert (r.json()["status"], r.json()["review_note"]) == ("draft", "预算不清")


def test_session_validation(client, orgs, cy):
    p = make_project(organiser=orgs["BJ-CY"])
    body = session_body(capacity=0, place="")
    body["ends_at"] = body["starts_at"]
    r = call(client, "post", f"/projects/{p.pk}/sessions", cy, body)
    assert r.status_code == 400
    assert set(r.json()["errors"]) >= {"capacity", "ends_at", "place"}
    r = call(client, "post", f"/projects/{p.pk}/sessions", cy, session_body(starts_at="明天"))
    assert r.status_code == 400 and "starts_at" in r.json()["errors"]
    assert not Session.objects.exists()


# --- enrollment through the API ---------------------------------------------------------------


def test_staff_enroll_roster_and_attendance(client, orgs, cy, cy_worker):
    p = make_project(organiser=orgs["BJ-CY"])
    s = make_session(p, starts_at=timezone.now() - datetime.timedelta(minutes=5),
                     signup_closes_at=timezone.now() + datetime.timedelta(minutes=30))  # fmt: skip
    r = call(client, "post", f"/sessions/{s.pk}/enrollments", cy, {"worker_id": cy_worker.pk})
    assert r.status_code == 201 and r.json()["status"] == "enrolled"
    assert r.json()["phone"] != cy_worker.phone and "*" in r.json()["phone"]
    r = call(client, "post", f"/sessions/{s.pk}/enrollments", cy, {"worker_id": cy_worker.pk})
    assert r.status_code == 409
    roster = call(client, "get", f"/sessions/{s.pk}/roster", cy).json()
    assert [(x["worker"], x["checked_in"]) for x in roster] == [(cy_worker.pk, False)]
    r = call(client, "post", f"/sessions/{s.pk}/attendance", cy, {"worker_ids": [cy_worker.pk]})
    assert r.json() == {"recorded": 1}
    assert call(client, "get", f"/sessions/{s.pk}/roster", cy).json()[0]["checked_in"] is True
    e = Enrollment.objects.get()
    r = call(client, "post", f"/sessions/{s.pk}/scan", cy, {"code": enrollment.worker_code(e)})
    assert r.status_code == 409 and "无需重复签到" in r.json()["detail"]
    r = call(client, "post", f"/sessions/{s.pk}/walk-ins", cy, {"count": 0, "note": ""})
    assert r.status_code == 400 and set(r.json()["errors"]) == {"count", "note"}


def test_staff_cannot_enroll_a_worker_outside_their_scope(client, orgs, cy, hd_worker):
    s = make_session(make_project(organiser=orgs["BJ-CY"]))
    r = call(client, "post", f"/sessions/{s.pk}/enrollments", cy, {"worker_id": hd_worker.pk})
    assert r.status_code == 400 and "worker_id" in r.json()["errors"]


def test_worker_token_enrolls_itself_and_cancels(client, orgs, cy_worker, hd_worker):
    s = make_session(make_project(organiser=orgs["BJ-CY"]), capacity=1)
    account = WorkerAccount.objects.create(
        phone=cy_worker.phone, phone_hash=cy_worker.phone_hash, worker=cy_worker
    )
    me = {"HTTP_AUTHORIZATION": f"Bearer {auth.issue_token(worker_account=account)}"}
    r = call(client, "post", f"/sessions/{s.pk}/enrollments", me, {"worker_id": hd_worker.pk})
    assert r.status_code == 201 and r.json()["worker"] == cy_worker.pk  # the payload is ignored
    assert call(client, "get", "/projects", me).status_code == 403  # staff lists stay staff-only
    other = WorkerAccount.objects.create(
        phone=hd_worker.phone, phone_hash=hd_worker.phone_hash, worker=hd_worker
    )
    them = {"HTTP_AUTHORIZATION": f"Bearer {auth.issue_token(worker_account=other)}"}
    eid = r.json()["id"]
    assert call(client, "post", f"/enrollments/{eid}/cancel", them).status_code == 404
    r = call(client, "post", f"/enrollments/{eid}/cancel", me)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


# --- statistics -------------------------------------------------------------------------------


def test_stats_on_a_known_data_set(client, orgs, cy, city):
    """朝阳: two psych sessions (3 people, one of them twice) + 300 walk-ins at a cooling
    delivery; 海淀: one legal session (1 person). Person-times and persons by hand:
    朝阳 = 4 check-ins + 300 = 304 人次, 3 人; city = 305 人次, 4 人."""
    now = timezone.now()
    cy_psych = make_project(organiser=orgs["BJ-CY-WJ"], category="psych")
    cy_cool = make_project(organiser=orgs["BJ-CY"], category="summer_cooling",
                           campaign="summer_cooling")  # fmt: skip
    hd_legal = make_project(organiser=orgs["BJ-HD"], category="legal")
    window = {"starts_at": now - datetime.timedelta(hours=1),
              "signup_opens_at": now - datetime.timedelta(days=2),
              "signup_closes_at": now}  # fmt: skip
    s1, s2 = make_session(cy_psych, **window), make_session(cy_psych, **window)
    s3, s4 = make_session(cy_cool, **window), make_session(hd_legal, **window)
    a, b, c = (make_worker(orgs["BJ-CY-WJ-001"]) for _ in range(3))
    d = make_worker(orgs["BJ-HD-ZGC-001"])
    for session, people in ((s1, [a, b]), (s2, [a, c]), (s4, [d])):
        for w in people:
            Attendance.objects.create(session=session, worker=w, method="staff_mark", at=now)
    staff = make_social_worker(orgs["BJ-CY"])
    enrollment.record_walk_in(actor=staff, session_id=s3.pk, count=300, note="工地送清凉")
    # a session outside the period counts nowhere
    old = make_session(cy_psych, starts_at=now - datetime.timedelta(days=400),
                       signup_opens_at=now - datetime.timedelta(days=401),
                       signup_closes_at=now - datetime.timedelta(days=400))  # fmt: skip
    Attendance.objects.create(session=old, worker=a, method="staff_mark", at=now)

    today = timezone.localdate()
    period = {"from": (today - datetime.timedelta(days=30)).isoformat(), "to": today.isoformat()}
    r = call(client, "get", "/stats", cy, org="BJ-CY", **period).json()
    assert (r["person_times"], r["persons"], r["walk_ins"], r["sessions"]) == (304, 3, 300, 3)
    by_cat = {x["key"]: (x["person_times"], x["persons"]) for x in r["by_category"]}
    assert by_cat == {"psych": (4, 3), "summer_cooling": (300, 0)}
    by_campaign = {x["key"]: x["person_times"] for x in r["by_campaign"]}
    assert by_campaign == {"": 4, "summer_cooling": 300}
    r = call(client, "get", "/stats", city, org="BJ", **period).json()
    assert (r["person_times"], r["persons"], r["projects"]) == (305, 4, 3)
    r = call(client, "get", "/stats", cy, org="BJ-HD", **period)
    assert r.status_code == 400 and "org" in r.json()["errors"]
    r = call(client, "get", "/stats", cy, org="BJ-CY", **{"from": period["to"], "to": "2000-01-01"})
    assert r.status_code == 400
    r = call(client, "get", "/stats", cy, org="BJ-CY", **{"from": "yesterday"})
    assert r.status_code == 400


# --- scope isolation --------------------------------------------------------------------------


def test_every_endpoint_hides_another_districts_projects(client, orgs, cy, hd, hd_worker):
    p = make_project(organiser=orgs["BJ-HD"])
    s = make_session(p)
    e = Enrollment.objects.create(session=s, worker=hd_worker, status="enrolled",
                                  queued_at=timezone.now())  # fmt: skip
    assert call(client, "get", "/projects", cy).json()["count"] == 0
    assert call(client, "get", "/projects", hd).json()["count"] == 1
    checks = [
        ("get", f"/projects/{p.pk}", None),
        ("patch", f"/projects/{p.pk}", {"title": "改"}),
        ("post", f"/projects/{p.pk}/transition", {"action": "unpublish"}),
        ("post", f"/projects/{p.pk}/sessions", session_body()),
        ("patch", f"/sessions/{s.pk}", {"capacity": 99}),
        ("get", f"/sessions/{s.pk}/roster", None),
        ("post", f"/sessions/{s.pk}/enrollments", {"worker_id": hd_worker.pk}),
        ("post", f"/enrollments/{e.pk}/cancel", None),
        ("post", f"/sessions/{s.pk}/attendance", {"worker_ids": [hd_worker.pk]}),
        ("post", f"/sessions/{s.pk}/scan", {"code": enrollment.worker_code(e)}),
        ("post", f"/sessions/{s.pk}/walk-ins", {"count": 5, "note": "越权"}),
    ]
    for method, path, body in checks:
        r = call(client, method, path, cy, body)
        assert r.status_code == 404, (method, path, r.status_code)
    p.refresh_from_db()
    assert (p.title, p.status, p.sessions.count()) != ("改", "unpublished", 2)
    assert not Attendance.objects.exists()
    assert Enrollment.objects.get().status == "enrolled"


def test_unauthenticated_calls_are_refused(client):
    assert client.get(f"{API}/projects").status_code == 401
    assert client.get(f"{API}/categories").status_code == 200
