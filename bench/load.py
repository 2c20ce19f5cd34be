"""(5) Load: the production server (gunicorn with gunicorn.conf.py, DEBUG off) on PostgreSQL
with Beijing-scale synthetic data, driven over loopback. Each endpoint is measured beside
``/healthz`` in the same minutes: alternating with it at 100 connections (wrk, closed loop: its
capacity), then at a fixed offered rate of half that capacity (an open loop with Poisson
arrivals; intake: hey ``-q``), with ``/healthz`` at the same rate. The load generators are in
bench/load_tools.py, nginx in front (``--load-nginx``) in bench/load_nginx.py. See
bench/README.md, section (5).

    .venv/bin/python bench/run.py --only load [--load-fraction F] [--load-appeals N] …
"""

import dataclasses
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
from common import ROOT, district_codes, log
from load_nginx import Nginx
from load_tools import UNVERIFIED, Endpoint, run_hey, run_open_loop, run_wrk, wait_for_healthz

# Goals of issue 14 (ratios to /healthz at 100 connections; latencies at half capacity, ms).
RATIO_GOALS = {"nearest": 0.7, "h5": 0.3, "staff list": 0.3}
P99_GOALS = {"nearest": 10.0}
P95_GOALS = {"h5": 100.0}
# Query points of the nearest API (WGS-84): towns and outskirts of Beijing.
POINTS = [
    (39.9042, 116.4074), (39.9593, 116.2980), (39.9215, 116.4430), (40.0020, 116.4700),
    (39.8585, 116.2870), (39.9097, 116.6567), (40.2207, 116.2312), (39.7270, 116.3413),
    (40.1300, 116.6545), (39.9800, 116.3100), (39.8650, 116.4500), (40.0700, 116.3400),
]  # fmt: skip


def tools() -> dict[str, str]:
    found = {name: shutil.which(name) for name in ("wrk", "hey")}
    missing = [n for n, p in found.items() if not p]
    if missing:
        raise SystemExit(f"bench load needs {' and '.join(missing)}: `make load-tools` (apt)")
    return found


# --- data -----------------------------------------------------------------------------------------


def load_data(fraction: float, stations: int, appeals: int, seed: int = 1) -> dict:
    """generate_data's Beijing scale at ``fraction`` (workers, services, campaigns), with the
    stations and appeals at the given counts (full Beijing: 16,000 and 500,000)."""
    from gonghui.console.synthetic import run
    from gonghui.console.synthetic.scales import SCALES, scaled
    from gonghui.orgs.demo import load_orgs

    load_orgs()
    scale = dataclasses.replace(
        scaled(SCALES["beijing"], fraction), stations=stations, appeals=appeals
    )
    log(
        f"load: generate_data beijing×{fraction:g}: {scale.workers:,} workers, "
        f"{scale.stations:,} stations, {scale.appeals:,} appeals, "
        f"{scale.participations:,} enrollments"
    )
    t0 = time.perf_counter()
    writer = run.generate(scale, seed, log=lambda m: log(f"generate_data {m.strip()}"))
    rows = sum(r[1] for r in writer.report())
    return {"rows": rows, "seconds": time.perf_counter() - t0, "scale": scale}


def staff_token(org_code: str, role: str = "case_handler") -> str:
    from django.contrib.auth import get_user_model

    from gonghui.orgs.models import Org
    from gonghui.people import auth
    from gonghui.people.models import RoleAssignment

    user, created = get_user_model().objects.get_or_create(username=f"bench_{org_code.lower()}")
    if created:
        RoleAssignment.objects.create(user=user, role=role, org=Org.objects.get(code=org_code))
    return auth.issue_token(user=user)


def reused_data() -> dict:
    """What a kept database (``--keep``, then ``--load-reuse``) holds."""
    from gonghui.console.synthetic.scales import Scale
    from gonghui.hotline.models import Appeal
    from gonghui.people.models import Worker
    from gonghui.services.models import Enrollment
    from gonghui.stations.models import Station

    counts = [m.objects.count() for m in (Worker, Station, Appeal, Enrollment)]
    scale = Scale("reused", 0, counts[0], counts[1], counts[2], 0, 0, counts[3], 0, 0)
    return {"rows": 0, "seconds": 0.0, "scale": scale, "reused": True}


