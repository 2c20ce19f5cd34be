"""(3) Finder: ``selectors.nearest`` (in-process and through the API) on synthetic station
sets, on SQLite and on PostgreSQL, against a PostGIS KNN query (or a NumPy brute-force scan
where PostGIS is not installable) over the same rows. See bench/README.md.

Django's settings are process-wide, so every backend is measured in its own subprocess
(``finder.py --worker SPEC.json``) that writes its results as JSON; ``bench_finder`` runs the
subprocesses one after the other and merges what they found.
"""

import datetime
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, log
from finder_data import K, points, station_rows

SQLITE_PATH = Path(tempfile.gettempdir()) / "gonghui_bench.sqlite3"
SAMPLE = 60  # points whose top-10 are compared with the reference (and HTTP with in-process)
WARMUP = 30
# "Now" for open-now: a Wednesday evening (no holiday), when daytime stations are closed.
NOW = (2026, 1, 14, 21, 30)
# The amenity filter: two amenities that ~15 % of the stations have together.
FILTER = ("toilet", "ebike_charging")

# --- worker: one backend, one process ------------------------------------------------------------


def _ms(seconds: list[float]) -> dict:
    s = sorted(seconds)
    pick = lambda q: s[min(len(s) - 1, math.ceil(q * len(s)) - 1)]  # noqa: E731 - nearest rank
    return {
        "p50": pick(0.50) * 1e3,
        "p99": pick(0.99) * 1e3,
        "mean": sum(s) / len(s) * 1e3,
        "max": s[-1] * 1e3,
    }


def _time(call, args: list, warmup: list) -> dict:
    for a in warmup:
        call(*a)
    times = []
    for a in args:
        t0 = time.perf_counter()
        call(*a)
        times.append(time.perf_counter() - t0)
    return _ms(times)


def _time_pair(first, second, args: list, warmup: list) -> tuple[dict, dict]:
    """Both calls per point, alternating which runs first; timings kept apart."""
    for a in warmup:
        first(*a)
        second(*a)
    times: tuple[list, list] = ([], [])
    calls = (first, second)
    for i, a in enumerate(args):
        for j in (0, 1) if i % 2 == 0 else (1, 0):
            t0 = time.perf_counter()
            calls[j](*a)
            times[j].append(time.perf_counter() - t0)
    return _ms(times[0]), _ms(times[1])


def load_stations(rows: list[dict]) -> float:
    from django.db import connection

    from gonghui.stations.models import Station

    columns = [f.column for f in Station._meta.concrete_fields]
    if set(columns) != set(rows[0]):
        raise SystemExit(f"station_rows out of date with the model: {set(columns) ^ set(rows[0])}")
    ops = connection.ops
    adapt = {
        "opened_on": ops.adapt_datefield_value,
        "closed_on": ops.adapt_datefield_value,
        "created_at": ops.adapt_datetimefield_value,
        "updated_at": ops.adapt_datetimefield_value,
    }
    values = [[adapt[c](r[c]) if c in adapt else r[c] for c in columns] for r in rows]
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("TRUNCATE stations_station RESTART IDENTITY CASCADE")
            copy_sql = f"COPY stations_station ({', '.join(columns)}) FROM STDIN"
            with cur.cursor.copy(copy_sql) as copy:
                for v in values:
                    copy.write_row(v)
            cur.execute("SELECT setval(pg_get_serial_sequence('stations_station', 'id'), %s)",
                        [len(rows)])  # fmt: skip
            cur.execute("VACUUM ANALYZE stations_station")
        else:
            cur.execute("DELETE FROM stations_station")
            names, marks = ", ".join(columns), ", ".join(["%s"] * len(columns))
            insert = f"INSERT INTO stations_station ({names}) VALUES ({marks})"  # noqa: S608
            cur.executemany(insert, values)
            cur.execute("ANALYZE")
    return time.perf_counter() - t0


def _queries(mask_codes):
    """The three measured queries: (label, nearest() kwargs, API params)."""
    return [
        ("nearest-10", {}, {}),
        (f"nearest-10 + 2 amenities ({' & '.join(mask_codes)})", {"amenities": mask_codes},
         {"amenity": list(mask_codes)}),
        ("nearest-10 open now", {"open_now": True}, {"open_now": "true"}),
    ]  # fmt: skip


