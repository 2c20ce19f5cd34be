"""Likely duplicates of an appeal, or of a draft at intake (read side; issue 15).

Candidates come only from bounded, indexed look-ups around the appeal's time
(docs/duplicates.md):

- the same caller (``contact_phone_hash``) within ``CALLER_DAYS``;
- the same employer (credit code or normalised name) within ``EMPLOYER_DAYS``;
- the same district and category within ``PLACE_DAYS``;

each the newest ``PER_LOOKUP`` rows, merged-away appeals and the appeal itself left out,
then those outside the viewer's hotline scope (checked in memory on the orgs the rows name).
A candidate is scored by its text (cosine of character bigrams and single characters of the
normalised content, synonyms folded) plus the signals; an appeal naming a *different*
employer is never a duplicate. Scores at or above ``THRESHOLD`` are suggested, best first.
A stored appeal looks both ways in time (a later call may be the main case); a draft looks
back from its time (now, or the ``received_at`` it is given).
"""

import datetime
import math
import operator
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.validators import normalize_phone
from gonghui.orgs.models import Org
from gonghui.people.scope import scope_for
from gonghui.people.services import phone_hash

from . import reference_cache
from .employers import normalise_name
from .models import Appeal, Status

CALLER_DAYS, EMPLOYER_DAYS, PLACE_DAYS = 90, 90, 30
PER_LOOKUP = 200  # newest rows read per look-up: bounds the work whatever the data
THRESHOLD = 0.4  # the shipped cut-off, measured on tests/duplicate_pairs.py
HIGH_TEXT = 0.6  # text alone this close is called 内容高度相似
CALLER_BONUS, EMPLOYER_BONUS, CATEGORY_BONUS = 0.2, 0.15, 0.15
UNIGRAM_WEIGHT = 0.5
# A draft without content yet: the same caller shows, or the same employer and category.
NO_TEXT_PRIOR = 0.2
FIELDS = (
    "id", "content", "contact_phone_hash", "employer_name", "employer_norm",
    "employer_credit_code", "category_id", "district_id", "responsible_org_id", "received_at",
)  # fmt: skip


@dataclass(frozen=True)
class Suggestion:
    appeal: Appeal
    score: float  # 0..1
    similarity: float  # text alone, 0..1
    reasons: tuple[str, ...]  # in the request's language


@dataclass(frozen=True)
class Probe:
    """What is compared: a stored appeal's fields or a draft's (not saved)."""

    content: str
    phone_hash: str = ""
    employer_name: str = ""
    employer_norm: str = ""
    credit_code: str = ""
    category_id: int | None = None
    district_id: int | None = None
    at: datetime.datetime | None = None
    pk: int | None = None


# --- text -----------------------------------------------------------------------------------

# Words callers and operators use for the same thing, folded to one spelling (longest first
# within each group, so "拖欠工资" is not half-replaced by "工资").
SYNONYMS = [
    ("欠薪", ("拖欠工资", "拖欠薪资", "拖欠薪水", "工资拖欠", "拖欠劳动报酬", "克扣工资",
              "欠发工资", "不发工资", "没发工资", "未发工资", "没有发工资", "工资没发",
              "工资未发", "工资不发", "欠工资", "拖欠工钱", "工钱没给", "不给工资", "欠着工资",
              "工资一直没给", "薪水没发")),
    ("工资", ("薪资", "薪水", "工钱", "劳动报酬", "薪酬")),
    ("单位", ("用人单位", "公司", "老板", "企业", "厂里", "工厂", "厂子", "店里", "站点")),
    ("社保", ("社会保险", "五险一金", "五险", "养老保险", "医疗保险")),
    ("合同", ("劳动合同", "用工合同")),
    ("辞退", ("开除", "解雇", "被裁", "裁员", "让走人", "不让干了", "解除劳动关系")),
    ("加班", ("超时工作", "延长工作时间")),
    ("工伤", ("受伤", "摔伤", "砸伤", "划伤")),
    ("驿站", ("暖心驿站", "职工驿站", "户外劳动者驿站")),
    ("骑手", ("外卖员", "外卖小哥", "送餐员", "配送员")),
    ("快递员", ("快递小哥", "收派员")),
    ("赔偿", ("补偿金", "经济补偿", "赔偿金")),
    ("月", ("个月",)),
]  # fmt: skip
_REPLACE = sorted(
    ((w, canon) for canon, words in SYNONYMS for w in words), key=lambda p: -len(p[0])
)
# Phrases every intake note has: they say nothing about the case.
STOP = ("职工来电反映", "来电反映", "诉求人称", "诉求人", "来电人", "本人", "职工", "反映", "请求",
        "希望", "工会", "帮助", "协助", "帮忙", "维权", "咨询", "处理", "解决", "一下", "我们",
        "我", "他", "她", "的", "了", "是", "在")  # fmt: skip
