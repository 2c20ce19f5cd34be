"""Writes for people: workers (create, import) and revealing their personal data."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from gonghui.core import audit
from gonghui.core.crypto import lookup_hash
from gonghui.core.validators import (
    FieldErrors,
    clean_date,
    normalize_phone,
    validate_credit_code,
    validate_id_number,
)
from gonghui.orgs.models import DISTRICT_TYPES, OrgType
from gonghui.orgs.selectors import children, district_of, districts, get_by_code

from . import privacy
from .models import (
    ClaimStatus,
    ConsentPurpose,
    EmploymentForm,
    MembershipStatus,
    RegistrationClaim,
    Worker,
    WorkerAccount,
)
from .roles import REVEALABLE_WORKER_FIELDS
from .scope import scope_for


def id_number_hash(number: str) -> str:
    return lookup_hash(number.upper(), "id_number")


def phone_hash(phone: str) -> str:
    return lookup_hash(phone, "phone")


def name_pinyin(name: str) -> tuple[str, str]:
    """Full pinyin and initials, lower case, for search (``张三`` -> ``zhangsan``, ``zs``)."""
    full = "".join(lazy_pinyin(name)).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
    return full[:200], initials[:50]


@dataclass
class WorkerData:
    """Validated input for a new worker."""

    name: str
    id_number: str
    birth_date: datetime.date
    sex: str
    phone: str
    employment_form: str
    union_org: object
    work_district: object
    employer_name: str = ""
    employer_credit_code: str = ""
    member_since: datetime.date | None = None
    extra: dict = field(default_factory=dict)


def _name_and_id_number(data: dict, errors: FieldErrors):
    """The name (required, at most 50 characters) and the checked 身份证号 (``None`` when
    invalid) of a worker's or a self-registration's data; messages on ``errors``."""
    name = str(data.get("name") or "").strip()
    if not name:
        errors.add("name", _("请填写姓名"))
    elif len(name) > 50:
        errors.add("name", _("姓名不能超过50个字"))
    resident = None
    try:
        resident = validate_id_number(str(data.get("id_number") or ""))
    except ValidationError as exc:
        errors.add("id_number", exc.messages[0])
    return name, resident


def clean_worker_data(data: dict, *, user) -> WorkerData:
    """Validate raw input (API JSON, form, Excel row). Raises ``ValidationError`` with a
    message list per field; checks that ``union_org`` lies in the user's create scope."""
    errors = FieldErrors()
    err = errors.add

    name, resident = _name_and_id_number(data, errors)
    if (
        resident is not None
        and Worker.objects.filter(id_number_hash=id_number_hash(resident.number)).exists()
    ):
        err("id_number", _("该身份证号已登记"))

    phone = ""
    try:
        phone = normalize_phone(str(data.get("phone") or ""))
    except ValidationError as exc:
        err("phone", exc.messages[0])

    form = str(data.get("employment_form") or EmploymentForm.STANDARD).strip()
    if form not in EmploymentForm.values:
        err("employment_form", _("用工形式无效，可选：%s") % "、".join(EmploymentForm.values))

    create_scope = scope_for(user, "workers.create")
    union_org = get_by_code(str(data.get("union_org") or ""))
    if not data.get("union_org"):
        err("union_org", _("请填写所属工会代码"))
    elif union_org is None or not create_scope.contains(union_org):
        # Same message for "absent" and "not yours": do not leak what exists elsewhere.
        err("union_org", _("工会组织不存在或不在您的管辖范围内"))

    work_district = None
    if data.get("work_district"):
        work_district = get_by_code(str(data["work_district"]))
        if work_district is None or work_district.type not in DISTRICT_TYPES:
            err("work_district", _("工作区域应为区总工会或经开区的代码"))
    elif union_org is not None:
        work_district = district_of(union_org)

    credit_code = str(data.get("employer_credit_code") or "").strip()
    if credit_code:
        try:
            credit_code = validate_credit_code(credit_code)
        except ValidationError as exc:
            err("employer_credit_code", exc.messages[0])
    employer_name = str(data.get("employer_name") or "").strip()
    if len(employer_name) > 200:
        err("employer_name", _("用人单位名称不能超过200个字"))
    if credit_code and not employer_name:
        err("employer_name", _("填写了统一社会信用代码时请同时填写用人单位名称"))

    member_since = clean_date(data.get("member_since"), "member_since", errors, required=False)
    if member_since and member_since > timezone.localdate():
        err("member_since", _("入会日期不能晚于今天"))

    if errors:
        raise ValidationError(errors)
    return WorkerData(
        name=name,
        id_number=resident.number,
        birth_date=resident.birth_date,
        sex=resident.sex,
        phone=phone,
        employment_form=form,
        union_org=union_org,
        work_district=work_district,
        employer_name=employer_name,
        employer_credit_code=credit_code,
        member_since=member_since,
    )


