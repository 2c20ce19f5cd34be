"""The data rules behind the caseload: who handles an appeal, assigning a file's social
worker, a session's 负责人, and the workload counts on a hand-built world."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.assistance.models import FileEvent, FileStatus, HardshipFile
from gonghui.assistance.services import Conflict
from gonghui.assistance.tests.factories import aid_officer
from gonghui.hotline import selectors as hotline
from gonghui.hotline.tests.factories import CALLBACK_UNSATISFIED, act, make_operator
from gonghui.people.tests.factories import make_staff
from gonghui.services import selectors as services_selectors
from gonghui.services import services as services_app
from gonghui.services.tests.factories import make_project
from gonghui.socialwork import selectors

from .factories import assign, handled_appeal, hardship_file, social_worker, world

pytestmark = pytest.mark.django_db


# --- appeals: the handler is who signed for it ------------------------------------------------


def test_handler_is_latest_accept_and_leaves_with_return_and_resolve(orgs):
    op = make_operator(orgs["BJ"], "op1")
    jia = social_worker(orgs["BJ-CY"], "sw_a")
    other = social_worker(orgs["BJ-CY"], "sw_b")
    appeal = handled_appeal(op, jia, "BJ-CY")
    assert list(hotline.handled_appeals(jia, handler=jia)) == [appeal]
    assert not hotline.handled_appeals(jia, handler=other).exists()
    act(jia, appeal, "return", reason="不属于本单位")
    assert not hotline.handled_appeals(jia, handler=jia).exists()
    act(op, appeal, "dispatch", org="BJ-CY")
    act(other, appeal, "accept")
    assert list(hotline.handled_appeals(jia, handler=other)) == [appeal]
    assert not hotline.handled_appeals(jia, handler=jia).exists()
    act(other, appeal, "contact", note="已联系")
    act(other, appeal, "resolve", note="已解决")
    assert not hotline.handled_appeals(jia, handler=other).exists()
    act(op, appeal, "callback", **CALLBACK_UNSATISFIED)
    act(op, appeal, "reopen", reason="不满意")  # back to 派单: nobody holds it
    assert not hotline.handled_appeals(jia).exists()


def test_handled_appeals_are_scoped_to_the_viewer(orgs):
    op = make_operator(orgs["BJ"], "op1")
    bing = social_worker(orgs["BJ-HD"], "sw_hd")
    jia = social_worker(orgs["BJ-CY"], "sw_cy")
    handled_appeal(op, bing, "BJ-HD")
    assert hotline.handled_appeals(bing, handler=bing).count() == 1
    assert not hotline.handled_appeals(jia, handler=bing).exists()


# --- assigning a file -------------------------------------------------------------------------


def test_assign_and_reassign_record_file_events(orgs):
    aid = aid_officer(orgs["BJ-CY"])
    jia = social_worker(orgs["BJ-CY"], "sw_a", "社工甲")
    yi = social_worker(orgs["BJ-CY-WJ"], "sw_b", "社工乙")
    file = hardship_file(orgs["BJ-CY-WJ-001"], aid)
    assign(aid, file, jia)
    assert HardshipFile.objects.get(pk=file.pk).contact == jia
    assign(aid, file, yi)
    assert HardshipFile.objects.get(pk=file.pk).contact == yi
    notes = list(FileEvent.objects.filter(file=file, action="assign").values_list("note", "actor"))
    assert notes == [
        ("改派社工：aid_bj-cy → 社工甲", aid.pk),  # the verifier was the 联系人 until now
        ("改派社工：社工甲 → 社工乙", aid.pk),
    ]
    HardshipFile.objects.filter(pk=file.pk).update(contact=None)
    assign(aid, file, jia)
    assert FileEvent.objects.filter(file=file, action="assign").last().note == "分配社工：社工甲"
    with pytest.raises(ValidationError) as exc:
        assign(aid, file, jia)
    assert "已是此档案的联系人" in exc.value.message_dict["social_worker"][0]


def test_assignee_must_be_a_social_worker_over_the_files_union(orgs):
    aid = aid_officer(orgs["BJ-CY"])
    file = hardship_file(orgs["BJ-CY-WJ-001"], aid)
    not_a_social_worker = make_staff("handler_only", orgs["BJ-CY"], "case_handler")
    other_district = social_worker(orgs["BJ-HD"], "sw_hd")
    sibling_street = social_worker(orgs["BJ-CY"].children.exclude(code="BJ-CY-WJ").first(), "sw_s")
    for person in (not_a_social_worker, other_district, sibling_street, aid):
        with pytest.raises(ValidationError) as exc:
            assign(aid, file, person)
        assert "工会社会工作者" in exc.value.message_dict["social_worker"][0]
    assert HardshipFile.objects.get(pk=file.pk).contact == aid  # unchanged (the verifier)
    assert list(selectors.candidates(file.org)) == []
    city = social_worker(orgs["BJ"], "sw_city")
    assert list(selectors.candidates(file.org)) == [city]  # a union above counts
    assign(aid, file, city)


def test_assigner_needs_socialwork_assign_over_the_file(orgs):
    aid_cy = aid_officer(orgs["BJ-CY"])
    jia = social_worker(orgs["BJ-CY"], "sw_a")
    file = hardship_file(orgs["BJ-CY-WJ-001"], aid_cy)
    leader = make_staff("leader_cy", orgs["BJ-CY"], "leader")
    with pytest.raises(PermissionDenied):  # sees the file, may not assign
        assign(leader, file, jia)
    with pytest.raises(PermissionDenied):  # a social worker does not assign either
        assign(jia, file, jia)
    with pytest.raises(Http404):  # another district's officer: as if absent
        assign(aid_officer(orgs["BJ-HD"]), file, jia)
    HardshipFile.objects.filter(pk=file.pk).update(status=FileStatus.REJECTED)
    with pytest.raises(Conflict):
        assign(aid_cy, file, jia)


# --- a session's 负责人 ----------------------------------------------------------------------


def test_session_runner_must_manage_the_project(orgs):
    jia = social_worker(orgs["BJ-CY"], "sw_a")
    bing = social_worker(orgs["BJ-HD"], "sw_hd")
    leader = make_staff("leader_cy", orgs["BJ-CY"], "leader")
    project = make_project(organiser=orgs["BJ-CY-WJ"])
    data = {"starts_at": "2030-05-01T09:00", "ends_at": "2030-05-01T11:00", "capacity": 5}
    session = services_app.add_session(
        user=jia, project=project, data={**data, "place": "职工之家", "runner": jia.pk}
    )
    assert session.runner == jia
    for person in (bing, leader):
        with pytest.raises(ValidationError) as exc:
            services_app.update_session(user=jia, session=session, data={"runner": person.pk})
        assert exc.value.message_dict["runner"] == ["负责人须为能管理该项目的工作人员"]
    services_app.update_session(user=jia, session=session, data={"runner": ""})
    session.refresh_from_db()
    assert session.runner is None
    assert list(services_selectors.runner_choices(project)) == [jia]


# --- caseload and workload --------------------------------------------------------------------


def test_caseload_lists_own_items_with_flags(orgs):
    w = world(orgs)
    data = selectors.caseload(w["jia"])
    # by resolution deadline: the overdue one first
    assert [a.pk for a in data["appeals"]] == [w["appeals"][1].pk, w["appeals"][0].pk]
    late = {a.pk: a.late for a in data["appeals"]}
    assert late == {w["appeals"][0].pk: False, w["appeals"][1].pk: True}
    files = {f.pk: (f.visit_overdue, f.review_due) for f in data["files"]}
    f = w["files"]
    assert files == {f[0].pk: (True, False), f[1].pk: (False, True), f[2].pk: (False, False)}
    assert [s.pk for s in data["sessions"]] == [s.pk for s in w["sessions"][:3]]
    assert selectors.caseload(w["yi"])["files"] == [f[3]]
    assert selectors.caseload(w["yi"])["appeals"] == []


def test_workload_counts_per_social_worker_and_org(orgs):
    world(orgs)
    leader = make_staff("leader_city", orgs["BJ"], "leader")
    data = selectors.workload(leader, orgs["BJ"])
    rows = {r.name: r.counts for r in data["workers"]}
    assert rows["社工甲"] == {
        "appeals": 2,
        "appeals_overdue": 1,
        "files": 3,
        "visits": 1,
        "reviews": 1,
        "sessions": 2,
        "overdue": 3,
    }
    assert rows["社工乙"] == dict.fromkeys(rows["社工乙"], 0) | {"files": 1}
    assert rows["社工丙"] == dict.fromkeys(rows["社工丙"], 0) | {
        "appeals": 1,
        "files": 1,
        "sessions": 1,
    }
    orgs_rows = {r.key: r.counts for r in data["orgs"]}
    assert orgs_rows["BJ"]["files"] == 5 and orgs_rows["BJ"]["overdue"] == 3
    assert orgs_rows["BJ-CY"]["files"] == 4 and orgs_rows["BJ-CY"]["appeals"] == 2
    assert orgs_rows["BJ-HD"]["appeals"] == 1 and orgs_rows["BJ-HD"]["overdue"] == 0


def test_workload_of_a_district_leader_stays_in_the_district(orgs):
    w = world(orgs)
    leader = make_staff("leader_cy", orgs["BJ-CY"], "leader")
    root = selectors.workload_root(leader)
    assert root == orgs["BJ-CY"]
    data = selectors.workload(leader, root)
    assert {r.name for r in data["workers"]} == {"社工甲", "社工乙"}
    with pytest.raises(Http404):
        selectors.workload_root(leader, "BJ-HD")
    with pytest.raises(Http404):
        selectors.visible_social_worker(leader, root, w["bing"].pk)
    with pytest.raises(PermissionDenied):
        selectors.workload_root(w["jia"])
    items = selectors.items(leader, root, "overdue", org=orgs["BJ-CY-WJ"])
    assert items == {"appeals_overdue": [], "visits": [], "reviews": []}  # 乙 has none
    items = selectors.items(leader, root, "overdue", person=w["jia"])
    assert [a.pk for a in items["appeals_overdue"]] == [w["appeals"][1].pk]
    assert [f.pk for f in items["visits"]] == [w["files"][0].pk]
    assert [f.pk for f in items["reviews"]] == [w["files"][1].pk]


def test_workload_queries_do_not_grow_with_social_workers(orgs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world(orgs)
    leader = make_staff("leader_city", orgs["BJ"], "leader")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            selectors.workload(leader, orgs["BJ"])
        return len(ctx.captured_queries)

    queries()  # warm: the leader's role assignments are cached on the user
    before = queries()
    for i in range(4):
        social_worker(orgs["BJ-HD"], f"sw_more{i}")
    assert queries() == before
