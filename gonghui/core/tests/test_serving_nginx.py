"""The production stack on this machine: the repository's nginx site (deploy/nginx/gonghui.conf,
its ports, paths and certificate replaced by temporary ones) in front of gunicorn with the
repository's gunicorn.conf.py, DEBUG off, on a copy of the SQLite test database (issue 14).

Needs Debian's nginx (``make nginx``, which ``make test`` runs) and collected static files
(``staticfiles/staticfiles.json``, also a prerequisite of ``make test``). The copy of the
database is taken from pytest's in-memory SQLite test database, so on the PostgreSQL run the
module is skipped: the stack is the same on both databases.
"""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from gonghui.core.nginx_site import NGINX, REPO, main_config, self_signed, site_config

MANIFEST = REPO / "staticfiles" / "staticfiles.json"
CLIENT_IP = "127.0.0.2"  # the client's source address; nginx reaches gunicorn from 127.0.0.1

pytestmark = [
    pytest.mark.django_db,  # so that the test database exists to be copied
    pytest.mark.skipif(
        not NGINX.exists(), reason="Debian nginx is not installed: `make nginx` (make test does)"
    ),
    pytest.mark.skipif(
        not MANIFEST.exists(),
        reason="no collected static files: `make staticfiles/staticfiles.json` (make test does)",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(check, proc, what: str, log: Path, seconds: float = 25.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{what} did not answer in {seconds} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def stack(tmp_path_factory, django_db_setup, django_db_blocker):
    if connection.vendor != "sqlite":
        pytest.skip("runs on the SQLite pass of make test (copies its test database)")
    from cryptography.fernet import Fernet

    tmp = tmp_path_factory.mktemp("serving")
    database = tmp / "db.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        target = sqlite3.connect(database)
        connection.connection.backup(target)  # the migrated test database, reference rows too
        target.close()

    app_port, http_port, https_port = _free_port(), _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.pop("LOCAL_DEMO", None)
    env.update(
        DJANGO_SETTINGS_MODULE="gonghui.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        FIELD_HASH_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="localhost",
        SECURE_COOKIES="1",
        TRUSTED_PROXY_COUNT="1",
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(tmp / "media"),
        GUNICORN_BIND=f"127.0.0.1:{app_port}",
        WEB_CONCURRENCY="2",
    )
    app_log = tmp / "gunicorn.log"
    with app_log.open("wb") as out:
        app = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py")],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    cert, key = self_signed(tmp)
    (tmp / "gonghui.conf").write_text(
        site_config(
            tmp, http_port=http_port, https_port=https_port, app_port=app_port, cert=cert, key=key
        )
    )
    (tmp / "nginx.conf").write_text(main_config(tmp))
    nginx_log = tmp / "nginx-error.log"
    nginx_cmd = [str(NGINX), "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(nginx_log)]
    test = subprocess.run([*nginx_cmd, "-t"], capture_output=True, text=True, check=False)
    assert test.returncode == 0, test.stderr
    web = subprocess.Popen(
        [*nginx_cmd, "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    s = {"https": https_port, "http": http_port, "app": app_port, "tmp": tmp, "db": database}
    try:
        _wait_for(lambda: _get(s, "/healthz", via="app")[0] == 200, app, "gunicorn", app_log)
        _wait_for(lambda: _get(s, "/healthz")[0] == 200, web, "nginx", nginx_log)
        yield s
    finally:
        for proc in (web, app):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (web, app):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _connection(s, via: str = "https"):
    if via == "https":
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection(
            "127.0.0.1", s["https"], context=ctx, timeout=10, source_address=(CLIENT_IP, 0)
        )
    return http.client.HTTPConnection("127.0.0.1", s[via], timeout=10)


def _get(s, path: str, *, via: str = "https", headers=None):
    conn = _connection(s, via)
    try:
        conn.request("GET", path, headers={"Host": "localhost", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def test_healthz_through_nginx_over_https_and_http_redirects(stack):
    status, headers, body = _get(stack, "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok"}
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "gunicorn" not in (headers.get("Server") or "").lower()  # nginx answers the client

    status, headers, _body = _get(stack, "/healthz?x=1", via="http")
    assert status == 301
    assert headers["Location"] == "https://localhost/healthz?x=1"


def test_hashed_static_file_cached_for_a_year_and_pages_use_hashed_names(stack):
    paths = json.loads(MANIFEST.read_text())["paths"]
    plain, hashed = next((k, v) for k, v in sorted(paths.items()) if k.endswith(".css"))
    assert hashed != plain  # collectstatic ran with the hashed (manifest) storage

    status, headers, body = _get(stack, f"/static/{hashed}")
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert headers["Content-Type"].startswith("text/css")
    assert body == (REPO / "staticfiles" / hashed).read_bytes()

    if (REPO / "staticfiles" / f"{hashed}.gz").exists():
        status, headers, _body = _get(
            stack, f"/static/{hashed}", headers={"Accept-Encoding": "gzip"}
        )
        assert (status, headers["Content-Encoding"]) == (200, "gzip")

    status, headers, _body = _get(stack, f"/static/{plain}")  # an unhashed name: an hour
    assert status == 200
    assert headers["Cache-Control"] == "max-age=3600"

    # DEBUG off: the pages name the hashed copies (CompressedManifestStaticFilesStorage)
    status, _headers, body = _get(stack, "/console/login/")
    assert status == 200
    names = set(re.findall(r'(?:href|src)="/static/([^"]+)"', body.decode()))
    assert names
    assert names <= set(paths.values()), names - set(paths.values())


def test_unknown_api_path_is_a_json_404(stack):
    status, headers, body = _get(stack, "/api/v1/no-such-thing/42")
    assert status == 404
    assert headers["Content-Type"].startswith("application/json")
    assert "detail" in json.loads(body)


def _post_declared_length(s, path: str, length: int, *, answer: bool = False):
    """POST with a Content-Length header and no body: nginx refuses an oversized request from
    the header alone, before reading anything."""
    conn = _connection(s)
    try:
        conn.putrequest("POST", path, skip_host=True)
        conn.putheader("Host", "localhost")
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        response = conn.getresponse()
        if answer:
            return response.status, response.headers, response.read()
        return response.status
    finally:
        conn.close()


def test_body_over_the_limit_is_413(stack):
    status, headers, body = _post_declared_length(
        stack, "/api/v1/hotline/appeals", 13_000_000, answer=True
    )
    assert status == 413
    assert headers["Content-Type"] == "application/json"  # the API's error format
    expected = {"detail": "请求体过大", "errors": {"__all__": ["请求体超过允许的大小"]}}
    assert json.loads(body) == expected
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert _post_declared_length(stack, "/console/login/", 13_000_000) == 413
    # the hardship application takes ten documents at once: up to 105 MiB
    assert _post_declared_length(stack, "/assistance/apply/", 111_000_000) == 413

    conn = _connection(stack)  # 13 MB really sent there passes nginx (Django's CSRF check: 403)
    try:
        conn.request(
            "POST",
            "/assistance/apply/",
            body=b"\0" * 13_000_000,
            headers={"Host": "localhost", "Content-Type": "application/octet-stream"},
        )
        assert conn.getresponse().status == 403
    finally:
        conn.close()


def test_scheme_and_client_ip_come_from_nginx_not_from_the_client(stack):
    """Over TLS Django sees https (gunicorn trusts nginx's X-Forwarded-Proto): the CSRF origin
    check passes for an https Origin even though the client sends X-Forwarded-Proto: http. The
    audit row of the failed login has the client's address (nginx's $remote_addr, appended to
    X-Forwarded-For), not gunicorn's peer and not the address the client forged."""
    status, headers, body = _get(stack, "/console/login/")
    assert status == 200
    cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    assert "Secure" in headers["Set-Cookie"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode()).group(1)
    username = f"nobody-{secrets.token_hex(4)}"
    form = f"csrfmiddlewaretoken={token}&username={username}&password=Wrong-pass-123&otp="
    conn = _connection(stack)
    try:
        conn.request(
            "POST",
            "/console/login/",
            body=form,
            headers={
                "Host": "localhost",
                # nginx passes Host without the port, as a browser on port 443 sends it
                "Origin": "https://localhost",
                "Referer": "https://localhost/console/login/",
                "Cookie": f"csrftoken={cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Forwarded-Proto": "http",
                "X-Forwarded-For": "203.0.113.7",
            },
        )
        response = conn.getresponse()
        page = response.read().decode()
    finally:
        conn.close()
    assert response.status != 403, page[:500]  # 403 = the CSRF check saw http
    assert 'name="username"' in page  # the login form again, with its error

    with sqlite3.connect(stack["db"]) as db:
        rows = db.execute(
            "SELECT ip_address FROM core_auditlog WHERE action = 'login_failed' "
            "AND actor_label = ?",
            (username,),
        ).fetchall()
    assert rows == [(CLIENT_IP,)]


def test_access_logs_leave_out_the_query_string(stack):
    marker = secrets.token_hex(8)
    status, _headers, _body = _get(stack, f"/healthz?q={marker}&n={marker}")
    assert status == 200
    nginx_log = (stack["tmp"] / "gonghui.access.log").read_text()
    app_log = (stack["tmp"] / "gunicorn.log").read_text()
    for log in (nginx_log, app_log):
        assert "GET /healthz HTTP/" in log
        assert marker not in log
    assert f"{CLIENT_IP} - [" in nginx_log
