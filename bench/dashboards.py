"""(4) Dashboards: the console dashboard's and the 数据大屏's figures for the whole city
(gonghui.reports.dashboards, which reads gonghui.plans.indicators and the apps' selectors)
against hand-written SQL over the same rows, in the same run. See bench/README.md."""

import datetime

import psycopg
from common import OVERDUE_SQL, best_of, log
from dashboards_data import YEAR

GOAL = 2.0  # ours / reference time

# One scan of the year's appeals: the year, each month, each (top category, month).
REF_HOTLINE_SQL = (
    """
WITH a AS (
  SELECT a.*, extract(month FROM a.received_at AT TIME ZONE 'Asia/Shanghai')::int AS m,
         coalesce(c.parent_id, c.id) AS top
  FROM hotline_appeal a
  JOIN hotline_category c ON c.id = a.category_id
  JOIN orgs_org d ON d.id = a.district_id
  LEFT JOIN orgs_org r ON r.id = a.responsible_org_id
  WHERE a.received_at >= %(start)s AND a.received_at < %(end)s AND a.status <> 'merged'
    AND (r.path LIKE %(prefix)s OR (a.responsible_org_id IS NULL AND d.path LIKE %(prefix)s))
)
SELECT GROUPING(m) AS g_m, GROUPING(top) AS g_top, m, top,
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
  count(*) FILTER (WHERE """  # noqa: S608 (constants only; values are query parameters)
    + OVERDUE_SQL
    + """) AS overdue
FROM a GROUP BY GROUPING SETS ((), (m), (top, m))
"""
)

# Stations: the city's totals and each direct child's, in one pass.
REF_STATIONS_SQL = """
SELECT GROUPING(ch.id) AS g, ch.id AS child,
  count(*) FILTER (WHERE s.opened_on <= %(ye)s AND (s.closed_on IS NULL OR s.closed_on > %(ye)s))
    AS open_ye,
  count(*) FILTER (WHERE t.code = 'warm_station' AND s.opened_on BETWEEN %(y0)s AND %(ye)s)
    AS warm,
  count(*) FILTER (WHERE t.code = 'worker_home' AND s.opened_on BETWEEN %(y0)s AND %(ye)s)
    AS home
FROM stations_station s
JOIN stations_stationtype t ON t.id = s.type_id
JOIN orgs_org o ON o.id = s.org_id
LEFT JOIN orgs_org ch ON ch.parent_id = %(root)s AND ch.is_active
  AND o.path LIKE ch.path || '%%'
WHERE o.path LIKE %(prefix)s
GROUP BY GROUPING SETS ((), (ch.id))
"""

REF_POINTS_SQL = """
SELECT s.lng, s.lat, t.name FROM stations_station s
JOIN orgs_org o ON o.id = s.org_id JOIN stations_stationtype t ON t.id = s.type_id
WHERE s.status = 'open' AND o.path LIKE %(prefix)s
"""

# Targets of the city and its children with the stations each opened in the year, by type.
REF_TARGETS_SQL = """
WITH units AS (SELECT id, path FROM orgs_org WHERE id = %(root)s OR parent_id = %(root)s),
opened AS (
  SELECT u.id AS org_id, s.type_id, count(*) AS n
  FROM stations_station s JOIN orgs_org o ON o.id = s.org_id
  JOIN units u ON o.path LIKE u.path || '%%'
  WHERE s.opened_on BETWEEN %(y0)s AND %(ye)s GROUP BY 1, 2
)
SELECT coalesce(t.org_id, o.org_id), coalesce(t.type_id, o.type_id), t.count, coalesce(o.n, 0)
FROM (SELECT org_id, type_id, count FROM stations_buildtarget
      WHERE year = %(year)s AND org_id IN (SELECT id FROM units)) t
FULL JOIN opened o ON o.org_id = t.org_id AND o.type_id = t.type_id
"""

