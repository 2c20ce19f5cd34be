"""评选表彰 test data: programs, quotas, female/male workers, nominations in any state."""

import datetime
import itertools

from django.utils import timezone

from gonghui.honors.models import AwardProgram, Nomination, ProgramQuota, State
from gonghui.people.demo import fake_id_number
from gonghui.people.tests.factories import make_staff, make_worker, region_of

API = "/api/v1/honors"
_seq = itertools.count(1)


def make_admin(org, username: str = ""):
    """An admin at ``org``: honors.manage (review/organise) and honors.nominate there."""
    return make_staff(username or f"hadmin_{org.code.lower()}_{next(_seq)}", org, "admin")


def make_nominator(org, username: str = ""):
    """A social worker at ``org``: honors.view + honors.nominate, no manage."""
    return make_staff(username or f"hsw_{org.code.lower()}_{next(_seq)}", org, "social_worker")


def make_woman(org, **fields):
    n = 300 + next(_seq)
    birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=n)
    fields.setdefault("name", f"女职工{n}")
    fields.setdefault("member_since", "2015-01-01")
    return make_worker(org, id_number=fake_id_number(region_of(org), birth, n, "F"), **fields)


def make_man(org, **fields):
    n = 300 + next(_seq)
    birth = datetime.date(1981, 1, 1) + datetime.timedelta(days=n)
    fields.setdefault("name", f"男职工{n}")
    return make_worker(org, id_number=fake_id_number(region_of(org), birth, n, "M"), **fields)


def make_program(organiser, **fields) -> AwardProgram:
    today = timezone.localdate()
    quotas = fields.pop("quotas", {})
    program = AwardProgram.objects.create(
        title=fields.pop("title", f"巾帼标兵{next(_seq)}"),
        kind=fields.pop("kind", "person"),
        year=fields.pop("year", today.year),
        organiser=organiser,
        nomination_opens=fields.pop("nomination_opens", today - datetime.timedelta(days=10)),
        nomination_closes=fields.pop("nomination_closes", today + datetime.timedelta(days=10)),
        **fields,
    )
    for org, quota in quotas.items():
        ProgramQuota.objects.create(program=program, org=org, quota=quota)
    return program


def make_nomination(program, org, worker=None, state=State.SUBMITTED, **fields) -> Nomination:
    """A nomination row put straight into ``state`` (for lists and scope tests)."""
    today = timezone.localdate()
    if state in (State.PUBLICITY, State.AWARDED, State.REVOKED):
        fields.setdefault("publicity_start", today - datetime.timedelta(days=20))
        fields.setdefault("publicity_end", today - datetime.timedelta(days=10))
    if state in (State.AWARDED, State.REVOKED):
        fields.setdefault("awarded_on", today - datetime.timedelta(days=5))
        fields.setdefault("awarded_at", timezone.now() - datetime.timedelta(days=5))
    if state == State.REVOKED:
        fields.setdefault("revoked_at", timezone.now())
        fields.setdefault("revoke_reason", "事迹不实")
    if worker is None and not fields.get("collective_name"):
        worker = make_woman(org)
    return Nomination.objects.create(
        program=program,
        nominating_org=org,
        worker=worker,
        deeds=fields.pop("deeds", "爱岗敬业，表现突出。"),
        state=state,
        **fields,
    )
