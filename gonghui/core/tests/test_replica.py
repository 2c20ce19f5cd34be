"""The replica router against a real PostgreSQL streaming replica.

The test makes its own pair, so it needs nothing from the machine but the PostgreSQL server
binaries: ``initdb`` a throw-away primary on a free port (initdb's trust setup allows
replication from 127.0.0.1), ``pg_basebackup -R -X stream`` a replica from it, start that in
recovery on another port, and route between the two with ``ReplicaRouter`` aliases. As root
(CI) the servers run as the ``postgres`` user, since PostgreSQL refuses to run as root.
"""

import datetime
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from gonghui.core.db_router import ReplicaRouter, lag_ok
from gonghui.core.models import CalendarDay

PRIMARY, REPLICA = "test_scale_primary", "test_scale_replica"

on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="streaming replication is PostgreSQL's; this run is on SQLite",
)


class PairRouter(ReplicaRouter):
    primary = PRIMARY
    replica = REPLICA


def _bindir() -> str | None:
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if all(os.access(f"{d}/{b}", os.X_OK) for b in ("initdb", "pg_ctl", "pg_basebackup")):
            return d
    d = os.path.dirname(shutil.which("pg_ctl") or "")
    if d and all(shutil.which(f"{d}/{b}") for b in ("initdb", "pg_basebackup")):
        return d
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _in_recovery(alias) -> bool:
    with connections[alias].cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        return cur.fetchone()[0]


def _eventually(check, seconds=20.0):
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


@pytest.fixture(scope="module")
def pg_pair(request, django_db_blocker):
    bindir = _bindir()
    if bindir is None:
        pytest.skip("initdb, pg_ctl or pg_basebackup not found (/usr/lib/postgresql/*/bin)")
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb and postgres refuse root
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL as postgres")
        try:
            import pwd

            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run the servers")
        as_user = ["runuser", "-u", "postgres", "--"]
    base = tempfile.mkdtemp(prefix="gonghui-replica-")
    if as_user:
        os.chown(base, pw.pw_uid, pw.pw_gid)
    primary_dir, replica_dir = f"{base}/primary", f"{base}/replica"
    started: list[str] = []

    def run(*args):
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)

    def cleanup():
        for alias in (PRIMARY, REPLICA):
            if alias in connections.settings:
                connections[alias].close()
                del connections[alias]
                del connections.settings[alias]
        for d in reversed(started):
            subprocess.run([*as_user, f"{bindir}/pg_ctl", "-D", d, "-m", "immediate", "stop"],
                           capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)

    request.addfinalizer(cleanup)
    p1, p2 = _free_port(), _free_port()
    opts = f"-k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(f"{bindir}/initdb", "-D", primary_dir, "-U", "postgres", "--auth=trust", "-E", "UTF8",
        "--no-sync", "--locale=C")  # fmt: skip
    run(f"{bindir}/pg_ctl", "-D", primary_dir, "-l", f"{base}/primary.log", "-w",
        "-o", f"-p {p1} {opts}", "start")  # fmt: skip
    started.append(primary_dir)
    run(f"{bindir}/pg_basebackup", "-h", "127.0.0.1", "-p", str(p1), "-U", "postgres",
        "-D", replica_dir, "-R", "-X", "stream")  # fmt: skip
    run(f"{bindir}/pg_ctl", "-D", replica_dir, "-l", f"{base}/replica.log", "-w",
        "-o", f"-p {p2} {opts}", "start")  # fmt: skip
    started.append(replica_dir)

    default = connections.settings["default"]
    for alias, port in ((PRIMARY, p1), (REPLICA, p2)):
        connections.settings[alias] = {
            **default, "HOST": "127.0.0.1", "PORT": port, "NAME": "postgres", "USER": "postgres",
            "PASSWORD": "", "CONN_MAX_AGE": 0, "TEST": {**default["TEST"], "MIRROR": None},
        }  # fmt: skip
    with django_db_blocker.unblock():
        assert _eventually(lambda: _in_recovery(REPLICA))
        assert not _in_recovery(PRIMARY)
        with connections[PRIMARY].schema_editor() as editor:
            editor.create_model(CalendarDay)
        # the table has reached the replica
        assert _eventually(lambda: _table_on_replica())
        yield


