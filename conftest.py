"""Shared pytest set-up: settings for tests, factories live in each app's tests."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls we make around it
# are ordinary synchronous test code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # the LocMem outbox, plus what the console backend would print, into the log capture
    settings.SMS_BACKEND = "gonghui.core.testing_logs.CapturingSmsBackend"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # every search reads the finder's tokens: a change is seen by the next one (the window a
    # deployment runs with is tested on its own: stations/tests/test_finder_recheck.py)
    settings.FINDER_TOKEN_RECHECK_MS = 0
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


# --- personal data never reaches a log: the whole suite's logs, scanned at the end ---------------


@pytest.fixture(scope="session", autouse=True)
def _capture_all_logs(tmp_path_factory):
    """Every log record of the session (read before the masking filter), each test's captured
    stdout/stderr and the console SMS lines go to all-logs.txt in pytest's temporary folder;
    ``pytest_sessionfinish`` fails the session if an ID number or mobile number is in it."""
    from gonghui.core import testing_logs

    return testing_logs.install(tmp_path_factory.getbasetemp() / "all-logs.txt")


def pytest_runtest_logstart(nodeid, location):
    from gonghui.core import testing_logs

    testing_logs.current_test = nodeid
    testing_logs.attach()  # in front of any handler a test or library added since


def pytest_runtest_logreport(report):
    from gonghui.core import testing_logs

    handler = testing_logs.active()
    if handler is not None and report.when == "teardown":  # holds every phase's output
        handler.write(report.capstdout, source="stdout")
        handler.write(report.capstderr, source="stderr")


def pytest_sessionfinish(session, exitstatus):
    from gonghui.core import testing_logs

    problems = testing_logs.findings_report()
    if problems:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        for line in ["Personal data in the captured logs (issue 12):", *problems]:
            if reporter is not None:
                reporter.write_line(line, red=True)
            else:
                print(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    """Uploads written by tests go to a temporary folder, never the checkout's media/."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _flushable_audit_log(request):
    """Live-server and transactional tests are flushed afterwards; logins, refusals and state
    changes write audit rows, which SQLite's append-only trigger would not let the flush delete.
    Depending on the transactional database (fixture or ``django_db(transaction=True)``) makes
    this teardown run first, and clears the audit rows."""
    marker = request.node.get_closest_marker("django_db")
    marked = marker is not None and bool(
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    if not (marked or {"live_server", "transactional_db"} & set(request.fixturenames)):
        yield
        return
    request.getfixturevalue("_django_db_helper" if marked else "transactional_db")
    yield
    from gonghui.core.testing import clear_audit_log

    clear_audit_log()


@pytest.fixture(autouse=True)
def _clear_sms_outbox():
    from gonghui.core import sms

    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(scope="session", autouse=True)
def _isolated_redis_cache():
    """With ``REDIS_URL`` set the cache is a shared Redis: this test process (each xdist
    worker) writes under a key prefix of its own, deleted at the end (core/testing_cache.py)."""
    from gonghui.core import testing_cache

    prefix = testing_cache.isolate_redis_caches()
    yield prefix
    if prefix:
        testing_cache.clear_test_caches()


@pytest.fixture(autouse=True)
def _clear_cache(_isolated_redis_cache):
    """Rate-limit counters and cached figures live in the cache (per process, or Redis under
    this run's prefix): each test starts with an empty one. Never ``FLUSHDB`` a shared Redis."""
    from gonghui.core.testing_cache import clear_test_caches

    clear_test_caches()
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo org tree once into the test database (tests roll back around it)."""
    from gonghui.orgs.demo import load_orgs

    with django_db_blocker.unblock():
        load_orgs()


@pytest.fixture
def orgs(db):
    """The demo org tree (Beijing federation), keyed by code."""
    from gonghui.orgs.demo import load_orgs
    from gonghui.orgs.models import Org

    if not Org.objects.filter(code="BJ").exists():  # wiped by a transactional test's flush
        return load_orgs()
    return {o.code: o for o in Org.objects.all()}


@pytest.fixture
def cy_handler(orgs):
    from gonghui.people.tests.factories import make_staff

    return make_staff("cy_handler", orgs["BJ-CY"], "case_handler")


@pytest.fixture
def hd_handler(orgs):
    from gonghui.people.tests.factories import make_staff

    return make_staff("hd_handler", orgs["BJ-HD"], "case_handler")


@pytest.fixture
def cy_worker(orgs):
    from gonghui.people.tests.factories import make_worker

    return make_worker(orgs["BJ-CY-WJ-001"], name="王朝阳", phone="13812345678")


@pytest.fixture
def hd_worker(orgs):
    from gonghui.people.tests.factories import make_worker

    return make_worker(orgs["BJ-HD-ZGC-001"], name="李海淀", phone="13987654321")


# --- headless Chromium for page tests ---------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser):
    """A fresh context per test (no session carried over), Chinese-first like the users."""
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
