"""Reads for stations: the nearest-station finder, map viewport, scoped lists, targets."""

import datetime
import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, QuerySet
from django.utils import timezone

from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_q
from gonghui.people.scope import scope_for

from . import geo
from .hours import is_open, ranges_on
from .models import (
    Amenity,
    BuildTarget,
    CheckIn,
    Station,
    StationException,
    StationStatus,
    StationType,
)

FIRST_RADIUS_M = 2_000
MAX_RADIUS_M = 4_000_000  # from here on, search everywhere (China spans ~5,000 km)
_RELATED = ("type", "org", "district")  # what the API's station_out reads


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


# The finder's per-round query, hand-written: building it with the ORM took longer than
# running it (bench/finder.py). Clauses are appended as needed; every value is a parameter.
# Table names come from the models (never from input).
_RING_SQL = f"SELECT id, lat, lng FROM {Station._meta.db_table} WHERE status = %s"  # noqa: S608
_AMENITY_SQL = " AND (amenity_bits & %s) = %s"
_TYPE_SQL = f" AND type_id IN (SELECT id FROM {StationType._meta.db_table} WHERE code = %s)"  # noqa: S608
_IN_BOX_SQL = " AND lat >= %s AND lat <= %s AND lng >= %s AND lng <= %s"
_NOT_IN_BOX_SQL = " AND NOT (lat >= %s AND lat <= %s AND lng >= %s AND lng <= %s)"


def _first_open(found, k: int, verdict: dict, evaluate) -> list:
    """The first ``k`` of ``found`` (sorted by distance) that are open now. Verdicts are
    worked out lazily, nearest first, in small batches (``evaluate(ids)`` fills ``verdict``)."""
    while True:
        out, todo = [], []
        for d, sid in found:
            v = verdict.get(sid)
            if v is None:
                todo.append(sid)
                if len(todo) >= 2 * (k - len(out)) + 8:
                    break
            elif v and not todo:
                out.append((d, sid))
                if len(out) == k:
                    return out
        if not todo:
            return out
        evaluate(todo)


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
    Each round fetches only the ring the previous box did not cover, and only (id, lat, lng);
    once ``k`` matches are known, the next box is sized to the k-th distance, so that round
    is the last. Open-now is worked out for the nearest candidates only (``_first_open``).
    """
    now = timezone.localtime(now or timezone.now())
    days = [now.date(), now.date() - datetime.timedelta(days=1)]
    sql, params = _RING_SQL, [StationStatus.OPEN.value]
    if amenities:
        mask = amenity_mask(amenities)
        if mask is None:
            return []
        sql, params = sql + _AMENITY_SQL, [*params, mask, mask]
    if type_code:
        sql, params = sql + _TYPE_SQL, [*params, type_code]
    stations: dict[int, Station] = {}
    exc: dict[int, dict] = {}
    verdict: dict[int, bool] = {}

    def load(ids):
        ids = [i for i in ids if i not in stations]
        stations.update(Station.objects.select_related(*_RELATED).in_bulk(ids))
        exc.update(_exceptions(ids, days))

    def evaluate(ids):
        load(ids)
        for sid in ids:
            verdict[sid] = is_open(stations[sid].hours, now, exc.get(sid))

    found: list[tuple[float, int]] = []  # every match fetched so far, (distance, id), sorted
    radius, previous = FIRST_RADIUS_M, None
    while True:
        ring, ring_params = sql, list(params)
        if radius >= MAX_RADIUS_M:  # last round: no box, whatever is left anywhere
            box, radius = None, math.inf
        else:
            box = geo.bbox_around(lat, lng, radius)
            ring, ring_params = ring + _IN_BOX_SQL, [*ring_params, *box]
        if previous is not None:  # fetched already
            ring, ring_params = ring + _NOT_IN_BOX_SQL, [*ring_params, *previous]
        with connection.cursor() as cursor:
            cursor.execute(ring, ring_params)
            rows = cursor.fetchall()
        found.extend((geo.haversine_m(lat, lng, slat, slng), sid) for sid, slat, slng in rows)
        found.sort()
        if not open_now:
            matches = found[:k]
        elif len(found) >= k or box is None:
            matches = _first_open(found, k, verdict, evaluate)
        else:  # fewer than k candidates: widen, whatever their hours
            matches = []
        if box is None or (len(matches) >= k and matches[k - 1][0] <= radius):
            break
        previous = box
        # k matches known: no station outside the circle through the k-th can be nearer,
        # so a box around that circle is the last one.
        radius = matches[k - 1][0] if len(matches) >= k else radius * 4
    chosen = matches[:k]
    load([sid for _d, sid in chosen])
    out = []
    for distance, sid in chosen:
        s = stations[sid]
        out.append(
            Found(
                station=s,
                distance_m=round(distance, 1),
                open_now=verdict[sid] if sid in verdict else is_open(s.hours, now, exc.get(sid)),
                today=ranges_on(s.hours, days[0], exc.get(sid)),
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
    """Usage over the last ``days``: check-ins in total, per day, per district and for the
    busiest stations, and worker ratings (average and count)."""
    from django.db.models import Avg
    from django.db.models.functions import TruncDate

    from gonghui.core.workdays import SHANGHAI

    from .models import Report

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
