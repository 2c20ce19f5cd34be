"""Station test data: plain ORM rows for speed (``make_station``/``build_station``), or the real
services where the validation path matters (``station_data`` + ``services.create_station``)."""

import datetime
import itertools

from gonghui.orgs.selectors import district_of
from gonghui.people.tests.factories import make_staff
from gonghui.stations import services
from gonghui.stations.models import Amenity, Station, StationStatus, StationType
from gonghui.stations.reference import load_reference

API = "/api/v1/stations"
_seq = itertools.count(1)

# A few well-known places, WGS-84 (lat, lng).
TIANANMEN = (39.9087, 116.3975)
WANGJING = (39.9965, 116.4706)  # 朝阳区望京
ZHONGGUANCUN = (39.9834, 116.3162)  # 海淀区中关村

DAILY_8_20 = {
    day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}


def make_manager(org, username: str = ""):
    return make_staff(username or f"sm_{org.code.lower()}", org, "station_manager")


def station_type(code: str = "warm_station") -> StationType:
    if not StationType.objects.exists():  # a transactional test flushed the migration's rows
        load_reference(StationType, Amenity)
    return StationType.objects.get(code=code)


def build_station(
    *,
    org,
    district=None,
    lat: float = TIANANMEN[0],
    lng: float = TIANANMEN[1],
    name: str = "",
    address: str = "",
    type: str | StationType = "warm_station",
    amenities=(),
    hours="24h",
    status: str = StationStatus.OPEN,
    opened_on: datetime.date | None = None,
    amenity_bits: int | None = None,
    **extra,
) -> Station:
    """An unsaved station (for ``bulk_create``); ``amenity_bits`` set like the services do
    (pass it in to save a query per row)."""
    n = next(_seq)
    amenities = sorted(set(amenities))
    if amenity_bits is None:
        amenity_bits = services.amenity_bits(amenities)
    return Station(
        type=type if isinstance(type, StationType) else station_type(type),
        name=name or f"测试驿站{n}",
        address=address or f"测试路{n}号",
        org=org,
        district=district or district_of(org),
        lat=lat,
        lng=lng,
        amenities=amenities,
        amenity_bits=amenity_bits,
        hours=hours,
        status=status,
        opened_on=opened_on,
        **extra,
    )


def make_station(**kwargs) -> Station:
    station = build_station(**kwargs)
    station.save()
    return station


def station_data(**overrides) -> dict:
    """A valid API/service input for a station at 朝阳区 (WGS-84 near 望京)."""
    n = next(_seq)
    data = {
        "name": f"望京暖心驿站{n}",
        "type": "warm_station",
        "org": "BJ-CY",
        "district": "BJ-CY",
        "address": f"望京街{n}号",
        "lat": WANGJING[0],
        "lng": WANGJING[1],
        "amenities": ["drinking_water", "toilet"],
        "hours": {"mon": [["08:00", "20:00"]], "sat": [["20:00", "02:00"]]},
    }
    data.update(overrides)
    return data


def post_station(client, data: dict, headers: dict):
    return client.post(API, data, content_type="application/json", **headers)


def patch_station(client, station_id: int, data: dict, headers: dict):
    return client.patch(f"{API}/{station_id}", data, content_type="application/json", **headers)
