"""The load benchmark's harness itself (bench/load.py, issue 14), run for real at a tiny size:
its own scratch database on the PostgreSQL server, generated data, gunicorn with the
repository's gunicorn.conf.py (alone, and behind the repository's nginx site over TLS), wrk
and hey against two endpoints beside /healthz, and the intake's rows counted against the 2xx
answers. PostgreSQL only (like the benchmark); skipped
without Debian's wrk and hey (`make load-tools`; `make test` does not install them)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(settings.BASE_DIR)
URL = os.environ.get("DATABASE_URL", "")

pytestmark = [
    pytest.mark.skipif(
        not URL.startswith(("postgres://", "postgresql://")),
        reason="the benchmark is PostgreSQL only",
    ),
    pytest.mark.skipif(
        not (shutil.which("wrk") and shutil.which("hey")),
        reason="Debian's wrk and hey are not installed: `make load-tools`",
    ),
    pytest.mark.skipif(
        not (REPO / "staticfiles" / "staticfiles.json").exists(),
        reason="no collected static files: `make staticfiles/staticfiles.json` (make test does)",
    ),
]


@pytest.mark.parametrize("front", ["gunicorn", "nginx"])
def test_load_harness_serves_measures_and_counts_intake_rows(front):
    if front == "nginx" and not Path("/usr/sbin/nginx").exists():
        pytest.skip("Debian nginx is not installed: `make nginx` (make test does)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    for name in ("LOCAL_DEMO", "REDIS_URL", "SECRET_KEY", "WEB_CONCURRENCY", "GUNICORN_BIND"):
        env.pop(name, None)
    env.update(BENCH_DB=f"gonghui_load_test_{os.getpid()}", DATABASE_URL=URL)
    args = ["--load-fraction", "0.0002", "--load-stations", "300", "--load-appeals", "200"]
    args += ["--load-duration", "1", "--load-warmup", "1", "--load-connections", "10"]
    args += ["--load-rounds", "1", "--load-workers", "2", "--load-endpoints", "nearest,intake"]
    args += ["--load-nginx"] if front == "nginx" else []
    run = subprocess.run(
        [sys.executable, "bench/run.py", "--only", "load", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    out = run.stdout
    assert "load: all goals met:" in out, run.stderr[-3000:]  # the report was printed
    # 1 = a goal is not met (a 2-second run on a busy machine may miss one): still a full report
    assert run.returncode in (0, 1), run.stderr[-3000:]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert "nearest: GET /api/v1/stations/nearest" in out
    assert "intake: POST /api/v1/hotline/appeals" in out
    assert out.count("/healthz, same round") == 2
    assert "tracebacks in the server log: 0" in out
    # behind nginx the load went through the repository's site, over TLS
    assert ("load: nginx (deploy/nginx/gonghui.conf, TLS) → gunicorn" in out) == (front == "nginx")
    # every measurement answered: no non-2xx, no socket errors; req/s and percentiles parsed
    rows = [line for line in out.splitlines() if re.search(r"\((wrk|hey|open loop)\)", line)]
    assert len(rows) == 8, out  # per endpoint: 100 conns, half rate, /healthz at both
    for line in rows:
        assert re.search(r"\s0/0(\s|$)", line), line
        assert not re.search(r"\([\w ]+\)\s+0\s", line), line  # a rate above zero
    intake = re.search(r"rows (\d+) = 2xx (\d+)", out)
    assert intake and int(intake.group(1)) > 0, out
