"""Demo appeals in every state, so the console queues and charts have something to show."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import Appeal
from .selectors import visible_appeals

CONTENTS = {
    "LABOR-WAGE": "外卖站点拖欠两个月工资，站长联系不上。",
    "LABOR-CONTRACT": "快递公司不签劳动合同，只签承揽协议。",
    "LABOR-INSURANCE": "单位未给缴纳社保，想了解如何补缴。",
    "LABOR-INJURY": "送餐途中摔伤，平台说不算工伤。",
    "LABOR-HOURS": "环卫岗位节假日加班没有加班费。",
    "LEGAL": "被公司辞退，想申请工会法律援助。",
    "HARDSHIP": "家人重病，生活困难，申请帮扶。",
    "STATION": "望京附近的暖心驿站晚上关门太早。",
    "MEMBER": "如何加入工会？新就业形态劳动者可以入会吗？",
    "NEWFORM": "平台算法派单时间太紧，经常超时被罚款。",
}
DISTRICTS = ["BJ-CY", "BJ-HD", "BJ-DC", "BJ-XC", "BJ-FT", "BJ-TZ", "BJ-DX", "BJ-CP"]
# how far each demo appeal gets
PATHS = [
    [],
    ["dispatch"],
    ["dispatch", "accept"],
    ["dispatch", "accept", "contact"],
    ["dispatch", "accept", "contact", "resolve"],
    ["dispatch", "accept", "contact", "resolve", "callback"],
    ["dispatch", "accept", "contact", "resolve", "callback", "close"],
    ["dispatch", "return"],
]


def load_appeals(count: int = 48) -> int:
    """Create ``count`` demo appeals (idempotent: keyed by an Idempotency-Key), after two years
    of handled history (``load_history``) so the dashboards show trends."""
    created = load_history()
    User = get_user_model()
    operator = User.objects.get(username="hotline")
    rng = random.Random(12351)  # noqa: S311 - demo data
    codes = list(CONTENTS)
    now = timezone.now()
    for i in range(count):
        code = codes[i % len(codes)]
        path = PATHS[i % len(PATHS)]
        # handled demo appeals arrived recently (their actions happen now, on time);
        # the untouched ones are spread over four weeks and show up as overdue.
        days_ago = rng.randrange(0, 28) if len(path) < 2 else 0
        received = now - datetime.timedelta(days=days_ago, hours=rng.randrange(1, 20))
        appeal, is_new = services.create_appeal(
            actor=operator,
            data={
                "type": "consultation"
                if code == "MEMBER"
                else "complaint"
                if i % 5 == 0
                else "help",
                "category": code,
                "urgency": "urgent" if i % 11 == 0 else "normal",
                "content": CONTENTS[code],
                "district": DISTRICTS[i % len(DISTRICTS)],
                "contact_name": "张师傅" if i % 2 else "李女士",
                "contact_phone": f"135{i:08d}",
                "channel": "phone" if i % 3 else "web",
                "received_at": received.isoformat(),
            },
            idempotency_key=f"demo-{i}",
        )
        if not is_new:
            continue
        created += 1
        handler = _handler_for(appeal)
        for action in path:
            actor = operator if action in ("dispatch", "callback", "close") else handler
            if actor is None:
                break
            params = {
                "note": "已电话联系诉求人" if action == "contact" else "已协调解决",
                "reason": "不属于本单位职责",
                "contacted": True,
                "resolved": rng.choice(["resolved", "resolved", "partly", "unresolved"]),
                "satisfaction": rng.choice(
                    ["satisfied", "satisfied", "basically_satisfied", "unsatisfied"]
                ),
            }
            services.perform_action(
                actor=actor, appeal_id=appeal.pk, action=action, params=params,
                visible=visible_appeals(actor),
            )  # fmt: skip
            appeal.refresh_from_db()
            handler = handler or _handler_for(appeal)
    created += _repeat_call(operator)
    return created


def _repeat_call(operator) -> int:
    """The first demo caller rings again about the same wages in other words: the case page
    and the intake show it as a likely duplicate (疑似重复) of demo appeal 0."""
    _, is_new = services.create_appeal(
        actor=operator,
        data={
            "type": "help",
            "category": "LABOR-WAGE",
            "urgency": "normal",
            "content": "我在外卖站点送餐，工资已经两个月没发了，站长的电话也打不通。",
            "district": "BJ-CY",
            "contact_name": "李女士",
            "contact_phone": "13500000000",
            "channel": "phone",
        },
        idempotency_key="demo-repeat-0",
    )
    return int(is_new)


def _handler_for(appeal: Appeal):
    """The demo case handler for the appeal's district, if there is one."""
    User = get_user_model()
    name = {"BJ-CY": "cy_handler", "BJ-HD": "hd_handler"}.get(appeal.district.code)
    return User.objects.filter(username=name).first() if name else None


# --- two years of handled appeals for the dashboards' trends ------------------------------

HISTORY_MONTHS = 24
# appeals per month around a mean: wage claims peak before the Spring Festival (Dec–Jan),
# fall in February, rise again after; the line grows ~15 % a year.
SEASON = [1.35, 0.7, 1.0, 0.95, 0.95, 1.0, 1.1, 1.05, 0.95, 0.9, 1.0, 1.25]
WEIGHTS = {"BJ-CY": 6, "BJ-HD": 5, "BJ-FT": 3, "BJ-DX": 3, "BJ-CP": 3, "BJ-TZ": 2}
HISTORY_SEQ = 900000  # numbers 12351-YYYYMMDD-9xxxxx never meet the live daily sequence


