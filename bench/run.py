"""Gonghui benchmarks: hotline intake and hotline metrics, each against a reference measured
in the same run on the same PostgreSQL server. Not part of the test suite; see bench/README.md.

    .venv/bin/python bench/run.py [--appeals N] [--requests N]

Needs PostgreSQL: DATABASE_URL if set, else postgres://postgres@127.0.0.1:5432/test. The run
works in its own scratch database (gonghui_bench on that server), dropped and recreated every
run and dropped again at the end (``--keep`` leaves it for inspection).
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from cryptography.fernet import Fernet
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
BENCH_DB = "gonghui_bench"
TZ = "Asia/Shanghai"

# Metrics window: org BJ over calendar 2025, evaluated on a fixed "now" after it.
YEAR_FROM = datetime.date(2025, 1, 1)
YEAR_TO = datetime.date(2025, 12, 31)
CAL_FROM = datetime.date(2024, 1, 1)  # calendar table for the SQL references
CAL_TO = datetime.date(2026, 6, 30)  # (chinese-calendar knows 2026; dues stay inside)
CHUNK = 100_000


# --- plumbing ----------------------------------------------------------------------------------


def urls(base: str) -> tuple[str, str]:
    """(maintenance URL for CREATE/DROP DATABASE, URL of the scratch database)."""
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"bench/run.py needs PostgreSQL; DATABASE_URL is {parts.scheme}://…")
    return (
        urlunsplit(parts._replace(path="/postgres")),
        urlunsplit(parts._replace(path=f"/{BENCH_DB}")),
    )


def recreate_database(admin_url: str, drop_only: bool = False) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        name = sql.Identifier(BENCH_DB)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def setup_django(bench_url: str) -> None:
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "gonghui.settings"
    # Production-like: DEBUG off (no query log); throw-away secrets for the scratch database.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    os.environ.setdefault("FIELD_HASH_KEY", secrets.token_urlsafe(32))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def best_of(fn, repeat: int, budget: float = 30.0):
    """Run ``fn`` up to ``repeat`` times (stopping early once ``budget`` seconds are spent);
    return (best seconds, runs, last result)."""
    times, result, spent = [], None, 0.0
    while len(times) < repeat and (not times or spent < budget):
        t0 = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t0
        times.append(elapsed)
        spent += elapsed
    return min(times), len(times), result


def without(row: dict, key: str) -> dict:
    return {k: v for k, v in row.items() if k != key}


def log(msg: str) -> None:
    print(f"  … {msg}", file=sys.stderr, flush=True)


# --- fixtures in the scratch database -------------------------------------------------------------


def prepare():
    from django.core.management import call_command

    from gonghui.orgs.demo import load_orgs
    from gonghui.people import auth
    from gonghui.people.models import RoleAssignment

    call_command("migrate", verbosity=0, interactive=False)
    orgs = load_orgs()
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.create_user("bench_operator", password=None)
    RoleAssignment.objects.create(user=operator, role="hotline_operator", org=orgs["BJ"])
    return orgs, operator, auth.issue_token(user=operator)


def district_codes(orgs) -> list[str]:
    from gonghui.orgs.models import DISTRICT_TYPES

    return sorted(code for code, org in orgs.items() if org.type in DISTRICT_TYPES)


# --- (1) intake ----------------------------------------------------------------------------------


def intake_payloads(n: int, districts: list[str], seed: int = 1) -> list[dict]:
    import random

    rng = random.Random(seed)
    categories = ["LABOR-WAGE", "LABOR-CONTRACT", "LABOR-INSURANCE", "LABOR-INJURY", "LEGAL"]
    categories += ["HARDSHIP", "PSYCH", "STATION", "MEMBER", "NEWFORM", "OTHER"]
    types = ["consultation", "help", "complaint", "report", "suggestion"]
    return [
        {
            "type": rng.choices(types, weights=[35, 20, 30, 5, 10])[0],
            "category": rng.choice(categories),
            "urgency": "urgent" if rng.random() < 0.08 else "normal",
            "content": f"职工来电反映：所在单位拖欠工资已两个月，多次沟通未果，请求协助。#{i}",
            "district": rng.choice(districts),
            "contact_name": rng.choice(["张伟", "王芳", "李娜", "刘洋", "陈静"]),
            "contact_phone": f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            "channel": "phone",
            "employer_name": "某某物流配送站" if rng.random() < 0.5 else "",
        }
        for i in range(n)
    ]


def bench_intake(orgs, operator, token, bench_url: str, requests: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gonghui.hotline import services

    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    districts = district_codes(orgs)
    warmup = intake_payloads(20, districts, seed=0)
    payloads = intake_payloads(requests, districts, seed=1)

    def post(payload):
        r = client.post(
            "/api/v1/hotline/appeals",
            data=json.dumps(payload),
            content_type="application/json",
            **headers,
        )
        if r.status_code != 201:
            raise SystemExit(f"intake failed: {r.status_code} {r.content[:300]!r}")

    for p in warmup:
        post(p)
    with CaptureQueriesContext(connection) as ctx:
        post(warmup[0])
    queries = len(ctx.captured_queries)

    log(f"intake: {requests} POST /api/v1/hotline/appeals")
    t0 = time.perf_counter()
    for p in payloads:
        post(p)
    api_s = time.perf_counter() - t0

    # The same intake without HTTP/ninja: the service layer alone.
    service_payloads = intake_payloads(requests, districts, seed=2)
    t0 = time.perf_counter()
    for p in service_payloads:
        services.create_appeal(actor=operator, data=p)
    service_s = time.perf_counter() - t0

    # Reference: pgbench-style single-row INSERTs of the very rows the API just wrote into a
    # scratch table of the same shape (columns, defaults, indexes), one connection, autocommit.
    n_ref = max(requests, 2000)
    with psycopg.connect(bench_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_ref_appeal")
        conn.execute("CREATE TABLE bench_ref_appeal (LIKE hotline_appeal INCLUDING ALL)")
        cur = conn.execute("SELECT * FROM hotline_appeal ORDER BY id")
        columns = [d.name for d in cur.description if d.name != "id"]
        rows = [dict(zip([d.name for d in cur.description], r, strict=True)) for r in cur]
        insert = sql.SQL("INSERT INTO bench_ref_appeal ({}) VALUES ({})").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.SQL(", ").join(sql.Placeholder() * len(columns)),
        )
        values = []
        for i in range(n_ref):
            row = dict(rows[i % len(rows)])
            row["number"] = f"R{i:07d}-{row['number'][-12:]}"
            values.append([row[c] for c in columns])
        log(f"intake reference: {n_ref} single-row INSERTs")
        t0 = time.perf_counter()
        for v in values:
            conn.execute(insert, v)
        ref_s = time.perf_counter() - t0
        conn.execute("DROP TABLE bench_ref_appeal")
    return {
        "requests": requests,
        "api_rate": requests / api_s,
        "service_rate": requests / service_s,
        "ref_rate": n_ref / ref_s,
        "queries": queries,
    }


# --- (2) metrics ---------------------------------------------------------------------------------


def build_calendar(conn) -> None:
    """bench_cal: one row per day with the working-day flag, the working seconds before the
    day (for working hours in SQL), and the resolve (7) / callback (3) due moment of a start
    on that day — computed by the app's own WorkdayCalendar and sla."""
    from gonghui.core.workdays import WorkdayCalendar
    from gonghui.hotline import sla

    cal = WorkdayCalendar()
    rows, cum, day = [], 0, CAL_FROM
    while day <= CAL_TO:
        start = datetime.datetime.combine(day, datetime.time(12), datetime.UTC)
        work = cal.is_workday(day)
        rows.append(
            (day, work, cum, sla.resolve_due(start, 7, cal), sla.callback_due(start, 3, cal))
        )
        cum += 86400 if work else 0
        day += datetime.timedelta(days=1)
    conn.execute("DROP TABLE IF EXISTS bench_cal")
    conn.execute(
        "CREATE TABLE bench_cal (d date PRIMARY KEY, work boolean NOT NULL, cum_s bigint NOT NULL,"
        " resolve_due timestamptz, callback_due timestamptz)"
    )
    with conn.cursor().copy("COPY bench_cal FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    conn.execute("ANALYZE bench_cal")


def _weighted_array(pairs) -> str:
    """A SQL int array literal where each id repeats by its weight (pick with random())."""
    ids = [str(i) for i, w in pairs for _ in range(w)]
    return "ARRAY[" + ",".join(ids) + "]::bigint[]"


def _pick(array: str, rnd: str) -> str:
    return f"({array})[1 + floor({rnd} * cardinality({array}))::int]"


LOAD_SQL = """
INSERT INTO hotline_appeal ({columns})
SELECT {values}
FROM (
  SELECT s.*,
    CASE WHEN s.status IN ('contacted', 'resolved', 'callback_done', 'closed')
         THEN s.received
              + s.r_contact ^ 2 * interval '30 hours' * (CASE WHEN s.urgent THEN 0.1 ELSE 1 END)
    END AS contacted,
    CASE WHEN s.status IN ('resolved', 'callback_done', 'closed')
         THEN s.received + interval '1 hour' + s.r_contact ^ 2 * interval '30 hours'
              + s.r_resolve ^ 1.5 * interval '14 days'
    END AS resolved
  FROM (
    SELECT b.*,
      (ARRAY['closed','callback_done','resolved','contacted','accepted','dispatched','received',
             'returned','merged'])[
        CASE WHEN b.r_status < 0.45 THEN 1 WHEN b.r_status < 0.65 THEN 2
             WHEN b.r_status < 0.77 THEN 3 WHEN b.r_status < 0.85 THEN 4
             WHEN b.r_status < 0.90 THEN 5 WHEN b.r_status < 0.94 THEN 6
             WHEN b.r_status < 0.97 THEN 7 WHEN b.r_status < 0.98 THEN 8 ELSE 9 END] AS status,
      b.r_urgent < 0.08 AS urgent
    FROM (
      SELECT g,
        -- nine in ten in 2025 (the measured year), the rest in the second half of 2024
        CASE WHEN random() < 0.9
             THEN timestamptz '2025-01-01 00:00+08' + floor(random() * 365) * interval '1 day'
             ELSE timestamptz '2024-07-01 00:00+08' + floor(random() * 184) * interval '1 day'
        END
        + CASE WHEN random() < 0.85 THEN (8 + random() * 13) * interval '1 hour'
               ELSE random() * interval '24 hours' END AS received,
        random() AS r_status, random() AS r_urgent, random() AS r_contact,
        random() AS r_resolve, random() AS r_org, random() AS r_cb, random() AS r_res,
        random() AS r_sat, random() AS r_misc,
        {district} AS district_id, {other_district} AS other_district_id,
        {category} AS category_id
      FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
    ) b
  ) s
) x
JOIN bench_cal cr ON cr.d = (x.received AT TIME ZONE 'Asia/Shanghai')::date
LEFT JOIN bench_cal cd ON cd.d = (x.resolved AT TIME ZONE 'Asia/Shanghai')::date
"""


def load_values(token: str) -> dict[str, str]:
    """Column → SQL expression over the generated row ``x`` (and calendar rows cr, cd)."""
    called = "x.status IN ('callback_done', 'closed') AND x.r_cb < 0.92"
    tok = "'" + token + "'"
    return {
        "number": "'12351-' || to_char(x.received AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD')"
        " || '-' || lpad(x.g::text, 7, '0')",
        "type": "(ARRAY['consultation','help','complaint','report','suggestion'])["
        "CASE WHEN x.r_misc < 0.35 THEN 1 WHEN x.r_misc < 0.55 THEN 2 WHEN x.r_misc < 0.85"
        " THEN 3 WHEN x.r_misc < 0.90 THEN 4 ELSE 5 END]",
        "category_id": "x.category_id",
        "urgency": "CASE WHEN x.urgent THEN 'urgent' ELSE 'normal' END",
        "channel": "(ARRAY['phone','phone','phone','app','app','web','api'])"
        "[1 + floor(x.r_org * 7)::int]",
        "content": "'职工来电反映：所在单位拖欠工资已两个月，多次沟通未果，请求协助。#' || x.g",
        "district_id": "x.district_id",
        "employer_name": "CASE WHEN x.r_misc < 0.5 THEN '某某物流配送站' ELSE '' END",
        "employer_credit_code": "''",
        "worker_id": "NULL",
        "worker_account_id": "NULL",
        "contact_name": tok,
        "contact_phone": tok,
        # repeat callers: 1 in 5 numbers come back
        "contact_phone_hash": "md5(mod(x.g, 800000)::text) || md5('p' || mod(x.g, 800000))",
        "status": "x.status",
        "responsible_org_id": "CASE WHEN x.status IN ('received', 'returned') THEN NULL"
        " WHEN x.status = 'merged' AND x.r_org < 0.5 THEN NULL"
        " WHEN x.r_org < 0.93 THEN x.district_id ELSE x.other_district_id END",
        "received_at": "x.received",
        "dispatched_at": "CASE WHEN x.status NOT IN ('received') "
        "THEN x.received + interval '20 minutes' END",
        "accepted_at": "CASE WHEN x.status NOT IN ('received', 'dispatched', 'returned', 'merged')"
        " THEN x.received + interval '2 hours' END",
        "contacted_at": "x.contacted",
        "resolved_at": "x.resolved",
        "callback_at": "CASE WHEN x.status IN ('callback_done', 'closed')"
        " THEN x.resolved + (0.5 + x.r_cb * 2) * interval '1 day' END",
        "closed_at": "CASE WHEN x.status = 'closed' THEN x.resolved + interval '3 days' END",
        "response_due": "x.received + CASE WHEN x.urgent THEN interval '2 hours'"
        " ELSE interval '24 hours' END",
        "resolve_due": "cr.resolve_due",
        "callback_due": "cd.callback_due",
        "extension_days": "CASE WHEN x.r_misc > 0.97 THEN 5 ELSE 0 END",
        "extension_requested_days": "0",
        "extension_reason": "''",
        # what hotline_tick would have flagged: deadline missed before the appeal was done
        "supervised": "x.r_misc > 0.98 OR coalesce(x.resolved > cr.resolve_due, false)"
        " OR (x.resolved IS NULL AND x.status NOT IN ('merged'))",
        "overdue": "coalesce(x.resolved > cr.resolve_due, false)"
        " OR (x.resolved IS NULL AND x.status NOT IN ('merged'))",
        "reopen_count": "CASE WHEN x.r_misc > 0.99 THEN 1 ELSE 0 END",
        "direct_answer": "''",
        "resolution_note": "CASE WHEN x.resolved IS NOT NULL THEN '已协调单位补发工资' ELSE '' END",
        "callback_contacted": "CASE WHEN x.status IN ('callback_done', 'closed')"
        " THEN x.r_cb < 0.92 END",
        "callback_resolved": f"CASE WHEN {called} THEN CASE WHEN x.r_res < 0.7 THEN 'resolved'"
        " WHEN x.r_res < 0.9 THEN 'partly' ELSE 'unresolved' END ELSE '' END",
        "callback_satisfaction": f"CASE WHEN {called} THEN CASE WHEN x.r_sat < 0.65 THEN"
        " 'satisfied' WHEN x.r_sat < 0.9 THEN 'basically_satisfied' ELSE 'unsatisfied' END"
        " ELSE '' END",
        "callback_comment": "''",
        "merged_into_id": "NULL",
        "version": "3",
        "created_by_id": "NULL",
        "created_at": "x.received",
    }


def load_appeals(bench_url: str, n: int, orgs) -> float:
    from gonghui.core import crypto
    from gonghui.hotline.models import Appeal, Category

    token = crypto.encrypt("bench dummy 13800000000")  # one Fernet token for every contact
    values = load_values(token)
    columns = [f.column for f in Appeal._meta.concrete_fields if f.column != "id"]
    missing = set(columns) ^ set(values)
    if missing:
        raise SystemExit(f"load_values out of date with the Appeal model: {sorted(missing)}")

    # Realistic skews: the big districts get more calls, wages dominate the categories.
    big = {"BJ-CY": 8, "BJ-HD": 7, "BJ-FT": 4, "BJ-DX": 4, "BJ-CP": 4, "BJ-TZ": 3, "BJ-XC": 3}
    dist_pairs = [(orgs[c].pk, big.get(c, 1) * 2) for c in district_codes(orgs)]
    cat_weight = {"LABOR-WAGE": 30, "LABOR-CONTRACT": 12, "LABOR-INSURANCE": 10, "LEGAL": 8}
    cat_weight |= {"LABOR-INJURY": 5, "LABOR-HOURS": 5, "HARDSHIP": 6, "NEWFORM": 8}
    cats = Category.objects.filter(children=None)  # leaves (top-levels without children too)
    cat_pairs = [(c.pk, cat_weight.get(c.code, 3)) for c in cats]
    dist_arr, cat_arr = _weighted_array(dist_pairs), _weighted_array(cat_pairs)
    query = LOAD_SQL.format(
        columns=", ".join(columns),
        values=", ".join(values[c] for c in columns),
        district=_pick(dist_arr, "random()"),
        other_district=_pick(dist_arr, "random()"),
        category=_pick(cat_arr, "random()"),
    )
    t0 = time.perf_counter()
    with psycopg.connect(bench_url, autocommit=True) as conn:
        build_calendar(conn)
        conn.execute("SELECT setseed(0.42)")
        for lo in range(1, n + 1, CHUNK):
            hi = min(lo + CHUNK - 1, n)
            conn.execute(query, {"lo": lo, "hi": hi})
            log(f"loaded {hi:,} / {n:,} appeals ({time.perf_counter() - t0:.0f} s)")
        conn.execute("VACUUM ANALYZE hotline_appeal")
    return time.perf_counter() - t0


REF_WHERE = """
  FROM hotline_appeal a
  JOIN orgs_org d ON d.id = a.district_id
  LEFT JOIN orgs_org r ON r.id = a.responsible_org_id
  WHERE a.received_at >= %(start)s AND a.received_at < %(end)s AND a.status <> 'merged'
    AND (r.path LIKE %(prefix)s OR (a.responsible_org_id IS NULL AND d.path LIKE %(prefix)s))
"""

REF_COUNTS_SQL = (
    """
WITH a AS (
  SELECT a.*, coalesce(pc.code, c.code) AS top, r.code AS org_code"""
    + REF_WHERE.replace(
        "LEFT JOIN orgs_org r",
        "JOIN hotline_category c ON c.id = a.category_id\n"
        "  LEFT JOIN hotline_category pc ON pc.id = c.parent_id\n  LEFT JOIN orgs_org r",
    )
    + """
)
SELECT GROUPING(top) AS g_top, GROUPING(org_code) AS g_org, top, org_code,
  count(*) AS received,
  count(*) FILTER (WHERE contacted_at IS NOT NULL OR response_due <= %(now)s) AS response_due_n,
  count(*) FILTER (WHERE contacted_at <= response_due) AS responded_in_time,
  count(*) FILTER (WHERE callback_contacted) AS callbacks,
  count(*) FILTER (WHERE callback_contacted AND callback_resolved = 'resolved') AS cb_resolved,
  count(*) FILTER (WHERE callback_contacted AND callback_resolved = 'partly') AS cb_partly,
  count(*) FILTER (WHERE callback_contacted AND callback_satisfaction = 'satisfied')
    AS cb_satisfied,
  count(*) FILTER (WHERE callback_contacted AND callback_satisfaction = 'basically_satisfied')
    AS cb_basically,
  count(*) FILTER (WHERE callback_contacted AND callback_satisfaction = 'unsatisfied')
    AS cb_unsatisfied,
  count(*) FILTER (WHERE status IN ('resolved', 'callback_done', 'closed')) AS done,
  count(*) FILTER (WHERE overdue OR resolved_at > resolve_due
                   OR (resolved_at IS NULL AND resolve_due < %(now)s)) AS overdue
FROM a
GROUP BY GROUPING SETS ((), (top), (org_code))
"""
)

# Working hours in SQL with the calendar table: working seconds up to an instant are
# cum_s(local day) + (seconds since local midnight if that day is a working day).
REF_HOURS_SQL = (
    """
SELECT avg(
  ((cd.cum_s + CASE WHEN cd.work
               THEN extract(epoch FROM (a.resolved_at AT TIME ZONE 'Asia/Shanghai')::time)
               ELSE 0 END)
 - (cr.cum_s + CASE WHEN cr.work
               THEN extract(epoch FROM (a.received_at AT TIME ZONE 'Asia/Shanghai')::time)
               ELSE 0 END))
  / 3600.0)"""
    + REF_WHERE.replace(
        "LEFT JOIN orgs_org r",
        "JOIN bench_cal cr ON cr.d = (a.received_at AT TIME ZONE 'Asia/Shanghai')::date\n"
        "  JOIN bench_cal cd ON cd.d = (a.resolved_at AT TIME ZONE 'Asia/Shanghai')::date\n"
        "  LEFT JOIN orgs_org r",
    )
    + "    AND a.resolved_at IS NOT NULL\n"
)  # fmt: skip


def bench_metrics(orgs, bench_url: str, repeat: int) -> dict:
    from django.db.models.functions import Coalesce

    from gonghui.core.workdays import SHANGHAI
    from gonghui.hotline import metrics as m
    from gonghui.hotline.models import Appeal

    bj = orgs["BJ"]
    now = datetime.datetime(2026, 1, 15, 12, tzinfo=SHANGHAI)
    qs = m.appeals_for(Appeal.objects.all(), bj, YEAR_FROM, YEAR_TO)
    counts = m._counts(now)

    log("metrics: gonghui.hotline.metrics.metrics() for BJ, 2025")
    total_s, total_runs, ours = best_of(lambda: m.metrics(qs, now=now), repeat)
    log("metrics: parts")
    head_s, _, _ = best_of(lambda: qs.aggregate(**counts), repeat)
    cat_s, _, _ = best_of(
        lambda: list(
            qs.annotate(top=Coalesce("category__parent__code", "category__code"))
            .values("top")
            .annotate(**counts)
            .order_by("top")
        ),
        repeat,
    )
    org_s, _, _ = best_of(
        lambda: list(
            qs.values("responsible_org__code").annotate(**counts).order_by("responsible_org__code")
        ),
        repeat,
    )
    fetch_s, _, n_resolved = best_of(
        lambda: sum(
            1
            for _ in qs.filter(resolved_at__isnull=False)
            .values_list("received_at", "resolved_at")
            .iterator(chunk_size=5000)
        ),
        repeat,
    )
    avg_s, avg_runs, _ = best_of(lambda: m.average_working_hours(qs), repeat)

    start = datetime.datetime.combine(YEAR_FROM, datetime.time(), SHANGHAI)
    end = datetime.datetime.combine(YEAR_TO + datetime.timedelta(days=1), datetime.time(), SHANGHAI)
    params = {"start": start, "end": end, "now": now, "prefix": bj.path + "%"}
    with psycopg.connect(bench_url, autocommit=True) as conn:

        def ref_counts():
            cur = conn.execute(REF_COUNTS_SQL, params)
            names = [d.name for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur]

        def ref_hours():
            return conn.execute(REF_HOURS_SQL, params).fetchone()[0]

        log("metrics reference: hand-written SQL")
        ref_s, _, ref_rows = best_of(ref_counts, repeat)
        ref_h_s, _, ref_avg = best_of(ref_hours, repeat)

    # Same numbers?
    ref_total = next(r for r in ref_rows if r["g_top"] and r["g_org"])
    ref_cat = {r["top"]: m._rates(r) for r in ref_rows if not r["g_top"]}
    ref_org = {r["org_code"]: m._rates(r) for r in ref_rows if not r["g_org"]}
    headline = {k: ours[k] for k in m._rates(ref_total)}
    ours_cat = {r["category"]: without(r, "category") for r in ours["by_category"]}
    ours_org = {r["org"]: without(r, "org") for r in ours["by_org"]}
    same = headline == m._rates(ref_total) and ours_cat == ref_cat and ours_org == ref_org
    same_avg = (
        ours["avg_handling_working_hours"] is not None
        and abs(ours["avg_handling_working_hours"] - float(ref_avg)) < 0.01
    )
    return {
        "rows_in_window": ours["received"],
        "resolved_in_window": n_resolved,
        "total_s": total_s,
        "total_runs": total_runs,
        "headline_s": head_s,
        "by_category_s": cat_s,
        "by_org_s": org_s,
        "counts_s": head_s + cat_s + org_s,
        "fetch_s": fetch_s,
        "avg_s": avg_s,
        "avg_runs": avg_runs,
        "ref_s": ref_s,
        "ref_hours_s": ref_h_s,
        "same_counts": same,
        "same_avg": same_avg,
        "ours": headline | {"avg_handling_working_hours": ours["avg_handling_working_hours"]},
        "ref_avg": round(float(ref_avg), 2),
    }


# --- report ---------------------------------------------------------------------------------------


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    line = "  ".join("-" * w for w in widths)
    out = [line]
    for n, r in enumerate(rows):
        out.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if n == 0:
            out.append(line)
    out.append(line)
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appeals", type=int, default=1_000_000, help="rows for the metrics run")
    parser.add_argument("--requests", type=int, default=300, help="API requests for intake")
    parser.add_argument("--repeat", type=int, default=3, help="best of N (within a time budget)")
    parser.add_argument("--skip-intake", action="store_true")
    parser.add_argument("--skip-metrics", action="store_true")
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DB} database")
    args = parser.parse_args(argv)

    base = os.environ.get("DATABASE_URL") or DEFAULT_URL
    admin_url, bench_url = urls(base)
    t_start = time.perf_counter()
    log(f"recreating database {BENCH_DB}")
    recreate_database(admin_url)
    try:
        setup_django(bench_url)
        from django.db import connection

        orgs, operator, token = prepare()
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            pg_version = cur.fetchone()[0]

        intake = None if args.skip_intake else bench_intake(
            orgs, operator, token, bench_url, args.requests
        )  # fmt: skip
        metrics = load_s = None
        if not args.skip_metrics:
            log(f"metrics: bulk-loading {args.appeals:,} appeals")
            # the intake rows stay: they are received in the present, outside the 2025 window
            load_s = load_appeals(bench_url, args.appeals, orgs)
            metrics = bench_metrics(orgs, bench_url, args.repeat)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet
            pass
        if not args.keep:
            recreate_database(admin_url, drop_only=True)

    print()
    print(
        f"Gonghui bench — PostgreSQL {pg_version}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, database {BENCH_DB}{' (kept)' if args.keep else ' (dropped)'}"
    )
    rows = [("benchmark", "ours", "reference", "ratio")]
    if intake:
        rows += [
            (
                f"intake: POST /api/v1/hotline/appeals ×{intake['requests']}",
                f"{intake['api_rate']:,.0f} appeals/s",
                f"{intake['ref_rate']:,.0f} INSERTs/s",
                f"{intake['api_rate'] / intake['ref_rate']:.3f} (ours/ref throughput)",
            ),
            (
                "  same, services.create_appeal (no HTTP)",
                f"{intake['service_rate']:,.0f} appeals/s",
                "",
                f"{intake['service_rate'] / intake['ref_rate']:.3f}",
            ),
        ]
    if metrics:
        ref_s = metrics["ref_s"]
        n = metrics["rows_in_window"]
        rows += [
            (
                f"metrics(): BJ 2025, {n:,} appeals in window",
                f"{metrics['total_s']:.2f} s ({n / metrics['total_s']:,.0f} rows/s)",
                f"{ref_s:.3f} s ({n / ref_s:,.0f} rows/s)",
                f"{metrics['total_s'] / ref_s:.1f}× (ours/ref time)",
            ),
            (
                "  counts only: headline + by_category + by_org",
                f"{metrics['counts_s']:.3f} s",
                f"{ref_s:.3f} s (1 GROUPING SETS query)",
                f"{metrics['counts_s'] / ref_s:.1f}×",
            ),
            ("    headline aggregate", f"{metrics['headline_s']:.3f} s", "", ""),
            ("    by_category", f"{metrics['by_category_s']:.3f} s", "", ""),
            ("    by_org", f"{metrics['by_org_s']:.3f} s", "", ""),
            (
                f"  avg_handling_working_hours ({metrics['resolved_in_window']:,} resolved)",
                f"{metrics['avg_s']:.2f} s (Python per row)",
                f"{metrics['ref_hours_s']:.3f} s (SQL + calendar table)",
                f"{metrics['avg_s'] / metrics['ref_hours_s']:.1f}×",
            ),
            ("    of which fetching the pairs", f"{metrics['fetch_s']:.2f} s", "", ""),
        ]
    print(table(rows))
    if metrics:
        share = metrics["avg_s"] / (metrics["avg_s"] + metrics["counts_s"])
        print(
            f"\nbulk load: {args.appeals:,} rows in {load_s:.0f} s; "
            f"metrics() best of {metrics['total_runs']}, avg hours best of {metrics['avg_runs']}"
        )
        print(
            f"avg_handling_working_hours is {share:.0%} of the time of metrics()' parts"
            f" ({metrics['avg_s'] * 1e6 / max(metrics['resolved_in_window'], 1):.0f} µs per"
            " resolved appeal in Python)" + (" — it dominates." if share > 0.5 else ".")
        )
        print(
            f"same counts as the reference: {'yes' if metrics['same_counts'] else 'NO'}; "
            f"same average hours: {'yes' if metrics['same_avg'] else 'NO'} "
            f"(ours {metrics['ours']['avg_handling_working_hours']}, SQL {metrics['ref_avg']})"
        )
        print("headline:", json.dumps(metrics["ours"], ensure_ascii=False))
    if intake:
        print(f"intake: {intake['queries']} SQL statements per API request")
    print(f"total run time {time.perf_counter() - t_start:.0f} s")
    return 0 if not metrics or (metrics["same_counts"] and metrics["same_avg"]) else 1


if __name__ == "__main__":
    sys.exit(main())