def build_endpoints(orgs, operator_token: str, staff: str) -> list[Endpoint]:
    from intake import intake_payloads

    from gonghui.stations.models import Station, StationStatus

    station_ids = list(
        Station.objects.filter(status=StationStatus.OPEN).order_by("id").values_list("id")[:50]
    )
    nearest = [f"/api/v1/stations/nearest?lat={la}&lng={ln}" for la, ln in POINTS]
    list_filters = "status=dispatched,accepted,contacted,resolved&category=LABOR&from=2025-01-01"
    return [
        Endpoint("nearest: GET /api/v1/stations/nearest", "nearest", nearest),
        Endpoint("h5: GET / (worker home)", "h5", ["/"]),
        Endpoint("h5: GET /stations/ (finder)", "h5", ["/stations/"]),
        Endpoint(
            "h5: GET /stations/?district= (list)",
            "h5",
            [f"/stations/?district={c}" for c in district_codes(orgs)],
        ),
        Endpoint(
            "h5: GET /stations/<id>/ (detail)", "h5", [f"/stations/{i}/" for (i,) in station_ids]
        ),
        Endpoint(
            "staff list: GET /api/v1/hotline/appeals?status=…&category=…&from=…",
            "staff list",
            [f"/api/v1/hotline/appeals?{list_filters}"],
            token=staff,
        ),
        Endpoint(
            "staff list: GET /api/v1/hotline/appeals?queue=overdue",
            "staff list",
            ["/api/v1/hotline/appeals?queue=overdue"],
            token=staff,
        ),
        Endpoint(
            "metrics: GET /api/v1/hotline/metrics",
            "metrics",
            ["/api/v1/hotline/metrics?org=BJ-CY&from=2025-01-01&to=2025-12-31"],
            token=staff,
        ),
        Endpoint(
            "intake: POST /api/v1/hotline/appeals",
            "intake",
            ["/api/v1/hotline/appeals"],
            token=operator_token,
            body=intake_payloads(1, district_codes(orgs), seed=5)[0],
            expect=201,
        ),
    ]


