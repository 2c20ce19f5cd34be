"""Synthetic station sets for the finder benchmark: Beijing (clustered around district
centres) and national (clusters around major cities over a uniform background)."""

import datetime
import json
import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The shares are the ones `manage.py generate_data` draws its stations with (one place).
from gonghui.console.synthetic.layout import (
    AMENITY_SHARE,
    HOST_KINDS,
    HOURS,
    STATUSES,
    TYPES,
)

K = 10  # nearest-k measured everywhere

# --- synthetic data -----------------------------------------------------------------------------

BEIJING_BOX = (39.4, 41.1, 115.4, 117.5)  # min lat, max lat, min lng, max lng
# Where stations concentrate in Beijing: (lat, lng, weight, sigma in degrees of latitude).
BEIJING_CENTRES = [
    (39.9087, 116.3975, 40, 0.08),  # 天安门 / 城区
    (39.9965, 116.4706, 8, 0.03),  # 望京
    (39.9834, 116.3162, 8, 0.03),  # 中关村
    (39.9097, 116.6566, 6, 0.04),  # 通州
    (39.7950, 116.5060, 3, 0.03),  # 亦庄
    (39.7269, 116.3414, 5, 0.04),  # 大兴
    (40.2207, 116.2312, 4, 0.05),  # 昌平
    (40.1301, 116.6546, 4, 0.04),  # 顺义
    (39.7355, 116.1392, 3, 0.04),  # 房山
    (39.9405, 116.1017, 2, 0.03),  # 门头沟
    (40.3160, 116.6318, 2, 0.04),  # 怀柔
    (40.3769, 116.8430, 2, 0.04),  # 密云
    (40.1406, 117.1210, 2, 0.03),  # 平谷
    (40.4653, 115.9749, 1, 0.03),  # 延庆
]
# Populated China: ~50 big cities (lat, lng, weight ≈ urban population in millions) and a
# uniform background over the eastern half of the country.
CHINA_BOX = (21.0, 42.0, 100.0, 123.0)
CITIES = [
    (39.904, 116.407, 21), (31.230, 121.474, 24), (23.129, 113.264, 18), (22.543, 114.058, 17),
    (30.573, 104.066, 16), (29.563, 106.551, 16), (39.084, 117.201, 13), (30.593, 114.305, 12),
    (34.342, 108.940, 12), (30.274, 120.155, 12), (32.060, 118.797, 9), (34.747, 113.625, 12),
    (41.806, 123.432, 9), (31.299, 120.585, 12), (28.228, 112.939, 10), (36.067, 120.383, 10),
    (23.021, 113.752, 10), (45.803, 126.535, 10), (36.651, 117.120, 9), (31.821, 117.227, 9),
    (25.038, 102.718, 8), (38.914, 121.615, 7), (23.022, 113.122, 9), (26.075, 119.296, 8),
    (24.480, 118.089, 5), (38.042, 114.515, 11), (43.817, 125.324, 9), (22.817, 108.366, 8),
    (28.682, 115.858, 6), (26.647, 106.630, 6), (37.870, 112.549, 5), (29.868, 121.544, 9),
    (31.491, 120.312, 7), (43.825, 87.617, 4), (36.061, 103.834, 4), (40.842, 111.749, 3),
    (38.487, 106.231, 3), (36.617, 101.778, 2), (20.044, 110.199, 3), (29.652, 91.172, 1),
    (27.994, 120.699, 9), (34.205, 117.284, 9), (39.630, 118.180, 7), (35.104, 118.356, 11),
    (34.619, 112.454, 7), (31.980, 120.894, 7), (31.811, 119.974, 5), (37.464, 121.448, 7),
    (24.874, 118.676, 9), (40.658, 109.840, 3), (22.271, 113.577, 2), (36.707, 119.162, 9),
]  # fmt: skip
LAYOUTS = {
    "beijing": {"box": BEIJING_BOX, "background": 0.15, "centres": BEIJING_CENTRES},
    "national": {
        "box": CHINA_BOX,
        "background": 0.15,
        "centres": [(lat, lng, w, 0.04 * math.sqrt(w)) for lat, lng, w in CITIES],
    },
}


def parse_sets(spec: str) -> list[tuple[int, str]]:
    """``"16000,160000"`` → [(16000, "beijing"), (160000, "national")]: below 100,000 stations
    the Beijing layout, else the national one; ``N:beijing`` / ``N:national`` force it."""
    out = []
    for part in spec.split(","):
        n, _, layout = part.strip().partition(":")
        n = int(n.replace("_", ""))
        layout = layout or ("beijing" if n < 100_000 else "national")
        if layout not in LAYOUTS or n < K:
            raise SystemExit(f"--stations: bad set {part!r} (N[:beijing|national], N >= {K})")
        out.append((n, layout))
    return out


def points(layout: str, n: int, seed: int) -> list[tuple[float, float]]:
    """``n`` points drawn like the stations: around the centres, or uniform in the box."""
    cfg = LAYOUTS[layout]
    rng = random.Random(seed)
    min_lat, max_lat, min_lng, max_lng = cfg["box"]
    centres = cfg["centres"]
    weights = [c[2] for c in centres]
    out = []
    while len(out) < n:
        if rng.random() < cfg["background"]:
            lat, lng = rng.uniform(min_lat, max_lat), rng.uniform(min_lng, max_lng)
        else:
            clat, clng, _w, sigma = rng.choices(centres, weights)[0]
            lat = rng.gauss(clat, sigma)
            lng = rng.gauss(clng, sigma / math.cos(math.radians(clat)))
            if not (min_lat <= lat <= max_lat and min_lng <= lng <= max_lng):
                continue
        out.append((round(lat, 7), round(lng, 7)))
    return out


def _weighted(rng, pairs):
    return rng.choices([v for _w, v in pairs], [w for w, _v in pairs])[0]


def station_rows(n: int, layout: str, seed: int, bits: dict, ids: dict, districts: list) -> list:
    """Station rows as {column: value}; ids 1..n so every backend holds the same stations."""
    rng = random.Random(seed)
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    out = []
    for i, (lat, lng) in enumerate(points(layout, n, seed), start=1):
        amenities = sorted(c for c, share in AMENITY_SHARE.items() if rng.random() < share)
        status = _weighted(rng, STATUSES)
        district = rng.choice(districts)
        out.append({
            "id": i, "type_id": ids[_weighted(rng, TYPES)], "name": f"驿站{i:06d}",
            "host_kind": rng.choice(HOST_KINDS), "host_name": "", "org_id": district,
            "district_id": district, "address": f"测试路{i}号", "lat": lat, "lng": lng,
            "amenities": json.dumps(amenities),
            "amenity_bits": sum(1 << bits[c] for c in amenities),
            "hours": json.dumps(_weighted(rng, HOURS)), "capacity": rng.randint(5, 50),
            "contact_phone": "", "status": status,
            "opened_on": datetime.date(2024, 1, 1) if status == "open" else None,
            "closed_on": None, "built_year": rng.randint(2018, 2025),
            "qr_token": f"bench{i:010d}", "created_at": now, "updated_at": now,
        })  # fmt: skip
    return out
