"""One real transition of each app's state machine, through its service or API, leaves its
audit row: who, which object, old→new (``core.audit.track_state``; test_state_audit.py has the
mechanism and the check that every state field is registered)."""

import pytest
from django.utils import timezone

from gonghui.core.audit import acting_as
from gonghui.core.models import AuditLog
from gonghui.people.tests.factories import bearer, console_login, make_staff, make_worker

pytestmark = pytest.mark.django_db


def last(obj, field="status") -> AuditLog:
    return AuditLog.objects.state_changes(obj).filter(fields=field).latest("id")


def changes(obj, field="status") -> list[str]:
    return list(
        AuditLog.objects.state_changes(obj)
        .filter(fields=field)
        .order_by("id")
        .values_list("reason", flat=True)
    )


def test_hotline_dispatch_through_the_api(client, orgs):
    from gonghui.hotline.tests.factories import make_appeal, make_operator, post_action

    operator = make_operator(orgs["BJ"])
    appeal = make_appeal(operator)
    r = post_action(client, appeal.pk, "dispatch", bearer(operator), note="请尽快处理")
    assert r.status_code == 200, r.content
    row = last(appeal)
    assert (row.reason, row.actor) == ("received→dispatched", operator)
    assert row.source == f"POST /api/v1/hotline/appeals/{appeal.pk}/actions"
    assert changes(appeal) == ["→received", "received→dispatched"]


def test_service_project_approval_through_the_api(client, orgs):
    from gonghui.services.models import ProjectStatus
    from gonghui.services.tests.factories import make_project, make_social_worker

    project = make_project(organiser=orgs["BJ-CY"], status=ProjectStatus.PENDING)
    city = make_social_worker(orgs["BJ"], "sw_state_city")
    r = client.post(
        f"/api/v1/services/projects/{project.pk}/transition",
        {"action": "approve"},
        content_type="application/json",
        **bearer(city),
    )
    assert r.status_code == 200, r.content
    assert (last(project).reason, last(project).actor) == ("pending→published", city)


def test_station_opening_review(orgs):
    import datetime

    from gonghui.stations import services
    from gonghui.stations.tests.factories import make_manager, make_station

    manager, admin = make_manager(orgs["BJ-CY"]), make_staff("st_admin", orgs["BJ"], "admin")
    station = make_station(org=orgs["BJ-CY"], status="building")
    with acting_as(manager):
        req = services.request_status(
            user=manager, station=station, to_status="open", effective_on=datetime.date(2025, 6, 1)
        )
    with acting_as(admin):
        services.review_status(user=admin, request_id=req.pk, approve=True)
    assert changes(req, "state") == ["→pending", "pending→approved"]
    assert last(req, "state").actor == admin and last(station).actor == admin
    assert changes(station) == ["→building", "building→open"]
    assert AuditLog.objects.state_changes(req).earliest("id").actor == manager


def test_hardship_application_verify_and_the_file(orgs):
    from gonghui.assistance.tests.factories import aid_officer, apply, step

    officer = aid_officer(orgs["BJ-HD-ZGC-001"], "state_aid")
    worker = make_worker(orgs["BJ-HD-ZGC-001"])
    with acting_as(officer):
        app = apply(worker, officer)
        step(app, officer, "verify")
    assert changes(app, "state") == ["→submitted", "submitted→verified"]
    assert last(app, "state").actor == officer
    assert changes(app.file) == ["→applying"]


def test_the_hardship_tick_concludes_publicity_as_the_task(orgs):
    from gonghui.assistance.tasks import hardship_tick
    from gonghui.assistance.tests.factories import aid_officer, apply, end_publicity, step

    officer = aid_officer(orgs["BJ-HD"], "state_aid_hd")
    app = apply(make_worker(orgs["BJ-HD-ZGC-001"]), officer)
    step(app, officer, "verify")
    step(app, officer, "approve")
    end_publicity(app)
    assert hardship_tick.call()["concluded"] == 1
    row = last(app, "state")
    assert (row.reason, row.actor_label) == ("publicity→done", "task:hardship_tick")
    assert last(app.file).reason == "applying→registered"