class PostgisRef:
    """``ORDER BY geom <-> point LIMIT k`` on a GiST index over a copy of the stations with a
    geography column (sphere distance, like the haversine), one statement returning the whole
    station rows. Open-now filters the candidates in Python (hours do not fit SQL) and asks
    for more while fewer than k are open."""

    name = "PostGIS KNN"

    def __init__(self, url: str):
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)
        self.version = self.conn.execute("SELECT postgis_lib_version()").fetchone()[0]
        self.name = f"PostGIS {self.version} KNN (GiST)"
        c = self.conn
        c.execute("DROP TABLE IF EXISTS bench_ref_station")
        c.execute(
            "CREATE TABLE bench_ref_station AS SELECT s.*,"
            " ST_SetSRID(ST_MakePoint(s.lng, s.lat), 4326)::geography AS geom"
            " FROM stations_station s"
        )
        c.execute("ALTER TABLE bench_ref_station ADD PRIMARY KEY (id)")
        c.execute("CREATE INDEX bench_ref_station_geom ON bench_ref_station USING gist (geom)")
        c.execute("VACUUM ANALYZE bench_ref_station")
        cols = [
            r[0]
            for r in c.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name ="
                " 'stations_station' ORDER BY ordinal_position"
            )
        ]
        self.hours_at = cols.index("hours")
        point = "ST_SetSRID(ST_MakePoint(%(lng)s, %(lat)s), 4326)::geography"
        select = f"SELECT {', '.join(cols)}, geom <-> {point} AS d FROM bench_ref_station"  # noqa: S608
        order = f" ORDER BY geom <-> {point} LIMIT %(limit)s"
        self.sql = {
            False: f"{select} WHERE status = 'open'{order}",
            True: f"{select} WHERE status = 'open' AND amenity_bits & %(mask)s = %(mask)s{order}",
        }

    def plan(self) -> str:
        rows = self.conn.execute(
            "EXPLAIN " + self.sql[False], {"lat": 39.9, "lng": 116.4, "limit": K}
        ).fetchall()
        return " / ".join(r[0].strip() for r in rows)

    def nearest(self, lat, lng, mask=0, open_now=False, now=None):
        from gonghui.stations.hours import is_open

        params = {"lat": lat, "lng": lng, "mask": mask, "limit": K * 4 if open_now else K}
        while True:
            rows = self.conn.execute(self.sql[bool(mask)], params).fetchall()
            if not open_now:
                return [(r[0], r[-1]) for r in rows]
            found = [(r[0], r[-1]) for r in rows if is_open(r[self.hours_at], now)]
            if len(found) >= K or len(rows) < params["limit"]:
                return found[:K]
            params["limit"] *= 4

    def close(self):
        self.conn.execute("DROP TABLE IF EXISTS bench_ref_station")
        self.conn.close()


class NumpyRef:
    """Brute force: vectorised haversine over every open station held in NumPy arrays, the
    k smallest by ``argpartition`` (then ordered by distance, id). Open-now checks candidates
    nearest first in Python, widening the candidate set while fewer than k are open."""

    def __init__(self):
        import numpy as np

        from gonghui.stations.models import Station

        self.np = np
        self.name = f"NumPy {np.__version__} brute force"
        rows = list(
            Station.objects.filter(status="open")
            .order_by("id")
            .values_list("id", "lat", "lng", "amenity_bits", "hours")
        )
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.phi = np.radians(np.array([r[1] for r in rows]))
        self.lam = np.radians(np.array([r[2] for r in rows]))
        self.cos = np.cos(self.phi)
        self.bits = np.array([r[3] for r in rows], dtype=np.int64)
        self.hours = [r[4] for r in rows]

    def plan(self) -> str:
        return f"{len(self.ids):,} open stations in arrays"

    def nearest(self, lat, lng, mask=0, open_now=False, now=None):
        from gonghui.stations.geo import EARTH_RADIUS_M
        from gonghui.stations.hours import is_open

        np = self.np
        sel = np.flatnonzero((self.bits & mask) == mask) if mask else None
        phi, lam, cos = (
            (self.phi, self.lam, self.cos) if sel is None
            else (self.phi[sel], self.lam[sel], self.cos[sel])
        )  # fmt: skip
        p1, l1 = math.radians(lat), math.radians(lng)
        a = np.sin((phi - p1) / 2) ** 2 + math.cos(p1) * cos * np.sin((lam - l1) / 2) ** 2
        ids = self.ids if sel is None else self.ids[sel]
        want = K * 4 if open_now else K
        while True:
            m = min(want, len(a))
            cand = np.argpartition(a, m - 1)[:m] if m < len(a) else np.arange(len(a))
            order = cand[np.lexsort((ids[cand], a[cand]))]
            if open_now:
                pos = order if sel is None else sel[order]
                keep = [o for o, p in zip(order, pos, strict=True) if is_open(self.hours[p], now)]
                if len(keep) < K and m < len(a):
                    want *= 4
                    continue
                order = np.array(keep[:K], dtype=np.int64)
            order = order[:K]
            d = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(1.0, a[order])))
            return list(zip(ids[order].tolist(), d.tolist(), strict=True))

    def close(self):
        pass


