"""Reads for stations: the nearest-station finder, map viewport, scoped lists, targets."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from gonghui.core.reference_cache import cached, drop_on_change
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import districts, get_by_code, subtree_q
from gonghui.people.scope import scope_for

from . import finder
from .models import (
    Amenity,
    BuildTarget,
    CheckIn,
    Report,
    Station,
    StationStatus,
    StationType,
    StatusRequest,
)

# Fallback centre points (WGS-84, roughly each district's government seat) for districts
# without open stations yet. Otherwise the centre is the mean of its open stations.
DISTRICT_CENTRES: dict[str, tuple[float, float]] = {
    "BJ-DC": (39.9288, 116.4160),  # 东城
    "BJ-XC": (39.9123, 116.3660),  # 西城
    "BJ-CY": (39.9215, 116.4430),  # 朝阳
    "BJ-FT": (39.8585, 116.2870),  # 丰台
    "BJ-SJS": (39.9056, 116.2230),  # 石景山
    "BJ-HD": (39.9593, 116.2980),  # 海淀
    "BJ-MTG": (39.9405, 116.1020),  # 门头沟
    "BJ-FS": (39.7350, 116.1430),  # 房山
    "BJ-TZ": (39.9097, 116.6567),  # 通州
    "BJ-SY": (40.1300, 116.6545),  # 顺义
    "BJ-CP": (40.2207, 116.2312),  # 昌平
    "BJ-DX": (39.7270, 116.3413),  # 大兴
    "BJ-HR": (40.3160, 116.6318),  # 怀柔
    "BJ-PG": (40.1406, 117.1213),  # 平谷
    "BJ-MY": (40.3770, 116.8430),  # 密云
    "BJ-YQ": (40.4565, 115.9750),  # 延庆
    "BJ-JK": (39.7950, 116.5060),  # 经开区
}
# A safety net only: a change of the stations moves the token, so the key, at once.
CENTRES_CACHE_SECONDS = 3600
# The finder pages' reference lists (core.reference_cache: dropped when a row is saved or
# deleted through the ORM, else after its TTL)
AMENITIES, DISTRICTS = "stations:amenities", "stations:districts"


@dataclass
class Found:
    station: Station
    distance_m: float
    open_now: bool
    today: list


def open_stations() -> QuerySet[Station]:
    return Station.objects.filter(status=StationStatus.OPEN)


def _district_centres() -> dict[str, list[float]]:
    centres = {code: [lat, lng] for code, (lat, lng) in DISTRICT_CENTRES.items()}
    rows = open_stations().values("district__code").annotate(lat=Avg("lat"), lng=Avg("lng"))
    for r in rows.order_by():
        centres[r["district__code"]] = [round(r["lat"], 6), round(r["lng"], 6)]
    return centres


def district_centres() -> dict[str, list[float]]:
    """Each district's centre: the mean of its open stations, else the fixed table.

    An aggregate over every station, so it is cached (Django's cache: Redis when configured,
    shared by every process and host) under the finder's version token, which the database's
    triggers change in the same transaction as any write to a station's status, place or
    district (migrations 0005, 0007), COPY and raw SQL included: a page view costs one
    primary-key read, and a committed change is seen by the next view everywhere."""
    token = finder.current_token()
    if token is None:  # no version row (a flushed test database): nothing to key on
        return _district_centres()
    key = f"stations:district-centres:{connection.settings_dict['NAME']}:{token}"
    centres = cache.get(key)
    if centres is None:
        centres = _district_centres()
        cache.set(key, centres, CENTRES_CACHE_SECONDS)
    return centres


def page_version() -> tuple[int, int] | None:
    """What the public station pages' cached parts are kept under: the finder's two tokens
    (``FinderVersion``: between them they move on every write to a station, its photos, its
    date exceptions, an org or a station type), read in one primary-key look-up. None without
    the version row (a flushed test database): nothing to key on, so nothing is cached."""
    token, rows_token = finder.current_tokens()
    return None if token is None or rows_token is None else (token, rows_token)


def amenities() -> list[Amenity]:
    """Every amenity, by bit: the finder's checkboxes and the tags of a station."""
    return cached(AMENITIES, lambda: list(Amenity.objects.order_by("bit")))


def finder_districts() -> list[Org]:
    """The active district unions of the finder's select, in their order."""
    return cached(DISTRICTS, lambda: list(districts()))


drop_on_change(Amenity, AMENITIES)
drop_on_change(Org, DISTRICTS)


def amenity_mask(codes) -> int | None:
    """Bit mask for amenity codes; None when a code is unknown (nothing can match)."""
    return finder.current_index().mask_for(codes)