_STOP = sorted(STOP, key=len, reverse=True)
_DIGITS = tuple(zip("零一二两三四五六七八九", "01223456789", strict=True))
_NOT_TEXT = re.compile(r"[\W_]+")


def _nfkc(text: str) -> str:
    # the check is ~100× cheaper than normalising, and most texts are normalised already
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def normalise_text(text: str, employer: str = "") -> str:
    """Content as compared: NFKC, case folded, the appeal's own employer name taken out (a
    shared name says nothing about the problem), synonyms folded, Chinese digits as digits,
    filler phrases and punctuation removed."""
    t = _nfkc(text or "").casefold()
    name = _nfkc(employer or "").casefold().strip()
    if len(name) >= 2:
        t = t.replace(name, " ")
    # plain str.replace, longest words first: many times faster than one big alternation
    for word, canon in _REPLACE:
        if word in t:
            t = t.replace(word, canon)
    for word, digit in _DIGITS:
        if word in t:
            t = t.replace(word, digit)
    for word in _STOP:
        if word in t:
            t = t.replace(word, " ")
    return _NOT_TEXT.sub("", t)


@dataclass(frozen=True)
class Features:
    """A text's character bigrams and single characters (counts) and its squared norm."""

    bigrams: Counter
    chars: Counter
    norm2: float


def grams(text: str, employer: str = "") -> Features:
    """The text's features: its character bigrams (weight 1) and single characters (weight
    ``UNIGRAM_WEIGHT``: they still match when a synonym or a reordering breaks the bigrams),
    leaving out those of the appeal's own employer name (also when the text names it only in
    part)."""
    t = normalise_text(text, employer)
    bigrams = Counter(map(operator.add, t, t[1:]))
    chars = Counter(t)
    name = normalise_text(employer) if len(employer) >= 2 else ""
    if len(name) >= 2:
        for g in map(operator.add, name, name[1:]):
            bigrams.pop(g, None)
        for c in name:
            chars.pop(c, None)
    w2 = UNIGRAM_WEIGHT * UNIGRAM_WEIGHT
    norm2 = sum(n * n for n in bigrams.values()) + w2 * sum(n * n for n in chars.values())
    return Features(bigrams, chars, norm2)


def _dot(a: Counter, b: Counter) -> int:
    small, big = (a, b) if len(a) < len(b) else (b, a)
    return sum(n * big[g] for g, n in small.items() if g in big)


def cosine(a: Features, b: Features) -> float:
    if not a.norm2 or not b.norm2:
        return 0.0
    dot = _dot(a.bigrams, b.bigrams) + UNIGRAM_WEIGHT * UNIGRAM_WEIGHT * _dot(a.chars, b.chars)
    return dot / math.sqrt(a.norm2 * b.norm2)


def similarity(a: str, b: str, employer_a: str = "", employer_b: str = "") -> float:
    """The text similarity of two contents, 0..1."""
    return cosine(grams(a, employer_a), grams(b, employer_b))


# --- scoring ----------------------------------------------------------------------------------


def _tops() -> dict[int, int]:
    """Category id → its top-level category id."""
    return {c.pk: c.parent_id or c.pk for c in reference_cache.active_categories().values()}


