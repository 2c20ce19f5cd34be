"""Crash durability of appeal intake (issue 12, "Durability and recovery").

The real server (``manage.py runserver`` in a subprocess, on the PostgreSQL test database) takes
concurrent API intake from client threads; it is killed with SIGKILL mid-load and started again.
Clients retry every unacknowledged request with the same ``Idempotency-Key`` until a 2xx. Then
every acknowledged appeal is stored exactly once, under the number the client was told, and the
per-day numbering has no gaps (the number is drawn under a row lock in the intake transaction,
so a request cut off by the kill rolls its number back with it).
"""

import collections
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from gonghui.core.testing import postgres_only
from gonghui.hotline.models import Appeal, Category, DailySequence, IdempotencyKey
from gonghui.hotline.taxonomy import load_categories
from gonghui.orgs.demo import load_orgs
from gonghui.people import auth
from gonghui.people.tests.factories import make_staff

from .factories import NUMBER_RE, appeal_data

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

CLIENTS = 8
LOAD_SECONDS = 1.5  # load after the first acknowledgements, before the kill (and after restart)
REQUEST_TIMEOUT = 10
STARTUP_TIMEOUT = 60  # a loaded 2-core machine needs ~10 s to import the project
DEADLINE = 120  # a bound, not the expected time (~25 s): the clients give up after this
RETRY_PAUSE = 0.1
ACKS = threading.Lock()  # guards the clients' ``acked`` while the main thread reads them


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _test_database_url() -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{urllib.parse.quote(db['NAME'])}"


class Server:
    """``manage.py runserver --noreload`` on the test database; one process, no children."""

    def __init__(self, port: int, log_path, media_root):
        self.port = port
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
            "DJANGO_SETTINGS_MODULE": "gonghui.settings",
            "DATABASE_URL": _test_database_url(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SMS_BACKEND": "gonghui.core.sms.LocMemSmsBackend",
            "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "MEDIA_ROOT": str(media_root),
            "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "FIELD_HASH_KEY": settings.FIELD_HASH_KEY,
            "PYTHONUNBUFFERED": "1",
        }

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "runserver",
                    f"127.0.0.1:{self.port}",
                    "--noreload",
                    "--skip-checks",  # the checks have their own tests; startup is slow enough
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the server exited:\n{self.log_tail()}"
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/healthz", timeout=2
                ) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, http.client.HTTPException, OSError):
                pass
            time.sleep(0.1)
        raise AssertionError(
            f"/healthz did not answer 200 within {STARTUP_TIMEOUT} s:\n{self.log_tail()}"
        )

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, open transactions die with their connections."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""


class Client(threading.Thread):
    """Sends appeals with fresh keys while ``load`` is set; retries an unacknowledged key (the
    same body, the same ``Idempotency-Key``) until a 2xx, whatever happens to the server."""

    def __init__(self, index: int, url: str, token: str, load: threading.Event, deadline: float):
        super().__init__(name=f"client-{index}", daemon=True)
        self.index = index
        self.url = url
        self.token = token
        self.load = load
        self.deadline = deadline
        self.acked: dict[str, tuple[int, str, int]] = {}  # key -> (status, number, id)
        self.sent: list[str] = []
        self.failed_attempts = 0  # connection errors and 5xx, each retried
        self.retried_keys: set[str] = set()
        self.refused: list[str] = []  # 4xx or an answer we cannot read: a bug, not retried
        self.unfinished: str | None = None

    def post(self, key: str) -> tuple[int, dict]:
        body = json.dumps(appeal_data(content=f"耐久性测试 {key}")).encode()
        request = urllib.request.Request(  # noqa: S310 - local http
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": key,
            },
        )
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as r:  # noqa: S310
            return r.status, json.loads(r.read())

    def send_until_acknowledged(self, key: str) -> bool:
        while time.monotonic() < self.deadline:
            try:
                status, out = self.post(key)
            except urllib.error.HTTPError as exc:
                if exc.code >= 500:
                    self.failed_attempts += 1
                    self.retried_keys.add(key)
                    time.sleep(RETRY_PAUSE)
                    continue
                self.refused.append(f"{key}: {exc.code} {exc.read()[:300]!r}")
                return False
            except (urllib.error.URLError, http.client.HTTPException, OSError):
                # refused while down, reset or cut off by the kill, timeout: same key again
                self.failed_attempts += 1
                self.retried_keys.add(key)
                time.sleep(RETRY_PAUSE)
                continue
            if status not in (200, 201) or not NUMBER_RE.match(str(out.get("number", ""))):
                self.refused.append(f"{key}: {status} {out!r}"[:300])
                return False
            with ACKS:
                self.acked[key] = (status, out["number"], out["id"])
            return True
        self.unfinished = key
        return False

    def run(self) -> None:
        n = 0
        while self.load.is_set() and time.monotonic() < self.deadline:
            n += 1
            key = f"durability-{self.index}-{n}"
            self.sent.append(key)
            if not self.send_until_acknowledged(key):
                return