def nearest(
    lat: float,
    lng: float,
    *,
    k: int = 10,
    amenities=(),
    open_now: bool = False,
    type_code: str = "",
    now: datetime.datetime | None = None,
) -> list[Found]:
    """The ``k`` nearest open stations (WGS-84 input) matching the filters, nearest first
    (ties by id), from this process's in-memory index (``finder.py``), then the ``k``
    stations themselves in one query (which also confirms the index was current)."""
    now = timezone.localtime(now or timezone.now())
    hits, stations = finder.find(
        lat, lng, k=k, amenities=amenities, type_code=type_code, now=now, open_now=open_now
    )
    return [
        Found(stations[h.station_id], h.distance_m, h.open_now, h.today)
        for h in hits
        if h.station_id in stations  # deleted since the token was read
    ]


def in_bbox(min_lng: float, min_lat: float, max_lng: float, max_lat: float) -> QuerySet[Station]:
    return (
        open_stations()
        .filter(lat__gte=min_lat, lat__lte=max_lat, lng__gte=min_lng, lng__lte=max_lng)
        .select_related("type")
        .order_by("id")
    )


def visible_stations(user) -> QuerySet[Station]:
    """Stations a staff user may see in the console: responsible org or district in scope."""
    scope = scope_for(user, "stations.view")
    qs = Station.objects.select_related("type", "org", "district")
    return qs if scope.everything else qs.filter(scope.q("org") | scope.q("district"))


def assignable_stations(user) -> QuerySet[Station]:
    """Stations a staff user may hold activities at: visible to them and not closed."""
    return visible_stations(user).exclude(status=StationStatus.CLOSED)