def _build_worker(d: WorkerData, actor) -> Worker:
    full, initials = name_pinyin(d.name)
    return Worker(
        name=d.name,
        name_pinyin=full,
        name_initials=initials,
        id_number=d.id_number,
        id_number_hash=id_number_hash(d.id_number),
        phone=d.phone,
        phone_hash=phone_hash(d.phone),
        birth_date=d.birth_date,
        sex=d.sex,
        employment_form=d.employment_form,
        employer_name=d.employer_name,
        employer_credit_code=d.employer_credit_code,
        union_org=d.union_org,
        work_district=d.work_district,
        member_since=d.member_since,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def create_worker(*, actor, data: dict) -> Worker:
    """Register one worker. Raises ``ValidationError`` (per field) on bad input."""
    cleaned = clean_worker_data(data, user=actor)
    worker = _build_worker(cleaned, actor)
    try:
        with transaction.atomic():
            worker.save()
    except IntegrityError:  # a concurrent request registered the same ID number
        raise ValidationError({"id_number": [_("该身份证号已登记")]}) from None
    return worker


class ImportFailed(Exception):
    """The import was refused; ``row_errors`` maps row number -> {field: [messages]}."""

    def __init__(self, row_errors: dict[int, dict[str, list[str]]]):
        super().__init__(f"{len(row_errors)} rows with errors")
        self.row_errors = row_errors


def import_workers(*, actor, rows: list[tuple[int, dict]]) -> list[Worker]:
    """All-or-nothing import of ``(row_number, data)`` pairs: every row is validated first;
    if any row fails nothing is saved and ``ImportFailed`` lists every problem."""
    row_errors: dict[int, dict[str, list[str]]] = {}
    cleaned: list[WorkerData] = []
    seen_ids: dict[str, int] = {}
    for row_number, data in rows:
        try:
            d = clean_worker_data(data, user=actor)
        except ValidationError as exc:
            row_errors[row_number] = exc.message_dict
            continue
        if d.id_number in seen_ids:
            row_errors[row_number] = {
                "id_number": [_("与第%(row)d行身份证号重复") % {"row": seen_ids[d.id_number]}]
            }
            continue
        seen_ids[d.id_number] = row_number
        cleaned.append(d)
    if not rows:
        raise ImportFailed({0: {"__all__": [_("文件中没有数据行")]}})
    if row_errors:
        raise ImportFailed(row_errors)
    workers = [_build_worker(d, actor) for d in cleaned]
    try:
        with transaction.atomic():
            Worker.objects.bulk_create(workers, batch_size=500)
    except IntegrityError:
        raise ImportFailed(
            {0: {"id_number": [_("导入期间有身份证号被他人登记，请重试")]}}
        ) from None
    return workers


def reveal_worker_fields(*, user, worker: Worker, fields, reason: str, request=None) -> dict:
    """Full values of personal fields for a user whose role needs them; audited.

    Raises ``ValidationError`` for unknown fields or a missing reason and
    ``PermissionDenied`` when a role does not allow a field at the worker's org.
    """
    fields = [f.strip() for f in fields if f.strip()]
    unknown = [f for f in fields if f not in REVEALABLE_WORKER_FIELDS]
    if unknown:
        raise ValidationError(
            {"reveal": [_("只能查看完整的：%s") % "、".join(REVEALABLE_WORKER_FIELDS)]}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("查看完整个人信息须填写事由")]})
    denied = [
        f
        for f in fields
        if not scope_for(user, REVEALABLE_WORKER_FIELDS[f]).contains(worker.union_org)
    ]
    if denied:
        raise PermissionDenied(_("您的角色无权查看完整的：%s") % "、".join(denied))
    audit.record(
        actor=user, action="reveal", obj=worker, fields=fields, reason=reason, request=request
    )
    return {f: getattr(worker, f) for f in fields}


