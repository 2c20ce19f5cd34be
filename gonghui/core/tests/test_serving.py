"""Serving like production (issue 14): gunicorn.conf.py loads the app and has the settings we
rely on, `make serve` runs it, the systemd units start what exists, and PostgreSQL connections
are kept and health-checked. The nginx stack itself is in test_serving_nginx.py."""

import configparser
import os
import re
import runpy
import shlex
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

REPO = Path(settings.BASE_DIR)
UNITS = sorted((REPO / "deploy" / "systemd").glob("*.service"))


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    for name in ("DATABASE_URL", "WEB_CONCURRENCY", "GUNICORN_BIND", "LOCAL_DEMO"):
        env.pop(name, None)
    env.update(DJANGO_SETTINGS_MODULE="gonghui.settings", DEBUG="0", **extra)
    return env


def test_gunicorn_check_config_loads_the_app():
    command = [sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py")]
    ok = subprocess.run(
        [*command, "--check-config"], cwd=REPO, env=_env(), capture_output=True, timeout=60
    )
    assert ok.returncode == 0, ok.stderr.decode()[-2000:]
    # --check-config imports the application: a wrong one fails it
    broken = subprocess.run(
        [*command, "--check-config", "gonghui.no_such_wsgi:application"],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        timeout=60,
    )
    assert broken.returncode != 0


def _gunicorn_settings(monkeypatch, **environ) -> dict:
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(REPO / "gunicorn.conf.py"))  # as gunicorn reads it


def test_gunicorn_defaults_loopback_workers_from_cores_and_environment(monkeypatch):
    conf = _gunicorn_settings(monkeypatch)
    assert conf["wsgi_app"] == "gonghui.wsgi:application"
    assert conf["bind"] == ["127.0.0.1:8000"]
    cores = len(os.sched_getaffinity(0))
    assert conf["workers"] == min(2 * cores + 1, 8)
    assert conf["timeout"] < 60  # below nginx's proxy_read_timeout
    assert conf["secure_scheme_headers"] == {"X-FORWARDED-PROTO": "https"}
    assert conf["control_socket_disable"] is True

    conf = _gunicorn_settings(
        monkeypatch, WEB_CONCURRENCY="3", GUNICORN_BIND="127.0.0.1:9001,unix:/run/g.sock"
    )
    assert conf["workers"] == 3
    assert conf["bind"] == ["127.0.0.1:9001", "unix:/run/g.sock"]


def test_gunicorn_access_log_has_no_query_string_or_referer(monkeypatch):
    """A query string or a Referer may carry personal data; the path is enough."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    fmt = _gunicorn_settings(monkeypatch)["access_log_format"]
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%({referer}i)s"):
        assert atom not in fmt
    cfg = Config()
    cfg.set("access_log_format", fmt)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/console/workers/?q=secret-value",
        "PATH_INFO": "/console/workers/",
        "QUERY_STRING": "q=secret-value",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "https://x.example/?q=secret-value",
        "HTTP_USER_AGENT": "test",
    }

    class Response:
        status, sent, headers = "200 OK", 12, []

    class Request:
        headers = [
            ("X-FORWARDED-FOR", "198.51.100.4"),
            ("REFERER", "https://x.example/?q=secret-value"),
            ("USER-AGENT", "test"),
        ]

    atoms = Logger(cfg).atoms(Response(), Request(), environ, timedelta(milliseconds=5))
    line = fmt % atoms
    assert "secret-value" not in line
    assert '"GET /console/workers/ HTTP/1.1" 200' in line
    assert line.startswith("198.51.100.4 127.0.0.1 ")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, (60, True)),
        ({"DB_CONN_MAX_AGE": "300", "DB_CONN_HEALTH_CHECKS": "0"}, (300, False)),
    ],
)
def test_postgresql_connections_kept_and_health_checked(environ, expected):
    """Read from a fresh process: settings are evaluated once, at import (no connection made)."""
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    env = _env(DATABASE_URL="postgres://u:p@db.invalid:5432/gonghui", **environ)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["django.db.backends.postgresql", str(expected[0]), str(expected[1])]


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string(path.read_text())
    return parser


def test_systemd_units_start_what_the_repository_has():
    """Every ExecStart under /srv/gonghui names files of this repository, and the manage.py
    commands exist."""
    assert {p.name for p in UNITS} == {
        "gonghui.service",
        "gonghui-worker.service",
        "gonghui-rq-worker.service",  # instead of gonghui-worker with TASKS_BACKEND=rq
        "gonghui-periodic.service",
        "gonghui-daily.service",
    }
    commands = get_commands()
    for path in UNITS:
        service = _unit(path)["Service"]
        assert service["WorkingDirectory"] == "/srv/gonghui"
        assert service["User"] == "gonghui"
        assert service["EnvironmentFile"] == "/etc/gonghui/gonghui.env"
        starts = re.findall(r"^ExecStart=(.+)$", path.read_text(), re.MULTILINE)
        assert starts, path.name
        for line in starts:
            argv = shlex.split(line)
            files = [a for a in argv if a.startswith("/srv/gonghui/")]
            assert files and files[0] == argv[0]
            for arg in files:
                assert (REPO / arg.removeprefix("/srv/gonghui/")).exists(), (path.name, arg)
            if len(argv) > 2 and argv[1].endswith("/manage.py"):
                assert argv[2] in commands, (path.name, argv[2])
    web = _unit(REPO / "deploy/systemd/gonghui.service")["Service"]
    assert web["Type"] == "notify"  # gunicorn's arbiter reports READY=1
    assert "-c /srv/gonghui/gunicorn.conf.py" in web["ExecStart"]
    timer = _unit(REPO / "deploy/systemd/gonghui-daily.timer")
    assert timer["Timer"]["OnCalendar"] and timer["Install"]["WantedBy"] == "timers.target"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_analyze_verify(tmp_path):
    """systemd's own check on copies pointed at this checkout (it needs ExecStart to exist)."""
    for path in [*UNITS, *(REPO / "deploy" / "systemd").glob("*.timer")]:
        (tmp_path / path.name).write_text(path.read_text().replace("/srv/gonghui", str(REPO)))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # unknown keys are only warned about


def _make_serve(**environ) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.update(environ)
    result = subprocess.run(
        ["make", "-n", "serve"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(not shutil.which("make"), reason="make not installed")
def test_make_serve_runs_gunicorn_after_migrate_with_worker_and_ticker():
    demo = _make_serve()
    lines = [line for line in demo.splitlines() if "manage.py migrate" in line]
    assert lines and "DEBUG=0 LOCAL_DEMO=1" in lines[0]  # no keys in the environment: the demo
    after = demo[demo.index("manage.py migrate") :]
    for part in ("manage.py db_worker", "manage.py run_periodic", "gunicorn -c gunicorn.conf.py"):
        assert part in after
    assert "GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:8000}" in demo

    deployed = _make_serve(SECRET_KEY="x" * 50, DATABASE_URL="postgres://u:p@db.invalid/g")
    assert "LOCAL_DEMO" not in deployed
    assert "DEBUG=0" in deployed
    assert "database postgres;" in deployed