def _table_on_replica() -> bool:
    with connections[REPLICA].cursor() as cur:
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", [CalendarDay._meta.db_table])
        return cur.fetchone()[0]


def _day(n: int) -> datetime.date:
    return datetime.date(2030, 1, 1) + datetime.timedelta(days=n)


def _seen_on_replica(date) -> bool:
    return CalendarDay.objects.using(REPLICA).filter(date=date).exists()


@on_postgresql
@override_settings(DATABASE_ROUTERS=["gonghui.core.tests.test_replica.PairRouter"])
def test_lag_tolerant_reads_come_from_the_replica_and_writes_from_the_primary(
    pg_pair, django_db_blocker
):
    with django_db_blocker.unblock():
        # a write through the ORM goes to the primary and reaches the replica shortly after
        with CaptureQueriesContext(connections[PRIMARY]) as on_primary:
            CalendarDay.objects.create(date=_day(0), is_workday=True, work_seconds_before=0)
        assert any("INSERT" in q["sql"] for q in on_primary.captured_queries)
        assert _eventually(lambda: _seen_on_replica(_day(0)))

        # freeze the replica: what the primary writes now, the replica does not have
        with connections[REPLICA].cursor() as cur:
            cur.execute("SELECT pg_wal_replay_pause()")
        try:
            with lag_ok():
                # a write inside lag_ok() still goes to the primary (not in recovery)
                with CaptureQueriesContext(connections[PRIMARY]) as on_primary:
                    CalendarDay.objects.create(
                        date=_day(1), is_workday=False, work_seconds_before=1
                    )
                assert any("INSERT" in q["sql"] for q in on_primary.captured_queries)
            with connections[PRIMARY].cursor() as cur:  # WAL flushed on the primary
                cur.execute("SELECT pg_switch_wal()")
            time.sleep(0.3)
            assert not _seen_on_replica(_day(1))

            # outside lag_ok(): the primary, which has the new row
            assert CalendarDay.objects.filter(date=_day(1)).exists()
            assert CalendarDay.objects.all().db == PRIMARY
            with lag_ok():
                # inside: the replica (in recovery), which does not have it yet
                with CaptureQueriesContext(connections[REPLICA]) as on_replica:
                    assert CalendarDay.objects.all().db == REPLICA
                    assert not CalendarDay.objects.filter(date=_day(1)).exists()
                    assert CalendarDay.objects.filter(date=_day(0)).exists()
                assert len(on_replica.captured_queries) == 2
                assert _in_recovery(CalendarDay.objects.all().db)
                # ...but inside a transaction on the primary, reads see the transaction
                with transaction.atomic(using=PRIMARY):
                    assert CalendarDay.objects.filter(date=_day(1)).exists()
                    assert not _in_recovery(CalendarDay.objects.all().db)

            @lag_ok()
            def report():
                return sorted(CalendarDay.objects.values_list("date", flat=True))

            assert report() == [_day(0)]  # the decorator: the replica's view
            assert not _in_recovery(CalendarDay.objects.all().db)
        finally:
            with connections[REPLICA].cursor() as cur:
                cur.execute("SELECT pg_wal_replay_resume()")
        # the replica catches up
        assert _eventually(lambda: _seen_on_replica(_day(1)))
        with lag_ok():
            assert report() == [_day(0), _day(1)]