def score(probe: Probe, probe_grams: Features, row: dict, tops=None) -> tuple[float, float, list]:
    """(score, text similarity, reason keys) of one candidate row against the probe."""
    same_code = bool(probe.credit_code) and row["employer_credit_code"] == probe.credit_code
    same_name = bool(probe.employer_norm) and row["employer_norm"] == probe.employer_norm
    if not (same_code or same_name) and _other_employer(probe, row):
        return 0.0, 0.0, []  # another employer: another case, however alike the words
    if probe.content:
        sim = cosine(probe_grams, grams(row["content"], row["employer_name"]))
        s = sim
    else:  # a draft before its content is typed: the signals alone, on a neutral text score
        sim, s = 0.0, NO_TEXT_PRIOR
    keys = []
    if probe.phone_hash and row["contact_phone_hash"] == probe.phone_hash:
        s += CALLER_BONUS
        keys.append("caller")
    if same_code or same_name:
        s += EMPLOYER_BONUS
        tops = tops if tops is not None else _tops()
        if tops.get(row["category_id"], 0) == tops.get(probe.category_id, -1):
            keys.append("employer")
    if probe.category_id is not None and row["category_id"] == probe.category_id:
        s += CATEGORY_BONUS
    if probe.content:
        keys.append("text_high" if sim >= HIGH_TEXT else "text")
    return min(1.0, s), sim, keys


def _other_employer(probe: Probe, row: dict) -> bool:
    """Both name an employer the same way (both a code, or both a name) and they differ.
    One giving only a code and the other only a name is unknown, not different."""
    codes = bool(probe.credit_code) and bool(row["employer_credit_code"])
    names = bool(probe.employer_norm) and bool(row["employer_norm"])
    return codes or names


def reason_labels(keys: list[str], sim: float) -> tuple[str, ...]:
    labels = {
        "caller": _("同一来电人"),
        "employer": _("同一单位同类问题"),
        "text_high": _("内容高度相似（%(pct)d%%）"),
        "text": _("内容相似度 %(pct)d%%"),
    }
    return tuple(labels[k] % {"pct": round(sim * 100)} for k in keys)


# --- look-ups ---------------------------------------------------------------------------------


def _window(probe: Probe, days: int, both_ways: bool) -> dict:
    at = probe.at or timezone.now()
    span = datetime.timedelta(days=days)
    return {"received_at__gte": at - span, "received_at__lte": at + span if both_ways else at}


def _candidates(base, probe: Probe, both_ways: bool) -> dict[int, dict]:
    """Rows from the three look-ups (at most 3 × ``PER_LOOKUP``), by id."""
    queries = []
    if probe.phone_hash:
        queries.append(
            base.filter(
                contact_phone_hash=probe.phone_hash, **_window(probe, CALLER_DAYS, both_ways)
            )
        )
    employer = Q()
    if probe.credit_code:
        employer |= Q(employer_credit_code=probe.credit_code)
    if probe.employer_norm:
        employer |= Q(employer_norm=probe.employer_norm)
    if employer:
        queries.append(base.filter(employer, **_window(probe, EMPLOYER_DAYS, both_ways)))
    if probe.district_id and probe.category_id:
        queries.append(
            base.filter(
                district_id=probe.district_id,
                category_id=probe.category_id,
                **_window(probe, PLACE_DAYS, both_ways),
            )
        )
    rows: dict[int, dict] = {}
    for qs in queries:
        for row in qs.order_by("-received_at", "-id").values(*FIELDS)[:PER_LOOKUP]:
            rows[row["id"]] = row
    return rows


def _in_scope(scope, rows: dict[int, dict]) -> list[dict]:
    """The rows whose place or handling org lies in ``scope`` (the rule of
    ``selectors.visible_appeals``), checked on the few orgs the rows name — one small query,
    where the scope as SQL would be thousands of org ids on every look-up."""
    if scope.everything:
        return list(rows.values())
    named = {r["district_id"] for r in rows.values()}
    named |= {r["responsible_org_id"] for r in rows.values() if r["responsible_org_id"]}
    paths = Org.objects.filter(pk__in=named).values_list("pk", "path") if named else []
    inside = {pk for pk, path in paths if any(path.startswith(p) for p in scope.paths)}
    return [
        r for r in rows.values() if r["district_id"] in inside or r["responsible_org_id"] in inside
    ]


