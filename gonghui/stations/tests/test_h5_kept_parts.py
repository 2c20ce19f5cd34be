"""The public station pages keep their shared parts for the minute under the finder's tokens
(issue 14): a repeat view reads one version row instead of the stations, and any committed
change to a station, its photos or hours, an org or a type is seen by the next view."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.core import kept
from gonghui.stations.models import CheckIn, Station, StationException, StationPhoto

from .test_h5_pages import make_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(orgs):
    return make_station(orgs, "前门驿站", 0.0027, amenities=["toilet"])


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return page, [q["sql"] for q in ctx.captured_queries]


def _station_queries(queries):
    return [q for q in queries if "stations_station" in q or "stations_stationexception" in q]


def test_a_repeat_district_list_reads_only_the_version_row(client, station):
    url = reverse("stations:finder") + "?district=BJ-DC"
    first, queries = _get(client, url)
    assert "前门驿站" in first and _station_queries(queries)
    again, queries = _get(client, url)
    assert again == first
    assert not _station_queries(queries)
    assert [q for q in queries if "finderversion" in q] == [queries[0]]


def test_a_renamed_station_is_shown_by_the_next_list_and_detail_view(client, station):
    finder_url = reverse("stations:finder") + "?district=BJ-DC"
    detail_url = reverse("stations:detail", args=[station.pk])
    _get(client, finder_url), _get(client, detail_url)
    station.name, station.address = "前门暖心驿站", "前门大街1号"
    station.save(update_fields=["name", "address", "updated_at"])  # the index is kept
    page, _queries = _get(client, finder_url)
    assert "前门暖心驿站" in page and "前门大街1号" in page
    page, _queries = _get(client, detail_url)
    assert "前门暖心驿站" in page and "前门大街1号" in page


def test_a_repeat_detail_view_reads_only_the_version_row(client, station, monkeypatch):
    url = reverse("stations:detail", args=[station.pk])
    first, _queries = _get(client, url)
    assert "今日还没有人扫码签到" in first
    again, queries = _get(client, url)
    assert again == first
    assert [q for q in queries if "finderversion" in q] == queries  # nothing else read
    # today's check-ins are counted once a minute on this page (the check-in page itself
    # counts afresh): a scan shows from the next minute
    CheckIn.objects.create(station=station)
    assert "今日还没有人扫码签到" in _get(client, url)[0]
    monkeypatch.setattr(kept, "minute", lambda: "next minute")
    assert "今日已有 1 人次扫码签到" in _get(client, url)[0]


def test_photos_hours_and_closing_are_seen_at_once(client, station):
    url = reverse("stations:detail", args=[station.pk])
    page, _queries = _get(client, url)
    photo = StationPhoto(station=station, content_type="image/png")
    photo.image.save("p.png", ContentFile(b"\x89PNG\r\n"), save=True)
    page, _queries = _get(client, url)
    assert reverse("stations:photo", args=[photo.pk]) in page
    today = datetime.date.today()
    StationException.objects.create(station=station, date=today, ranges=[], note="设备检修")
    page, _queries = _get(client, url)
    assert "设备检修" in page
    Station.objects.filter(pk=station.pk).update(status="closed")  # bulk: no save()
    assert client.get(url).status_code == 404


def _content_rendered(client, url) -> bool:
    response = client.get(url)
    assert response.status_code == 200
    return "stations/_finder_content.html" in [t.name for t in response.templates]


def test_a_position_is_never_kept(client, station):
    url = reverse("stations:finder") + "?lat=39.9087&lng=116.3975"
    assert _content_rendered(client, url)
    assert _content_rendered(client, url)  # the visitor's own point: rendered each time
    district = reverse("stations:finder") + "?district=BJ-DC"
    assert _content_rendered(client, district)
    assert not _content_rendered(client, district)


def test_an_invalid_district_is_not_kept(client, station):
    url = reverse("stations:finder") + "?district=XX"
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 400 and "请选择有效的区" in response.content.decode()