# --- 实名登记: a logged-in phone registers itself ----------------------------------------------

STREET_TYPES = (OrgType.STREET, OrgType.TOWNSHIP)


def registration_received() -> str:
    """The one answer to every accepted registration: it never tells whether the 身份证号
    was already on file (new record, linked record and staff claim read the same)."""
    return _("实名登记已提交。信息无误的即可使用职工服务；需要核实的，工会将在核实后与您联系。")


@dataclass
class Registration:
    """What ``register_self`` did: ``outcome`` is registered, linked or claimed."""

    outcome: str
    worker: Worker | None = None
    claim: RegistrationClaim | None = None


def _truthy(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on", "是"}


def clean_registration(data: dict) -> dict:
    """Validate a self-registration. Raises ``ValidationError`` per field. Never looks up the
    身份证号, so errors are the same whether or not it is on file."""
    errors = FieldErrors()
    err = errors.add

    name, resident = _name_and_id_number(data, errors)
    employer_name = str(data.get("employer_name") or "").strip()
    if not employer_name:
        err("employer_name", _("请填写用人单位（或平台）名称"))
    elif len(employer_name) > 200:
        err("employer_name", _("用人单位名称不能超过200个字"))
    credit_code = str(data.get("employer_credit_code") or "").strip()
    if credit_code:
        try:
            credit_code = validate_credit_code(credit_code)
        except ValidationError as exc:
            err("employer_credit_code", exc.messages[0])
    form = str(data.get("employment_form") or "").strip()
    if form not in EmploymentForm.values:
        err("employment_form", _("请选择用工形式"))
    district_name = str(data.get("district") or "").strip()
    district = districts().filter(name=district_name).first() if district_name else None
    if district is None:
        err("district", _("请选择所在区"))
    street = None
    street_name = str(data.get("street") or "").strip()
    if street_name and district is not None:
        street = (
            children(district)
            .filter(name=street_name, type__in=STREET_TYPES, is_active=True)
            .first()
        )
        if street is None:
            err("street", _("所选街道（乡镇）不在该区"))
    member = _truthy(data.get("member") or "")
    member_since = None
    if member:
        member_since = clean_date(data.get("member_since"), "member_since", errors, required=False)
        if member_since and member_since > timezone.localdate():
            err("member_since", _("入会日期不能晚于今天"))
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "resident": resident,
        "employer_name": employer_name,
        "employer_credit_code": credit_code,
        "employment_form": form,
        "district": district,
        "org": street or district,  # the union the worker picked, never one below it
        "member": member,
        "member_since": member_since,
    }


def _refuse_repeat(account: WorkerAccount) -> None:
    if account.worker_id:
        raise ValidationError({"__all__": [_("您的手机号已关联职工档案，无需重复登记")]})
    if account.claims.filter(status=ClaimStatus.OPEN).exists():
        raise ValidationError({"__all__": [_("您已提交实名登记，请等待工会核实")]})


