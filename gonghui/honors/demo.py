"""Demo 评选表彰: 巾帼标兵, 巾帼标兵岗 (collectives), 巾帼奉献之星 and 最美家庭 with quotas and
nominations in every state (draft, submitted, 公示 with objections, awarded, rejected, revoked,
withdrawn). Needs the demo orgs, staff and workers. Idempotent: a program that exists (same
title, year and organiser) is left as it is, with its nominations."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gonghui.orgs.models import Org
from gonghui.people.models import Sex, Worker

from .models import AwardProgram, Nomination, Objection, ObjectionStatus, ProgramQuota, State
from .services import publicity_window

DEEDS = {
    "巾帼标兵": "扎根一线十余年，带领班组攻坚克难，多次获评先进工作者，积极参与职工志愿服务。",
    "巾帼奉献之星": "长期坚守快递配送岗位，风雨无阻，热心帮助新入职的骑手，服务群众获得好评。",
    "最美家庭": "家庭和睦，尊老爱幼，热心邻里公益，家风淳朴，是社区的好榜样。",
    "巾帼标兵岗": "以女职工为主体的岗位集体，服务规范、业绩突出，创新开展关爱职工活动。",
}
COLLECTIVES = [
    ("BJ-CY", "朝阳区望京街道社区服务中心巾帼文明岗", State.AWARDED),
    ("BJ-HD", "海淀区中关村街道职工服务站巾帼岗", State.AWARDED),
    ("BJ-CY", "朝阳区快递行业女职工服务队", State.PUBLICITY),
    ("BJ-HD", "海淀区学院路街道巾帼志愿岗", State.SUBMITTED),
]
# Person programs: (title, organiser, women only, quotas, nominations [(org, state)], window)
#   window: "past" closed 30 days ago; "open" open until 20 days from now.
#   "BJ-CY/*": whichever street union of BJ-CY has a candidate left.
PROGRAMS = [
    ("巾帼标兵", "BJ", True, {"BJ-CY": 4, "BJ-HD": 4, "BJ-DC": 2}, "past",
     [("BJ-CY", State.AWARDED), ("BJ-CY", State.AWARDED), ("BJ-CY", State.REVOKED),
      ("BJ-HD", State.AWARDED), ("BJ-HD", State.REJECTED), ("BJ-HD", State.PUBLICITY)]),
    ("巾帼奉献之星", "BJ-CY", True, {}, "open",
     [("BJ-CY/*", State.SUBMITTED), ("BJ-CY/*", State.PUBLICITY), ("BJ-CY/*", State.DRAFT),
      ("BJ-CY/*", State.WITHDRAWN), ("BJ-CY/*", State.AWARDED)]),
    ("最美家庭", "BJ", False, {"BJ-CY": 3, "BJ-HD": 3}, "open",
     [("BJ-CY", State.SUBMITTED), ("BJ-HD", State.SUBMITTED), ("BJ-HD", State.AWARDED)]),
]  # fmt: skip


def _window(kind: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    day = datetime.timedelta(days=1)
    if kind == "past":
        return today - 75 * day, today - 30 * day
    return today - 15 * day, today + 20 * day


def _candidates(org: Org, women_only: bool, taken: set[int]) -> list[Worker]:
    qs = Worker.objects.filter(union_org__path__startswith=org.path).exclude(pk__in=taken)
    if women_only:
        qs = qs.filter(sex=Sex.FEMALE)
    return list(qs.order_by("id")[:10])


def _pick(orgs: dict, code: str, women_only: bool, taken: set[int]):
    """(nominating org, worker) for a row, or None when no worker fits."""
    if code.endswith("/*"):
        streets = Org.objects.filter(parent=orgs[code[:-2]]).order_by("code")
    else:
        streets = [orgs[code]]
    for org in streets:
        pool = _candidates(org, women_only, taken)
        if pool:
            return org, pool[0]
    return None


def _state_fields(state: str, program: AwardProgram, admin, today, n: int) -> dict:
    """Dates and reviewer for a nomination put straight into ``state`` (spread over the year)."""
    now = timezone.now()
    fields = {"state": state}
    if state != State.DRAFT:
        fields["submitted_at"] = now - datetime.timedelta(days=40)
    if state in (State.REJECTED, State.PUBLICITY, State.AWARDED, State.REVOKED):
        fields.update(reviewer=admin, reviewed_at=now - datetime.timedelta(days=30))
    if state == State.REJECTED:
        fields["review_note"] = "事迹材料不够具体，不符合评选条件"
    if state == State.PUBLICITY:
        fields["publicity_start"], fields["publicity_end"] = publicity_window(
            today, program.publicity_working_days
        )
    if state in (State.AWARDED, State.REVOKED):
        awarded = max(datetime.date(today.year, 1, 1), today - datetime.timedelta(days=12 + 31 * n))
        start, end = publicity_window(
            awarded - datetime.timedelta(days=14), program.publicity_working_days
        )
        fields.update(publicity_start=start, publicity_end=min(end, awarded))
        fields["awarded_on"] = awarded
        fields["awarded_at"] = timezone.make_aware(
            datetime.datetime.combine(awarded, datetime.time(10))
        )
    if state == State.REVOKED:
        fields.update(revoked_at=now, revoke_reason="经核查，申报材料存在不实情况")
    return fields


def _objections(nomination: Nomination, admin) -> None:
    if nomination.state == State.PUBLICITY:
        Objection.objects.create(
            nomination=nomination, content="反映该同志事迹材料中的部分数据有待核实。", raised_by=""
        )
    if nomination.state == State.AWARDED and nomination.worker_id:
        Objection.objects.create(
            nomination=nomination,
            content="对推荐人选有不同意见。",
            raised_by="职工来电",
            status=ObjectionStatus.DISMISSED,
            resolution="经核实，事迹属实，异议不成立。",
            resolved_by=admin,
            resolved_at=timezone.now() - datetime.timedelta(days=20),
        )


def _program(title, kind, organiser, women_only, window, today, admin):
    opens, closes = _window(window, today)
    return AwardProgram.objects.get_or_create(
        title=title,
        year=today.year,
        organiser=organiser,
        defaults={
            "kind": kind,
            "criteria": DEEDS[title].split("，")[0] + "等方面表现突出。",
            "women_only": women_only,
            "publicity_working_days": 5,
            "nomination_opens": opens,
            "nomination_closes": closes,
            "created_by": admin,
        },
    )


@transaction.atomic
def load_honors() -> int:
    """Create the demo programs and their nominations once; returns nominations created."""
    today = timezone.localdate()
    admin = get_user_model().objects.filter(username="admin").first()
    orgs = {o.code: o for o in Org.objects.filter(code__startswith="BJ")}
    if "BJ" not in orgs:
        return 0
    created = 0
    for title, organiser, women_only, quotas, window, rows in PROGRAMS:
        program, new = _program(title, "person", orgs[organiser], women_only, window, today, admin)
        if not new:
            continue
        for code, quota in quotas.items():
            ProgramQuota.objects.create(program=program, org=orgs[code], quota=quota)
        taken: set[int] = set()
        for n, (code, state) in enumerate(rows):
            found = _pick(orgs, code, women_only, taken)
            if found is None:
                continue
            org, worker = found
            taken.add(worker.pk)
            nomination = Nomination.objects.create(
                program=program,
                nominating_org=org,
                worker=worker,
                deeds=DEEDS[title],
                created_by=admin,
                **_state_fields(state, program, admin, today, n),
            )
            _objections(nomination, admin)
            created += 1
    program, new = _program("巾帼标兵岗", "collective", orgs["BJ"], False, "past", today, admin)
    if new:
        for code in ("BJ-CY", "BJ-HD"):
            ProgramQuota.objects.create(program=program, org=orgs[code], quota=2)
        for n, (code, name, state) in enumerate(COLLECTIVES):
            nomination = Nomination.objects.create(
                program=program,
                nominating_org=orgs[code],
                collective_name=name,
                deeds=DEEDS["巾帼标兵岗"],
                created_by=admin,
                **_state_fields(state, program, admin, today, n),
            )
            _objections(nomination, admin)
            created += 1
    return created
