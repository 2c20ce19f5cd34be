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
