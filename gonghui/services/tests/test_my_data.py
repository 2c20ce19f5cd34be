"""The worker's enrollments, check-ins and health-check bookings in their own-data export."""

import pytest

from gonghui.people import auth
from gonghui.services import enrollment

from .factories import make_project, make_session
from .health.test_world import TOMORROW, book, freeze, make_world

pytestmark = pytest.mark.django_db

ME, OTHER = "13812345678", "13987654321"  # cy_worker, hd_worker


def export(client, phone) -> dict:
    token = auth.issue_token(worker_account=auth.sign_in_worker(phone))
    r = client.get("/api/v1/me/export", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200, r.content
    return r.json()


def test_enrollments_and_check_ins_are_mine_only(client, orgs, cy_worker, hd_worker):
    project = make_project(organiser=orgs["BJ"], title="职工心理健康讲座")
    session = make_session(project, capacity=1)
    enrollment.enroll(worker=cy_worker, session_id=session.pk)
    enrollment.enroll(worker=hd_worker, session_id=session.pk)  # waitlisted
    enrollment.check_in_by_session_code(
        worker=cy_worker, qr_token=session.qr_token, now=session.starts_at
    )
    other = make_session(make_project(organiser=orgs["BJ"], title="别人的项目"))
    enrollment.enroll(worker=hd_worker, session_id=other.pk)

    mine = export(client, ME)
    day = session.starts_at.astimezone().date().isoformat()
    assert mine["service_enrollments"] == [
        {
            "project": "职工心理健康讲座",
            "session": "",
            "session_date": day,
            "status": "已报名",
            "enrolled_on": mine["service_enrollments"][0]["enrolled_on"],
        }
    ]
    assert [(a["project"], a["method"]) for a in mine["service_attendances"]] == [
        ("职工心理健康讲座", "职工扫活动码")
    ]
    theirs = export(client, OTHER)
    assert sorted((e["project"], e["status"]) for e in theirs["service_enrollments"]) == [
        ("别人的项目", "已报名"),
        ("职工心理健康讲座", "候补中"),
    ]
    assert theirs["service_attendances"] == []


def test_health_bookings_are_mine_only(client, orgs, monkeypatch, cy_worker, hd_worker):
    freeze(monkeypatch)
    w = make_world(orgs)
    book(cy_worker, w.a1)
    book(hd_worker, w.b1)
    rows = export(client, ME)["health_bookings"]
    assert rows == [
        {
            "program": "2026年新就业形态劳动者免费体检",
            "hospital": "朝阳合作医院",
            "date": TOMORROW.isoformat(),
            "status": "已预约",
            "applied_on": "2026-06-15",
            "completed_on": "",
        }
    ]
    assert [r["hospital"] for r in export(client, OTHER)["health_bookings"]] == ["海淀合作医院"]


def test_anonymising_unlinks_bookings_from_the_id_number_but_keeps_counts(
    orgs, monkeypatch, cy_worker, hd_worker
):
    from gonghui.people import auth, deletion
    from gonghui.people.tests.factories import make_staff
    from gonghui.services.health import selectors as health_selectors
    from gonghui.services.models import HealthBooking

    freeze(monkeypatch)
    w = make_world(orgs)
    mine, theirs = book(cy_worker, w.a1), book(hd_worker, w.b1)
    old_hash = cy_worker.id_number_hash
    req = deletion.request_deletion(auth.sign_in_worker(ME), "")
    deletion.review(
        user=make_staff("cy_del", orgs["BJ-CY"], "social_worker"),
        request_id=req.pk,
        action="anonymise",
    )
    mine.refresh_from_db()
    assert mine.id_number_hash == f"deleted:{cy_worker.pk}" and mine.status == "booked"
    assert health_selectors.existing_booking(2026, old_hash) is None
    assert HealthBooking.objects.filter(year=2026).count() == 2
    theirs.refresh_from_db()
    assert theirs.id_number_hash == hd_worker.id_number_hash
