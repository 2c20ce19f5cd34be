"""Coordinates: datum conversion against published points, distances against an independent
formula, the China bounds and the finder's search box."""

import math

import pytest

from gonghui.stations import geo

from .factories import TIANANMEN

# googollee/eviltransform's published test vectors: (WGS-84 lat, lng, GCJ-02 lat, lng).
GCJ_VECTORS = [
    ("shanghai", 31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    ("shenzhen", 22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    ("beijing", 39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
]

KNOWN_POINTS = {
    "天安门": TIANANMEN,
    "北京西站": (39.8946, 116.3214),
    "上海外滩": (31.2400, 121.4900),
    "上海浦东机场": (31.1443, 121.8083),
    "深圳市民中心": (22.5431, 114.0579),
    "深圳宝安机场": (22.6393, 113.8107),
}


def vincenty_m(lat1, lng1, lat2, lng2) -> float:
    """Vincenty's inverse formula on the WGS-84 ellipsoid (independent of ``geo``)."""
    a, f = 6_378_137.0, 1 / 298.257223563
    b = (1 - f) * a
    u1, u2 = (
        math.atan((1 - f) * math.tan(math.radians(lat1))),
        math.atan((1 - f) * math.tan(math.radians(lat2))),
    )
    big_l = math.radians(lng2 - lng1)
    lam = big_l
    for _ in range(200):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(
            math.cos(u2) * sin_lam,
            math.cos(u1) * math.sin(u2) - math.sin(u1) * math.cos(u2) * cos_lam,
        )
        if sin_sigma == 0:
            return 0.0
        cos_sigma = math.sin(u1) * math.sin(u2) + math.cos(u1) * math.cos(u2) * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = math.cos(u1) * math.cos(u2) * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha**2
        cos_2sm = cos_sigma - 2 * math.sin(u1) * math.sin(u2) / cos2_alpha if cos2_alpha else 0.0
        c = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
        previous = lam
        lam = big_l + (1 - c) * f * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2))
        )
        if abs(lam - previous) < 1e-12:
            break
    u_sq = cos2_alpha * (a**2 - b**2) / b**2
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta_sigma = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4
            * (
                cos_sigma * (-1 + 2 * cos_2sm**2)
                - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)
            )
        )
    )
    return b * big_a * (sigma - delta_sigma)


# --- conversion -------------------------------------------------------------------------------


@pytest.mark.parametrize(("place", "wlat", "wlng", "glat", "glng"), GCJ_VECTORS)
def test_wgs_to_gcj_matches_published_vectors(place, wlat, wlng, glat, glng):
    lat, lng = geo.from_wgs84(wlat, wlng, "gcj02")
    assert geo.haversine_m(lat, lng, glat, glng) < 0.05, place
    # the offset is real: hundreds of metres
    assert 300 < geo.haversine_m(wlat, wlng, glat, glng) < 1000
    # and the precise inverse brings the published GCJ point back onto the WGS point
    back = geo.to_wgs84(glat, glng, "gcj02")
    assert geo.haversine_m(*back, wlat, wlng) < 0.5, place


def test_gcj_to_bd_matches_published_vector():
    # wandergis/coordtransform's published vector:
    # gcj02tobd09(116.404, 39.915) = (116.41036949371029, 39.92133699351021)
    # from_wgs84(…, "bd09") is GCJ→BD applied after WGS→GCJ; check the BD step through a
    # WGS point whose GCJ image is (39.915, 116.404).
    wgs = geo.to_wgs84(39.915, 116.404, "gcj02")
    bd = geo.from_wgs84(*wgs, "bd09")
    assert geo.haversine_m(*bd, 39.92133699351021, 116.41036949371029) < 0.5


def test_tiananmen_offsets_are_hundreds_of_metres():
    gcj = geo.from_wgs84(*TIANANMEN, "gcj02")
    bd = geo.from_wgs84(*TIANANMEN, "bd09")
    # GCJ-02 in Beijing moves points ~500-600 m north-east; BD-09 adds another ~800 m.
    assert 400 < geo.haversine_m(*TIANANMEN, *gcj) < 800
    assert gcj[0] > TIANANMEN[0] and gcj[1] > TIANANMEN[1]
    assert 1000 < geo.haversine_m(*TIANANMEN, *bd) < 1800


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
@pytest.mark.parametrize("place", sorted(KNOWN_POINTS))
def test_round_trip_within_half_a_metre(place, system):
    lat, lng = KNOWN_POINTS[place]
    converted = geo.from_wgs84(lat, lng, system)
    assert geo.haversine_m(lat, lng, *converted) > 100  # a conversion really happened
    back = geo.to_wgs84(*converted, system)
    assert geo.haversine_m(lat, lng, *back) < 0.5


