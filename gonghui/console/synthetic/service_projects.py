"""普惠服务: projects organised by district and street unions, their sessions (some held at
stations), enrollments within each session's capacity (``enrolled_count`` kept as
``services.enrollment`` keeps it), attendance of past sessions and walk-in counts."""

import datetime
import itertools
from decimal import Decimal

from gonghui.services.models import (
    Attendance,
    Category,
    Enrollment,
    Project,
    ProjectStatus,
    Session,
    WalkIn,
)

from .scales import FIRST_YEAR, LAST_YEAR, NOW, SHANGHAI
from .writer import clock

CHUNK_SESSIONS = 2_000
CAMPAIGN_OF = {"summer_cooling": "summer_cooling", "jobs": "spring_jobs"}
METHODS = [(70, "worker_scan"), (20, "staff_scan"), (10, "staff_mark")]
PLACES = ("职工服务中心", "工会活动室", "社区文化中心", "街道工会会议室", "职工之家")


def _w(rng, pairs):
    return rng.choices([v for _w, v in pairs], [w for w, _v in pairs])[0]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), SHANGHAI)


def write_projects(writer, rng, tree, stations: dict, projects: int, sessions: int, target: int):
    categories = list(Category.objects.filter(active=True).order_by("sort_order", "pk"))
    d_list = tree.districts
    d_cum = list(itertools.accumulate(tree.weights[d.pk] for d in d_list))
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    first = writer.next_id(Project)
    plan = []  # (project id, district, starts_on, ends_on, created_at)

    def project_rows():
        for i in range(projects):
            pk = first + i
            district = rng.choices(d_list, cum_weights=d_cum)[0]
            organiser = district if rng.random() < 0.4 else rng.choice(tree.streets[district.pk])
            category = rng.choice(categories)
            year = years[i % len(years)]
            starts = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(300))
            ends = min(
                datetime.date(year, 12, 31), starts + datetime.timedelta(rng.randint(20, 150))
            )
            created = _at(starts - datetime.timedelta(days=rng.randint(20, 40)), 10)
            plan.append((pk, district, starts, ends, created))
            stem = organiser.name.removesuffix("总工会").removesuffix("工会")
            yield {
                "id": pk, "title": f"{stem}{category.name}服务（{year}）第{i + 1}期",
                "organiser_id": organiser.pk, "category_id": category.pk,
                "campaign": CAMPAIGN_OF.get(category.code, ""), "starts_on": starts,
                "ends_on": ends, "budget": Decimal(rng.randrange(50, 5000) * 100),
                "members_only": False, "employment_forms": [], "sexes": [],
                "employer_codes": [], "other_partners": [],
                "description": f"面向职工的{category.name}服务项目。",
                "status": ProjectStatus.PUBLISHED, "review_note": "",
                "reviewed_at": created + datetime.timedelta(days=2), "created_at": created,
                "updated_at": created + datetime.timedelta(days=2),
            }  # fmt: skip

    writer.write(Project, project_rows())
    _write_sessions(writer, rng, tree, stations, plan, sessions, target)


def _write_sessions(writer, rng, tree, stations, plan, count, target):
    per_session = target / max(1, count)
    ids = {m: writer.next_id(m) for m in (Session, Enrollment, Attendance, WalkIn)}
    rows = {m: [] for m in ids}

    def add(model, row):
        row["id"] = ids[model]
        ids[model] += 1
        rows[model].append(row)

    started = [clock()]

    def flush():
        writer.charge(Session, started[0])  # generating the chunk (all four tables)
        for model in (Session, Enrollment, Attendance, WalkIn):
            writer.write(model, rows[model])
            rows[model].clear()
        started[0] = clock()

    for i in range(count):
        project_id, district, starts_on, ends_on, created = plan[i % len(plan)]
        day = starts_on + datetime.timedelta(days=rng.randrange((ends_on - starts_on).days + 1))
        start = _at(day, rng.choice((9, 10, 14, 15, 19)), rng.choice((0, 30)))
        end = start + datetime.timedelta(hours=rng.choice((1, 2, 2, 3)))
        capacity = max(1, round(per_session * rng.uniform(0.9, 1.6)))
        pool = tree.workers_by_district.get(district.pk) or []
        wanted = min(capacity, len(pool), max(1, round(per_session * rng.uniform(0.6, 1.4))))
        chosen = [pool[j] for j in rng.sample(range(len(pool)), min(len(pool), wanted + 3))]
        enrolled, extra = chosen[:wanted], chosen[wanted:]
        opens = start - datetime.timedelta(days=14)
        closes = start - datetime.timedelta(hours=2)
        online = rng.random() < 0.1
        at_station = stations.get(district.pk) if not online and rng.random() < 0.3 else None
        session = {
            "project_id": project_id, "title": f"第{i // len(plan) + 1}场", "starts_at": start,
            "ends_at": end, "online": online, "place": "" if online else rng.choice(PLACES),
            "station_id": rng.choice(at_station) if at_station else None,
            "capacity": capacity, "runner_id": None, "signup_opens_at": opens,
            "signup_closes_at": closes, "cancel_cutoff_hours": 24,
            "enrolled_count": len(enrolled), "created_at": created,
        }  # fmt: skip
        add(Session, session)
        sid = session["id"]
        session["qr_token"] = f"syn{sid:012d}"
        window = (closes - opens).total_seconds()
        for worker in enrolled:
            queued = opens + datetime.timedelta(seconds=rng.uniform(0, window))
            add(Enrollment, {"session_id": sid, "worker_id": worker, "status": "enrolled",
                             "queued_at": queued, "created_by_id": None})  # fmt: skip
            if end < NOW and rng.random() < 0.85:
                at = start + datetime.timedelta(minutes=rng.randint(-15, 30))
                add(Attendance, {"session_id": sid, "worker_id": worker, "at": at,
                                 "method": _w(rng, METHODS), "recorded_by_id": None})  # fmt: skip
        for worker in extra:  # cancelled, or on the waiting list of a full session
            queued = opens + datetime.timedelta(seconds=rng.uniform(0, window))
            if len(enrolled) == capacity and rng.random() < 0.5:
                add(Enrollment, {"session_id": sid, "worker_id": worker, "status": "waitlisted",
                                 "queued_at": queued, "created_by_id": None})  # fmt: skip
            elif rng.random() < 0.5:
                cancelled = min(closes, queued + datetime.timedelta(hours=rng.uniform(1, 48)))
                add(Enrollment, {"session_id": sid, "worker_id": worker, "status": "cancelled",
                                 "queued_at": queued, "cancelled_at": cancelled,
                                 "created_by_id": None})  # fmt: skip
        if end < NOW and not online and rng.random() < 1 / 3:
            add(WalkIn, {"session_id": sid, "count": rng.randint(3, 60), "note": "现场参加",
                         "recorded_by_id": None, "at": end})  # fmt: skip
        if len(rows[Session]) >= CHUNK_SESSIONS:
            flush()
    flush()