REF_SERVICES_SQL = """
WITH s AS (
  SELECT se.id, extract(month FROM se.starts_at AT TIME ZONE 'Asia/Shanghai')::int AS m
  FROM services_session se
  JOIN services_project p ON p.id = se.project_id
  JOIN orgs_org o ON o.id = p.organiser_id
  WHERE o.path LIKE %(prefix)s AND se.starts_at >= %(start)s AND se.starts_at < %(end)s
)
SELECT m, sum(n)::bigint FROM (
  SELECT s.m, count(*) AS n FROM services_attendance a JOIN s ON s.id = a.session_id GROUP BY 1
  UNION ALL
  SELECT s.m, sum(w.count) FROM services_walkin w JOIN s ON s.id = w.session_id GROUP BY 1
) u GROUP BY m
"""

REF_HEALTH_SQL = """
SELECT extract(month FROM b.completed_at AT TIME ZONE 'Asia/Shanghai')::int, count(*)
FROM services_healthbooking b
JOIN services_healthquota q ON q.id = b.quota_id JOIN orgs_org o ON o.id = q.district_id
WHERE o.path LIKE %(prefix)s AND b.status = 'completed'
  AND b.completed_at >= %(start)s AND b.completed_at < %(end)s
GROUP BY 1
"""

REF_AID_SQL = """
SELECT 'raised' AS what, c.kind, sum(b.amount) FROM assistance_budgetline b
  JOIN assistance_campaign c ON c.id = b.campaign_id JOIN orgs_org o ON o.id = c.organiser_id
  WHERE o.path LIKE %(prefix)s AND c.year = %(year)s GROUP BY c.kind
UNION ALL
SELECT 'disbursed', kind, sum(v) FROM (
  SELECT c.kind, p.amount AS v FROM assistance_payment p
    JOIN assistance_beneficiary b ON b.id = p.beneficiary_id
    JOIN assistance_campaign c ON c.id = b.campaign_id JOIN orgs_org o ON o.id = b.org_id
    WHERE o.path LIKE %(prefix)s AND p.status = 'paid' AND p.paid_on BETWEEN %(y0)s AND %(ye)s
  UNION ALL
  SELECT c.kind, g.value FROM assistance_goodsdelivery g
    JOIN assistance_campaign c ON c.id = g.campaign_id JOIN orgs_org o ON o.id = g.org_id
    WHERE o.path LIKE %(prefix)s AND g.delivered_on BETWEEN %(y0)s AND %(ye)s
  UNION ALL
  SELECT c.kind, coalesce(e.money, 0) + coalesce(e.goods_value, 0)
    FROM assistance_enterprisevisit e LEFT JOIN assistance_campaign c ON c.id = e.campaign_id
    JOIN orgs_org o ON o.id = e.org_id
    WHERE o.path LIKE %(prefix)s AND e.visited_on BETWEEN %(y0)s AND %(ye)s
) d GROUP BY kind
"""

REFS = {
    "hotline": REF_HOTLINE_SQL,
    "stations": REF_STATIONS_SQL,
    "points": REF_POINTS_SQL,
    "targets": REF_TARGETS_SQL,
    "services": REF_SERVICES_SQL,
    "health": REF_HEALTH_SQL,
    "aid": REF_AID_SQL,
}
# Which reference statements a part of ours needs (the figures it shows).
NEEDS = {
    "kpis": ["hotline", "stations", "services", "health", "aid"],
    "hotline": ["hotline"],
    "categories": ["hotline"],
    "rates": ["hotline"],
    "stations": ["stations", "points"],
    "districts": ["stations"],
    "targets": ["targets"],
    "services": ["services"],
    "health": ["health"],
    "aid": ["aid"],
}
DASHBOARD = ["hotline", "stations", "points", "targets", "services", "health", "aid"]
SCREEN = ["hotline", "stations", "services", "health", "aid"]


def _run_refs(conn, params) -> dict:
    out = {}
    for key, sql in REFS.items():
        cur = conn.execute(sql, params)
        out[key] = cur.fetchall()
    return out