def test_settings_add_the_replica_alias_only_with_database_replica_url():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'gonghui.settings';"
        "django.setup(); from django.conf import settings as s;"
        "r = s.DATABASES.get('replica'); print(r and (r['HOST'], r['PORT'], r['NAME'],"
        " r['TEST']['MIRROR']), s.DATABASE_ROUTERS)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    out = subprocess.run([os.sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    assert out.startswith("None ")
    env["DATABASE_REPLICA_URL"] = "postgres://reader@10.0.0.7:5433/gonghui"
    out = subprocess.run([os.sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    assert "('10.0.0.7', 5433, 'gonghui', 'default')" in out
    assert "gonghui.core.db_router.ReplicaRouter" in out


def test_without_a_replica_alias_lag_ok_reads_from_default():
    class Unconfigured(ReplicaRouter):
        replica = "replica_not_configured"

    router = Unconfigured()
    assert router.replica not in connections.settings
    with lag_ok():
        assert router.db_for_read(CalendarDay) == "default"
        assert router.db_for_write(CalendarDay) == "default"
    assert router.allow_migrate("default", "core") is True
    assert router.allow_migrate(router.replica, "core") is False


def test_an_object_read_from_the_replica_is_written_to_the_primary():
    router = ReplicaRouter()
    day = CalendarDay(date=_day(0), is_workday=True, work_seconds_before=0)
    day._state.db = "replica"
    assert router.db_for_write(CalendarDay, instance=day) == "default"
    assert router.db_for_read(CalendarDay, instance=day) == "default"
    day._state.db = "bench"  # an alias named with .using() keeps its objects
    assert router.db_for_write(CalendarDay, instance=day) == "bench"
    assert router.allow_migrate("bench", "core") is None


# --- the station finder's index: from the replica once it has replayed the index's token ------

LAGGING = "lagging_copy"


class LaggingRouter(ReplicaRouter):
    replica = LAGGING


@on_postgresql
@pytest.mark.django_db(transaction=True)  # the station is committed, as a replica needs
def test_the_finder_index_is_built_on_the_replica_once_it_has_the_token(django_db_blocker):
    """A second connection to the test database stands for the replica, held in a
    repeatable-read snapshot taken before a station is added: what it cannot see is what a
    lagging replica has not replayed yet. Rows are read there only for a token it has;
    otherwise from the primary."""
    from gonghui.orgs.demo import load_orgs
    from gonghui.stations import finder
    from gonghui.stations.tests.factories import make_station

    primary = connections["default"]
    with django_db_blocker.unblock():
        connections.settings[LAGGING] = {**connections.settings["default"]}
        copy = connections[LAGGING]
        station = None
        # an earlier transactional test may have flushed the org tree: (re)load it first
        chaoyang = load_orgs()["BJ-CY"]
        try:
            copy.set_autocommit(False)
            with copy.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            replayed = finder._token_on(copy)  # the copy's snapshot starts here
            station = make_station(org=chaoyang)  # committed: new token
            token = finder.current_token()
            assert token != replayed
            with override_settings(DATABASE_ROUTERS=[f"{__name__}.LaggingRouter"]):
                # not replayed yet: one token look-up on the copy, the rows from the primary
                with CaptureQueriesContext(copy) as on_copy:
                    index = finder.FinderIndex.build(token)
                assert station.pk in index.ids
                assert [q["sql"] for q in on_copy.captured_queries] == [finder._TOKEN_SQL]

                # the version the copy has: its rows come from the copy, not the primary
                with (
                    CaptureQueriesContext(copy) as on_copy,
                    CaptureQueriesContext(primary) as on_primary,
                ):
                    index = finder.FinderIndex.build(replayed)
                assert station.pk not in index.ids
                rows = "FROM stations_station WHERE"
                assert any(rows in q["sql"] for q in on_copy.captured_queries)
                assert not any(rows in q["sql"] for q in on_primary.captured_queries)
        finally:
            copy.rollback()
            copy.close()
            del connections[LAGGING]
            del connections.settings[LAGGING]
            if station is not None:
                station.delete()
