"""API routes for stations: the public finder and the managers' registry."""

import datetime
import json

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel

from gonghui.core import ratelimit
from gonghui.core.api import JSON, ApiError, ErrorOut, paginate, staff_user
from gonghui.core.bounds import Count, SmallCount
from gonghui.people.api_auth import ConsoleSessionAuth, TokenAuth
from gonghui.people.scope import scope_for

from . import geo, selectors, services
from .hours import is_open, ranges_on
from .models import Station, StationStatus

router = Router(tags=["stations"])
MAX_K = 50
BBOX_PAGE = 200


class StationIn(Schema):
    name: str | None = None
    type: str | None = Field(None, description="warm_station, worker_home, service_point, …")
    host_kind: str | None = None
    host_name: str | None = None
    org: str | None = Field(None, description="responsible union org code")
    district: str | None = Field(None, description="district org code, e.g. BJ-CY")
    address: str | None = None
    lat: float | None = None
    lng: float | None = None
    coord_system: str | None = Field("wgs84", description="wgs84, gcj02 (AMap/Tencent), bd09")
    amenities: list[str] | None = None
    hours: dict | str | None = Field(None, description='{"mon": [["08:00", "20:00"]]} or "24h"')
    capacity: Count | None = None
    contact_phone: str | None = None
    status: str | None = None
    built_year: SmallCount | None = None


class StationOut(BaseModel):
    """A plain pydantic model, not a ninja ``Schema``: built from the dicts of ``station_out``
    it needs none of Schema's attribute resolution (DjangoGetter), which was a third of the
    nearest API's time (issue 14)."""

    id: int
    name: str
    type: str
    type_name: str
    host_kind: str
    host_name: str
    org: str
    district: str
    address: str
    lat: float
    lng: float
    amenities: list[str]
    hours: dict | str
    capacity: int | None
    contact_phone: str
    status: str
    opened_on: datetime.date | None
    built_year: int | None
    open_now: bool
    today: list[list[str]]
    distance_m: float | None = None


def station_out(s: Station, *, distance=None, open_now=None, today=None) -> dict:
    if open_now is None or today is None:  # the finder's results carry both already
        now = timezone.localtime()
        open_now = is_open(s.hours, now) if open_now is None else open_now
        today = ranges_on(s.hours, now.date()) if today is None else today
    return {
        "id": s.pk,
        "name": s.name,
        "type": s.type.code,
        "type_name": s.type.name,
        "host_kind": s.host_kind,
        "host_name": s.host_name,
        "org": s.org.code,
        "district": s.district.code,
        "address": s.address,
        "lat": s.lat,
        "lng": s.lng,
        "amenities": s.amenities,
        "hours": s.hours,
        "capacity": s.capacity,
        "contact_phone": s.contact_phone,
        "status": s.status,
        "opened_on": s.opened_on,
        "built_year": s.built_year,
        "open_now": open_now,
        "today": today,
        "distance_m": distance,
    }


# station_out's last keys: what differs from one search to the next
_PER_SEARCH = ("open_now", "today", "distance_m")
_TODAY_JSON: dict[tuple, str] = {}  # today's ranges -> their JSON


def _found_json(found) -> str:
    """``station_out`` of one finder result as JSON text, byte for byte what ``json.dumps``
    writes for it: the station's fixed fields are encoded once and kept on the instance (the
    finder holds its rows under their token; a changed row is a new instance)."""
    station = found.station
    head = station.__dict__.get("_nearest_json_head")
    if head is None:
        fixed = station_out(station, open_now=False, today=[])
        assert list(fixed)[-len(_PER_SEARCH) :] == list(_PER_SEARCH)
        for key in _PER_SEARCH:
            del fixed[key]
        head = _dumps(fixed)[:-1]
        station._nearest_json_head = head
    open_now = "true" if found.open_now else "false"
    distance = "null" if found.distance_m is None else float.__repr__(float(found.distance_m))
    key = tuple(map(tuple, found.today))
    today = _TODAY_JSON.get(key)
    if today is None:
        if len(_TODAY_JSON) > 1000:  # opening hours are few; never let it grow without end
            _TODAY_JSON.clear()
        today = _TODAY_JSON[key] = _dumps(found.today)
    return f'{head}, "open_now": {open_now}, "today": {today}, "distance_m": {distance}}}'


