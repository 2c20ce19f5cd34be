"""Writes for people: workers (create, import) and revealing their personal data."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from gonghui.core import audit
from gonghui.core.crypto import lookup_hash
from gonghui.core.validators import normalize_phone, validate_credit_code, validate_id_number
from gonghui.orgs.models import DISTRICT_TYPES
from gonghui.orgs.selectors import district_of, get_by_code

from .models import EmploymentForm, Worker
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


def _parse_date(value, field_name: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        raise ValidationError(_("日期格式应为 YYYY-MM-DD"), code="invalid") from None


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


def clean_worker_data(data: dict, *, user) -> WorkerData:
    """Validate raw input (API JSON, form, Excel row). Raises ``ValidationError`` with a
    message list per field; checks that ``union_org`` lies in the user's create scope."""
    errors: dict[str, list[str]] = {}

    def err(name, message):
        errors.setdefault(name, []).append(str(message))

    name = str(data.get("name") or "").strip()
    if not name:
        err("name", _("请填写姓名"))
    elif len(name) > 50:
        err("name", _("姓名不能超过50个字"))

    resident = None
    try:
        resident = validate_id_number(str(data.get("id_number") or ""))
    except ValidationError as exc:
        err("id_number", exc.messages[0])
    else:
        if Worker.objects.filter(id_number_hash=id_number_hash(resident.number)).exists():
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

    member_since = None
    try:
        member_since = _parse_date(data.get("member_since"), "member_since")
    except ValidationError as exc:
        err("member_since", exc.messages[0])
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