def test_campaign_payment_paid_by_the_bank_import(orgs):
    from gonghui.assistance.campaigns import bank_import
    from gonghui.assistance.tests.campaign_factories import (
        PAID_ON,
        approved_with_payments,
        bank_file,
    )

    accounts = ["6222020200112233445", "6217000010001234567", "6228480010987654321"]
    campaign, hd_aid, pays, _batch, _workers = approved_with_payments(orgs, accounts)
    rows = [(p.reconciliation_id, "成功", float(p.amount), PAID_ON.isoformat(), "") for p in pays]
    with acting_as(hd_aid):
        bank_import.import_results(user=hd_aid, campaign_id=campaign.pk, upload=bank_file(rows))
    for p in pays:
        assert changes(p) == ["→issued", "issued→paid"] and last(p).actor == hd_aid
    assert changes(campaign)[:3] == ["→draft", "draft→lists_open", "lists_open→approved"]


def test_honors_nomination_approval(orgs):
    from gonghui.honors import services
    from gonghui.honors.tests.factories import make_admin, make_nomination, make_program

    program = make_program(orgs["BJ"])
    nomination = make_nomination(program, orgs["BJ-CY"])
    reviewer = make_admin(orgs["BJ"])
    with acting_as(reviewer):
        services.transition(user=reviewer, nomination_id=nomination.pk, action="approve")
    row = last(nomination, "state")
    assert (row.reason, row.actor, row.object_type) == (
        "submitted→publicity",
        reviewer,
        "honors.nomination",
    )


def test_plan_publication(orgs):
    from gonghui.plans import services
    from gonghui.plans.tests.factories import make_item, make_plan, planner

    city = planner(orgs["BJ"], "state_planner")
    with acting_as(city):
        plan = make_plan(city, orgs["BJ"])
        make_item(city, plan, target="10")
        services.transition(user=city, plan=plan, action="publish")
    assert changes(plan) == ["→draft", "draft→published"] and last(plan).actor == city


def test_registration_review_in_the_console(client, orgs, cy_handler):
    from gonghui.people import services
    from gonghui.people.tests.test_registration import account, form

    worker = services.register_self(account("13700008811"), form()).worker
    console_login(client, cy_handler)
    r = client.post(f"/console/workers/registrations/memberships/{worker.pk}/confirm/")
    assert r.status_code == 302
    row = last(worker, "membership_status")
    assert (row.reason, row.actor) == ("claimed→confirmed", cy_handler)


def test_registration_claim_and_deletion_request_reviews(orgs, cy_handler):
    from gonghui.people import deletion, services
    from gonghui.people.tests.test_registration import account, form

    on_file = make_worker(orgs["BJ-CY-WJ-001"], name="钱有档", phone="13700008822")
    acc = account("13700008833")
    claim = services.register_self(acc, form(name="钱有档", id_number=on_file.id_number)).claim
    with acting_as(cy_handler):
        services.review_claim(user=cy_handler, claim_id=claim.pk, action="link")
    assert changes(claim) == ["→open", "open→linked"] and last(claim).actor == cy_handler

    acc.refresh_from_db()
    req = deletion.request_deletion(acc, "不再使用")
    with acting_as(cy_handler):
        deletion.review(user=cy_handler, request_id=req.pk, action="reject", reason="仍在帮扶期")
    assert changes(req) == ["→open", "open→rejected"] and last(req).actor == cy_handler


def test_notice_sms_delivery_as_the_task(django_capture_on_commit_callbacks):
    from gonghui.notices.tests.factories import account, message

    with django_capture_on_commit_callbacks(execute=True):
        m = message(account(), "appeal_received", number="12351-20261130-000007", title="工资")
    assert changes(m, "sms_status") == ["→pending", "pending→sent"]
    assert last(m, "sms_status").actor_label == "task:deliver_message"
    assert last(m, "sms_status").created_at <= timezone.now()
