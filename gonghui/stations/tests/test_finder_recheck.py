"""The nearest search's recheck window (``FINDER_TOKEN_RECHECK_MS``, D35): within it a search
answers from the rows the process holds without reading the finder's tokens; after it, the
tokens are read again and a committed change is seen. 0 reads them on every search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core.testing import StoppedClock
from gonghui.stations import finder, selectors
from gonghui.stations.models import Station

from .factories import TIANANMEN, make_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    c = StoppedClock()
    monkeypatch.setattr(finder, "_clock", c)
    finder._indexes.clear()  # no index confirmed on another test's clock
    yield c
    finder._indexes.clear()


def _names_and_queries():
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.nearest(*TIANANMEN, k=5)
    return [f.station.name for f in found], len(ctx.captured_queries)


def test_a_change_is_seen_once_the_window_has_passed(settings, orgs, clock):
    settings.FINDER_TOKEN_RECHECK_MS = 250
    make_station(org=orgs["BJ-DC"], name="前门驿站")
    assert _names_and_queries()[0] == ["前门驿站"]  # loads the rows, reads the tokens
    clock.now += 0.1
    assert _names_and_queries() == (["前门驿站"], 0)  # within the window: nothing read
    Station.objects.update(name="改名驿站")
    clock.now += 0.1  # 0.2 s after the tokens were read: still the rows held
    assert _names_and_queries() == (["前门驿站"], 0)
    clock.now += 0.06  # 0.26 s: read again, the change is seen
    names, queries = _names_and_queries()
    assert names == ["改名驿站"] and queries >= 1


def test_a_closed_station_is_gone_once_the_window_has_passed(settings, orgs, clock):
    settings.FINDER_TOKEN_RECHECK_MS = 250
    station = make_station(org=orgs["BJ-DC"], name="前门驿站")
    assert _names_and_queries()[0] == ["前门驿站"]
    station.status = "closed"
    station.save()
    clock.now += 0.3
    assert _names_and_queries()[0] == []


def test_zero_reads_the_tokens_on_every_search(settings, orgs, clock):
    settings.FINDER_TOKEN_RECHECK_MS = 0
    make_station(org=orgs["BJ-DC"], name="前门驿站")
    _names_and_queries()
    assert _names_and_queries() == (["前门驿站"], 1)  # the token read, nothing else
    Station.objects.update(name="改名驿站")
    assert _names_and_queries()[0] == ["改名驿站"]  # no clock moved: the very next search