def _same(ours: dict, ref: dict, bj, m) -> dict[str, bool]:
    """Compare the figures ours shows with the reference's."""
    checks = {}
    total = next(r for r in ref["hotline"] if r[0] == 1 and r[1] == 1)
    months = {r[2]: r for r in ref["hotline"] if r[0] == 0 and r[1] == 1}
    rates = ("closure_rate", "response_rate", "resolution_rate", "satisfaction_rate")

    def rated(row):
        keys = ["received", "response_due_n", "responded_in_time", "callbacks", "cb_resolved",
                "cb_partly", "cb_satisfied", "cb_basically", "cb_unsatisfied", "done",
                "overdue"]  # fmt: skip
        return m._rates(dict(zip(keys, row[4:], strict=True)))

    want = []
    for month in range(1, 13):
        r = rated(months[month]) if month in months else None
        want.append([r["received"] if r else 0, *((r[k] if r else None) for k in rates)])
    checks["hotline by month"] = [row[1:] for row in ours["hotline"].rows] == want
    year = rated(total)
    kpi = {row[0]: row[1] for row in ours["kpis"].rows}
    st_total = next(r[1:] for r in ref["stations"] if r[0] == 1)
    from gonghui.plans import indicators

    def name(code):
        return indicators.get(code).name

    svc = {mm: n for mm, n in ref["services"]}
    checks["KPIs"] = (
        kpi[name("appeals_received")] == year["received"]
        and kpi[name("appeals_closure_rate")] == year["closure_rate"]
        and kpi[name("stations_open_year_end")] == st_total[1]
        and kpi[name("stations_opened_warm")] == st_total[2]
        and kpi[name("service_person_times")] == sum(svc.values())
    )
    checks["services by month"] = [r[1] for r in ours["services"].rows] == [
        svc.get(mm, 0) for mm in range(1, 13)
    ]
    by_child = {r[1]: r[2:] for r in ref["stations"] if r[0] == 0 and r[1] is not None}
    from gonghui.orgs.models import Org

    kids = {o.name: o.pk for o in Org.objects.filter(parent=bj, is_active=True)}
    checks["stations by child"] = all(
        tuple(row[1:]) == tuple(by_child.get(kids[row[0]], (0, 0, 0)))
        for row in ours["stations"].rows
    ) and len(ours["stations"].rows) == len(kids)
    checks["map points"] = len(ours["stations"].extra["points"]) == len(ref["points"])
    per_top: dict = {}
    for r in ref["hotline"]:
        if r[0] == 0 and r[1] == 0:
            per_top.setdefault(r[3], [0] * 12)[r[2] - 1] = r[4]
    from gonghui.hotline.models import Category

    cat_names = dict(Category.objects.values_list("pk", "name"))
    ranked = sorted(per_top, key=lambda pk: (-sum(per_top[pk]), cat_names.get(pk, "")))
    checks["categories"] = [cat_names[pk] for pk in ranked[:5]] == ours["categories"].columns[
        1:6
    ] and all(
        ours["categories"].rows[i][1:6] == [per_top[pk][i] for pk in ranked[:5]] for i in range(12)
    )
    return checks


