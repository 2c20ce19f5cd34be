"""Demo staff and workers (synthetic: valid check digits, no real person)."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from gonghui.orgs.models import Org, OrgType

from .models import EmploymentForm, Worker
from .roles import Role
from .services import _build_worker, clean_worker_data
from .staff import create_or_update_staff

DEMO_PASSWORD = "Gonghui@2026"  # noqa: S105 - documented demo password

# username, display name, org code, roles
DEMO_STAFF = [
    ("admin", "系统管理员", "BJ", [Role.ADMIN]),
    ("leader", "市总领导", "BJ", [Role.LEADER]),
    ("hotline", "12351接线员", "BJ", [Role.HOTLINE_OPERATOR]),
    ("cy_handler", "朝阳承办人", "BJ-CY", [Role.CASE_HANDLER]),
    ("cy_social", "朝阳社工", "BJ-CY", [Role.SOCIAL_WORKER]),
    ("cy_station", "朝阳驿站管理员", "BJ-CY", [Role.STATION_MANAGER]),
    ("hd_station", "海淀驿站管理员", "BJ-HD", [Role.STATION_MANAGER]),
    ("hd_handler", "海淀承办人", "BJ-HD", [Role.CASE_HANDLER]),
    ("hd_aid", "海淀帮扶干部", "BJ-HD", [Role.AID_OFFICER]),
    ("city_social", "市总社工", "BJ", [Role.SOCIAL_WORKER]),
]

# The worker a newcomer logs in as on the worker pages (README): a confirmed member, a courier
# (a new employment form, so the free health check and the riders' projects are open to them)
# working in 朝阳, where the demo health programme has a quota.
DEMO_WORKER_PHONE = "13812351000"
DEMO_WORKER = {
    "name": "李小满",
    "id_number": "110105199203150011",
    "phone": DEMO_WORKER_PHONE,
    "employment_form": EmploymentForm.COURIER,
    "union_org": "BJ-CY-WJ-001",
    "work_district": "BJ-CY",
    "employer_name": "顺丰速运（北京）有限公司",
    "member_since": "2021-05-01",
}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强海燕红梅"
EMPLOYERS = [
    ("顺丰速运（北京）有限公司", ""),
    ("北京三快在线科技有限公司", ""),
    ("北京小桔科技有限公司", ""),
    ("北京环卫集团有限责任公司", ""),
    ("", ""),
]


def fake_id_number(region: str, birth: datetime.date, seq: int, sex: str) -> str:
    """A syntactically valid 身份证号 (check digit computed) for demos and tests."""
    seq3 = seq % 500 * 2 + (1 if sex == "M" else 0)
    body = f"{region}{birth:%Y%m%d}{seq3:03d}"
    return body + ric.calc_check_digit(body + "0")


def load_staff():
    for username, name, org, roles in DEMO_STAFF:
        create_or_update_staff(
            username=username, password=DEMO_PASSWORD, org_code=org, roles=roles, name=name
        )


def load_workers(count: int = 120):
    """Create ``count`` synthetic workers spread over the grassroots unions (idempotent)."""
    rng = random.Random(12351)  # noqa: S311 - demo data, not security
    admin = get_user_model().objects.get(username="admin")
    grassroots = list(Org.objects.filter(type=OrgType.GRASSROOTS).order_by("code"))
    forms = list(EmploymentForm.values)
    workers = []
    for i in range(count):
        union = grassroots[i % len(grassroots)]
        district = Org.objects.filter(code=union.path.strip("/").split("/")[1]).first()
        region = district.region_code or "110115"
        birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 38))
        sex = rng.choice("MF")
        employer, code = EMPLOYERS[i % len(EMPLOYERS)]
        data = {
            "name": rng.choice(SURNAMES)
            + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
            "id_number": fake_id_number(region, birth, i, sex),
            "phone": f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            "employment_form": forms[i % len(forms)],
            "union_org": union.code,
            "employer_name": employer,
            "employer_credit_code": code,
            "member_since": (
                datetime.date(2015, 1, 1) + datetime.timedelta(days=i * 17)
            ).isoformat()
            if i % 3
            else "",
        }
        try:
            cleaned = clean_worker_data(data, user=admin)
        except ValidationError:  # already loaded (duplicate ID) on a re-run
            continue
        workers.append(_build_worker(cleaned, admin))
    Worker.objects.bulk_create(workers)
    return len(workers)


def load_demo_worker() -> Worker:
    """The README's demo worker (``DEMO_WORKER_PHONE``), registered and eligible (idempotent)."""
    from .services import id_number_hash

    found = Worker.objects.filter(id_number_hash=id_number_hash(DEMO_WORKER["id_number"]))
    if found.exists():
        return found.get()
    admin = get_user_model().objects.get(username="admin")
    worker = _build_worker(clean_worker_data(dict(DEMO_WORKER), user=admin), admin)
    worker.save()
    return worker