def load_history(per_month: int = 60) -> int:
    """Closed demo appeals received from ~24 months ago until 35 days ago (bulk_create, a few
    thousand rows at most). Runs once: skipped when history numbers exist."""
    from gonghui.core.workdays import SHANGHAI, WorkdayCalendar
    from gonghui.orgs.models import DISTRICT_TYPES, Org
    from gonghui.people.services import phone_hash

    from . import sla
    from .models import Category

    if Appeal.objects.filter(number__regex=r"-9[0-9]{5}$").exists():
        return 0
    rng = random.Random(24_12351)  # noqa: S311 - demo data
    cal = WorkdayCalendar()
    districts = list(Org.objects.filter(type__in=DISTRICT_TYPES, is_active=True))
    weights = [WEIGHTS.get(d.code, 1) for d in districts]
    cats = {c.code: c for c in Category.objects.filter(code__in=CONTENTS)}
    codes = [c for c in CONTENTS if c in cats]
    cat_weights = [6 if c == "LABOR-WAGE" else 3 if c.startswith("LABOR") else 2 for c in codes]
    if not districts or not codes:
        return 0
    today = timezone.localdate()
    last = today - datetime.timedelta(days=35)
    first = (today.replace(day=1) - datetime.timedelta(days=HISTORY_MONTHS * 30.5)).replace(day=1)
    rows, seq, day = [], HISTORY_SEQ, first
    while day <= last:
        age_years = (today - day).days / 365
        mean = per_month / 30 * SEASON[day.month - 1] * (1 - 0.15 * age_years)
        for _ in range(_poisson(rng, mean)):
            seq += 1
            code = rng.choices(codes, cat_weights)[0]
            district = rng.choices(districts, weights)[0]
            received = datetime.datetime.combine(
                day, datetime.time(rng.randint(8, 20), rng.randint(0, 59)), SHANGHAI
            )
            rows.append(_history_row(rng, cal, sla, seq, received, cats[code], district, code))
        day += datetime.timedelta(days=1)
    for row in rows:
        row.contact_phone_hash = phone_hash(row.contact_phone)
    Appeal.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _poisson(rng, mean: float) -> int:
    """Knuth's method; means here are small (a few a day)."""
    import math

    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _history_row(rng, cal, sla, seq, received, category, district, code) -> Appeal:
    hours = datetime.timedelta(hours=1)
    contacted = received + hours * rng.choice([1, 2, 3, 5, 8, 20, 30])
    resolved = contacted + hours * rng.randint(4, 24 * 9)
    callback = resolved + hours * rng.randint(6, 60)
    resolve_due = sla.resolve_due(received, 7, cal)
    answered = rng.random() < 0.93
    return Appeal(
        number=f"12351-{received:%Y%m%d}-{seq}",
        type="consultation" if code == "MEMBER" else "help",
        category=category,
        urgency="normal",
        channel=rng.choice(["phone", "phone", "phone", "app", "web"]),
        content=CONTENTS[code],
        district=district,
        contact_name="王师傅" if seq % 2 else "刘女士",
        contact_phone=f"139{seq % 100000000:08d}",
        status="closed",
        responsible_org=district,
        received_at=received,
        dispatched_at=received + hours / 3,
        accepted_at=received + hours,
        contacted_at=contacted,
        resolved_at=resolved,
        callback_at=callback,
        closed_at=callback + hours,
        response_due=received + 24 * hours,
        resolve_due=resolve_due,
        callback_due=sla.callback_due(resolved, 3, cal),
        overdue_notified=resolved > resolve_due,  # the task would have sent its notice
        resolution_note="已协调相关单位处理，诉求人认可。",
        callback_contacted=answered,
        callback_resolved=rng.choices(["resolved", "partly", "unresolved"], [80, 14, 6])[0]
        if answered
        else "",
        callback_satisfaction=rng.choices(
            ["satisfied", "basically_satisfied", "unsatisfied"], [78, 17, 5]
        )[0]
        if answered
        else "",
        version=6,
    )


def backdated_appeal(actor, data: dict, received_at, idempotency_key: str) -> Appeal:
    """A closed demo appeal received at ``received_at``, which may be older than the intake's
    30 days (other apps' demos of past months, e.g. topics): registered through the intake,
    then moved back and closed as handled on time, as the history is (so it waits in no
    queue). Idempotent by ``idempotency_key``."""
    appeal, created = services.create_appeal(
        actor=actor, data=data, idempotency_key=idempotency_key
    )
    if created:
        hours = datetime.timedelta(hours=1)
        Appeal.objects.filter(pk=appeal.pk).update(
            status="closed", responsible_org=appeal.district, received_at=received_at,
            dispatched_at=received_at + hours, accepted_at=received_at + 2 * hours,
            contacted_at=received_at + 3 * hours, resolved_at=received_at + 48 * hours,
            callback_at=received_at + 60 * hours, closed_at=received_at + 61 * hours,
            response_due=received_at + 24 * hours, resolve_due=received_at + 7 * 24 * hours,
            callback_due=received_at + 5 * 24 * hours,
            resolution_note="已协调相关单位处理，诉求人认可。", version=6,
        )  # fmt: skip
        appeal.refresh_from_db()
    return appeal
