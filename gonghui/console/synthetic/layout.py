"""Shares the synthetic stations are drawn with (amenities, hours, statuses, types, hosts):
used by ``generate_data`` and by bench/finder_data.py. Plain Python, no Django."""

# Share of stations with each amenity (the codes of gonghui/stations/reference.py).
AMENITY_SHARE = {
    "drinking_water": 0.95, "hot_water": 0.7, "microwave": 0.5, "phone_charging": 0.8,
    "ebike_charging": 0.3, "seating": 0.9, "toilet": 0.5, "air_conditioning": 0.6,
    "first_aid": 0.6, "umbrella": 0.4, "wifi": 0.5, "reading": 0.25, "consultation": 0.15,
}  # fmt: skip
DAILY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS = [  # (weight, hours)
    (75, "24h"),
    (15, {d: [["08:00", "20:00"]] for d in DAILY}),
    (5, {d: [["09:00", "17:00"]] for d in DAILY[:5]}),
    (5, {d: [["18:00", "02:00"]] for d in DAILY}),
]
STATUSES = [(90, "open"), (4, "building"), (3, "planned"), (2, "suspended"), (1, "closed")]
TYPES = [(70, "warm_station"), (20, "worker_home"), (10, "service_point")]
HOST_KINDS = ["bank", "gas_station", "union_office", "shop", "park", "community", "other"]
