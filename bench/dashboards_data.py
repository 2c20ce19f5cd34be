# ruff: noqa: S608 - bench SQL built from constants and ids read from the database
"""(4) Dashboards, data: a city's stations, workers, service projects, sessions, check-ins and
walk-in counts, bulk-loaded with INSERT … SELECT generate_series (seeded ``random()``). The
appeals come from metrics.load_appeals. See bench/README.md."""

import time

import psycopg
from common import log

YEAR = 2025


def _check(model, values: dict) -> list[str]:
    """Every NOT NULL column of ``model`` (no DB default) must have an expression."""
    from django.db.models.fields import NOT_PROVIDED

    need = {
        f.column
        for f in model._meta.concrete_fields
        if f.column != "id" and not f.null and f.db_default is NOT_PROVIDED
    }
    missing = need - set(values)
    if missing:
        raise SystemExit(f"bench/dashboards_data.py out of date with {model.__name__}: {missing}")
    return list(values)


def _insert(conn, table: str, values: dict, source: str, params: dict) -> None:
    cols = list(values)
    exprs = ", ".join(values[c] for c in cols).replace("%", "%%")  # no placeholders there
    sql = f"INSERT INTO {table} ({', '.join(cols)}) SELECT {exprs} "
    conn.execute(sql + source, params)


def _ids(conn, sql: str, params=None) -> str:
    ids = [str(r[0]) for r in conn.execute(sql, params or {})]
    return "ARRAY[" + ",".join(ids) + "]::bigint[]"


def _pick(array: str, rnd: str = "random()") -> str:
    return f"({array})[1 + floor({rnd} * cardinality({array}))::int]"