def suggest_duplicates(viewer, appeal: Appeal | None = None, draft: dict | None = None, limit=5):
    """Likely duplicates of ``appeal`` (stored) or ``draft`` (intake form data: content,
    contact_phone, employer_name, employer_credit_code, category code, district org or id),
    in ``viewer``'s hotline scope, best first: a list of ``Suggestion``. At most six queries
    (the three look-ups, the orgs they name, the suggestions; the viewer's roles unless cached)
    whatever the number of candidates. Raises ``ValidationError`` for a draft's bad phone."""
    scope = scope_for(viewer, "hotline.view")
    if not scope:
        return []
    probe = probe_for(appeal) if appeal is not None else probe_for_draft(draft or {})
    if not (probe.content or probe.phone_hash or probe.employer_norm or probe.credit_code):
        return []
    base = Appeal.objects.exclude(status=Status.MERGED)
    if probe.pk is not None:
        base = base.exclude(pk=probe.pk)
    rows = _in_scope(scope, _candidates(base, probe, both_ways=appeal is not None))
    probe_grams = grams(probe.content, probe.employer_name)
    tops = _tops()
    scored = []
    for row in rows:
        s, sim, keys = score(probe, probe_grams, row, tops)
        if s >= THRESHOLD:
            scored.append((s, sim, keys, row))
    scored.sort(key=lambda t: (-t[0], -t[3]["received_at"].timestamp(), -t[3]["id"]))
    scored = scored[:limit]
    loaded = (
        Appeal.objects.select_related("category", "category__parent", "district", "responsible_org")
        .defer("contact_name", "contact_phone", "content")
        .in_bulk([t[3]["id"] for t in scored])
    )
    return [
        Suggestion(loaded[row["id"]], round(s, 3), round(sim, 3), reason_labels(keys, sim))
        for s, sim, keys, row in scored
        if row["id"] in loaded
    ]


def probe_for(appeal: Appeal) -> Probe:
    return Probe(
        content=appeal.content,
        phone_hash=appeal.contact_phone_hash,
        employer_name=appeal.employer_name,
        employer_norm=appeal.employer_norm or normalise_name(appeal.employer_name),
        credit_code=appeal.employer_credit_code,
        category_id=appeal.category_id,
        district_id=appeal.district_id,
        at=appeal.received_at,
        pk=appeal.pk,
    )


def probe_for_draft(data: dict) -> Probe:
    """A draft from the intake form (nothing saved). A phone that is not a phone number is a
    ``ValidationError`` on ``contact_phone``; an unknown category or district is ignored."""
    phone = str(data.get("contact_phone") or "").strip()
    hashed = ""
    if phone:
        try:
            hashed = phone_hash(normalize_phone(phone))
        except ValidationError as exc:
            raise ValidationError({"contact_phone": exc.messages}) from None
    category = reference_cache.active_categories().get(str(data.get("category") or ""))
    district = data.get("district")
    district_id = getattr(district, "pk", district)
    if isinstance(district_id, str):
        org = reference_cache.districts_by_code().get(district_id.strip().upper())
        district_id = org.pk if org else None
    employer = str(data.get("employer_name") or "").strip()[:200]
    at = data.get("received_at")  # an operator's 来电时间; else now
    return Probe(
        content=str(data.get("content") or "").strip()[:5000],
        phone_hash=hashed,
        employer_name=employer,
        employer_norm=normalise_name(employer),
        credit_code=str(data.get("employer_credit_code") or "").strip().upper()[:18],
        category_id=category.pk if category else None,
        district_id=district_id if isinstance(district_id, int) else None,
        at=at if isinstance(at, datetime.datetime) else None,
    )
