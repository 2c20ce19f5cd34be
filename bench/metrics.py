"""(2) Metrics: gonghui.hotline.metrics.metrics() over a bulk-loaded year of appeals against
hand-written SQL over the same rows. See bench/README.md."""

import datetime
import json
import time

import psycopg
from common import OVERDUE_SQL, best_of, district_codes, log

# Metrics window: org BJ over calendar 2025, evaluated on a fixed "now" after it.
YEAR_FROM = datetime.date(2025, 1, 1)
YEAR_TO = datetime.date(2025, 12, 31)
CAL_FROM = datetime.date(2024, 1, 1)  # calendar table for the SQL references
CAL_TO = datetime.date(2026, 6, 30)  # (chinese-calendar knows 2026; dues stay inside)
CHUNK = 100_000


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
        # the overdue task's 督办 notice (overdue_notified, column "overdue"), roughly where it
        # would have been sent; never read as 超期, which the figures compute (overdue_q)
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
        # callbacks here are the hotline's; the worker's own rating (rating.py) is left unset
        "worker_rated_at": "NULL",
        "worker_rated_by": "''",
        "worker_comment": "''",
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
  count(*) FILTER (WHERE """
    + OVERDUE_SQL
    + """) AS overdue
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
    from gonghui.core.workdays import SHANGHAI, CalendarTable
    from gonghui.hotline import metrics as m
    from gonghui.hotline.models import Appeal

    bj = orgs["BJ"]
    now = datetime.datetime(2026, 1, 15, 12, tzinfo=SHANGHAI)
    qs = m.appeals_for(Appeal.objects.all(), bj, YEAR_FROM, YEAR_TO)
    counts = m._counts(now)

    log("metrics: gonghui.hotline.metrics.metrics() for BJ, 2025")
    total_s, total_runs, ours = best_of(lambda: m.metrics(qs, now=now), repeat)
    log("metrics: parts")
    counts_s, _, _ = best_of(
        lambda: list(qs.values("category_id", "responsible_org_id").annotate(**counts).order_by()),
        repeat,
    )
    avg_s, avg_runs, _ = best_of(lambda: m.average_working_hours(qs), repeat)
    cal_s, _, _ = best_of(CalendarTable.read, repeat)
    n_resolved = qs.filter(resolved_at__isnull=False).count()

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

    # Same numbers? Compared on the fields both have: our rows also carry names (org_name,
    # category_name) beside the codes the reference groups by.
    ref_total = next(r for r in ref_rows if r["g_top"] and r["g_org"])
    ref_cat = {r["top"]: m._rates(r) for r in ref_rows if not r["g_top"]}
    ref_org = {r["org_code"]: m._rates(r) for r in ref_rows if not r["g_org"]}
    fields = list(m._rates(ref_total))
    headline = {k: ours[k] for k in fields}
    ours_cat = {r["category"]: {k: r[k] for k in fields} for r in ours["by_category"]}
    ours_org = {r["org"]: {k: r[k] for k in fields} for r in ours["by_org"]}
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
        "counts_s": counts_s,
        "avg_s": avg_s,
        "avg_runs": avg_runs,
        "calendar_s": cal_s,
        "ref_s": ref_s,
        "ref_hours_s": ref_h_s,
        "same_counts": same,
        "same_avg": same_avg,
        "ours": headline | {"avg_handling_working_hours": ours["avg_handling_working_hours"]},
        "ref_avg": round(float(ref_avg), 2),
    }


def metrics_rows(metrics: dict) -> list[tuple[str, ...]]:
    ref_s, n = metrics["ref_s"], metrics["rows_in_window"]
    return [
        (
            f"metrics(): BJ 2025, {n:,} appeals in window",
            f"{metrics['total_s']:.2f} s ({n / metrics['total_s']:,.0f} rows/s)",
            f"{ref_s:.3f} s ({n / ref_s:,.0f} rows/s)",
            f"{metrics['total_s'] / ref_s:.1f}× (ours/ref time)",
        ),
        (
            "  counts alone: 1 query by category × org",
            f"{metrics['counts_s']:.3f} s",
            f"{ref_s:.3f} s (1 GROUPING SETS query)",
            f"{metrics['counts_s'] / ref_s:.1f}×",
        ),
        (
            f"  avg_handling_working_hours alone ({metrics['resolved_in_window']:,} resolved)",
            f"{metrics['avg_s']:.2f} s (SQL, CalendarDay)",
            f"{metrics['ref_hours_s']:.3f} s (SQL + bench_cal join)",
            f"{metrics['avg_s'] / metrics['ref_hours_s']:.1f}×",
        ),
    ]


def metrics_notes(metrics: dict, appeals: int, load_s: float) -> list[str]:
    return [
        f"\nbulk load: {appeals:,} rows in {load_s:.0f} s; metrics() best of"
        f" {metrics['total_runs']}, avg hours best of {metrics['avg_runs']}",
        "metrics() sends one grouped query (counts and summed working time in one pass; the"
        " headline and both breakdowns are added up from its rows) after reading the calendar"
        f" table ({metrics['calendar_s'] * 1000:.0f} ms)",
        f"same counts as the reference: {'yes' if metrics['same_counts'] else 'NO'}; "
        f"same average hours: {'yes' if metrics['same_avg'] else 'NO'} "
        f"(ours {metrics['ours']['avg_handling_working_hours']}, SQL {metrics['ref_avg']})",
        "headline: " + json.dumps(metrics["ours"], ensure_ascii=False),
    ]
