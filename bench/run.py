"""Gonghui benchmarks: hotline intake, hotline metrics, the dashboards and the station finder,
each against a reference measured in the same run on the same PostgreSQL server, and the load
benchmark (gunicorn under wrk/hey, each endpoint beside /healthz). Not part of the test suite;
see bench/README.md.

    .venv/bin/python bench/run.py [--appeals N] [--requests N] [--stations N,N] [--only finder]
    .venv/bin/python bench/run.py --only load [--load-fraction F] [--load-appeals N]

Needs PostgreSQL: DATABASE_URL if set, else postgres://postgres@127.0.0.1:5432/test. The run
works in its own scratch database (gonghui_bench on that server), dropped and recreated every
run and dropped again at the end (``--keep`` leaves it for inspection).
"""

import argparse
import os
import platform
import sys
import time

import psycopg
from common import BENCH_DB, DEFAULT_URL, log, prepare, recreate_database, setup_django, table, urls
from dashboards import bench_dashboards, dashboards_notes, dashboards_rows
from dashboards_data import load_city
from duplicates import bench_duplicates, duplicates_report
from finder import bench_finder, finder_notes, finder_rows
from finder_data import parse_sets
from intake import bench_intake
from load import bench_load, load_notes, load_rows
from metrics import bench_metrics, load_appeals, metrics_notes, metrics_rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appeals", type=int, default=1_000_000, help="rows for the metrics run")
    parser.add_argument("--requests", type=int, default=300, help="API requests for intake")
    parser.add_argument("--repeat", type=int, default=3, help="best of N (within a time budget)")
    parser.add_argument("--skip-intake", action="store_true")
    parser.add_argument("--skip-metrics", action="store_true")
    parser.add_argument("--skip-finder", action="store_true")
    parser.add_argument("--skip-dashboards", action="store_true")
    parser.add_argument(
        "--only",
        choices=["intake", "metrics", "dashboards", "finder", "load", "duplicates"],
        help="run this benchmark alone (load and duplicates run only when named here)",
    )
    parser.add_argument("--city-stations", type=int, default=16_000, help="dashboards: stations")
    parser.add_argument("--sessions", type=int, default=60_000, help="dashboards: sessions")
    parser.add_argument("--checkins", type=int, default=4_500_000, help="dashboards: check-in rows")
    parser.add_argument(
        "--walk-ins", type=int, default=1_000_000, help="dashboards: walk-in person-times"
    )
    parser.add_argument(
        "--stations",
        type=parse_sets,
        default="16000,160000",
        help="finder station sets, comma-separated (N[:beijing|national])",
    )
    parser.add_argument("--points", type=int, default=500, help="finder query points per set")
    parser.add_argument(
        "--finder-reference",
        choices=["auto", "postgis", "numpy"],
        default="auto",
        help="finder reference: PostGIS KNN if installable (auto), else NumPy brute force",
    )
    lg = parser.add_argument_group("load (--only load; bench/README.md section 5)")
    lg.add_argument(
        "--load-fraction", type=float, default=0.02,
        help="generate_data beijing share for workers/services/campaigns (1 = full Beijing)",
    )  # fmt: skip
    lg.add_argument("--load-stations", type=int, default=16_000, help="stations (Beijing)")
    lg.add_argument("--load-appeals", type=int, default=500_000, help="appeals (Beijing)")
    lg.add_argument("--load-duration", type=int, default=10, help="seconds per measurement")
    lg.add_argument("--load-warmup", type=int, default=3, help="warm-up seconds per endpoint")
    lg.add_argument("--load-connections", type=int, default=100, help="wrk connections")
    lg.add_argument(
        "--load-rounds", type=int, default=3,
        help="slices in which /healthz and the endpoint alternate (the duration split)",
    )  # fmt: skip
    lg.add_argument(
        "--load-workers", type=int, default=min(2 * (os.cpu_count() or 1) + 1, 8),
        help="gunicorn workers (default gunicorn.conf.py's: 2 × cores + 1, at most 8)",
    )  # fmt: skip
    lg.add_argument(
        "--load-redis-url", default="",
        help="REDIS_URL for the server (the cache shared by its workers); default: none, "
        "each worker's memory cache",
    )  # fmt: skip
    lg.add_argument(
        "--load-endpoints", default="", help="comma-separated parts of endpoint names to run"
    )
    lg.add_argument(
        "--load-nginx", action="store_true",
        help="put the repository's nginx site (deploy/nginx/gonghui.conf, TLS) in front of "
        "gunicorn and load it there (bench/load_nginx.py)",
    )  # fmt: skip
    lg.add_argument(
        "--load-reuse", action="store_true",
        help=f"use the {BENCH_DB} database kept by an earlier --keep run (same keys in the "
        "environment) instead of recreating and loading it; implies --keep",
    )  # fmt: skip
    dg = parser.add_argument_group("duplicates (--only duplicates; bench/README.md section 6)")
    dg.add_argument(
        "--dup-appeals", type=int, default=50_000, help="generated appeals (500000: Beijing)"
    )
    dg.add_argument(
        "--dup-fraction", type=float, default=0.05,
        help="generate_data beijing share for the workers and employers behind the appeals",
    )  # fmt: skip
    dg.add_argument("--dup-samples", type=int, default=500, help="appeals timed per row")
    dg.add_argument(
        "--dup-reuse", action="store_true",
        help=f"use the {BENCH_DB} database kept by an earlier --keep run; implies --keep",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DB} database")
    args = parser.parse_args(argv)
    args.skip_load = args.only != "load"
    args.skip_duplicates = args.only != "duplicates"
    args.load_reuse = args.load_reuse and not args.skip_load
    args.dup_reuse = args.dup_reuse and not args.skip_duplicates
    args.keep = args.keep or args.load_reuse or args.dup_reuse
    if args.only:
        args.skip_intake = args.only != "intake"
        args.skip_metrics = args.only != "metrics"
        args.skip_finder = args.only != "finder"
        args.skip_dashboards = args.only != "dashboards"

    base = os.environ.get("DATABASE_URL") or DEFAULT_URL
    admin_url, bench_url = urls(base)
    t_start = time.perf_counter()
    if not (args.load_reuse or args.dup_reuse):
        log(f"recreating database {BENCH_DB}")
        recreate_database(admin_url)
    intake = metrics = load_s = finder = dashboards = city = load = dups = None
    try:
        with psycopg.connect(bench_url) as conn:
            pg_version = conn.execute("SHOW server_version").fetchone()[0]
        if not (args.skip_intake and args.skip_metrics and args.skip_dashboards) or (
            not (args.skip_load and args.skip_duplicates)
        ):
            setup_django(bench_url)
            orgs, operator, token = prepare(reuse=args.load_reuse or args.dup_reuse)
        if not args.skip_load:
            load = bench_load(orgs, token, bench_url, args)
        if not args.skip_duplicates:
            dups = bench_duplicates(orgs, operator, args)

        intake = None if args.skip_intake else bench_intake(
            orgs, operator, token, bench_url, args.requests
        )  # fmt: skip
        if not args.skip_metrics:
            log(f"metrics: bulk-loading {args.appeals:,} appeals")
            # the intake rows stay: they are received in the present, outside the 2025 window
            load_s = load_appeals(bench_url, args.appeals, orgs)
            metrics = bench_metrics(orgs, bench_url, args.repeat)
        if not args.skip_dashboards:  # before the finder, which truncates the stations
            if args.skip_metrics:
                log(f"dashboards: bulk-loading {args.appeals:,} appeals")
                load_appeals(bench_url, args.appeals, orgs)
            city = load_city(
                bench_url, stations=args.city_stations, workers=200_000,
                sessions=args.sessions, attendance=args.checkins, walkins=args.walk_ins,
            )  # fmt: skip
            city["appeals"] = args.appeals
            dashboards = bench_dashboards(orgs, bench_url, args.repeat)
        if not args.skip_finder:
            try:  # the finder's workers open their own connections
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: S110 - Django may not be set up
                pass
            finder = bench_finder(bench_url, args.stations, args.points, args.finder_reference)
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
    if dups:
        print(duplicates_report(dups))
    if load:
        print(table(load_rows(load["results"])))
        print("\n".join(load_notes(load, args)))
    rows = [("benchmark", "ours", "reference", "ratio")]
    if intake:
        ceiling = 1 / (1 / intake["database_rate"] + 1 / intake["cycle_rate"])
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
            (
                "  floor: its statements replayed, psycopg alone",
                f"{intake['database_rate']:,.0f} appeals/s",
                "",
                f"{intake['database_rate'] / intake['ref_rate']:.3f}",
            ),
            (
                "  floor: GET /healthz less its SELECT 1",
                f"{intake['cycle_rate']:,.0f} requests/s",
                "",
                f"{intake['cycle_rate'] / intake['ref_rate']:.3f}",
            ),
            (
                "  ceiling: both floors, no code of ours",
                f"{ceiling:,.0f} appeals/s",
                "",
                f"{ceiling / intake['ref_rate']:.3f}",
            ),
        ]
    if metrics:
        rows += metrics_rows(metrics)
    if dashboards:
        rows += dashboards_rows(dashboards, city)
    if finder:
        rows += finder_rows(finder)
    if len(rows) > 1:
        print(table(rows))
    if metrics:
        print("\n".join(metrics_notes(metrics, args.appeals, load_s)))
    if intake:
        print(f"intake: {intake['queries']} SQL statements per API request")
    if dashboards:
        print("\n".join(dashboards_notes(dashboards, city)))
    if finder:
        print("\n".join(finder_notes(finder)))
    print(f"total run time {time.perf_counter() - t_start:.0f} s")
    ok = not metrics or (metrics["same_counts"] and metrics["same_avg"])
    ok = ok and (not dashboards or dashboards["ok"])
    ok = ok and (not load or load["ok"]) and (not dups or dups["ok"])
    return 0 if ok and (not finder or finder["ok"]) else 1


if __name__ == "__main__":
    sys.exit(main())