def test_wgs84_is_identity_and_unknown_system_raises():
    assert geo.to_wgs84(*TIANANMEN, "wgs84") == TIANANMEN
    assert geo.from_wgs84(*TIANANMEN, "wgs84") == TIANANMEN
    with pytest.raises(ValueError, match="unknown coordinate system"):
        geo.to_wgs84(*TIANANMEN, "epsg3857")


# --- distance ---------------------------------------------------------------------------------


def test_beijing_shanghai_distance():
    # 北京 (39.9042, 116.4074) – 上海 (31.2304, 121.4737): about 1,067 km great-circle
    d = geo.haversine_m(39.9042, 116.4074, 31.2304, 121.4737)
    assert d == pytest.approx(1_067_000, rel=0.01)
    assert d == pytest.approx(vincenty_m(39.9042, 116.4074, 31.2304, 121.4737), rel=0.005)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (TIANANMEN, TIANANMEN),
        (TIANANMEN, (39.9187, 116.3975)),  # 1.112 km due north (0.01° of latitude)
        (TIANANMEN, (39.9087, 116.4075)),
        (KNOWN_POINTS["上海外滩"], KNOWN_POINTS["上海浦东机场"]),
        (KNOWN_POINTS["深圳市民中心"], KNOWN_POINTS["深圳宝安机场"]),
        (TIANANMEN, KNOWN_POINTS["深圳市民中心"]),
        ((48.36, 134.30), (39.47, 75.99)),  # 抚远 – 喀什, across the whole country
    ],
)
def test_haversine_agrees_with_vincenty(a, b):
    h, v = geo.haversine_m(*a, *b), vincenty_m(*a, *b)
    # a sphere vs the ellipsoid: within 0.5 % (plus float noise at zero)
    assert h == pytest.approx(v, rel=0.005, abs=1e-6)
    assert geo.haversine_m(*b, *a) == pytest.approx(h)


def test_haversine_one_hundredth_degree_of_latitude():
    d = geo.haversine_m(39.9087, 116.3975, 39.9187, 116.3975)
    assert d == pytest.approx(math.radians(0.01) * geo.EARTH_RADIUS_M, rel=1e-9)
    assert d == pytest.approx(1112, abs=1)


# --- bounds and the search box ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lng", "inside"),
    [
        (*TIANANMEN, True),
        (31.24, 121.49, True),  # 上海
        (22.28, 114.16, True),  # 香港
        (25.03, 121.56, True),  # 台北
        (18.25, 109.51, True),  # 三亚
        (53.48, 122.37, True),  # 漠河
        (39.47, 75.99, True),  # 喀什
        (116.3975, 39.9087, False),  # latitude and longitude swapped
        (40.7128, -74.0060, False),  # New York
        (51.5074, -0.1278, False),  # London
        (-33.87, 151.21, False),  # Sydney
        (55.0, 116.0, False),
        (39.9, 72.9, False),
        (39.9, 136.1, False),
    ],
)
def test_in_china(lat, lng, inside):
    assert geo.in_china(lat, lng) is inside


@pytest.mark.parametrize("radius", [1_000, 64_000, 1_024_000, 4_096_000])
@pytest.mark.parametrize("center", [TIANANMEN, (22.5, 114.0), (48.36, 134.30)])
def test_bbox_contains_the_whole_circle(center, radius):
    """Walk the circle of ``radius`` around ``center``: every point lies in the box (the
    finder's "no station outside the box is nearer" relies on it)."""
    min_lat, max_lat, min_lng, max_lng = geo.bbox_around(*center, radius)
    d = radius / geo.EARTH_RADIUS_M
    p1, l1 = math.radians(center[0]), math.radians(center[1])
    for i in range(3600):
        bearing = math.radians(i / 10)
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
        l2 = l1 + math.atan2(
            math.sin(bearing) * math.sin(d) * math.cos(p1),
            math.cos(d) - math.sin(p1) * math.sin(p2),
        )
        lat, lng = math.degrees(p2), math.degrees(l2)
        assert min_lat - 1e-9 <= lat <= max_lat + 1e-9, (i / 10, lat)
        assert min_lng - 1e-9 <= lng <= max_lng + 1e-9, (i / 10, lng)