def register_self(account: WorkerAccount, data: dict, *, request=None) -> Registration:
    """实名登记 for a phone without a worker record.

    New 身份证号: a worker is created at the chosen street/district union and linked, its
    membership *claimed* when the worker says they are a member. Known 身份证号: linked only
    when the name matches and the account's phone is the one on file; otherwise a
    ``RegistrationClaim`` goes to staff. Callers must answer with ``registration_received()``.
    Needs the account's consent to process the 身份证号 (``sensitive_id``).
    """
    privacy.require_consent(account, ConsentPurpose.SENSITIVE_ID)
    d = clean_registration(data)
    resident = d["resident"]
    id_hash = id_number_hash(resident.number)
    with transaction.atomic():
        account = WorkerAccount.objects.select_for_update().get(pk=account.pk)
        _refuse_repeat(account)
        existing = Worker.objects.select_for_update().filter(id_number_hash=id_hash).first()
        if existing is None:
            full, initials = name_pinyin(d["name"])
            worker = Worker(
                name=d["name"],
                name_pinyin=full,
                name_initials=initials,
                id_number=resident.number,
                id_number_hash=id_hash,
                phone=account.phone,
                phone_hash=account.phone_hash,
                birth_date=resident.birth_date,
                sex=resident.sex,
                employment_form=d["employment_form"],
                employer_name=d["employer_name"],
                employer_credit_code=d["employer_credit_code"],
                union_org=d["org"],
                work_district=d["district"],
                membership_status=MembershipStatus.CLAIMED if d["member"] else "",
                membership_claimed_since=d["member_since"],
                self_registered=True,
            )
            try:
                with transaction.atomic():
                    worker.save()
            except IntegrityError:  # registered concurrently: treat as a known number
                existing = Worker.objects.get(id_number_hash=id_hash)
            else:
                account.worker = worker
                account.save(update_fields=["worker"])
                audit.record(actor=account, action="self_register", obj=worker, request=request)
                return Registration("registered", worker=worker)
        if existing.name == d["name"] and existing.phone_hash == account.phone_hash:
            if d["member"] and not existing.is_member and not existing.membership_status:
                existing.membership_status = MembershipStatus.CLAIMED
                existing.membership_claimed_since = d["member_since"]
                existing.save(update_fields=["membership_status", "membership_claimed_since"])
            account.worker = existing
            account.save(update_fields=["worker"])
            audit.record(actor=account, action="self_link", obj=existing, request=request)
            return Registration("linked", worker=existing)
        claim = RegistrationClaim.objects.create(
            account=account,
            worker=existing,
            org=d["org"],
            name=d["name"],
            id_number=resident.number,
            id_number_hash=id_hash,
            employment_form=d["employment_form"],
            employer_name=d["employer_name"],
            employer_credit_code=d["employer_credit_code"],
            member_claimed=d["member"],
        )
        audit.record(actor=account, action="registration_claim", obj=claim, request=request)
        return Registration("claimed", claim=claim)


# --- the console queue: staff confirm memberships and settle claims ---------------------------

# action -> (from, to): the only moves a stated membership and a claim can make
MEMBERSHIP_TRANSITIONS = {
    "confirm": (MembershipStatus.CLAIMED, MembershipStatus.CONFIRMED),
    "reject": (MembershipStatus.CLAIMED, MembershipStatus.REJECTED),
}
CLAIM_TRANSITIONS = {
    "link": (ClaimStatus.OPEN, ClaimStatus.LINKED),
    "reject": (ClaimStatus.OPEN, ClaimStatus.REJECTED),
}


def review_membership(*, user, worker_id, action: str, request=None) -> Worker:
    """Confirm or reject a worker's stated membership (``Http404`` outside the user's
    ``workers.confirm`` scope or when nothing waits; ``ValidationError`` for a bad action)."""
    if action not in MEMBERSHIP_TRANSITIONS:
        raise ValidationError({"action": [_("无效的操作")]})
    source, target = MEMBERSHIP_TRANSITIONS[action]
    scope = scope_for(user, "workers.confirm")
    with transaction.atomic():
        worker = (
            scope.filter(Worker.objects.select_for_update(), "union_org")
            .filter(pk=worker_id, membership_status=source)
            .first()
        )
        if worker is None:
            raise Http404("no such membership claim")
        worker.membership_status = target
        worker.membership_reviewed_by = user
        worker.membership_reviewed_at = timezone.now()
        if target == MembershipStatus.CONFIRMED:
            worker.member_since = worker.membership_claimed_since or timezone.localdate()
        worker.save()
        audit.record(actor=user, action=f"membership_{action}", obj=worker, request=request)
    return worker


