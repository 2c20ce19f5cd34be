"""12351 appeals over several years with their timelines: numbered per day as
``hotline.services.next_number`` numbers them (and ``DailySequence`` left at the last number),
deadlines from ``hotline.sla`` (the SLA policies, working days with holidays and 调休),
timestamps in the order the state machine allows, cut at the fixed ``NOW`` (what is not done
by then is still open), the overdue task's 督办 notice where it would have been sent, and
one ``AppealEvent`` per step."""

import datetime
import itertools
from types import SimpleNamespace

from gonghui.core.workdays import WorkdayCalendar, local_date
from gonghui.hotline import sla
from gonghui.hotline.employers import normalise_name
from gonghui.hotline.models import Appeal, AppealEvent, Category, DailySequence, Status
from gonghui.hotline.services import suggest_org
from gonghui.people.services import phone_hash

from . import identity
from .scales import FIRST_YEAR, NOW, SHANGHAI
from .writer import clock

CHUNK = 20_000
H = datetime.timedelta(hours=1)
TYPES = [(35, "consultation"), (20, "help"), (30, "complaint"), (5, "report"), (10, "suggestion")]
CHANNELS = [(50, "phone"), (30, "app"), (12, "web"), (8, "api")]
CATEGORY_WEIGHT = {"LABOR-WAGE": 30, "LABOR-CONTRACT": 12, "LABOR-INSURANCE": 10, "LEGAL": 8}
CATEGORY_WEIGHT |= {"LABOR-INJURY": 5, "LABOR-HOURS": 5, "HARDSHIP": 6, "NEWFORM": 8}
YEAR_GROWTH = {2022: 0.8, 2023: 0.9, 2024: 1.0, 2025: 1.1}
RESOLVED = [(70, "resolved"), (20, "partly"), (10, "unresolved")]
SATISFACTION = [(65, "satisfied"), (25, "basically_satisfied"), (10, "unsatisfied")]


def _w(rng, pairs):
    return rng.choices([v for _w, v in pairs], [w for w, _v in pairs])[0]


def _day_counts(total: int, cal: WorkdayCalendar) -> list[tuple[datetime.date, int]]:
    """``total`` appeals over the days before NOW: fewer on rest days, more before the
    Spring Festival (wage arrears), growing by year; exact total by cumulative rounding."""
    day, last = datetime.date(FIRST_YEAR, 1, 1), NOW.date() - datetime.timedelta(days=1)
    weights = []
    while day <= last:
        w = YEAR_GROWTH.get(day.year, 1.0) * (1.0 if cal.is_workday(day) else 0.5)
        w *= 1.4 if day.month in (1, 12) else 1.0
        weights.append((day, w))
        day += datetime.timedelta(days=1)
    whole = sum(w for _d, w in weights)
    out, done, cum = [], 0, 0.0
    for d, w in weights:
        cum += w
        upto = round(cum * total / whole)
        out.append((d, upto - done))
        done = upto
    return out


def _content(rng, category, employer: str) -> str:
    where = f"在{employer}" if employer else ""
    return rng.choice(
        [
            f"职工来电反映：{where}工作期间遇到{category.name}方面的问题，多次沟通未果，请求工会协助。",
            f"诉求人称{where}{category.name}问题未得到解决，希望了解政策并获得帮助。",
            f"职工咨询{category.name}相关规定，{where}情况需要工会了解核实。",
        ]
    )