def bench_dashboards(orgs, bench_url: str, repeat: int) -> dict:
    from django.utils import timezone

    from gonghui.core.workdays import SHANGHAI
    from gonghui.hotline import metrics as m
    from gonghui.plans import indicators
    from gonghui.reports import dashboards as d

    bj = orgs["BJ"]
    parts = {
        "kpis": lambda: d.chart_kpis(bj, YEAR),
        "hotline": lambda: d.chart_hotline(bj, YEAR),
        "categories": lambda: d.chart_categories(bj, YEAR),
        "rates": lambda: d.chart_rates(bj, YEAR),
        "stations": lambda: d.chart_stations(bj, YEAR),
        "districts": lambda: d.chart_districts(bj, YEAR, "stations_open_year_end"),
        "targets": lambda: d.chart_targets(bj, YEAR),
        "services": lambda: d.chart_services(bj, YEAR),
        "health": lambda: d.chart_health(bj, YEAR),
        "aid": lambda: d.chart_aid(bj, YEAR),
    }
    ours_s, ours = {}, {}
    for key, fn in parts.items():
        log(f"dashboards: ours, {key}")

        def alone(fn=fn):  # one chart in its own indicator batch, as build() reads them
            with indicators.batch():
                return fn()

        ours_s[key], _, ours[key] = best_of(alone, repeat)
    log("dashboards: ours, whole dashboard and 大屏")
    dash_s, _, _ = best_of(lambda: d.build(bj, YEAR, d.DASHBOARD_CHARTS), repeat)
    screen_s, _, _ = best_of(lambda: d.build(bj, YEAR, d.SCREEN_CHARTS), repeat)

    start = datetime.datetime(YEAR, 1, 1, tzinfo=SHANGHAI)
    end = datetime.datetime(YEAR + 1, 1, 1, tzinfo=SHANGHAI)
    params = {
        "start": start, "end": end, "now": timezone.now(), "prefix": bj.path + "%",
        "root": bj.pk, "year": YEAR,
        "y0": datetime.date(YEAR, 1, 1), "ye": datetime.date(YEAR, 12, 31),
    }  # fmt: skip
    ref_s, ref = {}, {}
    with psycopg.connect(bench_url, autocommit=True) as conn:
        for key, sql in REFS.items():
            log(f"dashboards: reference, {key}")

            def run(sql=sql):
                return conn.execute(sql, params).fetchall()

            ref_s[key], _, ref[key] = best_of(run, repeat)
    checks = _same(ours, ref, bj, m)
    rows = []
    for key in parts:
        r = sum(ref_s[k] for k in NEEDS[key])
        rows.append((key, ours_s[key], r, "+".join(NEEDS[key])))
    dash_ref = sum(ref_s[k] for k in DASHBOARD)
    screen_ref = sum(ref_s[k] for k in SCREEN)
    return {
        "rows": rows,
        "dashboard": (dash_s, dash_ref),
        "screen": (screen_s, screen_ref),
        "ref_s": ref_s,
        "checks": checks,
        "ok": all(checks.values()),
    }


def dashboards_rows(result: dict, load: dict) -> list[tuple[str, str, str, str]]:
    def ratio(o, r):
        flag = "" if o / r <= GOAL else "  > goal"
        return f"{o / r:.1f}×{flag}"

    n = f"{load['appeals']:,} appeals, {load['stations']:,} stations, " \
        f"{load['attendance'] + load['walk_in_persons']:,} person-times"  # fmt: skip
    dash_s, dash_ref = result["dashboard"]
    screen_s, screen_ref = result["screen"]
    out = [
        (f"dashboard (BJ {YEAR}, {n})", f"{dash_s:.2f} s", f"{dash_ref:.3f} s",
         ratio(dash_s, dash_ref) + " (ours/ref time)"),
        ("数据大屏 JSON", f"{screen_s:.2f} s", f"{screen_ref:.3f} s", ratio(screen_s, screen_ref)),
    ]  # fmt: skip
    for key, o, r, needs in result["rows"]:
        out.append((f"  {key}", f"{o:.3f} s", f"{r:.3f} s ({needs})", ratio(o, r)))
    return out


def dashboards_notes(result: dict, load: dict) -> list[str]:
    checks = ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in result["checks"].items())
    return [
        f"dashboards data: {load['stations']:,} stations, {load['workers']:,} workers, "
        f"{load['projects']:,} projects, {load['sessions']:,} sessions, "
        f"{load['attendance']:,} check-ins + {load['walk_in_persons']:,} walk-in person-times "
        f"loaded in {load['seconds']:.0f} s",
        f"dashboards: same figures as the reference: {checks}",
        f"dashboards goal: ours ≤ {GOAL:.0f}× the reference — parts over it are marked '> goal'",
    ]