def make_reference(kind: str, url: str):
    """``kind`` auto|postgis|numpy → (reference, note on why)."""
    import psycopg

    if kind in ("auto", "postgis"):
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            return PostgisRef(url), "CREATE EXTENSION postgis worked"
        except psycopg.Error as exc:
            if kind == "postgis":
                raise SystemExit(f"finder: PostGIS reference asked for, but: {exc}") from None
            why = f"PostGIS not installable here ({str(exc).strip().splitlines()[0]})"
    else:
        why = "--finder-reference numpy"
    try:
        return NumpyRef(), why
    except ImportError:
        raise SystemExit(
            f"finder: {why}, and NumPy is missing for the brute-force reference "
            "(pip install -r requirements-dev.txt)"
        ) from None


def measure_set(n: int, layout: str, n_points: int, backend: str, reference: str, url: str):
    from unittest import mock

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gonghui.orgs.models import DISTRICT_TYPES, Org
    from gonghui.stations import finder as finder_index
    from gonghui.stations import selectors
    from gonghui.stations.models import Amenity, StationType
    from gonghui.stations.selectors import nearest

    now = datetime.datetime(*NOW, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    bits = dict(Amenity.objects.values_list("code", "bit"))
    type_ids = dict(StationType.objects.values_list("code", "id"))
    districts = list(
        Org.objects.filter(type__in=DISTRICT_TYPES).order_by("code").values_list("id", flat=True)
    )
    rows = station_rows(n, layout, seed=n, bits=bits, ids=type_ids, districts=districts)
    log(f"finder [{backend}]: loading {n:,} stations ({layout})")
    load_s = load_stations(rows)
    t0 = time.perf_counter()
    finder_index.current_index()  # the first search after a change pays this (docs/stations.md)
    index_s = time.perf_counter() - t0
    n_open = sum(r["status"] == "open" for r in rows)
    mask = selectors.amenity_mask(FILTER)
    n_match = sum(r["status"] == "open" and r["amenity_bits"] & mask == mask for r in rows)
    del rows
    pts = points(layout, n_points + WARMUP, seed=n + 1)
    warm, pts = pts[:WARMUP], pts[WARMUP:]
    sample = pts[:SAMPLE]
    client = Client()
    out = {
        "stations": n, "layout": layout, "open": n_open, "filter_match": n_match,
        "points": len(pts), "load_s": load_s, "index_s": index_s, "queries": {},
    }  # fmt: skip

    def api(lat, lng, params):
        r = client.get("/api/v1/stations/nearest", {"lat": lat, "lng": lng, "k": K, **params})
        if r.status_code != 200:
            raise SystemExit(f"finder: API answered {r.status_code}: {r.content[:300]!r}")
        return r

    # The API takes no "now": pin the clock so HTTP answers open-now for the same moment.
    # PostgreSQL: the reference is built first and timed interleaved with ours, point by point
    # (alternating which goes first), so both see the same server state — right after the
    # bulk load, autovacuum and checkpoints otherwise weigh on whichever runs first.
    ref = None
    if backend == "postgresql":
        ref, why = make_reference(reference, url)
        out["reference"] = {"name": ref.name, "why": why, "plan": ref.plan()}
        with connection.cursor() as cur:
            cur.execute("CHECKPOINT")
    clock = mock.patch("django.utils.timezone.now", lambda: now.astimezone(datetime.UTC))
    clock.start()
    try:
        for label, kwargs, params in _queries(FILTER):
            log(f"finder [{backend}] {n:,}: {label}")
            q = {}

            def ours(lat, lng, kwargs=kwargs):
                return nearest(lat, lng, k=K, now=now, **kwargs)

            ref_mask = mask if kwargs.get("amenities") else 0
            ref_open = kwargs.get("open_now", False)

            def call(lat, lng, ref_mask=ref_mask, open_now=ref_open):
                return ref.nearest(lat, lng, ref_mask, open_now, now)

            if ref is None:
                q["in-process"] = _time(ours, pts, warm)
            else:
                q["in-process"], q["reference"] = _time_pair(ours, call, pts, warm)
                q["sample_ref"] = [call(*p) for p in sample]
            q["http"] = _time(lambda lat, lng, params=params: api(lat, lng, params), pts, warm)
            with CaptureQueriesContext(connection) as ctx:
                sample_ours = [[(f.station.pk, f.distance_m) for f in ours(*p)] for p in sample]
            q["sql_per_call"] = len(ctx.captured_queries) / len(sample)
            q["sample"] = sample_ours
            q["sample_http"] = [
                [item["id"] for item in api(*p, params).json()["items"]] for p in sample
            ]
            out["queries"][label] = q
    finally:
        clock.stop()
        if ref is not None:
            ref.close()
    return out


def worker(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    from common import setup_django

    setup_django(spec["url"])
    from django.core.management import call_command
    from django.db import connection

    from gonghui.orgs.demo import load_orgs

    call_command("migrate", verbosity=0, interactive=False)
    load_orgs()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
        else:
            cur.execute("SELECT 'SQLite ' || sqlite_version()")
        version = cur.fetchone()[0]
    version = version if version.startswith("SQLite") else f"PostgreSQL {version.split()[0]}"
    result = {"backend": spec["backend"], "version": version, "sets": []}
    for n, layout in spec["sets"]:
        result["sets"].append(
            measure_set(n, layout, spec["points"], spec["backend"], spec["reference"], spec["url"])
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("TRUNCATE stations_station RESTART IDENTITY CASCADE")
    Path(spec["out"]).write_text(json.dumps(result))


# --- parent: run the workers, compare, report -----------------------------------------------------


def _run_worker(spec: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix="gonghui_finder_") as tmp:
        spec = spec | {"out": str(Path(tmp) / "result.json")}
        spec_path = Path(tmp) / "spec.json"
        spec_path.write_text(json.dumps(spec))
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--worker", str(spec_path)],
            check=True,
            cwd=ROOT,
            env=env,
        )
        return json.loads(Path(spec["out"]).read_text())


def _remove_sqlite():
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)


def _same(ours: list, ref: list) -> str:
    """'same' | 'tie' (ids differ only where distances tie) | 'DIFFERENT'."""
    if [i for i, _d in ours] == [i for i, _d in ref]:
        return "same"
    if len(ours) == len(ref) and all(
        abs(a - b) <= max(0.2, 1e-5 * b) for (_i, a), (_j, b) in zip(ours, ref, strict=True)
    ):
        return "tie"
    return "DIFFERENT"


def bench_finder(bench_url: str, sets, n_points: int = 500, reference: str = "auto") -> dict:
    """Measure every set on SQLite, then on PostgreSQL (with the reference); compare."""
    spec = {"sets": sets, "points": n_points, "reference": reference}
    _remove_sqlite()
    try:
        sqlite = _run_worker(spec | {"backend": "sqlite", "url": f"sqlite:///{SQLITE_PATH}"})
    finally:
        _remove_sqlite()
    pg = _run_worker(spec | {"backend": "postgresql", "url": bench_url})
    backends = {"SQLite": sqlite, "PostgreSQL": pg}
    checks = {"compared": 0, "same": 0, "tie": 0, "different": [], "http_different": 0}
    for i, pg_set in enumerate(pg["sets"]):
        for label, q in pg_set["queries"].items():
            for name, res in backends.items():
                mine = res["sets"][i]["queries"][label]
                for p, (o, r, h) in enumerate(
                    zip(mine["sample"], q["sample_ref"], mine["sample_http"], strict=True)
                ):
                    verdict = _same(o, r)
                    checks["compared"] += 1
                    if verdict == "DIFFERENT":
                        checks["different"].append(f"{name} {pg_set['stations']} {label} #{p}")
                    else:
                        checks[verdict] += 1
                    checks["http_different"] += [i for i, _d in o] != h
    return {
        "backends": {name: res["version"] for name, res in backends.items()},
        "sets": [
            {
                **{k: v for k, v in pg_set.items() if k != "queries"},
                "index_s": {name: res["sets"][i]["index_s"] for name, res in backends.items()},
                "queries": {
                    label: {
                        "reference": q["reference"],
                        **{
                            (name, mode): backends[name]["sets"][i]["queries"][label][mode]
                            for name in backends
                            for mode in ("in-process", "http")
                        },
                        "sql_per_call": {
                            name: backends[name]["sets"][i]["queries"][label]["sql_per_call"]
                            for name in backends
                        },
                    }
                    for label, q in pg_set["queries"].items()
                },
            }
            for i, pg_set in enumerate(pg["sets"])
        ],
        "checks": checks,
        "ok": not checks["different"] and not checks["http_different"],
    }


def _pp(t: dict) -> str:
    return f"p50 {t['p50']:.2f} / p99 {t['p99']:.2f} ms"


def finder_rows(finder: dict) -> list[tuple[str, str, str, str]]:
    rows = []
    for s in finder["sets"]:
        rows.append((
            f"finder: {s['layout']}, {s['stations']:,} stations ({s['open']:,} open),"
            f" {s['points']} points", "", s["reference"]["name"], "",
        ))  # fmt: skip
        for label, q in s["queries"].items():
            ref = q["reference"]
            rows.append((f"  {label}", "", f"{_pp(ref)}", "p50 / p99 (ours/ref time)"))
            for mode, mode_name in (("in-process", "in-process"), ("http", "HTTP (test client)")):
                for backend in finder["backends"]:
                    t = q[(backend, mode)]
                    rows.append((
                        f"    {mode_name}, {backend}",
                        _pp(t),
                        "",
                        f"{t['p50'] / ref['p50']:.1f}× / {t['p99'] / ref['p99']:.1f}×",
                    ))  # fmt: skip
    return rows


def finder_notes(finder: dict) -> list[str]:
    out = []
    ref = finder["sets"][0]["reference"]
    out.append(f"finder reference: {ref['name']} — {ref['why']}")
    out.append(f"  plan: {ref['plan']}")
    out.append(
        "finder backends: "
        + ", ".join(f"{k} ({v})" for k, v in finder["backends"].items())
        + f"; open-now evaluated at {datetime.datetime(*NOW):%Y-%m-%d %H:%M} (Asia/Shanghai)"
    )
    for s in finder["sets"]:
        sql = "; ".join(
            f"{label}: " + ", ".join(f"{b} {n:.1f}" for b, n in q["sql_per_call"].items())
            for label, q in s["queries"].items()
        )
        out.append(
            f"finder {s['stations']:,}: loaded in {s['load_s']:.1f} s (PostgreSQL); in-memory index"
            " built in " + ", ".join(f"{b} {t * 1e3:.0f} ms" for b, t in s["index_s"].items()) + ";"
            f" {s['filter_match']:,} open stations have {' & '.join(FILTER)};"
            f" SQL statements per nearest() — {sql}"
        )
    for s in (s for s in finder["sets"] if s["stations"] >= 160_000):
        out.append(
            f"goal at {s['stations']:,} stations: p99 in-process under 10 ms / at or below the"
            " reference's p99"
        )
        for label, q in s["queries"].items():
            ref = q["reference"]["p99"]
            cells = []
            for backend in finder["backends"]:
                t = q[(backend, "in-process")]["p99"]
                cells.append(
                    f"{backend} {t:.2f} ms: {'yes' if t < 10 else 'NO'} /"
                    f" {'yes' if t <= ref else 'NO'} ({t / ref:.1f}× ref {ref:.2f} ms)"
                )
            out.append(f"  {label}: " + "; ".join(cells))
    c = finder["checks"]
    out.append(
        f"finder: same top-{K} as the reference on {c['compared']} samples (points × queries ×"
        f" backends): {'yes' if not c['different'] else 'NO'} ({c['same']} identical,"
        f" {c['tie']} equal up to distance ties"
        + (f", DIFFERENT: {', '.join(c['different'][:10])}" if c["different"] else "")
        + f"); HTTP same ids as in-process: {'yes' if not c['http_different'] else 'NO'}"
    )
    return out


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        sys.exit("usage: run bench/run.py --only finder (this file is its worker)")
