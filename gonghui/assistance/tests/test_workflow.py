"""Every transition and rejection of entry, exit and yearly-review applications, 公示 with
objections, the duplicate-household guarantee across districts, re-entry and reminders."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.assistance import selectors, services_flow
from gonghui.assistance.dates import add_months, publicity_window
from gonghui.assistance.models import DuplicateFlag, FileStatus, HardshipFile, Member, State
from gonghui.assistance.services import Conflict, DuplicateHousehold
from gonghui.people.tests.factories import make_staff, make_worker

from .factories import aid_officer, apply, end_publicity, member, register, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def hd_aid(orgs):
    return aid_officer(orgs["BJ-HD"], "hd_aid")


@pytest.fixture
def cy_aid(orgs):
    return aid_officer(orgs["BJ-CY"], "cy_aid")


def test_entry_path_to_registered(orgs, hd_worker, hd_aid):
    app = apply(hd_worker, hd_aid, income="12000")
    assert app.state == State.SUBMITTED and app.file.status == FileStatus.APPLYING
    assert app.file.org == orgs["BJ-HD-ZGC-001"]
    step(app, hd_aid, "verify", visit_notes="2人住30平米平房，妻子患病")
    app = step(app, hd_aid, "approve")
    assert app.state == State.PUBLICITY and app.category == "deep"
    start, end = publicity_window(timezone.localdate(), 5)
    assert (app.publicity_start, app.publicity_end) == (start, end)
    with pytest.raises(Conflict, match="公示期至"):
        step(app, hd_aid, "conclude")
    end_publicity(app)
    app = step(app, hd_aid, "conclude")
    file = HardshipFile.objects.get(pk=app.file_id)
    today = timezone.localdate()
    assert app.state == State.DONE and file.status == FileStatus.REGISTERED
    assert file.category == "deep" and file.registered_on == today
    assert file.contact == hd_aid  # the verifier by default
    assert file.visit_due_on == add_months(today, 6)
    assert file.review_due_on == add_months(today, 12)
    actions = list(file.events.values_list("action", flat=True))
    assert actions == ["submit", "verify", "approve", "conclude"]


def test_publicity_is_five_working_days_over_a_holiday():
    # approved Tue 2025-09-30: 10-01…10-08 are 国庆/中秋 holidays, 09-28 and 10-11 are 调休 days
    _start, end = publicity_window(datetime.date(2025, 9, 30), 5)
    assert end == datetime.date(2025, 10, 14)  # 10-09, 10-10, 10-11 (Sat, 调休), 10-13, 10-14


@pytest.mark.parametrize("at", ["submitted", "verified", "publicity"])
def test_entry_rejected_at_each_step_with_a_reason(orgs, hd_worker, hd_aid, at):
    app = apply(hd_worker, hd_aid, income="12000")
    if at in ("verified", "publicity"):
        step(app, hd_aid, "verify")
    if at == "publicity":
        step(app, hd_aid, "approve")
    with pytest.raises(ValidationError):
        step(app, hd_aid, "reject")  # no reason
    app = step(app, hd_aid, "reject", note="收入核实不符")
    file = app.file
    file.refresh_from_db()
    assert app.state == State.REJECTED and app.decision_reason == "收入核实不符"
    assert file.status == FileStatus.REJECTED and file.closed_at is not None
    assert not Member.objects.filter(file=file, live=True).exists()
    with pytest.raises(Conflict):
        step(app, hd_aid, "verify")
    # the household may apply again: a new file
    assert apply(hd_worker, hd_aid, income="12000").file_id != file.pk


def test_wrong_order_and_wrong_level_are_refused(orgs, hd_worker, hd_aid):
    app = apply(hd_worker, hd_aid, income="12000")
    with pytest.raises(Conflict):
        step(app, hd_aid, "approve")  # not verified yet
    with pytest.raises(ValidationError):
        step(app, hd_aid, "verify", visit_notes="")  # home-visit notes required
    grassroots = make_staff("gr_aid", orgs["BJ-HD-ZGC-001"], "aid_officer")
    step(app, grassroots, "verify")  # verification happens at the grassroots union
    with pytest.raises(PermissionDenied):
        step(app, grassroots, "approve")  # review needs the level above it
    street = make_staff("street_aid", orgs["BJ-HD-ZGC"], "aid_officer")
    assert step(app, street, "approve").state == State.PUBLICITY
    social = make_staff("hd_social", orgs["BJ-HD"], "social_worker")
    with pytest.raises(PermissionDenied):
        step(app, social, "reject", note="x")


def test_approve_needs_a_category_and_respects_blocking_exclusions(orgs, hd_worker, hd_aid):
    app = apply(hd_worker, hd_aid, income="50000")  # 4166.67/month: not in hardship
    step(app, hd_aid, "verify")
    with pytest.raises(Conflict, match="不符合"):
        step(app, hd_aid, "approve")
    with pytest.raises(ValidationError):
        step(app, hd_aid, "approve", category="relative")  # override without a reason
    app = step(app, hd_aid, "approve", category="relative", note="年内失业，收入骤减")
    assert (app.proposed_category, app.category) == ("", "relative")
    other = make_worker(orgs["BJ-HD-ZGC-001"])
    blocked = apply(other, hd_aid, income="1000", exclusions=["two_homes"])
    step(blocked, hd_aid, "verify")
    with pytest.raises(Conflict, match="两套"):
        step(blocked, hd_aid, "approve", category="deep", note="x")


def test_objections_block_conclusion_and_an_upheld_one_rejects(orgs, hd_worker, hd_aid):
    app = apply(hd_worker, hd_aid, income="12000")
    with pytest.raises(Conflict):
        services_flow.record_objection(application_id=app.pk, content="x", user=hd_aid)
    step(app, hd_aid, "verify")
    step(app, hd_aid, "approve")
    first = services_flow.record_objection(application_id=app.pk, content="家里有车", user=hd_aid)
    end_publicity(app)
    with pytest.raises(Conflict, match="异议"):
        step(app, hd_aid, "conclude")
    assert services_flow.conclude_expired_publicity() == 0  # the tick leaves it too
    services_flow.resolve_objection(
        user=hd_aid, objection_id=first.pk, upheld=False, resolution="车辆为残疾人代步车"
    )
    second = services_flow.record_objection(  # a letter received during 公示, typed in later
        application_id=app.pk, content="另有住房", raised_by="匿名", user=hd_aid
    )
    services_flow.resolve_objection(
        user=hd_aid, objection_id=second.pk, upheld=True, resolution="经核实名下另有一套住房"
    )
    app.refresh_from_db()
    assert app.state == State.REJECTED
    assert app.decision_reason == "公示异议成立：经核实名下另有一套住房"
    assert app.file.status == FileStatus.REJECTED


def test_tick_concludes_expired_publicity_without_objections(orgs, hd_worker, hd_aid):
    app = apply(hd_worker, hd_aid, income="12000")
    step(app, hd_aid, "verify")
    step(app, hd_aid, "approve")
    assert services_flow.conclude_expired_publicity() == 0
    end_publicity(app)
    assert services_flow.conclude_expired_publicity() == 1
    app.refresh_from_db()
    assert app.state == State.DONE and app.file.status == FileStatus.REGISTERED


def test_same_household_in_another_district_is_flagged_with_where(orgs, hd_worker, hd_aid, cy_aid):
    spouse = member("陈配偶")
    register(hd_worker, hd_aid, income="12000", members=[spouse])
    cy_worker = make_worker(orgs["BJ-CY-WJ-001"], name="王朝阳")
    with pytest.raises(DuplicateHousehold) as exc:
        apply(cy_worker, cy_aid, members=[{**spouse, "relation": "spouse"}])
    # 朝阳 may not see the 海淀 file: told only that it is elsewhere (the name as typed)
    assert "陈**" in str(exc.value) and "中关村" not in str(exc.value)
    assert not exc.value.detailed and "市总工会" in str(exc.value)
    where = exc.value.where()
    assert where["org"] == "BJ-HD-ZGC-001" and where["status"] == "registered"
    assert HardshipFile.objects.filter(org__code__startswith="BJ-CY").count() == 0
    flag = DuplicateFlag.objects.get()
    assert (
        flag.attempted_org == orgs["BJ-CY-WJ-001"] and flag.existing_file.org.code == where["org"]
    )
    # the primary worker themself counts too (an application on their own behalf elsewhere)
    with pytest.raises(DuplicateHousehold):
        apply(hd_worker, hd_aid)
    # an application still under way holds the household as well
    other = make_worker(orgs["BJ-HD-ZGC-001"])
    apply(other, hd_aid)
    with pytest.raises(DuplicateHousehold):
        apply(
            make_worker(orgs["BJ-CY-WJ-001"]),
            cy_aid,
            members=[{"name": other.name, "relation": "parent", "id_number": other.id_number}],
        )


def test_exit_with_publicity_follow_up_and_re_entry(orgs, hd_worker, hd_aid):
    entry = register(hd_worker, hd_aid, income="12000")
    file = entry.file
    with pytest.raises(ValidationError):
        services_flow.start_application(user=hd_aid, file_id=file.pk, kind="exit", data={})
    ex = services_flow.start_application(
        user=hd_aid, file_id=file.pk, kind="exit", data={"exit_reason": "recovered"}
    )
    with pytest.raises(Conflict):  # one open application at a time
        services_flow.start_application(user=hd_aid, file_id=file.pk, kind="review", data={})
    step(ex, hd_aid, "verify", visit_notes="已稳定就业")
    step(ex, hd_aid, "approve")
    end_publicity(ex)
    step(ex, hd_aid, "conclude")
    file.refresh_from_db()
    today = timezone.localdate()
    assert file.status == FileStatus.EXITED and file.exit_reason == "recovered"
    assert file.follow_up_until == add_months(today, 6)
    assert file.purge_after == add_months(today, 120)
    assert list(selectors.follow_ups_due(hd_aid)) == [file]
    services_flow.record_call(user=hd_aid, file_id=file.pk, called_on=today, notes="工作稳定")
    assert list(selectors.follow_ups_due(hd_aid)) == []
    # re-entry: a new file linked to the old one; the full history covers both
    again = apply(hd_worker, hd_aid, income="10000")
    assert again.file.previous_file == file
    assert [f.pk for f in selectors.household_history(again.file)] == [file.pk, again.file_id]
    assert [f.pk for f in selectors.household_history(file)] == [file.pk, again.file_id]


def test_exit_rejected_keeps_the_file(orgs, hd_worker, hd_aid):
    file = register(hd_worker, hd_aid, income="12000").file
    ex = services_flow.start_application(
        user=hd_aid, file_id=file.pk, kind="exit", data={"exit_reason": "retired"}
    )
    step(ex, hd_aid, "reject", note="退休金不足以脱困")
    file.refresh_from_db()
    assert (
        file.status == FileStatus.REGISTERED
        and Member.objects.filter(file=file, live=True).exists()
    )


def test_yearly_review_updates_category_without_publicity(orgs, hd_worker, hd_aid):
    file = register(hd_worker, hd_aid, income="12000").file
    HardshipFile.objects.filter(pk=file.pk).update(review_due_on=timezone.localdate())
    assert list(selectors.reviews_due(hd_aid)) == [file]
    review = services_flow.start_application(
        user=hd_aid, file_id=file.pk, kind="review", data={"annual_income": "20000"}
    )
    assert review.proposed_category == "relative"  # 1666.67
    assert list(selectors.reviews_due(hd_aid)) == []  # open review: off the queue
    step(review, hd_aid, "verify")
    review = step(review, hd_aid, "approve")
    file.refresh_from_db()
    assert review.state == State.DONE and review.publicity_end is None
    assert file.category == "relative"
    assert file.review_due_on == add_months(timezone.localdate(), 12)


def test_visit_reminders_per_contact_person(orgs, hd_worker, hd_aid):
    file = register(hd_worker, hd_aid, income="12000").file
    colleague = aid_officer(orgs["BJ-HD"], "hd_aid2")
    today = timezone.localdate()
    assert list(selectors.visits_overdue(hd_aid)) == []
    HardshipFile.objects.filter(pk=file.pk).update(visit_due_on=today - datetime.timedelta(days=1))
    assert list(selectors.visits_overdue(hd_aid, contact=hd_aid)) == [file]
    assert list(selectors.visits_overdue(colleague, contact=colleague)) == []
    services_flow.set_contact(user=hd_aid, file_id=file.pk, contact_id=colleague.pk)
    assert list(selectors.visits_overdue(colleague, contact=colleague)) == [file]
    services_flow.record_visit(user=colleague, file_id=file.pk, visited_on=today, notes="走访慰问")
    file.refresh_from_db()
    assert file.visit_due_on == add_months(today, 6)
    assert list(selectors.visits_overdue(colleague)) == []
    outsider = aid_officer(orgs["BJ-CY"], "cy_aid")
    with pytest.raises(ValidationError):  # a contact must be able to see the file
        services_flow.set_contact(user=hd_aid, file_id=file.pk, contact_id=outsider.pk)
