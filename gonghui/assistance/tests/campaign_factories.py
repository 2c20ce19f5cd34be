"""Builders for aid-campaign tests: real services, real database."""

import datetime
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from gonghui.assistance.campaigns import payments as campaign_payments
from gonghui.assistance.campaigns import services as campaigns
from gonghui.assistance.models import Campaign
from gonghui.people.tests.factories import make_staff

from .factories import register

CAPI = "/api/v1/campaigns"
_seq = itertools.count(1)

WARMTH_STANDARDS = [
    {"key": "deep", "label": "深度困难", "amount": "3000"},
    {"key": "relative", "label": "相对困难", "amount": "2000"},
    {"key": "accident", "label": "意外致困", "amount": "2000"},
]
SCHOOLING_STANDARDS = [
    {"key": "college", "label": "大学", "amount": "12450", "needs_proof": True},
    {"key": "high_school", "label": "高中", "amount": "4000", "needs_proof": True},
    {
        "key": "single_parent_preschool_to_lower_secondary",
        "label": "单亲学前至初中",
        "amount": "3000",
        "needs_proof": True,
    },
]


def officer(org, name=""):
    return make_staff(name or f"camp_{org.code.lower()}_{next(_seq)}", org, "aid_officer")


def make_campaign(user, organiser, *, kind="warmth", year=2026, rules=None, **extra) -> Campaign:
    data = {
        "kind": kind,
        "year": year,
        "title": extra.pop("title", f"{year}年测试活动{next(_seq)}"),
        "organiser": organiser.code,
        "target_rules": rules if rules is not None else {"population": "files"},
        "standards": extra.pop(
            "standards", WARMTH_STANDARDS if kind == "warmth" else SCHOOLING_STANDARDS
        ),
        "budget": extra.pop("budget", [{"source": "union_funds", "amount": "100000"}]),
        **extra,
    }
    return campaigns.create_campaign(user=user, data=data)


def opened(campaign, user) -> Campaign:
    return campaigns.transition(user=user, campaign_id=campaign.pk, action="open")


def approve(campaign, user) -> Campaign:
    return campaigns.transition(user=user, campaign_id=campaign.pk, action="approve")


def registered(worker, user, income="10000", **kw):
    """A registered hardship file: income 10000/year for one person → 深度困难; 24000 → 相对."""
    return register(worker, user, income=income, **kw).file


def with_accounts(campaign, user, accounts):
    """Set accounts on the campaign's beneficiaries in id order."""
    bens = list(campaign.beneficiaries.order_by("id"))
    for b, account in zip(bens, accounts, strict=False):
        campaigns.update_beneficiary(user=user, beneficiary_id=b.pk, data={"account": account})
    return bens


def issue_and_batch(campaign, user):
    out = campaign_payments.issue_payments(user=user, campaign_id=campaign.pk)
    batch = campaign_payments.create_batch(user=user, campaign_id=campaign.pk)
    return out, batch


def bank_file(rows, name="result.xlsx", header=("对账编号", "结果", "金额", "日期", "原因")):
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/octet-stream")


PAID_ON = datetime.date(2026, 1, 20)


def approved_with_payments(orgs, accounts, incomes=("10000", "24000", "10000")):
    """An approved 海淀 送温暖 whose people (one per income) have accounts, issued and
    batched: ``(campaign, hd officer, payments, batch, workers)``."""
    from gonghui.people.tests.factories import make_worker

    from .factories import aid_officer

    hd_aid = aid_officer(orgs["BJ-HD"], f"hd_aid_{next(_seq)}")
    workers = [make_worker(orgs["BJ-HD-ZGC-001"]) for _ in incomes]
    for w, income in zip(workers, incomes, strict=True):
        registered(w, hd_aid, income=income)
    c = make_campaign(hd_aid, orgs["BJ-HD"])
    opened(c, hd_aid)
    campaigns.generate_list(user=hd_aid, campaign_id=c.pk, org_code="BJ-HD")
    approve(c, officer(orgs["BJ"]))
    bens = with_accounts(c, hd_aid, accounts)
    _out, batch = issue_and_batch(c, hd_aid)
    return c, hd_aid, [b.payments.get() for b in bens], batch, workers
