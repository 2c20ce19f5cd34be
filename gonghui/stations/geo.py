"""Coordinates: conversion from Chinese map datums to WGS-84, and great-circle distance."""

import math

import prcoords

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
COORD_SYSTEMS = ("wgs84", "gcj02", "bd09")

# A generous box around mainland China, Hong Kong, Macau and Taiwan.
CHINA_LAT = (3.0, 54.0)
CHINA_LNG = (73.0, 136.0)


def in_china(lat: float, lng: float) -> bool:
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LNG[0] <= lng <= CHINA_LNG[1]


def to_wgs84(lat: float, lng: float, system: str) -> tuple[float, float]:
    """Convert GCJ-02 (AMap, Tencent) or BD-09 (Baidu) to WGS-84, with prcoords' precise
    iterative inverse (error well under a metre)."""
    if system == "wgs84":
        return lat, lng
    if system == "gcj02":
        c = prcoords.gcj_wgs_bored(prcoords.Coords(lat, lng))
    elif system == "bd09":
        c = prcoords.bd_wgs_bored(prcoords.Coords(lat, lng))
    else:
        raise ValueError(f"unknown coordinate system {system!r}")
    return c.lat, c.lon


def from_wgs84(lat: float, lng: float, system: str) -> tuple[float, float]:
    if system == "wgs84":
        return lat, lng
    c = prcoords.Coords(lat, lng)
    c = prcoords.wgs_gcj(c) if system == "gcj02" else prcoords.wgs_bd(c)
    return c.lat, c.lon


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bbox_around(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) containing the circle of ``radius_m``.

    The circle bulges poleward, so its widest longitude is asin(sin(d) / cos(lat)), a little
    more than d / cos(lat) (d = angular radius)."""
    d = radius_m / EARTH_RADIUS_M
    dlat = math.degrees(d)
    ratio = math.sin(min(d, math.pi / 2)) / max(math.cos(math.radians(lat)), 1e-12)
    dlng = math.degrees(math.asin(ratio)) if ratio < 1 else 180.0
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng
