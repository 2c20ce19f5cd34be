"""Grassroots unions (one employer each, with a valid 统一社会信用代码) added under the demo
streets, and the workers: valid 身份证号 and mobile numbers, stored encrypted with their lookup
hashes and pinyin keys computed by people.services, as ``create_worker`` would."""

import datetime
import itertools
import math
from array import array
from dataclasses import dataclass, field

from gonghui.orgs.models import Org, OrgType, pinyin_keys
from gonghui.people.models import EmploymentForm, Worker
from gonghui.people.services import id_number_hash, phone_hash

from . import identity
from .scales import NOW, SHANGHAI

# Workforce weight of each district (朝阳/海淀 biggest); the others 1.
DISTRICT_WEIGHT = {"BJ-CY": 8, "BJ-HD": 7, "BJ-FT": 4, "BJ-DX": 4, "BJ-CP": 4, "BJ-TZ": 3}
DISTRICT_WEIGHT |= {"BJ-XC": 3, "BJ-DC": 2, "BJ-FS": 2, "BJ-SY": 2, "BJ-JK": 2}
MARKER = "-SYN"  # in the codes of generated grassroots unions: "data was generated here"
# Platform employers of new-employment-form workers (fictional), by employment form.
PLATFORMS = {
    EmploymentForm.COURIER: "北京速达快递服务有限公司",
    EmploymentForm.FOOD_DELIVERY: "北京美饭网络科技有限公司",
    EmploymentForm.RIDE_HAILING: "北京畅行出行科技有限公司",
    EmploymentForm.TRUCK_DRIVER: "北京货运通物流有限公司",
    EmploymentForm.DOMESTIC: "北京安家家政服务有限公司",
}
NEW_FORM_SHARE = 0.15


@dataclass
class Person:
    """What later tables need of a worker (appeals' contacts, campaign lists)."""

    id: int
    name: str
    id_number: str
    id_hash: str
    phone: str
    union_org_id: int
    district_id: int


@dataclass
class Tree:
    districts: list  # district-level orgs (区总工会 and 经开区)
    streets: dict  # district id -> [street/township orgs]
    weights: dict  # district id -> weight
    grassroots: list = field(default_factory=list)  # (org id, district id, employer, code)
    workers_by_district: dict = field(default_factory=dict)  # district id -> array of ids
    pool: list = field(default_factory=list)  # [Person]


def district_of(org: Org, districts: list) -> Org:
    return next(d for d in districts if org.path.startswith(d.path))


def load_tree() -> Tree:
    from gonghui.orgs.models import DISTRICT_TYPES

    districts = list(Org.objects.filter(type__in=DISTRICT_TYPES, code__startswith="BJ-"))
    districts.sort(key=lambda d: (d.sort_order, d.code))
    streets = {d.pk: [] for d in districts}
    for s in Org.objects.filter(type__in=[OrgType.STREET, OrgType.TOWNSHIP]).order_by("path"):
        d = district_of(s, districts)
        streets[d.pk].append(s)
    weights = {d.pk: DISTRICT_WEIGHT.get(d.code, 1) for d in districts if streets[d.pk]}
    districts = [d for d in districts if streets[d.pk]]
    return Tree(districts, streets, weights)


def _stem(name: str) -> str:
    for suffix in ("总工会", "工会"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def write_grassroots(writer, rng, tree: Tree, count: int) -> None:
    """``count`` grassroots unions spread over the streets (by district weight), each the union
    of a company with a valid credit code registered in the district."""
    first = writer.next_id(Org)
    plan = []  # (street, district)
    pairs = [(s, d) for d in tree.districts for s in tree.streets[d.pk]]
    weights = [tree.weights[d.pk] / len(tree.streets[d.pk]) for _s, d in pairs]
    for n in range(count):
        plan.append(pairs[n % len(pairs)] if n < len(pairs) else rng.choices(pairs, weights)[0])
    seq: dict[int, int] = {}

    def rows():
        for i, (street, district) in enumerate(plan):
            k = seq[street.pk] = seq.get(street.pk, 0) + 1
            code = f"{street.code}{MARKER}{k:05d}"
            company = identity.company_name(rng, first + i, _stem(street.name))
            region = district.region_code or "110115"  # 经开区 lies in 大兴
            credit = identity.credit_code(first + i, region)
            name = f"{company}工会委员会"
            full, initials = pinyin_keys(name)
            path = f"{street.path}{code}/"
            tree.grassroots.append((first + i, district.pk, company, credit))
            yield {
                "id": first + i, "code": code, "name": name, "type": OrgType.GRASSROOTS,
                "parent_id": street.pk, "region_code": "", "path": path,
                "depth": path.count("/") - 2, "sort_order": 1000 + k, "is_active": True,
                "name_pinyin": full, "name_initials": initials,
            }  # fmt: skip

    writer.write(Org, rows())


def _plus_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _date_between(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


def write_workers(writer, rng, tree: Tree, count: int, pool_size: int) -> None:
    first = writer.next_id(Worker)
    taken = set(Worker.objects.values_list("id_number_hash", flat=True))
    ids = identity.IdNumbers()
    today = NOW.date()
    # Union sizes vary a lot: a log-normal weight per grassroots union.
    g_weights = list(itertools.accumulate(math.exp(rng.gauss(0, 1.0)) for _ in tree.grassroots))
    d_list = [d for d in tree.districts]
    d_weights = list(itertools.accumulate(tree.weights[d.pk] for d in d_list))
    region = {d.pk: d.region_code or "110115" for d in d_list}
    platform_codes = {
        form: identity.credit_code(90_000_000 + n, "110105") for n, form in enumerate(PLATFORMS)
    }
    by_district = {d.pk: array("q") for d in d_list}
    every = max(1, count // max(1, pool_size))

    def rows():
        for i in range(count):
            pk = first + i
            if rng.random() < NEW_FORM_SHARE or not tree.grassroots:
                district = rng.choices(d_list, cum_weights=d_weights)[0]
                union_id = rng.choice(tree.streets[district.pk]).pk
                district_id = district.pk
                form = rng.choice(list(PLATFORMS))
                employer, credit = PLATFORMS[form], platform_codes[form]
            else:
                union_id, district_id, employer, credit = rng.choices(
                    tree.grassroots, cum_weights=g_weights
                )[0]
                form = EmploymentForm.STANDARD
            sex = "M" if rng.random() < 0.56 else "F"
            areas = identity.areas_for(rng, region[district_id])
            while True:
                number, birth = ids.make(
                    rng, areas, datetime.date(1966, 1, 1), datetime.date(2006, 12, 31), sex
                )
                id_hash = id_number_hash(number)
                if id_hash not in taken:
                    break
            name = identity.person_name(rng)
            full, initials = identity.name_keys(name)
            phone = identity.mobile(rng)
            adult = _plus_years(birth, 18)
            created = _date_between(rng, max(adult, datetime.date(2016, 1, 1)), today)
            created_at = datetime.datetime.combine(
                created, datetime.time(9 + rng.randrange(9), rng.randrange(60)), SHANGHAI
            )
            member = rng.random() < (0.85 if form == EmploymentForm.STANDARD else 0.6)
            by_district[district_id].append(pk)
            if i % every == 0 and len(tree.pool) < pool_size:
                tree.pool.append(Person(pk, name, number, id_hash, phone, union_id, district_id))
            yield {
                "id": pk, "name": name, "name_pinyin": full, "name_initials": initials,
                "id_number": number, "id_number_hash": id_hash, "phone": phone,
                "phone_hash": phone_hash(phone), "birth_date": birth, "sex": sex,
                "employment_form": form, "employer_name": employer,
                "employer_credit_code": credit, "union_org_id": union_id,
                "member_since": _date_between(rng, max(adult, datetime.date(2005, 1, 1)), created)
                if member else None,
                "membership_status": "", "self_registered": False,
                "work_district_id": district_id, "created_at": created_at,
                "updated_at": created_at,
            }  # fmt: skip

    writer.write(Worker, rows())
    tree.workers_by_district = by_district