def _dumps(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


class NearestFilters(Schema):
    lat: float = Field(..., ge=-90, le=90)
    lng: float = Field(..., ge=-180, le=180)
    coord_system: str = Field("wgs84", pattern="^(wgs84|gcj02|bd09)$")
    k: int = Field(10, ge=1, le=MAX_K)
    amenity: list[str] = Field(default_factory=list)
    open_now: bool = False
    type: str = Field("", max_length=30)


class NearestOut(BaseModel):
    items: list[StationOut]


@router.get("/nearest", auth=None, response={200: NearestOut, 400: ErrorOut})
def nearest(request, filters: Query[NearestFilters]):
    """The k nearest open stations (great-circle distance in metres), with open-now and
    today's hours. Input may be GCJ-02/BD-09 (map SDKs); output is WGS-84."""
    lat, lng = geo.to_wgs84(filters.lat, filters.lng, filters.coord_system)
    found = selectors.nearest(
        lat, lng, k=filters.k, amenities=filters.amenity, open_now=filters.open_now,
        type_code=filters.type,
    )  # fmt: skip
    # Built to NearestOut's shape right here (test_nearest_answers_its_declared_schema checks
    # it), so written straight to JSON: validating what was just built was an eighth of the
    # busiest public endpoint's time (issue 14). A held station's fixed part is encoded once.
    items = ", ".join(_found_json(f) for f in found)
    body = f'{{"items": [{items}]}}'
    return HttpResponse(body, content_type=JSON)


class BboxFilters(Schema):
    bbox: str = Field(..., description="minLng,minLat,maxLng,maxLat (WGS-84)")
    page: int = Field(1, ge=1, le=1000)


class StationPage(Schema):
    count: int
    page: int
    pages: int
    results: list[StationOut]


@router.get("", auth=None, response={200: StationPage, 400: ErrorOut})
def by_bbox(request, filters: Query[BboxFilters]):
    """Open stations inside a map viewport, paged (at most 200 per page)."""
    try:
        min_lng, min_lat, max_lng, max_lat = (float(v) for v in filters.bbox.split(","))
    except ValueError:
        raise ApiError(
            400, _("请求参数有误"), {"bbox": [_("应为 minLng,minLat,maxLng,maxLat")]}
        ) from None
    if not (min_lng < max_lng and min_lat < max_lat):
        raise ApiError(400, _("请求参数有误"), {"bbox": [_("范围无效")]})
    if (max_lng - min_lng) * (max_lat - min_lat) > 25:
        raise ApiError(400, _("请求参数有误"), {"bbox": [_("范围过大，请放大地图")]})
    qs = selectors.in_bbox(min_lng, min_lat, max_lng, max_lat).select_related("org", "district")
    return paginate(qs, filters.page, BBOX_PAGE, station_out)


@router.post(
    "",
    auth=[TokenAuth(), ConsoleSessionAuth()],
    response={201: StationOut, 400: ErrorOut, 403: ErrorOut},
)
def create(request, payload: StationIn):
    """Register a station (station managers, inside their scope). Coordinates are converted
    to WGS-84 from ``coord_system``."""
    user = staff_user(request)
    if not scope_for(user, "stations.manage"):
        raise PermissionDenied(_("您的角色无权登记站点"))
    station = services.create_station(user=user, data=payload.dict())
    return Status(201, station_out(station))


def _visible(request, station_id: int) -> Station:
    """Open stations are public; others only for staff whose scope covers them."""
    station = (
        Station.objects.select_related("type", "org", "district").filter(pk=station_id).first()
    )
    if station is not None and station.status == StationStatus.OPEN:
        return station
    user = request.user if getattr(request, "worker_account", None) is None else None
    if (
        station is None
        or user is None
        or not selectors.visible_stations(user).filter(pk=station.pk).exists()
    ):
        raise ApiError(404, _("未找到"))
    return station


def _maybe_user(request):
    """Last in an auth chain: anonymous callers may use public routes."""
    request.worker_account = getattr(request, "worker_account", None)
    return "anonymous"


@router.get("/targets", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def targets(request, year: SmallCount = 0, org: str = ""):
    """Annual build targets and progress (stations that reached "open" within the year)."""
    target_org = selectors.targets_org(staff_user(request), org)
    if target_org is None:
        raise ApiError(404, _("未找到"))
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise ApiError(400, _("请求参数有误"), {"year": [_("年份无效")]})
    return {
        "org": target_org.code,
        "year": year,
        "rows": selectors.target_progress(target_org, year),
    }


@router.get(
    "/{station_id}",
    auth=[TokenAuth(), ConsoleSessionAuth(), _maybe_user],
    response={200: StationOut, 404: ErrorOut},
)
def detail(request, station_id: int):
    return station_out(_visible(request, station_id))


@router.patch(
    "/{station_id}",
    auth=[TokenAuth(), ConsoleSessionAuth()],
    response={200: StationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def patch(request, station_id: int, payload: StationIn):
    """Change some fields; opening/closing goes through a status request instead."""
    user = staff_user(request)
    station = selectors.visible_stations(user).filter(pk=station_id).first()
    if station is None:
        raise ApiError(404, _("未找到"))
    data = payload.dict(exclude_unset=True)
    station = services.update_station(user=user, station=station, data=data)
    return station_out(station)


class ReportIn(Schema):
    kind: str
    rating: SmallCount | None = None
    text: str = Field("", max_length=500)


@router.post(
    "/{station_id}/reports",
    auth=[TokenAuth(), _maybe_user],
    response={201: dict, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
)
def report(request, station_id: int, payload: ReportIn):
    """A worker rates a station or reports a problem (goes to the station manager's queue).
    Limited per client IP and per station (429 with ``Retry-After``)."""
    station = selectors.open_stations().filter(pk=station_id).first()
    if station is None:
        raise ApiError(404, _("未找到"))
    ratelimit.check(request, "stations.report", target=station.pk)
    r = services.report_problem(
        station=station, kind=payload.kind, rating=payload.rating, text=payload.text,
        worker_account=getattr(request, "worker_account", None),
    )  # fmt: skip
    return Status(201, {"id": r.pk, "kind": r.kind, "state": r.state})
