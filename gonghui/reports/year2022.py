"""A synthetic year that reproduces the Beijing federation's published 2022 figures
(../shared/domain.md): ``manage.py load_year_2022 [--scale 0.01]``.

Rows are bulk-inserted straight into the owning apps' tables (the one place outside those apps
that writes them, by design: per-row services would take hours for 75,000 appeals), but each row
is one those services could have written: unique numbers, finished states, consistent
counters, valid 身份证号 / 统一社会信用代码, encrypted personal fields with their lookup hashes.

The loader tops up what the database already holds for BJ 2022: it reads the indicators first,
loads only the difference, and checks the indicators again at the end (docs/annual-report.md).
A second run is a no-op (the marker is the 2022 health programme it creates).
"""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from stdnum.cn import ric

from gonghui.orgs.models import Org, OrgType
from gonghui.orgs.selectors import districts as district_orgs
from gonghui.orgs.selectors import subtree
from gonghui.people.models import EmploymentForm, Worker
from gonghui.people.services import id_number_hash, name_pinyin, phone_hash
from gonghui.services.models import (
    Attendance,
    AttendanceMethod,
    BookingStatus,
    HealthBooking,
    HealthProgram,
    HealthQuota,
    Hospital,
    HospitalDay,
    Project,
    ProjectStatus,
    Session,
    WalkIn,
)
from gonghui.services.models import Category as ServiceCategory
from gonghui.stations.models import Station, StationStatus, StationType
from gonghui.stations.services import amenity_bits

YEAR = 2022
MARKER = "load_year_2022"
PROGRAM_TITLE = "2022年新就业形态劳动者免费健康体检"
BATCH = 2000

TARGETS = {
    "stations_opened_warm": 1013,
    "service_projects": 1445,
    "service_person_times": 5_811_400,
    "health_checks_done": 18_750,
    "appeals_received": 75_000,
    "aid_raised_warmth": Decimal(225_000_000),
    "enterprises_visited": 4261,
    "workers_reached": 1_600_000,
    "hardship_workers_aided": 23_000,
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅"
AMENITIES = ["drinking_water", "hot_water", "microwave", "phone_charging", "seating", "toilet"]


class LoadError(Exception):
    """The year cannot be loaded (no org tree, or the database already exceeds a target)."""


def scaled_targets(scale: float) -> dict:
    """The targets times ``scale``, rounded half up (money to the yuan)."""
    out = {}
    for code, target in TARGETS.items():
        v = (Decimal(target) * Decimal(str(scale))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        out[code] = v if isinstance(target, Decimal) else int(v)
    return out


def split(total: int, parts: int) -> list[int]:
    """``total`` as ``parts`` integers differing by at most one (their sum is exact)."""
    base, extra = divmod(int(total), parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def already_loaded() -> bool:
    return HealthProgram.objects.filter(year=YEAR, description__contains=MARKER).exists()


def local(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    from gonghui.core.workdays import SHANGHAI

    return datetime.datetime.combine(day, datetime.time(hour, minute), SHANGHAI)


def day_of_year(i: int, n: int) -> datetime.date:
    """The i-th of n items spread evenly over the year."""
    return datetime.date(YEAR, 1, 1) + datetime.timedelta(days=(i * 365) // max(n, 1))


class Context:
    """What the loaders share: the city, its districts, a seeded RNG, a worker pool."""

    def __init__(self, city: Org):
        self.city = city
        self.districts = list(district_orgs().filter(path__startswith=city.path))
        if not self.districts:
            raise LoadError("no district unions under BJ: run seed_demo first")
        self.rng = random.Random(2022)  # noqa: S311 - synthetic data, not security
        self.grassroots = {
            d.pk: list(subtree(d).filter(type=OrgType.GRASSROOTS, is_active=True)) or [d]
            for d in self.districts
        }
        self.workers: list[Worker] = []

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
        )


def bulk(model, rows, batch=BATCH) -> None:
    """INSERT ``rows`` (unsaved instances) with one prepared statement per batch: the values
    ``bulk_create`` would write (defaults, ``auto_now_add``, encryption via each field's
    ``get_db_prep_save``) without its per-row SQL compilation, which dominates at this size.
    Primary keys are not set on the instances: read the rows back by a unique column."""
    if not rows:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.auto_created)]
    quote = connection.ops.quote_name
    # table and column names come from the model's own metadata, quoted; values are parameters
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for lo in range(0, len(rows), batch):
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                    for obj in rows[lo : lo + batch]
                ],
            )


