"""关爱职工伙伴计划 test data: staff, valid credit codes, partners and their rows."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import uscc

from gonghui.partners.models import Contribution, Partner, Pledge
from gonghui.people.tests.factories import make_staff

API = "/api/v1/partners"
_seq = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    body = f"911100001000{next(_seq) if n is None else n:05d}"
    return body + uscc.calc_check_digit(body)


def bad_check_digit(code: str) -> str:
    last = "0" if code[-1] != "0" else "1"
    return code[:-1] + last


def make_aid_officer(org, username: str = ""):
    return make_staff(username or f"aid_{org.code.lower()}_{next(_seq)}", org, "aid_officer")


def make_partner(union_org, **fields) -> Partner:
    return Partner.objects.create(
        name=fields.pop("name", f"测试伙伴{next(_seq)}"),
        type=fields.pop("type", "private"),
        credit_code=fields.pop("credit_code", None) or credit_code(),
        union_org=union_org,
        contact_name=fields.pop("contact_name", "张联系"),
        contact_phone=fields.pop("contact_phone", "13812345678"),
        joined_on=fields.pop("joined_on", datetime.date(2025, 1, 1)),
        **fields,
    )


def make_pledge(partner, kind="money", amount=None, quantity=None, unit="", year=None, **f):
    return Pledge.objects.create(
        partner=partner,
        kind=kind,
        description=f.pop("description", "认捐"),
        amount=None if amount is None else Decimal(amount),
        quantity=None if quantity is None else Decimal(quantity),
        unit=unit,
        year=year or timezone.localdate().year,
        **f,
    )


def make_contribution(partner, kind="money", amount=None, quantity=None, unit="", **f):
    return Contribution.objects.create(
        partner=partner,
        kind=kind,
        amount=None if amount is None else Decimal(amount),
        quantity=None if quantity is None else Decimal(quantity),
        unit=unit,
        contributed_on=f.pop("contributed_on", timezone.localdate()),
        **f,
    )


def partner_data(org_code: str, **overrides) -> dict:
    return {
        "name": "北京某配送平台有限公司",
        "type": "platform",
        "credit_code": credit_code(),
        "union_org": org_code,
        "contact_name": "王经理",
        "contact_phone": "13912345678",
        "joined_on": "2025-03-01",
        **overrides,
    }