def _acked_count(clients) -> int:
    return sum(len(c.acked) for c in clients)


def _wait_for_acks(clients, at_least: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _acked_count(clients) < at_least:
        assert time.monotonic() < deadline, "the clients got no acknowledgements"
        time.sleep(0.02)


def test_acknowledged_appeals_survive_sigkill_exactly_once_without_gaps(tmp_path):
    orgs = load_orgs()
    load_categories(Category)  # a transactional flush may have removed the seeded rows
    Appeal.objects.all().delete()  # numbering starts at 1 each day: nothing left from before
    DailySequence.objects.all().delete()
    operator = make_staff("durability_op", orgs["BJ"], "hotline_operator")
    token = auth.issue_token(user=operator)

    port = _free_port()
    server = Server(port, tmp_path / "server.log", tmp_path / "media")
    url = f"http://127.0.0.1:{port}/api/v1/hotline/appeals"
    load = threading.Event()
    load.set()
    deadline = time.monotonic() + DEADLINE
    clients = [Client(i, url, token, load, deadline) for i in range(CLIENTS)]
    try:
        server.start()
        for c in clients:
            c.start()
        _wait_for_acks(clients, at_least=CLIENTS, timeout=30)
        time.sleep(LOAD_SECONDS)

        server.kill()
        with ACKS:
            acked_before_kill = {k for c in clients for k in c.acked}
        time.sleep(0.5)  # clients meet refused connections and keep retrying
        server.start()
        _wait_for_acks(clients, at_least=len(acked_before_kill) + CLIENTS, timeout=30)
        time.sleep(LOAD_SECONDS)

        load.clear()  # no new keys; each client finishes (acknowledges) the one it holds
        for c in clients:
            c.join(timeout=max(1.0, deadline - time.monotonic() + 5))
        assert not any(c.is_alive() for c in clients), "a client hung"

        # A retry after the restart is answered with the first appeal, not a new one.
        replays = {}
        for c in clients:
            key = min(c.acked.keys() & acked_before_kill, default=None, key=c.sent.index)
            if key is not None:
                replays[key] = c.post(key)
    finally:
        load.clear()
        server.kill()

    log = server.log_tail()
    print(  # shown with -s: what the run went through
        f"acknowledged {sum(len(c.acked) for c in clients)} appeals, "
        f"{len(acked_before_kill)} before the kill; "
        f"{sum(c.failed_attempts for c in clients)} failed attempts retried, "
        f"{sum(1 for c in clients for k in c.retried_keys if c.acked.get(k, (0,))[0] == 200)} "
        "keys committed before the kill whose answer was lost"
    )
    refused = [r for c in clients for r in c.refused]
    assert not refused, f"requests refused (not retryable):\n{refused}\n{log}"
    unfinished = [c.unfinished for c in clients if c.unfinished]
    assert not unfinished, f"keys never acknowledged before the deadline: {unfinished}\n{log}"
    sent = [k for c in clients for k in c.sent]
    acked = {k: v for c in clients for k, v in c.acked.items()}
    assert set(sent) == set(acked)  # every key sent was in the end acknowledged
    assert acked_before_kill, "the kill came before any acknowledgement"
    assert len(acked) > len(acked_before_kill), "nothing was acknowledged after the restart"
    assert sum(c.failed_attempts for c in clients) > 0, "no client saw the server go down"

    # Every acknowledged key is stored exactly once, under the number the client was told.
    stored_keys = dict(
        IdempotencyKey.objects.filter(owner=f"user:{operator.pk}").values_list(
            "key", "appeal__number"
        )
    )
    assert stored_keys == {k: number for k, (_, number, _) in acked.items()}
    contents = collections.Counter(Appeal.objects.values_list("content", flat=True))
    assert contents == collections.Counter(f"耐久性测试 {k}" for k in acked), (
        "an appeal is missing, stored twice, or stored without being acknowledged"
    )
    ids = {k: pk for k, (_, _, pk) in acked.items()}
    assert len(set(ids.values())) == len(ids)
    numbers = dict(Appeal.objects.values_list("pk", "number"))
    assert {k: numbers[pk] for k, pk in ids.items()} == {k: n for k, (_, n, _) in acked.items()}

    # No gaps: each day's numbers are exactly 1..n, and the day's counter stopped at n.
    by_day = collections.defaultdict(list)
    for number in numbers.values():
        day, seq = NUMBER_RE.match(number).groups()
        by_day[day].append(int(seq))
    counters = {f"{d.day:%Y%m%d}": d.last for d in DailySequence.objects.all()}
    for day, seqs in by_day.items():
        missing = sorted(set(range(1, max(seqs) + 1)) - set(seqs))
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), f"{day}: numbers {missing} missing"
        assert counters[day] == len(seqs), f"{day}: counter {counters[day]}, {len(seqs)} stored"
    assert set(counters) == set(by_day)

    for key, (status, out) in replays.items():
        assert status == 200, (key, status)
        assert out["number"] == acked[key][1]
    assert Appeal.objects.count() == len(acked)