def load_city(bench_url: str, *, stations: int, workers: int, sessions: int, attendance: int,
              walkins: int) -> dict:  # fmt: skip
    """Load the services and stations side of a city; returns counts and seconds."""
    from gonghui.core import crypto
    from gonghui.people.models import Worker
    from gonghui.services.models import Attendance, Project, Session, WalkIn
    from gonghui.stations.models import Station

    token = "'" + crypto.encrypt("bench dummy") + "'"
    t0 = time.perf_counter()
    with psycopg.connect(bench_url, autocommit=True) as conn:
        conn.execute("SELECT setseed(0.2025)")
        streets = _ids(conn, "SELECT id FROM orgs_org WHERE depth = 2 AND path LIKE '/BJ/BJ-%%'")
        districts = _ids(conn, "SELECT id FROM orgs_org WHERE type IN ('district', 'zone')")
        types = {c: i for i, c in conn.execute("SELECT id, code FROM stations_stationtype")}
        warm, home = types["warm_station"], types["worker_home"]
        cats = _ids(conn, "SELECT id FROM services_category")

        # --- stations: ~9 in 10 open, opened over ten years, some closed since ---------------
        st = {
            "name": "'驿站' || g", "host_kind": "'bank'", "host_name": "'某银行支行'",
            "address": "'某路' || g || '号'",
            "lat": "39.6 + random() * 1.2", "lng": "115.9 + random() * 1.4",
            "amenities": "'[]'::jsonb", "amenity_bits": "0", "hours": "'\"24h\"'::jsonb",
            "contact_phone": "''",
            "status": "CASE WHEN r < 0.9 THEN 'open' WHEN r < 0.95 THEN 'building'"
            " ELSE 'closed' END",
            "opened_on": f"CASE WHEN r < 0.9 OR r >= 0.95 THEN date '{YEAR - 9}-01-01'"
            " + floor(random() * 3650)::int END",
            "closed_on": f"CASE WHEN r >= 0.95 THEN date '{YEAR}-06-30' END",
            "qr_token": "md5('st' || g)", "created_at": "now()", "updated_at": "now()",
            "org_id": "org", "district_id": "org",
            "type_id": f"CASE WHEN random() < 0.06 THEN {home} ELSE {warm} END",
        }  # fmt: skip
        _check(Station, st)
        _insert(
            conn, "stations_station", st,
            f"FROM (SELECT g, random() AS r, {_pick(streets)} AS org"
            " FROM generate_series(1, %(n)s) g) x",
            {"n": stations},
        )  # fmt: skip
        # a station's district is its street's parent
        conn.execute(
            "UPDATE stations_station s SET district_id = o.parent_id FROM orgs_org o"
            " WHERE o.id = s.org_id"
        )
        conn.execute(
            "INSERT INTO stations_buildtarget (org_id, year, type_id, count)"
            f" SELECT id, {YEAR}, {warm}, 60 FROM orgs_org WHERE type IN ('district', 'zone')"
            f" UNION ALL SELECT id, {YEAR}, {warm}, 1000 FROM orgs_org WHERE code = 'BJ'"
        )
        log(f"dashboards: {stations:,} stations ({time.perf_counter() - t0:.0f} s)")

        # --- workers ------------------------------------------------------------------------
        wk = {
            "name": "'职工' || g", "name_pinyin": "'zhigong'", "name_initials": "'zg'",
            "id_number": token, "id_number_hash": "md5('id' || g)", "phone": token,
            "phone_hash": "md5('ph' || g)", "birth_date": "date '1990-01-01' + (g % 9000)",
            "sex": "CASE WHEN g % 2 = 0 THEN 'M' ELSE 'F' END",
            "employment_form": "'courier'", "employer_name": "''",
            "employer_credit_code": "''", "created_at": "now()", "updated_at": "now()",
            "union_org_id": _pick(streets), "membership_status": "''",
            "self_registered": "false",
        }  # fmt: skip
        _check(Worker, wk)
        _insert(
            conn, "people_worker", wk, "FROM generate_series(1, %(n)s) g", {"n": workers}
        )  # fmt: skip
        w_lo, w_hi = conn.execute("SELECT min(id), max(id) FROM people_worker").fetchone()
        log(f"dashboards: {workers:,} workers ({time.perf_counter() - t0:.0f} s)")

        # --- projects and sessions: 1 in 10 sessions in the year before ----------------------
        n_projects = max(1, sessions // 40)
        pr = {
            "title": "'普惠服务项目' || g", "campaign": "''",
            "starts_on": f"date '{YEAR - 1}-07-01'", "ends_on": f"date '{YEAR}-12-31'",
            "members_only": "false", "employment_forms": "'[]'::jsonb", "sexes": "'[]'::jsonb",
            "employer_codes": "'[]'::jsonb", "partners": "'[]'::jsonb", "description": "''",
            "status": "'published'", "review_note": "''", "created_at": "now()",
            "updated_at": "now()", "category_id": _pick(cats),
            "organiser_id": f"CASE WHEN random() < 0.7 THEN {_pick(streets)}"
            f" ELSE {_pick(districts)} END",
        }  # fmt: skip
        _check(Project, pr)
        _insert(
            conn, "services_project", pr, "FROM generate_series(1, %(n)s) g", {"n": n_projects}
        )  # fmt: skip
        p_lo = conn.execute("SELECT min(id) FROM services_project").fetchone()[0]
        se = {
            "title": "''", "starts_at": "t", "ends_at": "t + interval '2 hours'",
            "online": "false", "place": "'职工服务中心'", "capacity": "200",
            "signup_opens_at": "t - interval '20 days'",
            "signup_closes_at": "t - interval '2 hours'", "cancel_cutoff_hours": "24",
            "enrolled_count": "0", "qr_token": "md5('se' || g)", "created_at": "now()",
            "project_id": f"{p_lo} + floor(random() * {n_projects})::int",
        }  # fmt: skip
        _check(Session, se)
        _insert(
            conn, "services_session", se,
            "FROM (SELECT g, CASE WHEN random() < 0.9"
            f" THEN timestamptz '{YEAR}-01-01 09:00+08' + floor(random() * 365) * interval '1 day'"
            f" ELSE timestamptz '{YEAR - 1}-07-01 09:00+08' + floor(random() * 184)"
            " * interval '1 day' END AS t FROM generate_series(1, %(n)s) g) x",
            {"n": sessions},
        )  # fmt: skip
        s_lo = conn.execute("SELECT min(id) FROM services_session").fetchone()[0]
        log(f"dashboards: {n_projects:,} projects, {sessions:,} sessions")

        # --- check-ins: session s gets workers (s*7919 + k) mod W, k < per session -----------
        per = max(1, attendance // sessions)
        n_workers = w_hi - w_lo + 1
        at = {
            "method": "'qr'", "at": "s.starts_at + interval '10 minutes'",
            "worker_id": f"{w_lo} + ((s.id * 7919 + k) % {n_workers})", "session_id": "s.id",
        }  # fmt: skip
        _check(Attendance, at)
        step = 5000
        for lo in range(s_lo, s_lo + sessions, step):
            _insert(
                conn, "services_attendance", at,
                "FROM services_session s CROSS JOIN generate_series(0, %(per)s - 1) k"
                " WHERE s.id >= %(lo)s AND s.id < %(hi)s",
                {"per": per, "lo": lo, "hi": min(lo + step, s_lo + sessions)},
            )  # fmt: skip
            log(f"dashboards: check-ins for sessions up to {lo + step - s_lo:,}"
                f" ({time.perf_counter() - t0:.0f} s)")  # fmt: skip

        # --- walk-in counts: one session in three had some ---------------------------------
        wi = {
            "count": f"1 + floor(random() * {max(2, 2 * walkins // max(1, sessions // 3))})::int",
            "note": "'现场登记'", "at": "now()", "session_id": "s.id",
        }  # fmt: skip
        _check(WalkIn, wi)
        _insert(conn, "services_walkin", wi, "FROM services_session s WHERE s.id %% 3 = 0", {})
        log(f"dashboards: walk-ins ({time.perf_counter() - t0:.0f} s)")
        for table in (
            "stations_station", "people_worker", "services_project", "services_session",
            "services_attendance", "services_walkin",
        ):  # fmt: skip
            conn.execute(f"VACUUM ANALYZE {table}")
        counts = {
            "stations": conn.execute("SELECT count(*) FROM stations_station").fetchone()[0],
            "attendance": conn.execute("SELECT count(*) FROM services_attendance").fetchone()[0],
            "walk_in_persons": conn.execute(
                "SELECT coalesce(sum(count), 0) FROM services_walkin"
            ).fetchone()[0],
            "sessions": sessions,
            "projects": n_projects,
            "workers": workers,
        }
    counts["seconds"] = time.perf_counter() - t0
    return counts