def write_appeals(writer, rng, tree, count: int) -> None:
    cal = WorkdayCalendar()
    leaves = list(
        Category.objects.filter(children=None, is_active=True)
        .select_related("parent")
        .order_by("code")
    )
    cat_cum = list(
        itertools.accumulate(
            CATEGORY_WEIGHT.get(c.code, CATEGORY_WEIGHT.get(getattr(c.parent, "code", ""), 3))
            for c in leaves
        )
    )
    d_list = tree.districts
    d_cum = list(itertools.accumulate(tree.weights[d.pk] for d in d_list))
    pool_by_district: dict[int, list] = {}
    for p in tree.pool:
        pool_by_district.setdefault(p.district_id, []).append(p)
    employers: dict[int, list] = {}
    for _org, district_id, name, code in tree.grassroots:
        employers.setdefault(district_id, []).append((name, code))
    limits: dict = {}
    suggested: dict = {}
    due: dict = {}
    seq = dict(DailySequence.objects.values_list("day", "last"))
    first = writer.next_id(Appeal)
    next_event = [writer.next_id(AppealEvent)]
    last_in_district: dict[int, tuple[int, str]] = {}

    def resolve_due(start, days):
        key = (local_date(start), days)
        if key not in due:
            due[key] = sla.resolve_due(start, days, cal)
        return due[key]

    appeals, events = [], []

    def event(appeal_id, action, at, from_status, to_status, org_id=None, note="", internal=False):
        events.append({
            "id": next_event[0], "appeal_id": appeal_id, "action": action,
            "from_status": from_status, "to_status": to_status, "actor_id": None,
            "actor_label": "system", "org_id": org_id, "note": note, "internal": internal,
            "created_at": at,
        })  # fmt: skip
        next_event[0] += 1

    started = [clock()]

    def flush():
        writer.charge(Appeal, started[0])  # generating the chunk (appeals and events)
        writer.write(Appeal, appeals)
        writer.write(AppealEvent, events)
        appeals.clear()
        events.clear()
        started[0] = clock()

    ctx = SimpleNamespace(**locals())
    pk = first
    for day, n in _day_counts(count, cal):
        for _ in range(n):
            number = seq[day] = seq.get(day, 0) + 1
            minute = (
                rng.randrange(8 * 60, 21 * 60) if rng.random() < 0.85 else rng.randrange(24 * 60)
            )
            received = datetime.datetime.combine(
                day, datetime.time(), SHANGHAI
            ) + datetime.timedelta(minutes=minute, seconds=rng.randrange(60))
            appeals.append(_appeal(rng, ctx, pk, f"12351-{day:%Y%m%d}-{number:06d}", received))
            pk += 1
            if len(appeals) >= CHUNK:
                flush()
    flush()
    _save_sequences(writer, seq)


def _appeal(rng, L, pk, number, received):
    """One appeal row (and its events, through ``L.event``); ``L`` holds the caches."""
    event, cal, limits, suggested = L.event, L.cal, L.limits, L.suggested
    district = rng.choices(L.d_list, cum_weights=L.d_cum)[0]
    category = rng.choices(L.leaves, cum_weights=L.cat_cum)[0]
    kind = _w(rng, TYPES)
    urgency = "urgent" if rng.random() < 0.08 else "normal"
    key = (kind, category.pk, urgency)
    if key not in limits:
        limits[key] = sla.limits_for(kind, category, urgency)
    lim = limits[key]
    people = L.pool_by_district.get(district.pk)
    person = rng.choice(people) if people and rng.random() < 0.4 else None
    name = person.name if person else identity.person_name(rng)
    phone = person.phone if person else identity.mobile(rng)
    employer, credit = "", ""
    if L.employers.get(district.pk) and rng.random() < 0.5:
        employer, credit = rng.choice(L.employers[district.pk])
    row = {
        "id": pk, "number": number, "type": kind, "category_id": category.pk,
        "urgency": urgency, "channel": _w(rng, CHANNELS),
        "content": _content(rng, category, employer), "district_id": district.pk,
        "employer_name": employer, "employer_credit_code": credit,
        "employer_norm": normalise_name(employer),
        "worker_id": person.id if person else None, "worker_account_id": None,
        "contact_name": name, "contact_phone": phone, "contact_phone_hash": phone_hash(phone),
        "received_at": received, "response_due": sla.response_due(received, lim),
        "resolve_due": L.resolve_due(received, lim.resolve_working_days),
        "created_at": received, "version": 0,
    }  # fmt: skip
    event(pk, "create", received, "", Status.RECEIVED, note="")
    if kind == "consultation" and rng.random() < 0.3:  # 直接答复 on the call
        answer = f"已就{category.name}相关政策当场答复。"
        row.update(status=Status.CLOSED, direct_answer=answer, contacted_at=received,
                   resolved_at=received, closed_at=received)  # fmt: skip
        event(pk, "direct_answer", received, Status.RECEIVED, Status.CLOSED, note=answer)
        return row
    last = L.last_in_district.get(district.pk)
    L.last_in_district[district.pk] = (pk, number)
    if last and rng.random() < 0.015:  # a duplicate merged into the district's previous one
        at = received + datetime.timedelta(minutes=rng.randint(10, 240))
        if at < NOW:
            row.update(status=Status.MERGED, merged_into_id=last[0], version=1)
            event(pk, "merge", at, Status.RECEIVED, Status.MERGED, note=f"合并到 {last[1]}")
            return row
    skey = (category.pk, district.pk)
    if skey not in suggested:
        suggested[skey] = suggest_org(category, district).pk
    org = suggested[skey] if rng.random() < 0.85 else rng.choice(L.tree.streets[district.pk]).pk
    fast = 0.1 if urgency == "urgent" else 1.0
    steps = []  # (action, at, to_status, note)
    t = received + datetime.timedelta(minutes=rng.randint(5, 120) * fast)
    steps.append(("dispatch", t, Status.DISPATCHED, ""))
    t += datetime.timedelta(minutes=rng.randint(10, 360) * fast)
    steps.append(("accept", t, Status.ACCEPTED, ""))
    share = rng.uniform(0.05, 0.9) if rng.random() < 0.95 else rng.uniform(1.0, 2.0)
    t = max(t + datetime.timedelta(minutes=5), received + lim.response_hours * H * share)
    steps.append(("contact", t, Status.CONTACTED, ""))
    resolve_due = row["resolve_due"]
    if rng.random() < 0.03:
        days = rng.choice((3, 5, 10))
        steps.append(("request_extension", t + H, None, f"申请延期{days}个工作日"))
        steps.append(("approve_extension", t + 3 * H, None, f"批准延期{days}个工作日"))
        resolve_due = sla.extend(resolve_due, days, cal)
        row.update(extension_days=days, extension_reason="需协调用人单位，延期办理")
    if rng.random() < 0.93 and resolve_due > t:
        t = t + (resolve_due - t) * rng.uniform(0.05, 0.95)
    else:
        t = max(t, resolve_due) + datetime.timedelta(hours=rng.uniform(1, 120))
    note = "已联系诉求人并协调相关单位处理，已答复诉求人。"
    steps.append(("resolve", t, Status.RESOLVED, note))
    callback_at = t + datetime.timedelta(hours=rng.uniform(2, 72))
    steps.append(("callback", callback_at, Status.CALLBACK_DONE, ""))
    if rng.random() < 0.97:
        steps.append(("close", callback_at + datetime.timedelta(hours=rng.uniform(0.2, 24)),
                      Status.CLOSED, ""))  # fmt: skip
    row["resolve_due"] = resolve_due
    status, stamp = Status.RECEIVED, {}
    for action, at, to, note in steps:
        if at >= NOW:
            break
        stamp[action] = at
        event(pk, action, at, status, to or status,
              org_id=org if action in ("dispatch", "accept") else None, note=note)  # fmt: skip
        status = to or status
        row["version"] += 1
    row.update(
        status=status, responsible_org_id=org if "dispatch" in stamp else None,
        dispatched_at=stamp.get("dispatch"), accepted_at=stamp.get("accept"),
        contacted_at=stamp.get("contact"), resolved_at=stamp.get("resolve"),
        callback_at=stamp.get("callback"), closed_at=stamp.get("close"),
        extension_days=row.get("extension_days", 0) if "approve_extension" in stamp else 0,
        extension_reason=row.get("extension_reason", "") if "approve_extension" in stamp else "",
        resolution_note=note if "resolve" in stamp else "",
    )  # fmt: skip
    if "approve_extension" not in stamp:
        row["resolve_due"] = L.resolve_due(received, lim.resolve_working_days)
    if "resolve" in stamp:
        row["callback_due"] = sla.callback_due(stamp["resolve"], lim.callback_working_days, cal)
    if "callback" in stamp:
        contacted = rng.random() < 0.92
        row.update(
            callback_contacted=contacted,
            callback_resolved=_w(rng, RESOLVED) if contacted else "",
            callback_satisfaction=_w(rng, SATISFACTION) if contacted else "",
        )
    _overdue(rng, row, event, status)
    return row


def _overdue(rng, row, event, status):
    """The overdue task's notice (督办), at the first moment the appeal was overdue while open."""
    moments = []
    contacted, resolved = row.get("contacted_at"), row.get("resolved_at")
    lag = datetime.timedelta(minutes=rng.randint(1, 10))  # the task runs every few minutes
    if (contacted or NOW) > row["response_due"] + lag:
        moments.append(row["response_due"] + lag)
    if (resolved or NOW) > row["resolve_due"] + lag:
        moments.append(row["resolve_due"] + lag)
    if not moments:
        return
    at = min(moments)
    row.update(overdue_notified=True, supervised=True)
    row["version"] += 1
    late = "办结" if at > row["resolve_due"] else "响应"
    stage = (
        Status.RECEIVED if not row.get("dispatched_at") or at < row["dispatched_at"]
        else Status.DISPATCHED if not row.get("accepted_at") or at < row["accepted_at"]
        else Status.ACCEPTED if not contacted or at < contacted
        else Status.CONTACTED
    )  # fmt: skip
    event(row["id"], "overdue", at, stage, stage, org_id=row.get("responsible_org_id"),
          note=f"超过{late}时限，自动督办", internal=True)  # fmt: skip


def _save_sequences(writer, seq: dict) -> None:
    """Leave ``DailySequence`` at each day's last number, so live intake continues after it."""
    existing = set(DailySequence.objects.values_list("day", flat=True))
    for day in existing & set(seq):
        DailySequence.objects.filter(day=day).update(last=seq[day])
    writer.write(
        DailySequence, ({"day": d, "last": n} for d, n in seq.items() if d not in existing)
    )
