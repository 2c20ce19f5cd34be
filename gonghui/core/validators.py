"""Chinese identifiers: resident ID (身份证号), mobile phone, unified social credit code.

python-stdnum does the arithmetic; the decisions below are ours (docs/decisions.md):

* 15-digit legacy ID numbers are rejected: they were withdrawn in 2013 and carry no check
  digit, so a typo cannot be caught.
* 港澳台居民居住证 numbers (prefixes 810000/820000/830000) are accepted: same check digit,
  real residents; stdnum rejects them only because the prefix is not a county.
* An area code that came into use after the birth year is accepted as long as the code
  exists in stdnum's table at all: people register where they live, not where they were born.
* A birth date in the future (or before 1900) is rejected.
* Credit codes that start with A, N or Y (military, rural collectives, others) are accepted
  when their GB 32100 check character is right.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

from .bounds import is_digits

HMT_PREFIXES = {"810000": "香港", "820000": "澳门", "830000": "台湾"}


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"
    hmt_resident: bool


def validate_id_number(raw: str) -> ResidentId:
    """Validate a 身份证号 and return its normalised form with birth date and sex."""
    number = re.sub(r"[\s\-]", "", raw or "").upper()
    if not number:
        raise ValidationError(_("请填写身份证号"), code="required")
    if len(number) == 15 and is_digits(number):
        raise ValidationError(_("15位旧身份证号已停用，请填写18位身份证号"), code="legacy")
    if len(number) != 18:
        raise ValidationError(_("身份证号应为18位"), code="length")
    if not is_digits(number[:17]) or not (is_digits(number[17]) or number[17] == "X"):
        raise ValidationError(_("身份证号格式不正确"), code="format")
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError(_("身份证号校验位不正确，请核对"), code="checksum")
    try:
        birth = ric.get_birth_date(number)
    except StdnumError:
        raise ValidationError(_("身份证号中的出生日期无效"), code="birth_date") from None
    if birth > timezone.localdate() or birth.year < 1900:
        raise ValidationError(_("身份证号中的出生日期无效"), code="birth_date")
    hmt = number[:6] in HMT_PREFIXES
    if not hmt and not _known_area(number[:6]):
        raise ValidationError(_("身份证号中的地区代码不存在"), code="area")
    sex = "M" if int(number[16]) % 2 else "F"
    return ResidentId(number=number, birth_date=birth, sex=sex, hmt_resident=hmt)


def _known_area(code: str) -> bool:
    """True when stdnum's table knows the county code in any period."""
    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    return "province" in info and "county" in info


_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(raw: str) -> str:
    """Return an 11-digit mainland mobile number or raise ValidationError."""
    value = re.sub(r"[\s\-()]", "", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    if not value:
        raise ValidationError(_("请填写手机号"), code="required")
    if not _PHONE_RE.match(value):
        raise ValidationError(_("手机号应为以1开头的11位数字"), code="invalid")
    return value


def validate_credit_code(raw: str) -> str:
    """Validate a 统一社会信用代码 and return it normalised (upper case, no spaces)."""
    code = uscc.compact(raw or "")
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位"), code="length")
    if code[0] in "ANY":
        # stdnum wants the first eight characters to be digits; these registration
        # authorities are legitimate, so check the rest ourselves.
        if not is_digits(code[1:8]) or any(c not in uscc._alphabet for c in code[8:]):
            raise ValidationError(_("统一社会信用代码格式不正确"), code="format")
        if code[-1] != uscc.calc_check_digit(code[:-1]):
            raise ValidationError(_("统一社会信用代码校验位不正确"), code="checksum")
        return code
    try:
        return uscc.validate(code)
    except StdnumError as exc:
        if exc.__class__.__name__ == "InvalidChecksum":
            raise ValidationError(_("统一社会信用代码校验位不正确"), code="checksum") from None
        raise ValidationError(_("统一社会信用代码格式不正确"), code="format") from None


def clean_text(value, field: str, errors, *, max_length: int, required: bool = False) -> str:
    """``value`` as stripped text (``""`` for ``None``); "此字段为必填项" when empty and
    ``required``, "内容过长（最多N字）" past ``max_length``, on ``errors[field]``."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors.add(field, _("此字段为必填项"))
    elif len(text) > max_length:
        errors.add(field, _("内容过长（最多%d字）") % max_length)
    return text


def clean_date(value, field: str, errors, *, required: bool = True):
    """A ``datetime.date`` from a date (a datetime gives its day) or an ISO ``YYYY-MM-DD``
    text (``YYYY/MM/DD`` too, as Excel users type it); a Chinese message on ``errors[field]``
    (a ``FieldErrors``) and ``None`` when missing or malformed."""
    if value in (None, ""):
        if required:
            errors.add(field, _("此字段为必填项"))
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        errors.add(field, _("日期格式应为 YYYY-MM-DD"))
        return None


MAX_MONEY = Decimal("1e11")  # yuan; below every DecimalField(max_digits=13, decimal_places=2)
FEN = Decimal("0.01")


def clean_money(
    value,
    field: str,
    errors,
    *,
    required: bool = True,
    positive: bool = True,
    maximum: Decimal = MAX_MONEY,
    message: str | None = None,
) -> Decimal | None:
    """An amount in yuan to the fen from a number or a text (``1,234.5``); ``None`` and a
    message on ``errors[field]`` when missing (unless not ``required``), not a number,
    negative, zero when ``positive``, or not below ``maximum``. ``message`` replaces the
    specific messages with one that names the field."""
    if value in (None, ""):
        if required:
            errors.add(field, message or _("请填写金额"))
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.add(field, message or _("金额格式不正确"))
        return None
    if amount < 0:
        errors.add(field, message or (_("金额应大于0") if positive else _("金额不能为负数")))
        return None
    if amount >= maximum:
        errors.add(field, message or _("金额过大"))
        return None
    amount = amount.quantize(FEN, rounding=ROUND_HALF_UP)  # 四舍五入
    if positive and amount == 0:
        errors.add(field, message or _("金额应大于0"))
        return None
    return amount


def clean_choice(value, choices, field: str, errors):
    """``value`` when it is one of ``choices`` (a Django choices class or a list of values);
    otherwise ``None`` and "取值无效，可选：…" on ``errors[field]``."""
    allowed = list(getattr(choices, "values", choices))
    if value not in allowed:
        errors.add(field, _("取值无效，可选：%s") % ", ".join(map(str, allowed)))
        return None
    return value


def clean_choices(value, choices, field: str, errors, label: str) -> list:
    """The valid values of a list (sorted, no repeats; ``[]`` for nothing); the invalid ones
    are named on ``errors[field]`` ("``label``无效：…")."""
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)):
        errors.add(field, _("应为列表"))
        return []
    allowed = set(getattr(choices, "values", choices))
    bad = [v for v in value if v not in allowed]
    if bad:
        errors.add(
            field, _("%(label)s无效：%(bad)s") % {"label": label, "bad": ", ".join(map(str, bad))}
        )
    return sorted(set(value) - set(bad))


def error_text(exc: ValidationError) -> str:
    """All messages of a ``ValidationError`` as one line, for a page-level error."""
    return "；".join(exc.messages)


class FieldErrors(dict):
    """Collects ``{field: [messages]}`` while validating, to raise them all at once."""

    def add(self, field, message):
        self.setdefault(field, []).append(str(message))

    def raise_if_any(self):
        if self:
            raise ValidationError(dict(self))


def errors_to_form(form, errors: dict) -> None:
    """Put a service's ``ValidationError.message_dict`` on a Django form (unknown fields go to
    the form's non-field errors)."""
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