def review_claim(*, user, claim_id, action: str, request=None) -> RegistrationClaim:
    """Link a claim's account to the worker on file, or reject it. Linking also needs the
    worker's record inside the user's scope."""
    if action not in CLAIM_TRANSITIONS:
        raise ValidationError({"action": [_("无效的操作")]})
    source, target = CLAIM_TRANSITIONS[action]
    scope = scope_for(user, "workers.confirm")
    with transaction.atomic():
        claim = (
            scope.filter(RegistrationClaim.objects.select_for_update(), "org")
            .select_related("worker__union_org")
            .filter(pk=claim_id, status=source)
            .first()
        )
        if claim is None:
            raise Http404("no such claim")
        if action == "link":
            if not scope.contains(claim.worker.union_org):
                msg = _("该职工档案不在您的管辖范围内，请联系其所属工会")
                raise ValidationError({"__all__": [msg]})
            account = WorkerAccount.objects.select_for_update().get(pk=claim.account_id)
            if account.worker_id and account.worker_id != claim.worker_id:
                raise ValidationError({"__all__": [_("该手机号已关联其他职工档案")]})
            account.worker = claim.worker
            account.save(update_fields=["worker"])
            worker = claim.worker
            if claim.member_claimed and not worker.is_member and not worker.membership_status:
                worker.membership_status = MembershipStatus.CLAIMED
                worker.save(update_fields=["membership_status"])
        claim.status = target
        claim.reviewed_by = user
        claim.reviewed_at = timezone.now()
        claim.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        audit.record(actor=user, action=f"claim_{action}", obj=claim, request=request)
    return claim


# --- the API token cache (people/api_auth.py): invalidation hooks (issue 14) --------------------

TOKEN_CACHE_TTL = 60  # seconds: the longest a change that bypasses the hooks below can go unseen
TOKEN_CACHE_PREFIX = "people:api_token:"  # noqa: S105 — a cache key
TOKEN_CACHE_GENERATION = "people:api_token:generation"  # noqa: S105
TOKEN_CACHE_GONE = "gone"  # noqa: S105 — the tombstone left by forget_cached_tokens
TOKEN_CACHE_TOMBSTONE_SECONDS = 5  # far longer than a request takes from its read to its store


def token_cache_key(key_hash: str) -> str:
    return TOKEN_CACHE_PREFIX + key_hash


def forget_cached_tokens(*, user_id=None, key_hashes=()) -> None:
    """Drop cached token resolutions: the given hashes and every token of ``user_id``."""
    from django.core.cache import cache

    from .models import ApiToken

    keys = [token_cache_key(h) for h in key_hashes]
    if user_id is not None:
        hashes = ApiToken.objects.filter(user_id=user_id).values_list("key_hash", flat=True)
        keys += [token_cache_key(h) for h in hashes]
    if keys:  # a tombstone, not a delete: a request that read the row just before cannot
        # put it back (api_auth stores a fresh resolution with ``cache.add``)
        cache.set_many(dict.fromkeys(keys, TOKEN_CACHE_GONE), TOKEN_CACHE_TOMBSTONE_SECONDS)


def forget_all_cached_tokens() -> None:
    """An org changed (active flag, path): every cached user's scope may have; new generation."""
    from django.core.cache import cache

    if not cache.add(TOKEN_CACHE_GENERATION, 1, None):
        try:
            cache.incr(TOKEN_CACHE_GENERATION)
        except ValueError:  # evicted between add and incr
            cache.set(TOKEN_CACHE_GENERATION, 1, None)


def _connect_token_cache_hooks() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    from gonghui.orgs.models import Org

    from .models import ApiToken, RoleAssignment

    def token_gone(sender, instance, **kwargs):  # revoke / logout / expiry purge
        forget_cached_tokens(key_hashes=[instance.key_hash])

    def user_changed(sender, instance, created=False, **kwargs):  # deactivation, password …
        if not created:
            forget_cached_tokens(user_id=instance.pk)

    def role_changed(sender, instance, **kwargs):
        forget_cached_tokens(user_id=instance.user_id)

    def org_changed(sender, created=False, **kwargs):
        if not created:
            forget_all_cached_tokens()

    uid = "people.token_cache."
    post_delete.connect(token_gone, sender=ApiToken, dispatch_uid=uid + "token", weak=False)
    user = get_user_model()
    post_save.connect(user_changed, sender=user, dispatch_uid=uid + "user", weak=False)
    for signal in (post_save, post_delete):
        signal.connect(role_changed, sender=RoleAssignment, dispatch_uid=uid + "role", weak=False)
    post_save.connect(org_changed, sender=Org, dispatch_uid=uid + "org", weak=False)


_connect_token_cache_hooks()