def search_stations(
    user, *, q: str = "", district: str = "", type_code: str = "", status: str = "", amenity=""
) -> QuerySet[Station]:
    """The console's station list: ``visible_stations`` by name/address text, district code,
    type code, status and one amenity code (an unknown amenity matches nothing), by id."""
    qs = visible_stations(user)
    if q := (q or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if district:
        qs = qs.filter(district__code=district)
    if type_code:
        qs = qs.filter(type__code=type_code)
    if status:
        qs = qs.filter(status=status)
    if amenity:
        mask = amenity_mask([amenity])
        qs = (
            qs.none()
            if mask is None
            else qs.annotate(_m=F("amenity_bits").bitand(mask)).filter(_m=mask)
        )
    return qs.order_by("id")


def stations_under(user, org: Org) -> QuerySet[Station]:
    """Visible stations whose responsible org or district lies in ``org``'s subtree."""
    return visible_stations(user).filter(
        subtree_q([org.path], "org") | subtree_q([org.path], "district")
    )


def targets_org(user, code: str = "") -> Org | None:
    """The org whose build targets to show: ``code``, or the top of the user's
    ``stations.view`` scope without one; None when absent or outside the scope."""
    scope = scope_for(user, "stations.view")
    org = get_by_code(code) if code else scope.orgs().order_by("depth", "path").first()
    return org if org is not None and scope.contains(org) else None


def reviewable_requests(user, *, pending: bool | None = None) -> QuerySet[StatusRequest]:
    """Open/close requests for stations whose org is in the user's ``stations.review`` scope:
    all of them (``pending=None``), the waiting ones oldest first (True) or the decided ones
    latest decision first (False)."""
    qs = scope_for(user, "stations.review").filter(StatusRequest.objects.all(), "station__org")
    qs = qs.select_related(
        "station", "station__org", "station__district", "requested_by", "reviewed_by"
    )
    if pending is None:
        return qs
    if pending:
        return qs.filter(state=StatusRequest.State.PENDING).order_by("created_at", "id")
    return qs.exclude(state=StatusRequest.State.PENDING).order_by("-reviewed_at", "-id")


def managed_reports(user, *, state: str = "") -> QuerySet[Report]:
    """Ratings and problem reports for stations whose org is in the user's
    ``stations.manage`` scope, in one ``state`` (all without one), newest first."""
    qs = scope_for(user, "stations.manage").filter(Report.objects.all(), "station__org")
    qs = qs.select_related("station", "worker_account", "appeal")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def target_progress(org: Org, year: int) -> list[dict]:
    """Build targets for ``org`` and each org directly under it, with stations that reached
    "open" in ``year`` counted under each (one grouped query, folded by path)."""
    orgs = [org, *Org.objects.filter(parent=org).order_by("sort_order", "code")]
    targets = {
        (t.org_id, t.type_id): t.count for t in BuildTarget.objects.filter(org__in=orgs, year=year)
    }
    opened_rows = (
        Station.objects.filter(subtree_q([org.path], "org"), opened_on__year=year)
        .order_by()
        .values("org__path", "type_id")
        .annotate(n=Count("*"))
    )
    rows = []
    for o in orgs:
        done: dict[int, int] = {}
        for r in opened_rows:
            if r["org__path"].startswith(o.path):
                done[r["type_id"]] = done.get(r["type_id"], 0) + r["n"]
        type_ids = {t for (oid, t) in targets if oid == o.pk} | set(done)
        for type_id in sorted(type_ids):
            target = targets.get((o.pk, type_id))
            n = done.get(type_id, 0)
            rows.append({
                "org": o.code, "org_name": o.name, "type_id": type_id,
                "target": target, "opened": n,
                "progress": round(n / target, 4) if target else None,
            })  # fmt: skip

    names = dict(StationType.objects.values_list("id", "code"))
    for r in rows:
        r["type"] = names.get(r.pop("type_id"))
    return rows


def checkin_stats(qs: QuerySet[Station], days: int = 30) -> dict:
    """Usage over the last ``days``: check-ins in total, per day, per district and for the
    busiest stations, and worker ratings (average and count)."""
    from django.db.models import Avg
    from django.db.models.functions import TruncDate

    from gonghui.core.workdays import SHANGHAI

    since = timezone.now() - datetime.timedelta(days=days)
    checkins = CheckIn.objects.filter(station__in=qs, created_at__gte=since)
    by_district = checkins.values("station__district__code").annotate(n=Count("id"))
    by_day = (
        checkins.annotate(day=TruncDate("created_at", tzinfo=SHANGHAI))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    top = (
        checkins.values("station_id", "station__name")
        .annotate(n=Count("id"))
        .order_by("-n", "station_id")[:10]
    )
    ratings = Report.objects.filter(
        station__in=qs, kind=Report.Kind.RATING, created_at__gte=since
    ).aggregate(avg=Avg("rating"), n=Count("id"))
    return {
        "total": checkins.count(),
        "by_district": {r["station__district__code"]: r["n"] for r in by_district},
        "by_day": [{"day": r["day"].isoformat(), "n": r["n"]} for r in by_day],
        "top_stations": [
            {"id": r["station_id"], "name": r["station__name"], "n": r["n"]} for r in top
        ],
        "rating_avg": round(ratings["avg"], 2) if ratings["avg"] is not None else None,
        "rating_count": ratings["n"],
    }


def map_points(org: Org) -> list[tuple[float, float, str]]:
    """(lng, lat, type name) of the open stations whose org lies in ``org``'s subtree, for
    dashboard maps (WGS-84, rounded to ~10 m)."""
    names = dict(StationType.objects.values_list("id", "name"))
    rows = (
        open_stations()
        .filter(subtree_q([org.path], "org"))
        .order_by()
        .values_list("lng", "lat", "type_id")
    )
    return [(round(lng, 4), round(lat, 4), names.get(t, "")) for lng, lat, t in rows]


def type_names() -> dict[str, str]:
    """Station type code → name (for showing ``target_progress`` rows by name)."""
    return dict(StationType.objects.values_list("code", "name"))


# --- public reads (the Open311 interface): station, place and kind only, never the text ------


def public_problem_reports(
    *,
    ids=None,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    handled: bool | None = None,
    limit: int = 1000,
) -> list[dict]:
    """Problem reports (not ratings) still in the stations' own queue — an escalated one is a
    12351 appeal and is shown as that (``stations_of_appeals``) — as plain rows: id, kind,
    state, created_at and the station's name, address, WGS-84 point and org name; never the
    worker's text or account. ``ids`` ignores the other filters; ``handled`` True/False
    selects handled or open ones. Newest first, at most ``limit``."""
    qs = Report.objects.exclude(kind=Report.Kind.RATING).filter(appeal__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    else:
        if start is not None:
            qs = qs.filter(created_at__gte=start)
        if end is not None:
            qs = qs.filter(created_at__lte=end)
        if handled is True:
            qs = qs.filter(state=Report.State.HANDLED)
        elif handled is False:
            qs = qs.filter(state=Report.State.OPEN)
    rows = qs.order_by("-created_at", "-id").values(
        "id", "kind", "state", "created_at", "station__name", "station__address",
        "station__lat", "station__lng", "station__org__name",
    )[:limit]  # fmt: skip
    return [dict(r, kind_label=str(Report.Kind(r["kind"]).label)) for r in rows]


def stations_of_appeals(appeal_ids) -> dict[int, dict]:
    """For appeals filed from a station problem report: appeal id → the station's name,
    address and WGS-84 point (``lat``, ``lng``)."""
    rows = (
        Report.objects.filter(appeal_id__in=list(appeal_ids))
        .order_by("id")
        .values("appeal_id", "station__name", "station__address", "station__lat", "station__lng")
    )
    return {
        r["appeal_id"]: {
            "name": r["station__name"],
            "address": r["station__address"],
            "lat": r["station__lat"],
            "lng": r["station__lng"],
        }
        for r in rows
    }


def station_report_kinds() -> dict[str, str]:
    """The problem kinds a worker can report on a station (code → label), ratings aside."""
    return {k.value: str(k.label) for k in Report.Kind if k != Report.Kind.RATING}
