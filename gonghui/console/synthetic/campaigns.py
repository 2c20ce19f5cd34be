"""Aid campaigns (送温暖 in winter, 金秋助学 in autumn) per district and year, with standards,
a budget line, lists of beneficiaries (workers of the district, one entry per person, their
身份证号 and bank account encrypted as the model stores them), one payment batch and the
payments: paid, or failed and reissued."""

import datetime
import itertools
from decimal import Decimal

from gonghui.assistance.models import (
    Beneficiary,
    BudgetLine,
    Campaign,
    Payment,
    PaymentBatch,
    Standard,
)

from .scales import FIRST_YEAR, LAST_YEAR, NOW, SHANGHAI

KINDS = {
    "warmth": ("冬送温暖", 1, [("deep", "深度困难职工", 3000), ("relative", "相对困难职工", 2000),
                              ("accident", "意外致困职工", 2000)]),
    "schooling": ("金秋助学", 8, [("college", "大学（含大专、本科）", 12450),
                                 ("high_school", "高中（含中职）", 4000)]),
}  # fmt: skip


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), SHANGHAI)


def write_campaigns(writer, rng, tree, per_year: int) -> None:
    ids = {m: writer.next_id(m) for m in (Campaign, Standard, BudgetLine, Beneficiary,
                                           PaymentBatch, Payment)}  # fmt: skip
    rows = {m: [] for m in ids}

    def add(model, row):
        row["id"] = ids[model]
        ids[model] += 1
        rows[model].append(row)
        return row["id"]

    pool: dict[int, list] = {}
    for p in tree.pool:
        pool.setdefault(p.district_id, []).append(p)
    total_w = sum(tree.weights[d.pk] for d in tree.districts)
    for year, kind, district in itertools.product(
        range(FIRST_YEAR, LAST_YEAR + 1), KINDS, tree.districts
    ):
        title, month, standards = KINDS[kind]
        people = pool.get(district.pk, [])
        want = round(per_year / len(KINDS) * tree.weights[district.pk] / total_w)
        chosen = rng.sample(people, min(len(people), want))
        start = datetime.date(year, month, 5)
        approved = start + datetime.timedelta(days=20)
        pub_end = approved + datetime.timedelta(days=7)
        paid_on = pub_end + datetime.timedelta(days=10)
        if not chosen or _at(paid_on) >= NOW:
            continue
        place = district.name.removesuffix("总工会")
        cid = add(Campaign, {
            "kind": kind, "year": year, "title": f"{year}年{place}{title}",
            "organiser_id": district.pk, "status": "closed", "requires_publicity": True,
            "publicity_days": 5, "publicity_start": approved, "publicity_end": pub_end,
            "target_rules": {}, "description": f"{title}活动", "created_by_id": None,
            "approved_by_id": None, "approved_at": _at(approved), "review_note": "",
            "created_at": _at(start),
        })  # fmt: skip
        std_ids = [
            (add(Standard, {"campaign_id": cid, "key": key, "label": label,
                            "amount": Decimal(amount), "needs_proof": kind == "schooling",
                            "proof_label": "在读证明" if kind == "schooling" else ""}), amount)
            for key, label, amount in standards
        ]  # fmt: skip
        batch = add(PaymentBatch, {
            "campaign_id": cid, "number": f"B{paid_on:%Y%m%d}-SYN{cid:06d}",
            "created_by_id": None, "created_at": _at(paid_on - datetime.timedelta(days=2)),
            "exported_at": _at(paid_on - datetime.timedelta(days=2), 15),
        })  # fmt: skip
        spent = Decimal(0)
        for person in chosen:
            std, amount = rng.choice(std_ids)
            account = "6222" + f"{rng.randrange(10**15):015d}"
            removed = rng.random() < 0.02
            bid = add(Beneficiary, {
                "campaign_id": cid, "org_id": person.union_org_id, "person_hash": person.id_hash,
                "name": person.name, "id_number": person.id_number, "worker_id": person.id,
                "file_id": None, "standard_id": std, "amount": Decimal(amount),
                "proof_received": kind == "schooling", "account": account,
                "status": "removed" if removed else "approved",
                "removed_reason": "公示期间核实不符合条件" if removed else "",
                "created_by_id": None,
                "created_at": _at(start + datetime.timedelta(days=rng.randint(1, 14))),
            })  # fmt: skip
            if removed:
                continue
            spent += amount
            failed = rng.random() < 0.03
            pay = {"beneficiary_id": bid, "method": "bank", "amount": Decimal(amount),
                   "account": account, "batch_id": batch, "created_by_id": None,
                   "created_at": _at(paid_on - datetime.timedelta(days=2)),
                   "updated_at": _at(paid_on)}  # fmt: skip
            first = add(Payment, pay | {
                "reconciliation_id": f"GH{year}{cid:05d}S{ids[Payment]:010d}",
                "status": "failed" if failed else "paid",
                "failure_reason": "账户信息有误" if failed else "",
                "paid_on": None if failed else paid_on,
            })  # fmt: skip
            if failed:
                later = paid_on + datetime.timedelta(days=7)
                add(Payment, pay | {
                    "reconciliation_id": f"GH{year}{cid:05d}S{ids[Payment]:010d}",
                    "status": "paid", "paid_on": later, "reissue_of_id": first,
                    "reissue_reason": "更正账户后重新发放", "updated_at": _at(later),
                })  # fmt: skip
        budget = (spent * Decimal("1.1")).quantize(Decimal("1"))
        add(BudgetLine, {"campaign_id": cid, "source": "union_funds", "amount": budget,
                         "note": "工会经费"})  # fmt: skip
    for model in (Campaign, Standard, BudgetLine, PaymentBatch, Beneficiary, Payment):
        writer.write(model, rows[model])
