"""``generate_data --scale small``: the rows pass the models' validators and the identifier
checks, decrypt through the models, keep their timelines and capacities, stay inside the
right orgs; the same seed gives the same data; a second run is refused unless --reset."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from stdnum.cn import ric

from gonghui.assistance.models import Beneficiary, Campaign, Payment
from gonghui.console.synthetic import identity
from gonghui.console.synthetic.scales import NOW, SCALES
from gonghui.console.synthetic.stations import DISTRICT_BOXES
from gonghui.core.validators import normalize_phone, validate_credit_code, validate_id_number
from gonghui.core.workdays import local_date
from gonghui.hotline import sla
from gonghui.hotline.models import Appeal, AppealEvent, DailySequence, Status
from gonghui.orgs.models import DISTRICT_TYPES, Org, OrgType
from gonghui.people.models import Worker
from gonghui.people.services import id_number_hash, name_pinyin, phone_hash
from gonghui.services.models import Attendance, Enrollment, Session, WalkIn
from gonghui.stations.models import Station

SMALL = SCALES["small"]


@pytest.fixture
def generated(db):
    call_command("generate_data", scale="small", seed=7, stdout=_Sink(), stderr=_Sink())


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, s, *args, **kwargs):
        self.text += s

    def flush(self):
        pass


def _district_of(org, districts):
    return next((d for d in districts if org.path.startswith(d.path)), None)


def test_counts_and_report(db):
    out = _Sink()
    call_command("generate_data", scale="small", seed=7, stdout=out, stderr=_Sink())
    assert Worker.objects.count() == SMALL.workers
    assert Station.objects.count() == SMALL.stations
    assert Appeal.objects.count() == SMALL.appeals
    assert Org.objects.filter(code__contains="-SYN").count() == SMALL.grassroots
    for table in ("people_worker", "hotline_appeal", "services_enrollment", "assistance_payment"):
        assert table in out.text
    assert "rows/s" in out.text and "total" in out.text


def test_workers_are_valid_and_decrypt(generated):
    districts = list(Org.objects.filter(type__in=DISTRICT_TYPES))
    areas = {d.region_code for d in districts} | {"110115"} | set(identity.OTHER_AREAS)
    areas |= set(identity.CITY_AREAS) | {a for v in identity.LEGACY_AREAS.values() for a in v}
    workers = list(Worker.objects.select_related("union_org", "work_district"))
    assert len({w.id_number_hash for w in workers}) == len(workers)
    for w in workers:
        rid = validate_id_number(w.id_number)  # decrypted by the field; our rules
        assert ric.is_valid(w.id_number)  # and stdnum's own
        assert (rid.birth_date, rid.sex) == (w.birth_date, w.sex)
        assert w.id_number[:6] in areas
        assert w.id_number_hash == id_number_hash(w.id_number)
        assert normalize_phone(w.phone) == w.phone
        assert w.phone_hash == phone_hash(w.phone)
        assert (w.name_pinyin, w.name_initials) == name_pinyin(w.name)
        assert validate_credit_code(w.employer_credit_code) == w.employer_credit_code
        assert w.union_org.type in (OrgType.GRASSROOTS, OrgType.STREET, OrgType.TOWNSHIP)
        assert w.union_org.is_within(w.work_district)
        assert w.work_district.type in DISTRICT_TYPES
        assert w.member_since is None or w.birth_date < w.member_since <= NOW.date()
    for w in workers[:50]:
        w.full_clean(validate_unique=False)


def test_generated_unions_sit_under_streets(generated):
    for org in Org.objects.filter(code__contains="-SYN").select_related("parent"):
        org.full_clean(validate_unique=False)
        assert org.type == OrgType.GRASSROOTS
        assert org.parent.type in (OrgType.STREET, OrgType.TOWNSHIP)
        assert org.path == f"{org.parent.path}{org.code}/"
        assert org.depth == org.parent.depth + 1


def test_stations_inside_their_district(generated):
    for s in Station.objects.select_related("district", "org"):
        s.full_clean(validate_unique=False)
        min_lat, max_lat, min_lng, max_lng = DISTRICT_BOXES[s.district.code][0]
        assert min_lat <= s.lat <= max_lat and min_lng <= s.lng <= max_lng, s.name
        assert s.org.is_within(s.district)
        assert s.status != "open" or s.opened_on is not None
        assert s.closed_on is None or s.opened_on <= s.closed_on


STEPS = ["received_at", "dispatched_at", "accepted_at", "contacted_at", "resolved_at",
         "callback_at", "closed_at"]  # fmt: skip


def test_appeal_timelines_are_consistent(generated):
    districts = list(Org.objects.filter(type__in=DISTRICT_TYPES))
    bj = Org.objects.get(code="BJ")
    appeals = list(Appeal.objects.select_related("category", "district", "responsible_org"))
    seq = dict(DailySequence.objects.values_list("day", "last"))
    for a in appeals[:30]:
        a.full_clean(validate_unique=False)
    for a in appeals:
        assert a.received_at < NOW
        stamps = [getattr(a, f) for f in STEPS if getattr(a, f) is not None]
        assert stamps == sorted(stamps) and stamps[-1] < NOW, a.number
        day = local_date(a.received_at)
        assert a.number.startswith(f"12351-{day:%Y%m%d}-")
        assert int(a.number.rsplit("-", 1)[1]) <= seq[day]
        assert a.contact_phone_hash == phone_hash(a.contact_phone)
        assert normalize_phone(a.contact_phone) == a.contact_phone
        assert a.district in districts
        limits = sla.limits_for(a.type, a.category, a.urgency)
        assert a.response_due == sla.response_due(a.received_at, limits)
        if not a.extension_days:
            assert a.resolve_due == sla.resolve_due(a.received_at, limits.resolve_working_days)
        if a.status == Status.MERGED:
            assert a.merged_into.received_at <= a.received_at
            assert a.merged_into.district_id == a.district_id
            continue
        if a.responsible_org is not None:
            assert a.responsible_org.is_within(bj)
        done = {Status.RESOLVED, Status.CALLBACK_DONE, Status.CLOSED}
        assert (a.resolved_at is not None) == (a.status in done)
        assert (a.closed_at is not None) == (a.status == Status.CLOSED)
        called_back = a.status in {Status.CALLBACK_DONE, Status.CLOSED} and not a.direct_answer
        assert (a.callback_at is not None) == called_back
        if a.resolved_at and not a.direct_answer:
            assert a.callback_due == sla.callback_due(a.resolved_at, limits.callback_working_days)
        if a.worker_id:
            assert (a.worker.name, a.worker.phone) == (a.contact_name, a.contact_phone)
        if a.overdue_notified:
            assert (
                a.is_overdue(NOW)
                or (a.resolved_at and a.resolved_at > a.resolve_due)
                or (a.contacted_at and a.contacted_at > a.response_due)
            )
    statuses = {a.status for a in appeals}
    assert {Status.CLOSED, Status.MERGED} <= statuses
    # each appeal's last status-changing event ends in its status
    for a in appeals:
        events = list(AppealEvent.objects.filter(appeal=a, internal=False).order_by("created_at"))
        assert events[0].action == "create"
        assert events[-1].to_status == a.status or events[-1].action.endswith("extension")


def test_sessions_within_capacity_and_scope(generated):
    assert Enrollment.objects.exists() and Attendance.objects.exists()
    for s in Session.objects.select_related("project__organiser").annotate(
        n=Count("enrollments", filter=Q(enrollments__status="enrolled"))
    ):
        s.full_clean(validate_unique=False)
        assert s.n == s.enrolled_count <= s.capacity
        assert s.signup_opens_at < s.signup_closes_at <= s.starts_at < s.ends_at
        assert s.project.starts_on <= local_date(s.starts_at) <= s.project.ends_on
        district = _district_of(
            s.project.organiser, list(Org.objects.filter(type__in=DISTRICT_TYPES))
        )
        for e in Enrollment.objects.filter(session=s).select_related("worker"):
            assert e.worker.work_district_id == district.pk
            assert s.signup_opens_at <= e.queued_at <= s.signup_closes_at
        if s.station_id:
            assert s.station.district_id == district.pk
    for a in Attendance.objects.select_related("session"):
        assert Enrollment.objects.filter(session=a.session, worker=a.worker_id, status="enrolled")
        assert a.session.ends_at < NOW
    assert all(w.count > 0 for w in WalkIn.objects.all())


def test_campaigns_lists_and_payments(generated):
    assert Campaign.objects.exists()
    for b in Beneficiary.objects.select_related("campaign__organiser", "org", "worker", "standard"):
        assert b.org.is_within(b.campaign.organiser)
        assert b.person_hash == b.worker.id_number_hash
        assert b.id_number == b.worker.id_number and b.name == b.worker.name
        assert b.amount == b.standard.amount
        assert b.account.startswith("6222") and len(b.account) == 19
        paid = Payment.objects.filter(beneficiary=b, status__in=["issued", "paid"])
        assert paid.count() == (0 if b.status == "removed" else 1)
    for p in Payment.objects.select_related("beneficiary"):
        p.full_clean(validate_unique=False)
        assert p.amount == p.beneficiary.amount and p.account == p.beneficiary.account
        assert p.status != "failed" or Payment.objects.filter(reissue_of=p, status="paid")


def _snapshot():
    return {
        "workers": [
            (w.pk, w.name, w.id_number, w.phone, w.union_org.code)
            for w in Worker.objects.select_related("union_org").order_by("pk")
        ],
        "stations": list(Station.objects.order_by("pk").values_list("pk", "lat", "lng", "status")),
        "appeals": [
            (a.number, a.status, a.received_at, a.resolved_at, a.contact_phone)
            for a in Appeal.objects.order_by("pk")
        ],
        "enrollments": list(Enrollment.objects.order_by("pk").values_list("session", "worker")),
        "beneficiaries": [
            (b.name, b.id_number, b.account) for b in Beneficiary.objects.order_by("pk")
        ],
    }


def test_same_seed_same_data_and_refusal(db):
    sink = _Sink()
    call_command("generate_data", scale="small", seed=3, stdout=sink, stderr=sink)
    first = _snapshot()
    with pytest.raises(CommandError, match="already holds generated data"):
        call_command("generate_data", scale="small", seed=3, stdout=sink, stderr=sink)
    call_command("generate_data", scale="small", seed=3, reset=True, stdout=sink, stderr=sink)
    assert _snapshot() == first
    call_command("generate_data", scale="small", seed=4, reset=True, stdout=sink, stderr=sink)
    other = _snapshot()
    assert other["workers"] != first["workers"] and other["appeals"] != first["appeals"]


def test_identifier_helpers():
    import random

    rng = random.Random(1)
    ids = identity.IdNumbers()
    seen = set()
    for _ in range(1000):  # 10 days hold at most 10 x 250 women's order codes
        number, birth = ids.make(
            rng, ["110105"], datetime.date(1990, 1, 1), datetime.date(1990, 1, 10), "F"
        )
        assert ric.is_valid(number) and ric.get_birth_date(number) == birth
        assert int(number[16]) % 2 == 0
        seen.add(number)
    assert len(seen) == 1000  # distinct by construction
    codes = {identity.credit_code(n, "110108") for n in range(5000)}
    assert len(codes) == 5000 and all(validate_credit_code(c) == c for c in codes)
    for area in identity.OTHER_AREAS:  # in stdnum's table for some birth years at least
        assert ids.years(area), area
    # an outer district's code came into use late: older workers get the old county code
    number, birth = ids.make(rng, ["110113", "110222"], datetime.date(1990, 1, 1),
                             datetime.date(1990, 12, 31), "M")  # fmt: skip
    assert number.startswith("110222") and ric.is_valid(number)
