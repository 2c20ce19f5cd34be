"""Stations (暖心驿站, 职工之家, service points) inside each district: WGS-84 coordinates drawn
around the district's centres and kept inside its bounding box. The shares of amenities,
hours, statuses and types (``layout``) are the ones bench/finder_data.py lays out its sets with."""

import datetime
import math

from gonghui.stations.models import Amenity, Station, StationType

from .layout import AMENITY_SHARE, HOST_KINDS, HOURS, STATUSES, TYPES
from .scales import NOW

# Bounding boxes (min lat, max lat, min lng, max lng; WGS-84, rounded outwards) and a centre
# where stations concentrate, per district code.
DISTRICT_BOXES = {
    "BJ-DC": ((39.85, 39.97, 116.38, 116.45), (39.92, 116.42)),
    "BJ-XC": ((39.86, 39.97, 116.30, 116.40), (39.91, 116.36)),
    "BJ-CY": ((39.81, 40.10, 116.40, 116.64), (39.95, 116.47)),
    "BJ-FT": ((39.78, 39.90, 116.10, 116.44), (39.86, 116.29)),
    "BJ-SJS": ((39.87, 39.96, 116.13, 116.25), (39.91, 116.20)),
    "BJ-HD": ((39.89, 40.16, 116.05, 116.39), (39.98, 116.31)),
    "BJ-MTG": ((39.83, 40.17, 115.42, 116.18), (39.94, 116.10)),
    "BJ-FS": ((39.46, 39.92, 115.42, 116.22), (39.73, 116.14)),
    "BJ-TZ": ((39.62, 40.03, 116.54, 116.93), (39.91, 116.66)),
    "BJ-SY": ((40.00, 40.30, 116.46, 116.97), (40.13, 116.65)),
    "BJ-CP": ((40.03, 40.39, 115.95, 116.48), (40.22, 116.23)),
    "BJ-DX": ((39.44, 39.81, 116.22, 116.65), (39.73, 116.34)),
    "BJ-HR": ((40.23, 41.06, 116.17, 116.80), (40.32, 116.63)),
    "BJ-PG": ((40.02, 40.36, 116.94, 117.50), (40.14, 117.12)),
    "BJ-MY": ((40.22, 40.80, 116.65, 117.34), (40.38, 116.84)),
    "BJ-YQ": ((40.28, 40.72, 115.68, 116.35), (40.47, 115.97)),
    "BJ-JK": ((39.74, 39.82, 116.47, 116.60), (39.79, 116.51)),
}
BEIJING_BOX = (39.44, 41.06, 115.42, 117.50)
HOST_NAMES = {
    "bank": "银行支行", "gas_station": "加油站", "union_office": "工会服务站", "shop": "便利店",
    "park": "公园管理处", "community": "社区服务中心", "other": "服务点",
}  # fmt: skip
ROADS = (
    "长安街 建国路 朝阳路 中关村大街 学院路 复兴路 京顺路 京开路 通惠河北路 西三环 东四环 龙域中街"
)


def weighted(rng, pairs):
    return rng.choices([v for _w, v in pairs], [w for w, _v in pairs])[0]


def point_in(rng, code: str) -> tuple[float, float]:
    """A point inside the district's box: around its centre (85 %) or anywhere in it."""
    (min_lat, max_lat, min_lng, max_lng), (clat, clng) = DISTRICT_BOXES.get(
        code, (BEIJING_BOX, (39.91, 116.40))
    )
    sigma = (max_lat - min_lat) / 5
    while True:
        if rng.random() < 0.15:
            lat, lng = rng.uniform(min_lat, max_lat), rng.uniform(min_lng, max_lng)
        else:
            lat = rng.gauss(clat, sigma)
            lng = rng.gauss(clng, sigma / math.cos(math.radians(clat)))
        if min_lat <= lat <= max_lat and min_lng <= lng <= max_lng:
            return round(lat, 7), round(lng, 7)


def write_stations(writer, rng, tree, count: int) -> dict:
    """Returns {district id: [open station ids]} for the sessions held at stations."""
    types = dict(StationType.objects.values_list("code", "pk"))
    bits = dict(Amenity.objects.values_list("code", "bit"))
    first = writer.next_id(Station)
    d_list = tree.districts
    d_weights = [tree.weights[d.pk] for d in d_list]
    roads = ROADS.split()
    open_by_district: dict[int, list[int]] = {d.pk: [] for d in d_list}

    def rows():
        for i in range(count):
            pk = first + i
            district = d_list[i] if i < len(d_list) else rng.choices(d_list, d_weights)[0]
            street = rng.choice(tree.streets[district.pk])
            lat, lng = point_in(rng, district.code)
            amenities = sorted(c for c, share in AMENITY_SHARE.items() if rng.random() < share)
            amenities = [c for c in amenities if c in bits]
            status = weighted(rng, STATUSES)
            kind = weighted(rng, TYPES)
            host = rng.choice(HOST_KINDS)
            built = rng.randint(2016, 2025)
            opened = closed = None
            if status in ("open", "suspended", "closed"):
                opened = datetime.date(built, rng.randint(1, 12), rng.randint(1, 28))
            if status == "closed":
                closed = min(NOW.date(), opened + datetime.timedelta(days=rng.randint(200, 1500)))
            if status == "open":
                open_by_district[district.pk].append(pk)
            stem = street.name.removesuffix("总工会").removesuffix("工会")
            label = "职工之家" if kind == "worker_home" else "暖心驿站"
            at = datetime.datetime(built, 1, 1, 9, tzinfo=NOW.tzinfo)
            yield {
                "id": pk, "type_id": types[kind], "name": f"{stem}{label}{pk:06d}",
                "host_kind": host, "host_name": f"{stem}{HOST_NAMES[host]}",
                "org_id": street.pk, "district_id": district.pk,
                "address": f"{rng.choice(roads)}{rng.randint(1, 300)}号",
                "lat": lat, "lng": lng, "amenities": amenities,
                "amenity_bits": sum(1 << bits[c] for c in amenities),
                "hours": weighted(rng, HOURS), "capacity": rng.randint(5, 50),
                "contact_phone": "", "status": status, "opened_on": opened, "closed_on": closed,
                "built_year": built, "qr_token": f"syn{pk:010d}", "created_at": at,
                "updated_at": at,
            }  # fmt: skip

    writer.write(Station, rows())
    return open_by_district
