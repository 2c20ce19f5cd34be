"""Every state change is in the append-only audit log (等保 2.0 安全审计, issue 12).

``core.audit.track_state`` writes one ``state_change`` row per change of a registered field;
the list of registered fields is checked against the models themselves, so a state machine
added tomorrow fails here until it is registered. The per-app transitions are in
``test_state_audit_apps.py``.
"""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from gonghui.core.audit import (
    acting_as,
    current_actor,
    record_states,
    track_state,
    tracked_states,
    update_states,
)
from gonghui.core.models import STATE_CHANGE, AuditLog
from gonghui.people.tests.factories import bearer

# Fields that look like a state but are not one (with the reason).
NOT_STATES = {
    # the status a review request asks for, fixed at creation; the request's own ``state``
    # and the station's ``status`` are tracked
    ("stations.StatusRequest", "to_status"),
}


def state_fields():
    """Every (model label, field) in the project's own apps with choices that names a state."""
    for model in apps.get_models():
        meta = model._meta
        if not meta.app_config.name.startswith("gonghui.") or meta.proxy or meta.abstract:
            continue
        for field in meta.concrete_fields:
            name = field.name
            if field.choices and (
                name in ("status", "state") or name.endswith(("_status", "_state"))
            ):
                yield meta.label, name


def test_every_state_field_in_the_project_is_tracked():
    found = set(state_fields())
    tracked = {(m._meta.label, f) for m, fields in tracked_states().items() for f in fields}
    assert ("hotline.Appeal", "status") in found  # the enumeration sees the models
    missing = found - tracked - NOT_STATES
    assert not missing, f"register with core.audit.track_state in AppConfig.ready(): {missing}"
    assert tracked <= found, "a tracked field must be a state with choices"


def test_a_typo_in_a_registration_fails_at_once():
    from gonghui.hotline.models import Appeal

    with pytest.raises(Exception, match="no field named 'stauts'"):
        track_state(Appeal, "stauts")


# --- the mechanism, on a simple tracked model ----------------------------------------------


@pytest.fixture
def officer(orgs):
    from gonghui.partners.tests.factories import make_aid_officer

    return make_aid_officer(orgs["BJ-CY"], "state_officer")


def rows_of(obj):
    return list(AuditLog.objects.state_changes(obj).order_by("id"))


@pytest.mark.django_db
def test_creation_and_each_change_are_one_row_and_a_save_without_change_none(orgs, officer):
    from gonghui.partners.models import PartnerStatus
    from gonghui.partners.tests.factories import make_partner

    with acting_as(officer):
        partner = make_partner(orgs["BJ-CY"])
        partner.name = "改名不是状态变化"
        partner.save()
        partner.status = PartnerStatus.WITHDRAWN
        partner.save(update_fields=["status"])
        partner.save()  # no change
        partner.refresh_from_db()
        partner.status = PartnerStatus.ACTIVE
        partner.save(update_fields=["name"])  # the status is not written: nothing changed
    created, withdrawn = rows_of(partner)
    assert (created.action, created.fields, created.reason) == (STATE_CHANGE, "status", "→active")
    assert withdrawn.reason == "active→withdrawn"
    assert withdrawn.object_type == "partners.partner" and withdrawn.object_id == str(partner.pk)
    assert withdrawn.actor == officer and withdrawn.actor_label == "state_officer"
    assert not AuditLog.objects.data_access().exists()  # reads of personal data are apart


@pytest.mark.django_db
def test_the_row_is_in_the_same_transaction_as_the_change(orgs):
    from gonghui.partners.models import Partner, PartnerStatus
    from gonghui.partners.tests.factories import make_partner

    partner = make_partner(orgs["BJ-CY"])
    with pytest.raises(RuntimeError), transaction.atomic():
        partner.status = PartnerStatus.WITHDRAWN
        partner.save()
        assert rows_of(partner)[-1].reason == "active→withdrawn"
        raise RuntimeError("rolled back")
    assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.ACTIVE
    assert [r.reason for r in rows_of(partner)] == ["→active"]


@pytest.mark.django_db
def test_the_old_value_is_the_stored_one_not_a_stale_copy(orgs):
    from gonghui.partners.models import Partner, PartnerStatus
    from gonghui.partners.tests.factories import make_partner

    partner = make_partner(orgs["BJ-CY"])
    stale = Partner.objects.get(pk=partner.pk)
    partner.status = PartnerStatus.WITHDRAWN
    partner.save()
    stale.status = PartnerStatus.ACTIVE  # a second writer, loaded before the first one saved
    stale.save()
    assert [r.reason for r in rows_of(partner)] == [
        "→active",
        "active→withdrawn",
        "withdrawn→active",
    ]


def test_the_actor_outside_a_request_is_the_system_or_who_acting_as_names():
    assert current_actor() == ("system", None)
    with acting_as("task:test"):
        assert current_actor() == ("task:test", None)
        with acting_as(None):
            assert current_actor()[0] == "system"
    assert current_actor()[0] == "system"


@pytest.mark.django_db
def test_a_staff_api_request_is_the_actor_with_its_source_and_address(client, orgs, officer):
    from gonghui.partners.tests.factories import make_partner

    partner = make_partner(orgs["BJ-CY"])
    r = client.patch(
        f"/api/v1/partners/{partner.pk}",
        {"status": "withdrawn"},
        content_type="application/json",
        **bearer(officer),
    )
    assert r.status_code == 200, r.content
    row = rows_of(partner)[-1]
    assert row.reason == "active→withdrawn" and row.actor == officer
    assert row.source == f"PATCH /api/v1/partners/{partner.pk}" and row.ip_address == "127.0.0.1"
    assert "no-store" not in r.get("Cache-Control", "")  # not a read of personal data


