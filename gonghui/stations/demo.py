"""Demo stations around Beijing's district centres, and this year's build targets."""

import datetime
import random

from django.utils import timezone

from gonghui.orgs.models import Org

from .models import Amenity, BuildTarget, Station, StationStatus, StationType
from .services import amenity_bits

# Approximate WGS-84 centres of the district seats.
CENTRES = {
    "BJ-DC": (39.9288, 116.4160), "BJ-XC": (39.9123, 116.3660), "BJ-CY": (39.9215, 116.4435),
    "BJ-HD": (39.9599, 116.2982), "BJ-FT": (39.8585, 116.2866), "BJ-SJS": (39.9056, 116.2229),
    "BJ-MTG": (39.9405, 116.1017), "BJ-FS": (39.7355, 116.1393), "BJ-TZ": (39.9026, 116.6560),
    "BJ-SY": (40.1289, 116.6546), "BJ-CP": (40.2181, 116.2312), "BJ-DX": (39.7289, 116.3381),
    "BJ-HR": (40.3243, 116.6373), "BJ-PG": (40.1441, 117.1213), "BJ-MY": (40.3763, 116.8431),
    "BJ-YQ": (40.4654, 115.9850), "BJ-JK": (39.7954, 116.5061),
}  # fmt: skip
HOSTS = [("bank", "工商银行"), ("gas_station", "中石化加油站"), ("union_office", "街道工会"),
         ("shop", "便利店"), ("park", "公园服务中心")]  # fmt: skip
WEEKDAY = {d: [["07:00", "21:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def load_stations(per_district: int = 12) -> int:
    """Create demo stations (idempotent by name + address)."""
    rng = random.Random(2022)  # noqa: S311 - demo data
    types = {t.code: t for t in StationType.objects.all()}
    codes = list(Amenity.objects.values_list("code", flat=True))
    year = timezone.localdate().year
    created = 0
    for code, (lat, lng) in CENTRES.items():
        district = Org.objects.filter(code=code).first()
        if district is None:
            continue
        streets = list(Org.objects.filter(parent=district)) or [district]
        for i in range(per_district):
            kind, host = HOSTS[i % len(HOSTS)]
            street = streets[i % len(streets)]
            name = f"{street.name.removesuffix('工会').removesuffix('总')}{host}暖心驿站"
            if i % 6 == 5:
                name = f"{district.name.removesuffix('总工会')}第{i}职工之家"
            address = f"{district.name.removesuffix('总工会')}{street.name[:4]}路{10 + i}号"
            if Station.objects.filter(name=name, address=address).exists():
                continue
            amenities = sorted(rng.sample(codes, rng.randint(4, 9)))
            opened = datetime.date(year - rng.randint(0, 3), rng.randint(1, 12), rng.randint(1, 28))
            Station.objects.create(
                type=types["worker_home" if "职工之家" in name else "warm_station"],
                name=name,
                host_kind=kind,
                host_name=host,
                org=street,
                district=district,
                address=address,
                lat=round(lat + rng.uniform(-0.06, 0.06), 6),
                lng=round(lng + rng.uniform(-0.08, 0.08), 6),
                amenities=amenities,
                amenity_bits=amenity_bits(amenities),
                hours="24h" if i % 4 == 0 else {**WEEKDAY, "sat": [["09:00", "18:00"]]},
                capacity=rng.randint(4, 30),
                contact_phone=f"010-{rng.randint(60000000, 89999999)}",
                status=StationStatus.OPEN if i % 7 else StationStatus.BUILDING,
                opened_on=opened if i % 7 else None,
                built_year=opened.year if i % 7 else None,
            )
            created += 1
    city = Org.objects.filter(code="BJ").first()
    if city is not None:
        for type_code, count in (("warm_station", 1000), ("worker_home", 60)):
            BuildTarget.objects.get_or_create(
                org=city, year=year, type=types[type_code], defaults={"count": count}
            )
        for code in CENTRES:
            district = Org.objects.filter(code=code).first()
            if district is not None:
                BuildTarget.objects.get_or_create(
                    org=district, year=year, type=types["warm_station"], defaults={"count": 60}
                )
    return created