# --- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn -c gunicorn.conf.py on a free loopback port, in its own process group."""

    def __init__(
        self, bench_url: str, workers: int, workdir: Path, redis_url: str = "", behind_proxy=False
    ):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "gunicorn.log"
        env = {k: v for k, v in os.environ.items() if k not in ("LOCAL_DEMO", "REDIS_URL")}
        env.update(
            DATABASE_URL=bench_url,
            DEBUG="0",
            WEB_CONCURRENCY=str(workers),
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_ACCESS_LOG=str(workdir / "access.log"),  # kept on, as in production
            DJANGO_SETTINGS_MODULE="gonghui.settings",
        )
        if redis_url:  # the cache shared by the workers, as a deployment with REDIS_URL has it
            env["REDIS_URL"] = redis_url
        if behind_proxy:  # nginx in front: the client's address is the one nginx appends
            env["TRUSTED_PROXY_COUNT"] = "1"
        self.log_file = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_healthz(self.base, self.proc, 120, "gunicorn", self.log_tail)
        except SystemExit:
            self.stop()
            raise

    def log_tail(self, n: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-n:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()


# --- the run --------------------------------------------------------------------------------------


def appeal_count(bench_url: str) -> int:
    with psycopg.connect(bench_url) as conn:
        return conn.execute("SELECT count(*) FROM hotline_appeal").fetchone()[0]


def check_answers(base: str, ep: Endpoint) -> None:
    """Every path answers its expected status before it is loaded (a redirect or a 404 would
    otherwise be counted as served)."""
    if ep.body is not None:
        return  # POSTs are checked by their own status counts
    for path in ep.paths[:3]:
        req = urllib.request.Request(base + path)  # noqa: S310
        if ep.token:
            req.add_header("Authorization", f"Bearer {ep.token}")
        try:
            with urllib.request.urlopen(req, timeout=60, context=UNVERIFIED) as r:  # noqa: S310
                status = r.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        if status != ep.expect:
            raise SystemExit(f"{ep.name}: {path} answered {status}, expected {ep.expect}")


def combine(parts: list[dict]) -> dict:
    """Slices of one load as one measurement: the rate over the summed requests and time,
    each latency percentile the median of the slices' (each slice has hundreds of requests)."""
    out = dict(parts[0])
    seconds = sum(p["requests"] / p["rate"] for p in parts if p["rate"])
    for key in ("requests", "non2xx", "errors", "ok"):
        out[key] = sum(p[key] for p in parts)
    out["rate"] = out["requests"] / seconds if seconds else 0.0
    for key in ("p50", "p95", "p99"):
        out[key] = statistics.median(p[key] for p in parts)
    return out


def measure(ep: Endpoint, server: "Server | Nginx", args, workdir: Path, bench_url: str) -> dict:
    healthz = Endpoint("/healthz", "healthz", ["/healthz"])
    base, conns, secs = server.base, args.load_connections, args.load_duration
    check_answers(base, ep)
    # warm-up (every worker builds its finder index, fills its caches): not counted
    if ep.body is None:
        run_wrk(base, ep, min(conns, 8), max(1, args.load_warmup), workdir)
    log(f"load: {ep.name} — beside /healthz at {conns} connections, then half capacity")
    before = appeal_count(bench_url) if ep.body is not None else 0
    # /healthz and the endpoint alternate in short slices, so that both see the same share of
    # a shared machine's noise; the ratio is taken over the sums
    rounds = max(1, args.load_rounds)
    part = max(1, round(secs / rounds))
    hz_parts, ep_parts = [], []
    for _ in range(rounds):
        hz_parts.append(run_wrk(base, healthz, conns, part, workdir))
        if ep.body is None:
            ep_parts.append(run_wrk(base, ep, conns, part, workdir))
        else:  # intake: hey, so the requests in flight at the end are answered and counted
            ep_parts.append(run_hey(base, ep, part, workdir, connections=conns))
    ceiling, full = combine(hz_parts), combine(ep_parts)
    half_rate = max(full["rate"] / 2, 0.5)
    if ep.body is None:  # GETs: Poisson arrivals at that rate (load_tools.run_open_loop)
        half = run_open_loop(base, ep, secs, rate=half_rate)
    else:  # intake: hey, so every request sent is answered and counted
        half = run_hey(base, ep, secs, workdir, rate=half_rate)
    # the framework's floor at the same offered rate: what latency the server adds to anything
    floor = run_open_loop(base, healthz, secs, rate=half_rate, seed=2)
    result = {"endpoint": ep, "healthz": ceiling, "full": full, "half": half, "floor": floor}
    if ep.body is not None:
        created = appeal_count(bench_url) - before
        answered = full["ok"] + half["ok"]
        result["intake"] = {"created": created, "answered_2xx": answered}
    return result


def goal(result: dict) -> tuple[str, bool]:
    """(text, met) for the goals of the endpoint's kind; 0 errors everywhere."""
    ep, full, half = result["endpoint"], result["full"], result["half"]
    notes, met = [], True
    bad = sum(m["errors"] + m["non2xx"] for m in (full, half, result["healthz"], result["floor"]))
    if bad:
        notes.append(f"{bad} errors")
        met = False
    ratio = full["rate"] / result["healthz"]["rate"]
    if ep.kind in RATIO_GOALS:
        ok = ratio >= RATIO_GOALS[ep.kind]
        notes.append(f"ratio {'≥' if ok else '<'} {RATIO_GOALS[ep.kind]}")
        met &= ok
    if ep.kind in P99_GOALS:
        ok = half["p99"] <= P99_GOALS[ep.kind]
        notes.append(f"p99 {'≤' if ok else '>'} {P99_GOALS[ep.kind]:g} ms")
        met &= ok
    if ep.kind in P95_GOALS:
        ok = half["p95"] < P95_GOALS[ep.kind]
        notes.append(f"p95 {'<' if ok else '≥'} {P95_GOALS[ep.kind]:g} ms")
        met &= ok
    if "intake" in result:
        i = result["intake"]
        ok = i["created"] == i["answered_2xx"]
        notes.append(f"rows {i['created']} {'=' if ok else '≠'} 2xx {i['answered_2xx']}")
        met &= ok
    return ", ".join(notes), met


def ms(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.1f}"


def load_rows(results: list[dict]) -> list[tuple[str, ...]]:
    rows = [
        (
            "endpoint (load)",
            "load",
            "req/s",
            "÷ /healthz",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "non-2xx/err",
            "goal",
        )
    ]
    for r in results:
        ep, hz = r["endpoint"], r["healthz"]
        text, met = goal(r)
        for label, m in (("100 conns", r["full"]), ("half rate", r["half"])):
            load = label if label != "half rate" else f"{m['offered']:,.0f}/s offered"
            rows.append(
                (
                    ep.name if label == "100 conns" else "",
                    f"{load} ({m['tool']})",
                    f"{m['rate']:,.0f}",
                    f"{m['rate'] / hz['rate']:.2f}" if label == "100 conns" else "",
                    ms(m["p50"]),
                    ms(m["p95"]),
                    ms(m["p99"]),
                    f"{m['non2xx']}/{m['errors']}",
                    ("yes" if met else "NO") + f" ({text})" if label == "100 conns" else "",
                )
            )
        fl = r["floor"]
        same = f"same rate ({fl['tool']})"
        for label, m in ((f"{r['connections']} conns (wrk)", hz), (same, fl)):
            rows.append(
                (
                    "  /healthz, same round" if m is hz else "",
                    label,
                    f"{m['rate']:,.0f}",
                    "1.00" if m is hz else "",
                    ms(m["p50"]),
                    ms(m["p95"]),
                    ms(m["p99"]),
                    f"{m['non2xx']}/{m['errors']}",
                    "",
                )
            )
    return rows


def bench_load(orgs, operator_token: str, bench_url: str, args) -> dict:
    tools()
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        raise SystemExit("DEBUG=0 serves collected static files: make staticfiles/staticfiles.json")
    if args.load_reuse:
        data = reused_data()
    else:
        data = load_data(args.load_fraction, args.load_stations, args.load_appeals)
    staff = staff_token("BJ-CY")
    eps = build_endpoints(orgs, operator_token, staff)
    if args.load_endpoints:
        wanted = [w.strip() for w in args.load_endpoints.split(",")]
        eps = [e for e in eps if any(w in e.name for w in wanted)]
    from django.db import connections

    connections.close_all()
    results = []
    with tempfile.TemporaryDirectory(prefix="gonghui-load-") as tmp:
        workdir = Path(tmp)
        cache = f"Redis {args.load_redis_url}" if args.load_redis_url else "per-process memory"
        log(f"load: starting gunicorn ({args.load_workers} workers, cache: {cache})")
        server = Server(bench_url, args.load_workers, workdir, args.load_redis_url, args.load_nginx)
        front = None
        try:
            if args.load_nginx:
                log("load: starting nginx in front of it (deploy/nginx/gonghui.conf, TLS)")
                front = Nginx(server.port, workdir, free_port=free_port)
            for ep in eps:
                r = measure(ep, front or server, args, workdir, bench_url)
                r["connections"] = args.load_connections
                results.append(r)
        finally:
            if front is not None:
                front.stop()
            server.stop()
            tail = server.log_tail(20000)
    tracebacks = tail.count("Traceback")
    ok = bool(results) and not tracebacks and all(goal(r)[1] for r in results)
    return {"data": data, "results": results, "tracebacks": tracebacks, "log": tail, "ok": ok}


def load_notes(load: dict, args) -> list[str]:
    d, s = load["data"], load["data"]["scale"]
    ok = load["ok"]
    made = (
        "kept from an earlier run (--load-reuse)"
        if d.get("reused")
        else f"generate_data beijing×{args.load_fraction:g}, {d['rows']:,} rows in "
        f"{d['seconds']:.0f} s"
    )
    lines = [
        f"load: data {made}: {s.stations:,} stations, {s.appeals:,} appeals, "
        f"{s.workers:,} workers, {s.participations:,} enrollments",
        f"load: {'nginx (deploy/nginx/gonghui.conf, TLS) → ' if args.load_nginx else ''}"
        f"gunicorn gunicorn.conf.py, {args.load_workers} sync workers, DEBUG=0, cache "
        f"{'Redis' if args.load_redis_url else 'per-process memory'}, "
        f"loopback; {args.load_warmup:g} s warm-up, then /healthz and the endpoint "
        f"alternating {args.load_rounds}× for {args.load_duration:g} s each in all "
        f"({args.load_connections} conns, wrk closed loop; intake with hey), then "
        f"{args.load_duration:g} s at half the endpoint's req/s (open loop, Poisson "
        "arrivals; intake: hey -q), and /healthz at the same rate",
        f"load: tracebacks in the server log: {load['tracebacks']}",
        f"load: all goals met: {'yes' if ok else 'no'}",
    ]
    return lines
