"""(1) Intake: appeals per second through the real API (and through the service alone)
against pgbench-style single-row INSERTs of the same rows. See bench/README.md."""

import json
import time

import psycopg
from common import district_codes, log
from psycopg import sql

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
        return r.json()["id"]

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

    # The floors: Django's request cycle alone (GET /healthz through the same client, less the
    # time of its one SELECT 1) and the intake's database work alone (its very statements
    # replayed without Django).
    for _ in range(50):
        client.get("/healthz")
    t0 = time.perf_counter()
    for _ in range(requests):
        client.get("/healthz")
    healthz_s = time.perf_counter() - t0
    with connection.cursor() as cursor:  # /healthz's own query, taken off its time below
        t0 = time.perf_counter()
        for _ in range(requests):
            cursor.execute("SELECT 1")
            cursor.fetchone()
        select_s = time.perf_counter() - t0
    recorded, ids = record_intakes(post, intake_payloads(requests, districts, seed=3))
    database_s = replay_intakes(recorded, ids)

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
        "healthz_rate": requests / healthz_s,
        "cycle_rate": requests / (healthz_s - select_s),
        "database_rate": requests / database_s,
        "api_rate": requests / api_s,
        "service_rate": requests / service_s,
        "ref_rate": n_ref / ref_s,
        "queries": queries,
    }


def record_intakes(post, payloads) -> tuple[list[list], list[int]]:
    """Post ``payloads`` and record, per intake, the statements it sent: ``("one", sql,
    params)`` through Django's cursor, ``("pipe", sql, params)`` through core.batch's pipeline."""
    from django.db import connection

    from gonghui.core import batch

    recorded: list[list] = []
    compile_insert = batch._insert_sql

    def insert_sql(obj, conn):
        sql, params = compile_insert(obj, conn)
        recorded[-1].append(("pipe", sql, params))
        return sql, params

    def wrapper(execute, sql, params, many, context):
        recorded[-1].append(("one", sql, params))
        return execute(sql, params, many, context)

    ids = []
    batch._insert_sql = insert_sql
    try:
        with connection.execute_wrapper(wrapper):
            for p in payloads:
                recorded.append([])
                ids.append(post(p))
    finally:
        batch._insert_sql = compile_insert
    return recorded, ids


def replay_intakes(recorded: list[list], appeal_ids: list[int]) -> float:
    """Seconds to send the recorded intakes' statements again, each intake in its own
    transaction as the app does (the day's number and ids, one pipeline, the commit), with
    psycopg alone on the app's connection, after deleting the rows they wrote (the audit rows
    are append-only and have no unique column: they stay)."""
    from django.db import connection, transaction

    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM django_tasks_database_dbtaskresult WHERE task_path = %s",
            ["gonghui.notices.tasks.deliver_message"],
        )
        links = [f"/h5/appeals/{i}/" for i in appeal_ids]
        cur.execute("DELETE FROM notices_message WHERE link = ANY(%s)", [links])
        cur.execute("DELETE FROM hotline_appealevent WHERE appeal_id = ANY(%s)", [appeal_ids])
        cur.execute("DELETE FROM hotline_appeal WHERE id = ANY(%s)", [appeal_ids])
    log(f"intake floor: replaying {len(recorded)} intakes' statements with psycopg alone")
    t0 = time.perf_counter()
    for statements in recorded:
        with transaction.atomic():
            raw = connection.connection
            one, server = psycopg.ClientCursor(raw), psycopg.Cursor(raw)
            pipe = [(q, p) for kind, q, p in statements if kind == "pipe"]
            for kind, q, p in statements:
                if kind == "one":
                    one.execute(q, p)
            with raw.pipeline():
                for q, p in pipe:
                    server.execute(q, p)
    return time.perf_counter() - t0
