"""Reads for stations: the nearest-station finder, map viewport, scoped lists, targets."""

import datetime
import math
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet
from django.utils import timezone

from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_q
from gonghui.people.scope import scope_for

from . import geo
from .hours import is_open, ranges_on
from .models import Amenity, BuildTarget, CheckIn, Station, StationException, StationStatus

FIRST_RADIUS_M = 1_000
MAX_RADIUS_M = 4_000_000  # from here on, search everywhere (China spans ~5,000 km)


@dataclass
class Found:
    station: Station
    distance_m: float
    open_now: bool
    today: list


def open_stations() -> QuerySet[Station]:
    return Station.objects.filter(status=StationStatus.OPEN)


def _exceptions(ids, days) -> dict[int, dict]:
    out: dict[int, dict] = {}
    rows = StationException.objects.filter(station_id__in=ids, date__in=days)
    for sid, day, ranges in rows.values_list("station_id", "date", "ranges"):
        out.setdefault(sid, {})[day] = ranges
    return out


def amenity_mask(codes) -> int | None:
    """Bit mask for amenity codes; None when a code is unknown (nothing can match)."""
    bits = dict(Amenity.objects.filter(code__in=set(codes)).values_list("code", "bit"))
    if len(bits) != len(set(codes)):
        return None
    return sum(1 << b for b in bits.values())


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
    """The ``k`` nearest open stations (WGS-84 input) matching the filters, nearest first.

    Searches a growing box around the point on the (status, lat, lng) index: once ``k``
    matches lie inside the circle that fits in the box, no station outside can be nearer.
    """
    now = timezone.localtime(now or timezone.now())
    today, yesterday = now.date(), now.date() - datetime.timedelta(days=1)
    qs = open_stations()
    if amenities:
        mask = amenity_mask(amenities)
        if mask is None:
            return []
        qs = qs.annotate(_m=F("amenity_bits").bitand(mask)).filter(_m=mask)
    if type_code:
        qs = qs.filter(type__code=type_code)
    fields = ("id", "lat", "lng", "hours")
    radius = FIRST_RADIUS_M
    seen: dict[int, tuple] = {}
    while True:
        if radius >= MAX_RADIUS_M:  # last round: no box, whatever is left anywhere
            box, radius = qs, math.inf
        else:
            min_lat, max_lat, min_lng, max_lng = geo.bbox_around(lat, lng, radius)
            box = qs.filter(lat__gte=min_lat, lat__lte=max_lat, lng__gte=min_lng, lng__lte=max_lng)
        rows = [r for r in box.values_list(*fields) if r[0] not in seen]
        exc = _exceptions([r[0] for r in rows], [today, yesterday]) if open_now else {}
        for sid, slat, slng, hours in rows:
            if open_now and not is_open(hours, now, exc.get(sid)):
                seen[sid] = None
                continue
            seen[sid] = (geo.haversine_m(lat, lng, slat, slng), hours)
        inside = sorted(
            (d, sid) for sid, v in seen.items() if v is not None and (d := v[0]) <= radius
        )
        if len(inside) >= k or radius >= MAX_RADIUS_M:
            break
        radius *= 4
    chosen = inside[:k]
    stations = Station.objects.select_related("type").in_bulk([sid for _d, sid in chosen])
    exc = _exceptions([sid for _d, sid in chosen], [today, yesterday])
    out = []
    for distance, sid in chosen:
        s = stations[sid]
        out.append(
            Found(
                station=s,
                distance_m=round(distance, 1),
                open_now=is_open(s.hours, now, exc.get(sid)),
                today=ranges_on(s.hours, today, exc.get(sid)),
            )
        )
    return out


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


def target_progress(org: Org, year: int) -> list[dict]:
    """Build targets for ``org`` and each org directly under it, with stations that reached
    "open" in ``year`` counted under each."""
    orgs = [org, *Org.objects.filter(parent=org).order_by("sort_order", "code")]
    targets = {
        (t.org_id, t.type_id): t.count for t in BuildTarget.objects.filter(org__in=orgs, year=year)
    }
    rows = []
    for o in orgs:
        opened = (
            Station.objects.filter(subtree_q([o.path], "org"), opened_on__year=year)
            .values("type_id", "type__code", "type__name")
            .annotate(n=Count("id"))
        )
        done = {r["type_id"]: r for r in opened}
        type_ids = {t for (oid, t) in targets if oid == o.pk} | set(done)
        for type_id in sorted(type_ids):
            target = targets.get((o.pk, type_id))
            n = done[type_id]["n"] if type_id in done else 0
            rows.append({
                "org": o.code, "org_name": o.name, "type_id": type_id,
                "target": target, "opened": n,
                "progress": round(n / target, 4) if target else None,
            })  # fmt: skip
    from .models import StationType

    names = dict(StationType.objects.values_list("id", "code"))
    for r in rows:
        r["type"] = names.get(r.pop("type_id"))
    return rows


def checkin_stats(qs: QuerySet[Station], days: int = 30) -> dict:
    since = timezone.now() - datetime.timedelta(days=days)
    checkins = CheckIn.objects.filter(station__in=qs, created_at__gte=since)
    by_district = checkins.values("station__district__code").annotate(n=Count("id"))
    return {
        "total": checkins.count(),
        "by_district": {r["station__district__code"]: r["n"] for r in by_district},
    }
