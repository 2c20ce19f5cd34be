"""Honors rules: quotas (per lower org, under a lock), the nomination window, eligibility,
duplicates, the state table, 公示 in working days, objections, award and revocation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.honors import selectors, services
from gonghui.honors.models import Nomination, ObjectionStatus, State
from gonghui.honors.states import TRANSITIONS

from .factories import (
    make_admin,
    make_man,
    make_nomination,
    make_nominator,
    make_program,
    make_woman,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def nominate(user, program, org, worker=None, **extra):
    data = {"program": program.pk, "nominating_org": org.code, "deeds": "事迹", **extra}
    if worker is not None:
        data["worker"] = worker.pk
    return services.create_nomination(user=user, data=data)


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


@pytest.fixture
def city(orgs):
    return make_program(orgs["BJ"], women_only=True, quotas={orgs["BJ-CY"]: 2, orgs["BJ-HD"]: 1})


@pytest.fixture
def cy_sw(orgs):
    return make_nominator(orgs["BJ-CY"])


# --- quotas -----------------------------------------------------------------------------------


def test_quota_counts_the_whole_subtree_and_refuses_the_next(orgs, city, cy_sw):
    nominate(cy_sw, city, orgs["BJ-CY"], make_woman(orgs["BJ-CY-WJ-001"]))
    nominate(cy_sw, city, orgs["BJ-CY-WJ"], make_woman(orgs["BJ-CY-WJ-001"]))
    with pytest.raises(ValidationError) as exc:
        nominate(cy_sw, city, orgs["BJ-CY-WJ-001"], make_woman(orgs["BJ-CY-WJ-001"]))
    assert errors_of(exc)["nominating_org"] == ["朝阳区总工会 的名额（2 个）已用完"]
    assert Nomination.objects.filter(program=city).count() == 2


def test_withdrawn_and_rejected_free_their_place(orgs, city, cy_sw):
    make_nomination(city, orgs["BJ-CY"], state=State.WITHDRAWN)
    make_nomination(city, orgs["BJ-CY"], state=State.REJECTED)
    make_nomination(city, orgs["BJ-CY"], state=State.REVOKED)
    nominate(cy_sw, city, orgs["BJ-CY"], make_woman(orgs["BJ-CY-WJ-001"]))
    with pytest.raises(ValidationError):
        nominate(cy_sw, city, orgs["BJ-CY"], make_woman(orgs["BJ-CY-WJ-001"]))


def test_org_without_quota_in_a_quota_program_is_refused(orgs, city):
    dc = make_nominator(orgs["BJ-DC"])
    with pytest.raises(ValidationError) as exc:
        nominate(dc, city, orgs["BJ-DC"], make_woman(orgs["BJ-DC"]))
    assert errors_of(exc)["nominating_org"] == ["本单位在该评选中没有分配名额"]


def test_program_without_quotas_is_unlimited(orgs, cy_sw):
    program = make_program(orgs["BJ-CY"])
    for _ in range(3):
        nominate(cy_sw, program, orgs["BJ-CY-WJ"], make_woman(orgs["BJ-CY-WJ-001"]))
    assert program.nominations.count() == 3


def test_set_quota_only_below_the_organiser(orgs, city):
    admin = make_admin(orgs["BJ"])
    row = services.set_quota(user=admin, program=city, org_code="BJ-XC", quota=3)
    assert row.quota == 3
    with pytest.raises(ValidationError) as exc:
        services.set_quota(user=admin, program=city, org_code="BJ", quota=3)
    assert "org" in errors_of(exc)
    with pytest.raises(PermissionDenied):
        services.set_quota(user=make_admin(orgs["BJ-CY"]), program=city, org_code="BJ-CY", quota=9)


# --- window, eligibility, duplicates ----------------------------------------------------------


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(-20, -1), (1, 20)],
    ids=["closed-yesterday", "opens-tomorrow"],
)
def test_nomination_outside_the_window_is_refused(orgs, cy_sw, opens, closes):
    day = datetime.timedelta(days=1)
    program = make_program(
        orgs["BJ"], nomination_opens=TODAY() + opens * day, nomination_closes=TODAY() + closes * day
    )
    with pytest.raises(ValidationError) as exc:
        nominate(cy_sw, program, orgs["BJ-CY"], make_woman(orgs["BJ-CY"]))
    assert errors_of(exc)["program"][0].startswith("不在提名期内：提名时间为")


def test_a_program_not_open_takes_no_nominations(orgs, cy_sw):
    program = make_program(orgs["BJ"], status="closed")
    with pytest.raises(ValidationError) as exc:
        nominate(cy_sw, program, orgs["BJ-CY"], make_woman(orgs["BJ-CY"]))
    assert errors_of(exc)["program"] == ["该评选已结束，不接受提名"]


def test_window_edges_are_inclusive(orgs, cy_sw):
    program = make_program(orgs["BJ"], nomination_opens=TODAY(), nomination_closes=TODAY())
    assert nominate(cy_sw, program, orgs["BJ-CY"], make_woman(orgs["BJ-CY"])).state == State.DRAFT


def test_submitting_a_draft_after_the_window_is_refused(orgs, cy_sw):
    program = make_program(orgs["BJ"])
    nom = nominate(cy_sw, program, orgs["BJ-CY"], make_woman(orgs["BJ-CY"]))
    program.nomination_closes = program.nomination_opens = TODAY() - datetime.timedelta(days=1)
    program.save()
    with pytest.raises(ValidationError):
        services.transition(user=cy_sw, nomination_id=nom.pk, action="submit")


def test_women_only_refuses_a_man_by_id_number_sex(orgs, city, cy_sw):
    man = make_man(orgs["BJ-CY-WJ-001"])
    assert man.sex == "M"
    with pytest.raises(ValidationError) as exc:
        nominate(cy_sw, city, orgs["BJ-CY"], man)
    assert errors_of(exc)["worker"] == ["该评选仅限女职工"]


def test_members_only_and_employment_forms(orgs, cy_sw):
    program = make_program(orgs["BJ"], members_only=True, employment_forms="courier,food_delivery")
    outsider = make_woman(orgs["BJ-CY"], member_since=None, employment_form="standard")
    with pytest.raises(ValidationError) as exc:
        nominate(cy_sw, program, orgs["BJ-CY"], outsider)
    assert errors_of(exc)["worker"] == [
        "该评选仅限工会会员",
        "该评选仅限以下用工形式：快递员、外卖配送员",
    ]
    rider = make_woman(orgs["BJ-CY"], employment_form="food_delivery")
    assert nominate(cy_sw, program, orgs["BJ-CY"], rider).worker == rider


def test_worker_outside_the_nominating_org_is_refused(orgs, city, cy_sw, hd_worker):
    with pytest.raises(ValidationError) as exc:
        nominate(cy_sw, city, orgs["BJ-CY"], hd_worker)
    assert errors_of(exc)["worker"] == ["请从本单位职工中选择被提名人"]


def test_same_person_twice_is_a_clear_error_and_a_db_constraint(orgs, city, cy_sw):
    woman = make_woman(orgs["BJ-CY-WJ-001"])
    nominate(cy_sw, city, orgs["BJ-CY-WJ"], woman)
    with pytest.raises(ValidationError) as exc:
        nominate(cy_sw, city, orgs["BJ-CY"], woman)
    assert errors_of(exc)["worker"] == [f"{woman.name} 已在本评选中被提名，不能重复提名"]
    with pytest.raises(IntegrityError), transaction.atomic():
        make_nomination(city, orgs["BJ-CY"], worker=woman, state=State.SUBMITTED)


def test_a_rejected_person_may_be_nominated_again(orgs, city, cy_sw):
    woman = make_woman(orgs["BJ-CY"])
    make_nomination(city, orgs["BJ-CY"], worker=woman, state=State.REJECTED)
    assert nominate(cy_sw, city, orgs["BJ-CY"], woman).state == State.DRAFT


def test_collective_program_needs_a_name(orgs, cy_sw):
    program = make_program(orgs["BJ"], kind="collective")
    with pytest.raises(ValidationError) as exc:
        nominate(cy_sw, program, orgs["BJ-CY"])
    assert "collective_name" in errors_of(exc)
    nom = nominate(cy_sw, program, orgs["BJ-CY"], collective_name="望京街道妇联岗")
    assert nom.nominee_name == "望京街道妇联岗" and nom.worker is None


def test_out_of_scope_nominating_org_looks_unknown(orgs, city, cy_sw):
    with pytest.raises(ValidationError) as exc:
        nominate(cy_sw, city, orgs["BJ-HD"], make_woman(orgs["BJ-HD"]))
    assert errors_of(exc)["nominating_org"] == ["推荐单位不存在或不在您的管辖范围内"]


# --- the flow ---------------------------------------------------------------------------------


def test_transition_table_covers_the_issue_flow():
    assert TRANSITIONS[("submitted", "approve")][0] == "publicity"
    assert TRANSITIONS[("publicity", "award")][0] == "awarded"
    assert TRANSITIONS[("publicity", "reject")][0] == "rejected"
    assert TRANSITIONS[("awarded", "revoke")][0] == "revoked"
    assert ("rejected", "award") not in TRANSITIONS


def test_review_is_one_level_up_never_the_nominator(orgs, city):
    nom = make_nomination(city, orgs["BJ-CY-WJ"])
    own_admin = make_admin(orgs["BJ-CY-WJ"])
    with pytest.raises(PermissionDenied):
        services.transition(user=own_admin, nomination_id=nom.pk, action="approve")
    other_district = make_admin(orgs["BJ-HD"])
    with pytest.raises(PermissionDenied):
        services.transition(user=other_district, nomination_id=nom.pk, action="approve")
    reviewer = make_admin(orgs["BJ-CY"])
    assert list(selectors.review_queue(reviewer)) == [nom]
    assert list(selectors.review_queue(own_admin)) == []
    nom = services.transition(user=reviewer, nomination_id=nom.pk, action="approve")
    assert nom.state == State.PUBLICITY and nom.reviewer == reviewer


def test_publicity_end_counts_working_days_over_national_day():
    # 2024-09-29 (Sunday) was a 调休 working day; 10-01..10-07 holidays.
    start, end = services.publicity_window(datetime.date(2024, 9, 27), 5)
    assert (start, end) == (datetime.date(2024, 9, 27), datetime.date(2024, 10, 10))
    assert services.publicity_window(datetime.date(2024, 9, 27), 1)[1] == datetime.date(2024, 9, 29)


def test_approve_sets_publicity_from_program_working_days(orgs):
    program = make_program(orgs["BJ"], publicity_working_days=7)
    nom = make_nomination(program, orgs["BJ-CY"])
    nom = services.transition(user=make_admin(orgs["BJ"]), nomination_id=nom.pk, action="approve")
    assert nom.publicity_start == TODAY()
    assert nom.publicity_end == services.publicity_window(TODAY(), 7)[1]
    assert (nom.publicity_end - TODAY()).days >= 7


def test_award_waits_for_publicity_and_open_objections(orgs, city):
    organiser = make_admin(orgs["BJ"])
    nom = make_nomination(city, orgs["BJ-CY"], state=State.PUBLICITY, publicity_end=TODAY())
    with pytest.raises(services.Conflict, match="期满后才能表彰"):
        services.transition(user=organiser, nomination_id=nom.pk, action="award")
    Nomination.objects.filter(pk=nom.pk).update(publicity_end=TODAY() - datetime.timedelta(days=1))
    objection = services.record_objection(
        user=organiser, nomination_id=nom.pk, content="事迹有夸大", raised_by="匿名"
    )
    with pytest.raises(services.Conflict, match="未处理的公示异议"):
        services.transition(user=organiser, nomination_id=nom.pk, action="award")
    services.resolve_objection(
        user=organiser, objection_id=objection.pk, upheld=False, resolution="经核实属实"
    )
    nom = services.transition(user=organiser, nomination_id=nom.pk, action="award")
    assert nom.state == State.AWARDED and nom.awarded_on == TODAY()


def test_upheld_objection_rejects(orgs, city):
    nom = make_nomination(city, orgs["BJ-CY"], state=State.PUBLICITY)
    admin = make_admin(orgs["BJ"])
    obj = services.record_objection(user=admin, nomination_id=nom.pk, content="不符合条件")
    obj = services.resolve_objection(
        user=admin, objection_id=obj.pk, upheld=True, resolution="确不符合"
    )
    nom.refresh_from_db()
    assert obj.status == ObjectionStatus.UPHELD
    assert nom.state == State.REJECTED and "公示异议成立" in nom.review_note


def test_an_objection_needs_a_finding_and_is_decided_once(orgs, city):
    nom = make_nomination(city, orgs["BJ-CY"], state=State.PUBLICITY)
    admin = make_admin(orgs["BJ"])
    obj = services.record_objection(user=admin, nomination_id=nom.pk, content="材料不实")
    with pytest.raises(ValidationError) as exc:
        services.resolve_objection(user=admin, objection_id=obj.pk, upheld=False, resolution=" ")
    assert errors_of(exc) == {"resolution": ["请填写核查情况"]}
    done = services.resolve_objection(
        user=admin, objection_id=obj.pk, upheld=False, resolution="经核实属实"
    )
    assert (done.status, done.resolved_by, done.resolution) == (
        ObjectionStatus.DISMISSED, admin, "经核实属实"
    )  # fmt: skip
    assert done.resolved_at is not None and str(done) == f"公示异议 #{obj.pk}"
    with pytest.raises(services.Conflict, match="该异议已处理"):
        services.resolve_objection(user=admin, objection_id=obj.pk, upheld=True, resolution="再议")
    nom.refresh_from_db()
    assert nom.state == State.PUBLICITY


def test_revoke_needs_a_reason_and_drops_from_counts(orgs, city):
    nom = make_nomination(city, orgs["BJ-CY-WJ"], state=State.AWARDED, awarded_on=TODAY())
    organiser = make_admin(orgs["BJ"])
    assert selectors.awarded_count(orgs["BJ-CY"], TODAY(), TODAY()) == 1
    with pytest.raises(ValidationError):
        services.transition(user=organiser, nomination_id=nom.pk, action="revoke")
    with pytest.raises(PermissionDenied):  # the district reviews but does not organise
        services.transition(user=make_admin(orgs["BJ-CY"]), nomination_id=nom.pk, action="revoke")
    nom = services.transition(
        user=organiser, nomination_id=nom.pk, action="revoke", note="事迹造假"
    )
    assert (nom.state, nom.revoke_reason) == (State.REVOKED, "事迹造假")
    assert selectors.awarded_count(orgs["BJ-CY"], TODAY(), TODAY()) == 0
    with pytest.raises(services.Conflict):
        services.transition(user=organiser, nomination_id=nom.pk, action="award")


def test_awarded_count_and_by_month_on_a_known_set(orgs, city):
    y = 2025
    for day, org, state in [
        (datetime.date(y, 3, 1), orgs["BJ-CY-WJ"], State.AWARDED),
        (datetime.date(y, 3, 31), orgs["BJ-CY"], State.AWARDED),
        (datetime.date(y, 7, 8), orgs["BJ-CY-WJ-001"], State.AWARDED),
        (datetime.date(y, 7, 9), orgs["BJ-CY"], State.REVOKED),
        (datetime.date(y, 7, 9), orgs["BJ-HD"], State.AWARDED),
        (datetime.date(y - 1, 12, 31), orgs["BJ-CY"], State.AWARDED),
    ]:
        make_nomination(city, org, state=state, awarded_on=day)
    cy = orgs["BJ-CY"]
    assert selectors.awarded_count(cy, datetime.date(y, 1, 1), datetime.date(y, 12, 31)) == 3
    assert selectors.awarded_count(cy, datetime.date(y, 3, 1), datetime.date(y, 3, 31)) == 2
    whole_year = (datetime.date(y, 1, 1), datetime.date(y, 12, 31))
    assert selectors.awarded_count(orgs["BJ"], *whole_year) == 4
    months = selectors.awarded_by_month(cy, y)
    assert months == {**dict.fromkeys(range(1, 13), 0), 3: 2, 7: 1}


def test_worker_honors_lists_only_live_awards(orgs, city):
    woman = make_woman(orgs["BJ-CY"])
    other = make_program(orgs["BJ"], title="最美家庭")
    awarded = make_nomination(city, orgs["BJ-CY"], worker=woman, state=State.AWARDED)
    make_nomination(other, orgs["BJ-CY"], worker=woman, state=State.REVOKED)
    assert selectors.worker_honors(woman) == [awarded]
