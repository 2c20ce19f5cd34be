"""The 2022 data set, part two: 12351 appeals and the 送温暖 campaigns (see year2022.py)."""

import datetime
from decimal import Decimal

from django.db.models import Max
from stdnum.cn import uscc

from gonghui.assistance.models import (
    Beneficiary,
    BeneficiaryStatus,
    BudgetLine,
    Campaign,
    CampaignKind,
    CampaignStatus,
    EnterpriseVisit,
    FileStatus,
    HardshipFile,
    Member,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Source,
)
from gonghui.assistance.models import Category as HardshipCategory
from gonghui.assistance.models.files import Relation
from gonghui.core.crypto import lookup_hash
from gonghui.hotline.models import (
    Appeal,
    AppealEvent,
    AppealType,
    Category,
    Channel,
    DailySequence,
    ResolvedResult,
    Satisfaction,
    Status,
    Urgency,
)

from .year2022 import MARKER, YEAR, LoadError, bulk, day_of_year, local, split

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
PAYMENT = Decimal(1500)  # per hardship worker aided
VISIT_MONEY_PER_PERSON = Decimal(100)


# --- 12351 ------------------------------------------------------------------------------------


def load_appeals(ctx, n: int) -> None:
    """``n`` appeals received over the year, all handled to the end (closed after a callback),
    so the 办结率 is 100%; numbered per day after whatever the day's counter already holds."""
    if n <= 0:
        return
    leaves = list(Category.objects.filter(parent__isnull=False, is_active=True).order_by("id"))
    if not leaves:
        leaves = list(Category.objects.order_by("id"))
    days = [datetime.date(YEAR, 1, 1) + DAY * k for k in range(365)]
    per_day = split(n, len(days))
    last = dict(DailySequence.objects.filter(day__year=YEAR).values_list("day", "last"))
    types = [AppealType.CONSULTATION, AppealType.HELP, AppealType.COMPLAINT, AppealType.SUGGESTION]
    rows, k = [], 0
    for day, count in zip(days, per_day, strict=True):
        start = last.get(day, 0)
        for j in range(count):
            district = ctx.districts[k % len(ctx.districts)]
            received = local(day, 8 + j % 12, j % 60)
            phone = f"199{k:08d}"
            called = k % 20 != 0  # 95% reached on the callback
            rows.append(
                Appeal(
                    number=f"12351-{day:%Y%m%d}-{start + j + 1:06d}",
                    type=types[k % len(types)],
                    category=leaves[k % len(leaves)],
                    urgency=Urgency.NORMAL,
                    channel=(Channel.PHONE, Channel.PHONE, Channel.APP, Channel.WEB)[k % 4],
                    content="职工来电反映劳动权益相关问题，请求协助。（2022年度数据集）",
                    district=district,
                    contact_name=ctx.name(),
                    contact_phone=phone,
                    contact_phone_hash=lookup_hash(phone, "phone"),
                    status=Status.CLOSED,
                    responsible_org=district,
                    received_at=received,
                    dispatched_at=received + HOUR,
                    accepted_at=received + 2 * HOUR,
                    contacted_at=received + (3 if k % 50 else 30) * HOUR,
                    resolved_at=received + 3 * DAY,
                    callback_at=received + 5 * DAY,
                    closed_at=received + 6 * DAY,
                    response_due=received + 24 * HOUR,
                    resolve_due=received + 10 * DAY,
                    callback_due=received + 14 * DAY,
                    resolution_note="已协调用人单位处理，职工诉求已解决。",
                    callback_contacted=called,
                    callback_resolved=(ResolvedResult.RESOLVED if k % 25 else ResolvedResult.PARTLY)
                    if called
                    else "",
                    callback_satisfaction=(
                        Satisfaction.SATISFIED if k % 30 else Satisfaction.BASICALLY
                    )
                    if called
                    else "",
                )
            )
            k += 1
    bulk(Appeal, rows)
    new_last = {day: last.get(day, 0) + c for day, c in zip(days, per_day, strict=True) if c}
    existing = set(DailySequence.objects.filter(day__in=new_last).values_list("day", flat=True))
    bulk(
        DailySequence,
        [DailySequence(day=d, last=v) for d, v in new_last.items() if d not in existing],
    )
    for d in existing:
        DailySequence.objects.filter(day=d).update(last=new_last[d])
    numbers = [a.number for a in rows]
    events = []
    for lo in range(0, len(numbers), 900):
        for pk, status in Appeal.objects.filter(number__in=numbers[lo : lo + 900]).values_list(
            "pk", "status"
        ):
            events.append(
                AppealEvent(
                    appeal_id=pk,
                    action="import",
                    from_status="",
                    to_status=status,
                    actor_label=MARKER,
                    note="2022年度数据导入（已办结、已回访、已归档）",
                )
            )
    bulk(AppealEvent, events, batch=5000)


# --- 送温暖 -----------------------------------------------------------------------------------


def credit_code(i: int) -> str:
    """A valid 统一社会信用代码 (企业, 北京), unique per ``i``."""
    body = f"91110105Y22{i:06d}"
    return body + uscc.calc_check_digit(body)


