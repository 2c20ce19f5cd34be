"""A small hand-built world for the socialwork tests: real services, real database."""

import datetime

from django.utils import timezone

from gonghui.assistance.models import HardshipFile
from gonghui.assistance.tests.factories import aid_officer, register
from gonghui.hotline.tests.factories import act, make_appeal, make_operator
from gonghui.people.tests.factories import make_staff, make_worker
from gonghui.services.tests.factories import make_project, make_session
from gonghui.socialwork import services

API = "/api/v1/socialwork"


def social_worker(org, username: str, name: str = ""):
    """A social worker who also signs for appeals (case_handler at the same union)."""
    user = make_staff(username, org, "social_worker", "case_handler")
    if name:
        user.first_name = name
        user.save(update_fields=["first_name"])
    return user


def handled_appeal(operator, handler, district: str, *, contact=False):
    appeal = make_appeal(operator, district=district, contact_phone="13800001111")
    act(operator, appeal, "dispatch", org=district)
    act(handler, appeal, "accept")
    if contact:
        act(handler, appeal, "contact", note="已电话联系")
    appeal.refresh_from_db()
    return appeal


def hardship_file(union_org, officer) -> HardshipFile:
    worker = make_worker(union_org)
    return register(worker, officer).file


def assign(officer, file, person) -> HardshipFile:
    return services.assign_file(user=officer, file_id=file.pk, social_worker_id=person.pk)


def world(orgs) -> dict:
    """Two districts: BJ-CY with social workers 甲 (2 appeals, one overdue; 3 files, one visit
    overdue, one review due; 2 sessions soon, 1 later) and 乙 (1 file); BJ-HD with 丙 (1
    appeal, 1 file, 1 session)."""
    today = timezone.localdate()
    op = make_operator(orgs["BJ"], "op_city")
    aid_cy, aid_hd = aid_officer(orgs["BJ-CY"]), aid_officer(orgs["BJ-HD"])
    jia = social_worker(orgs["BJ-CY"], "sw_jia", "社工甲")
    yi = social_worker(orgs["BJ-CY-WJ"], "sw_yi", "社工乙")
    bing = social_worker(orgs["BJ-HD"], "sw_bing", "社工丙")
    a1 = handled_appeal(op, jia, "BJ-CY")
    a2 = handled_appeal(op, jia, "BJ-CY", contact=True)
    # a2 past its resolution deadline
    type(a2).objects.filter(pk=a2.pk).update(
        resolve_due=timezone.now() - datetime.timedelta(days=1)
    )
    a3 = handled_appeal(op, bing, "BJ-HD")
    files = [hardship_file(orgs["BJ-CY-WJ-001"], aid_cy) for _ in range(4)]
    for f in files[:3]:
        assign(aid_cy, f, jia)
    assign(aid_cy, files[3], yi)
    HardshipFile.objects.filter(pk=files[0].pk).update(
        visit_due_on=today - datetime.timedelta(days=3)
    )
    HardshipFile.objects.filter(pk=files[1].pk).update(review_due_on=today)
    hd_file = hardship_file(orgs["BJ-HD-ZGC-001"], aid_hd)
    assign(aid_hd, hd_file, bing)
    cy_project = make_project(organiser=orgs["BJ-CY"])
    hd_project = make_project(organiser=orgs["BJ-HD"])
    days = datetime.timedelta
    sessions = [
        make_session(cy_project, starts_in=days(days=3), runner=jia),
        make_session(cy_project, starts_in=days(days=20), runner=jia),
        make_session(cy_project, starts_in=days(days=45), runner=jia),
        make_session(hd_project, starts_in=days(days=5), runner=bing),
    ]
    return {
        "op": op,
        "aid_cy": aid_cy,
        "aid_hd": aid_hd,
        "jia": jia,
        "yi": yi,
        "bing": bing,
        "appeals": [a1, a2, a3],
        "files": files,
        "hd_file": hd_file,
        "sessions": sessions,
    }