# --- workers ---------------------------------------------------------------------------------


def make_workers(ctx: Context, n: int) -> list[Worker]:
    """``n`` synthetic workers with valid, unique 身份证号 (sequence numbers 500–999, which the
    demo data never uses) spread over the districts' grassroots unions."""
    forms = [EmploymentForm.values[i % len(EmploymentForm.values)] for i in range(4)]
    rows = []
    for i in range(n):
        district = ctx.districts[i % len(ctx.districts)]
        union = ctx.grassroots[district.pk][i % len(ctx.grassroots[district.pk])]
        birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=i // 250)
        sex = "M" if i % 2 else "F"
        seq3 = 500 + (i % 250) * 2 + (1 if sex == "M" else 0)
        body = f"{district.region_code or '110105'}{birth:%Y%m%d}{seq3:03d}"
        id_number = body + ric.calc_check_digit(body + "0")
        phone = f"199{i:08d}"
        name = ctx.name()
        full, initials = name_pinyin(name)
        rows.append(
            Worker(
                name=name,
                name_pinyin=full,
                name_initials=initials,
                id_number=id_number,
                id_number_hash=id_number_hash(id_number),
                phone=phone,
                phone_hash=phone_hash(phone),
                birth_date=birth,
                sex=sex,
                employment_form=forms[i % len(forms)],
                union_org=union,
                work_district=district,
            )
        )
    bulk(Worker, rows)
    hashes = [w.id_number_hash for w in rows]
    by_hash = {}
    for lo in range(0, len(hashes), 900):
        for w in Worker.objects.filter(id_number_hash__in=hashes[lo : lo + 900]):
            by_hash[w.id_number_hash] = w
    return [by_hash[h] for h in hashes]


# --- stations --------------------------------------------------------------------------------


def load_stations(ctx: Context, n: int) -> None:
    warm = StationType.objects.get(code="warm_station")
    bits = amenity_bits(AMENITIES)
    rows = []
    for d_index, (district, count) in enumerate(
        zip(ctx.districts, split(n, len(ctx.districts)), strict=True)
    ):
        unions = ctx.grassroots[district.pk]
        for k in range(count):
            opened = day_of_year(k, count)
            rows.append(
                Station(
                    type=warm,
                    name=f"{district.name}暖心驿站（2022-{k + 1:04d}）",
                    host_kind=("bank", "gas_station", "shop", "union_office")[k % 4],
                    host_name=f"{district.name}第{k + 1}服务网点",
                    org=unions[k % len(unions)],
                    district=district,
                    address=f"{district.name}驿站路{k + 1}号",
                    lat=39.75 + ctx.rng.random() * 0.3 + d_index * 0.001,
                    lng=116.2 + ctx.rng.random() * 0.4,
                    amenities=AMENITIES,
                    amenity_bits=bits,
                    hours="24h",
                    status=StationStatus.OPEN,
                    opened_on=opened,
                    built_year=YEAR,
                )
            )
    bulk(Station, rows)


# --- 普惠服务 ----------------------------------------------------------------------------------

SESSIONS_PER_PROJECT = 4
CHECKINS_PER_SESSION = 5