def _campaigns(ctx, raised: Decimal) -> tuple[Campaign, dict[int, Campaign]]:
    """The city's 送温暖 and one per district; their budget lines add up to ``raised``."""

    def make(org, title):
        return Campaign.objects.create(
            kind=CampaignKind.WARMTH,
            year=YEAR,
            title=title,
            organiser=org,
            status=CampaignStatus.CLOSED,
            description=MARKER,
        )

    city = make(ctx.city, "2022年元旦春节送温暖")
    by_district = {d.pk: make(d, f"2022年{d.name}元旦春节送温暖") for d in ctx.districts}
    campaigns = [city, *by_district.values()]
    yuan = int(raised)
    shares = split(yuan, len(campaigns)) if yuan > 0 else [0] * len(campaigns)
    lines = []
    for campaign, share in zip(campaigns, shares, strict=True):
        if share <= 0:
            continue
        union = share * 7 // 10
        lines.append(
            BudgetLine(campaign=campaign, source=Source.UNION_FUNDS, amount=union, note="工会经费")
        )
        lines.append(
            BudgetLine(
                campaign=campaign,
                source=Source.PARTNER_DONATION,
                amount=share - union,
                note="社会捐赠款物（折价）",
            )
        )
    rest = raised - int(raised)
    if rest and lines:
        lines[0].amount = Decimal(lines[0].amount) + rest
    bulk(BudgetLine, lines)
    return city, by_district


def load_aid(ctx, *, raised, enterprises: int, reached: int, hardship: int, file_workers) -> None:
    """Campaigns raising ``raised``; ``enterprises`` distinct enterprises visited with
    ``reached - hardship`` people met; ``hardship`` payments to workers with a hardship file
    (each file paid by its district's campaign, and the first ones by the city's as well)."""
    city_campaign, by_district = _campaigns(ctx, raised)
    visited = reached - hardship
    if enterprises <= 0 and visited > 0:
        raise LoadError("people visited without enterprises to visit")
    visits = []
    for i, people in enumerate(split(visited, enterprises) if enterprises else []):
        district = ctx.districts[i % len(ctx.districts)]
        visits.append(
            EnterpriseVisit(
                campaign=by_district[district.pk],
                org=district,
                enterprise_name=f"{district.name}慰问企业{i + 1:05d}",
                credit_code=credit_code(i),
                visited_on=day_of_year(i % 40, 365),  # January and February
                people_visited=max(people, 1),
                money=VISIT_MONEY_PER_PERSON * max(people, 1),
                notes=MARKER,
            )
        )
    bulk(EnterpriseVisit, visits)

    files_needed = (hardship + 1) // 2
    workers = list(file_workers[:files_needed])
    seq = (HardshipFile.objects.filter(number__startswith="KN2022-").count() or 0) + 1
    files = []
    for k, w in enumerate(workers):
        files.append(
            HardshipFile(
                number=f"KN2022-{seq + k:06d}",
                primary_worker=w,
                org_id=w.union_org_id,
                status=FileStatus.REGISTERED,
                category=(HardshipCategory.DEEP, HardshipCategory.RELATIVE)[k % 2],
                registered_on=datetime.date(YEAR - 1, 6, 1),
                review_due_on=datetime.date(YEAR + 1, 6, 1),
            )
        )
    bulk(HardshipFile, files)
    numbers = [f.number for f in files]
    file_by_worker = {}
    for lo in range(0, len(numbers), 900):
        for f in HardshipFile.objects.filter(number__in=numbers[lo : lo + 900]):
            file_by_worker[f.primary_worker_id] = f
    bulk(
        Member,
        [
            Member(
                file=file_by_worker[w.pk],
                name=w.name,
                relation=Relation.SELF,
                id_number=w.id_number,
                id_number_hash=w.id_number_hash,
            )
            for w in workers
        ],
    )
    # every file once in its district's campaign; the first (hardship - files) also in the city's
    pairs = [(by_district[w.work_district_id], w) for w in workers]
    pairs += [(city_campaign, w) for w in workers[: hardship - len(workers)]]
    beneficiaries = [
        Beneficiary(
            campaign=campaign,
            org_id=w.union_org_id,
            person_hash=w.id_number_hash,
            name=w.name,
            id_number=w.id_number,
            worker=w,
            file=file_by_worker[w.pk],
            amount=PAYMENT,
            status=BeneficiaryStatus.APPROVED,
        )
        for campaign, w in pairs
    ]
    bulk(Beneficiary, beneficiaries)
    ids = list(
        Beneficiary.objects.filter(campaign__description=MARKER, campaign__year=YEAR)
        .order_by("id")
        .values_list("id", "campaign_id")
    )
    base = (
        Payment.objects.filter(reconciliation_id__startswith="Y2022-").aggregate(n=Max("id"))["n"]
        or 0
    )
    bulk(
        Payment,
        [
            Payment(
                beneficiary_id=bid,
                method=PaymentMethod.CARD,
                amount=PAYMENT,
                account="6222000000000000000",
                reconciliation_id=f"Y2022-{base}-{bid}",
                status=PaymentStatus.PAID,
                paid_on=datetime.date(YEAR, 1, 20),
            )
            for bid, _campaign in ids
        ],
    )