@pytest.mark.django_db
def test_an_anonymous_request_is_recorded_as_anonymous(client, orgs):
    from gonghui.hotline.models import Appeal
    from gonghui.hotline.tests.factories import appeal_data, post_appeal

    r = post_appeal(client, appeal_data())
    assert r.status_code == 201, r.content
    (row,) = rows_of(Appeal.objects.get(pk=r.json()["id"]))
    assert (row.actor_label, row.actor, row.reason) == ("anonymous", None, "→received")


@pytest.mark.django_db
def test_a_worker_is_the_actor_by_api_token_and_by_h5_session(client, orgs):
    import datetime

    from gonghui.people.demo import fake_id_number
    from gonghui.people.models import Worker
    from gonghui.people.tests.test_registration import account, api_post, form
    from gonghui.people.tests.test_registration_pages import h5_login

    acc = account("13700005555")
    assert api_post(client, acc, form()).status_code == 202
    (row,) = rows_of(Worker.objects.get(accounts=acc))
    assert row.fields == "membership_status" and row.reason == "→claimed"
    assert row.actor is None and row.actor_label == f"people.workeraccount:{acc.pk}"

    client.logout()
    other = h5_login(client, "13700006666")
    r = client.post(
        "/me/register/",
        form(id_number=fake_id_number("110105", datetime.date(1991, 2, 3), 44, "M")),
    )
    assert r.status_code == 200, r.content
    (row,) = rows_of(Worker.objects.get(accounts=other))
    assert row.actor_label == f"people.workeraccount:{other.pk}"
    assert row.source == "POST /me/register/"
    for r in AuditLog.objects.state_changes():
        assert "137000" not in f"{r.actor_label}{r.reason}{r.source}"  # no phone in the trail


# --- paths that bypass signals ----------------------------------------------------------


@pytest.mark.django_db
def test_update_states_is_an_audited_queryset_update(orgs, officer):
    from gonghui.partners.models import Partner
    from gonghui.partners.tests.factories import make_partner

    a, b = make_partner(orgs["BJ-CY"]), make_partner(orgs["BJ-CY"])
    b.status = "withdrawn"
    b.save()
    with acting_as(officer):
        changed = update_states(Partner.objects.filter(pk__in=[a.pk, b.pk]), new="withdrawn")
    assert changed == 1  # b was already withdrawn: untouched, no row
    assert Partner.objects.get(pk=a.pk).status == "withdrawn"
    assert [(r.reason, r.actor) for r in rows_of(a)][-1] == ("active→withdrawn", officer)
    assert [r.reason for r in rows_of(b)] == ["→active", "active→withdrawn"]


@pytest.mark.django_db
def test_the_bulk_helpers_refuse_a_field_that_is_not_tracked(orgs):
    from gonghui.partners.models import Partner

    with pytest.raises(ValueError, match="not registered"):
        update_states(Partner.objects.all(), new="x", field="name")
    with pytest.raises(ValueError, match="not registered"):
        record_states(Partner, [1], old="a", new="b", field="name")


@pytest.mark.django_db
def test_marking_a_station_report_handled_is_audited(orgs):
    from gonghui.stations import services
    from gonghui.stations.tests.factories import make_manager, make_station

    manager = make_manager(orgs["BJ-CY"])
    station = make_station(org=orgs["BJ-CY"])
    report = services.report_problem(station=station, kind="other", text="饮水机坏了")
    with acting_as(manager):
        assert services.mark_report_handled(user=manager, report=report)
        assert not services.mark_report_handled(user=manager, report=report)  # already handled
    rows = rows_of(report)
    assert [r.reason for r in rows] == ["→open", "open→handled"]
    assert rows[-1].fields == "state" and rows[-1].actor == manager


@pytest.mark.django_db
def test_approving_a_campaign_list_audits_every_beneficiary(orgs):
    from gonghui.assistance.campaigns import services as campaigns
    from gonghui.assistance.tests.campaign_factories import (
        approve,
        make_campaign,
        officer,
        opened,
        registered,
    )
    from gonghui.people.tests.factories import make_worker

    hd_aid = officer(orgs["BJ-HD"])
    for _ in range(3):
        registered(make_worker(orgs["BJ-HD-ZGC-001"]), hd_aid)
    campaign = make_campaign(hd_aid, orgs["BJ-HD"])
    opened(campaign, hd_aid)
    campaigns.generate_list(user=hd_aid, campaign_id=campaign.pk, org_code="BJ-HD")
    city = officer(orgs["BJ"])
    with acting_as(city):
        approve(campaign, city)
    bens = list(campaign.beneficiaries.all())
    assert len(bens) == 3
    for ben in bens:
        last = rows_of(ben)[-1]
        assert (last.reason, last.actor) == ("proposed→approved", city)
    assert rows_of(campaign)[-1].reason == "lists_open→approved"


@pytest.mark.django_db
def test_state_rows_are_append_only_in_the_database(orgs):
    from gonghui.partners.tests.factories import make_partner

    (row,) = rows_of(make_partner(orgs["BJ-CY"]))
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    for sql in (
        f"UPDATE {table} SET reason = 'active→withdrawn' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    assert AuditLog.objects.get(pk=row.pk).reason == "→active"