def load_services(ctx: Context, projects: int, person_times: int) -> None:
    """``projects`` projects, each with sessions in the year; 人次 = a few check-ins per
    session plus walk-in counts making up the rest."""
    if projects <= 0:
        if person_times > 0:
            raise LoadError("service person-times without projects to hold them")
        return
    category = ServiceCategory.objects.order_by("sort_order", "id").first()
    rows = []
    for i in range(projects):
        district = ctx.districts[i % len(ctx.districts)]
        rows.append(
            Project(
                title=f"{district.name}普惠服务项目（2022-{i + 1:04d}）",
                organiser=district,
                category=category,
                starts_on=datetime.date(YEAR, 1, 1),
                ends_on=datetime.date(YEAR, 12, 31),
                description=MARKER,
                status=ProjectStatus.PUBLISHED,
            )
        )
    bulk(Project, rows)
    project_ids = list(
        Project.objects.filter(description=MARKER, starts_on__year=YEAR)
        .order_by("-id")
        .values_list("id", flat=True)[:projects]
    )
    sessions = []
    for p_index, pid in enumerate(project_ids):
        for s in range(SESSIONS_PER_PROJECT):
            day = day_of_year(p_index * SESSIONS_PER_PROJECT + s, projects * SESSIONS_PER_PROJECT)
            start = local(day, 9 + s)
            sessions.append(
                Session(
                    project_id=pid,
                    title=f"第{s + 1}场",
                    starts_at=start,
                    ends_at=start + datetime.timedelta(hours=2),
                    place="职工之家",
                    capacity=200,
                    signup_opens_at=start - datetime.timedelta(days=14),
                    signup_closes_at=start - datetime.timedelta(hours=2),
                )
            )
    bulk(Session, sessions)
    session_rows = list(
        Session.objects.filter(project_id__in=project_ids).values_list("id", "starts_at")
    )
    pool = ctx.workers
    checkins = min(CHECKINS_PER_SESSION, len(pool)) if pool else 0
    checkins = min(checkins, person_times // max(len(session_rows), 1))
    attendances = []
    for s_index, (sid, starts_at) in enumerate(session_rows):
        for k in range(checkins):
            worker = pool[(s_index * checkins + k) % len(pool)]
            attendances.append(
                Attendance(
                    session_id=sid,
                    worker=worker,
                    method=AttendanceMethod.STAFF_MARK,
                    at=starts_at + datetime.timedelta(minutes=k),
                )
            )
    bulk(Attendance, attendances, batch=5000)
    rest = person_times - len(attendances)
    walk_ins = [
        WalkIn(session_id=sid, count=n, note="现场服务（未签到）人次")
        for (sid, _at), n in zip(session_rows, split(rest, len(session_rows)), strict=True)
        if n > 0
    ]
    bulk(WalkIn, walk_ins)


# --- free health checks ----------------------------------------------------------------------


def _hospital(ctx: Context) -> Hospital:
    code, name = "BJ-PH-CY", "朝阳职工健康体检中心"
    org = Org.objects.filter(code=code).first()
    if org is None:
        org = Org(code=code, name=name, type=OrgType.PARTNER, parent=ctx.city)
        org.save()
    hospital = Hospital.objects.filter(org=org).first()
    if hospital is None:
        hospital = Hospital.objects.create(
            name=name, org=org, district=ctx.districts[0], address="朝阳区工人体育场北路甲2号"
        )
    return hospital


def load_health(ctx: Context, n: int, workers: list[Worker]) -> None:
    """A 2022 programme (the loader's marker) with ``n`` completed bookings by distinct
    workers, quotas per district and hospital days whose counters match the bookings."""
    program = HealthProgram.objects.create(
        title=PROGRAM_TITLE,
        year=YEAR,
        organiser=ctx.city,
        employment_forms=list(EmploymentForm.values),
        applications_open=datetime.date(YEAR, 3, 1),
        applications_close=datetime.date(YEAR, 10, 31),
        description=f"{MARKER}: 2022年度数据集",
    )
    if n <= 0:
        return
    hospital = _hospital(ctx)
    # weekdays from April to November, enough slots for every booking
    days = [
        datetime.date(YEAR, 4, 1) + datetime.timedelta(days=k)
        for k in range(240)
        if (datetime.date(YEAR, 4, 1) + datetime.timedelta(days=k)).weekday() < 5
    ]
    per_day = split(n, len(days))
    bulk(
        HospitalDay,
        [
            HospitalDay(program=program, hospital=hospital, date=d, slots=c, booked=c)
            for d, c in zip(days, per_day, strict=True)
        ],
    )
    hospital_days = list(HospitalDay.objects.filter(program=program).order_by("date"))
    by_district = {d.pk: [] for d in ctx.districts}
    for w in workers[:n]:
        by_district[w.work_district_id].append(w)
    quotas = {
        d.pk: HealthQuota(program=program, district=d, quota=len(by_district[d.pk]) + 10)
        for d in ctx.districts
    }
    bulk(HealthQuota, list(quotas.values()))
    quotas = {q.district_id: q for q in HealthQuota.objects.filter(program=program)}
    for district_id, ws in by_district.items():
        HealthQuota.objects.filter(pk=quotas[district_id].pk).update(used=len(ws))
    bookings, k = [], 0
    for hd, count in zip(hospital_days, per_day, strict=True):
        for _ in range(count):
            w = workers[k]
            k += 1
            bookings.append(
                HealthBooking(
                    program=program,
                    year=YEAR,
                    worker=w,
                    id_number_hash=w.id_number_hash,
                    quota=quotas[w.work_district_id],
                    day=hd,
                    status=BookingStatus.COMPLETED,
                    completed_at=local(hd.date, 11),
                )
            )
    bulk(HealthBooking, bookings)


# --- the whole year --------------------------------------------------------------------------


def load(scale: float = 1.0, log=print) -> dict:
    """Load the year (scaled); returns the indicators for BJ 2022 afterwards. Raises
    ``LoadError``; returns None when already loaded."""
    from gonghui.plans import indicators

    from . import year2022_aid

    city = Org.objects.filter(code="BJ").first()
    if city is None:
        raise LoadError("no org BJ: run seed_demo (or load the org tree) first")
    if already_loaded():
        return None
    targets = scaled_targets(scale)
    before = indicators.values(list(targets), city, YEAR)
    need = {code: targets[code] - (before[code] or 0) for code in targets}
    short = [code for code, n in need.items() if n < 0]
    if short:
        raise LoadError(f"the database already exceeds the 2022 figures for: {', '.join(short)}")
    if need["workers_reached"] < need["hardship_workers_aided"]:
        raise LoadError("workers reached must include the hardship workers aided")
    ctx = Context(city)
    with transaction.atomic():
        files = (need["hardship_workers_aided"] + 1) // 2
        log(f"workers: {need['health_checks_done'] + files}")
        ctx.workers = make_workers(ctx, need["health_checks_done"] + files)
        log(f"stations: {need['stations_opened_warm']}")
        load_stations(ctx, need["stations_opened_warm"])
        log(f"service projects: {need['service_projects']}")
        load_services(ctx, need["service_projects"], need["service_person_times"])
        log(f"health checks: {need['health_checks_done']}")
        load_health(ctx, need["health_checks_done"], ctx.workers)
        log(f"appeals: {need['appeals_received']}")
        year2022_aid.load_appeals(ctx, need["appeals_received"])
        log("aid campaigns, visits and payments")
        year2022_aid.load_aid(
            ctx,
            raised=need["aid_raised_warmth"],
            enterprises=need["enterprises_visited"],
            reached=need["workers_reached"],
            hardship=need["hardship_workers_aided"],
            file_workers=ctx.workers[need["health_checks_done"] :],
        )
    return indicators.values([i.code for i in indicators.all_indicators()], city, YEAR)
