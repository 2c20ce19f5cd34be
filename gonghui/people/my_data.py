"""A worker's own data (个人信息查阅、复制): JSON and Excel, with sections from other apps.

``people`` imports no other app: an app registers ``(worker) -> list[dict]`` under a key and a
Chinese title from its ``AppConfig.ready()`` with ``register_export``; each dict is one row,
values already display labels, dates ISO strings (``iso_date``); ``labels`` gives the Excel
headers of the row keys.
"""

import io
from collections.abc import Callable
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from gonghui.core import audit

from .models import Worker, WorkerAccount
from .privacy import consents_of

_EXPORTS: dict[str, tuple[str, Callable, dict]] = {}


def register_export(key: str, title: str, rows: Callable, labels: dict | None = None) -> Callable:
    """Add a section ``key`` (titled ``title``) to every worker's export; ``labels`` maps the
    row keys to Chinese Excel headers (keys without a label are their own header)."""
    _EXPORTS[key] = (title, rows, dict(labels or {}))
    return rows


def iso_date(value) -> str:
    """A date, or a datetime's local date, as ``YYYY-MM-DD``; ``""`` for none."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value) if value.tzinfo else value.date()
    return value.isoformat()


def profile_of(worker: Worker) -> dict:
    """The worker's own record, unmasked: it is their data."""
    return {
        "name": worker.name,
        "id_number": worker.id_number,
        "phone": worker.phone,
        "sex": worker.get_sex_display(),
        "birth_date": worker.birth_date,
        "employment_form": worker.get_employment_form_display(),
        "employer_name": worker.employer_name,
        "employer_credit_code": worker.employer_credit_code,
        "union_org": worker.union_org.name,
        "work_district": worker.work_district.name if worker.work_district else "",
        "member_since": worker.member_since,
        "membership": worker.get_membership_status_display(),
        "created_at": worker.created_at,
    }


def _labels() -> dict:
    """Excel headers for the profile and consent keys."""
    return {
        "name": _("姓名"),
        "id_number": _("身份证号"),
        "phone": _("手机号"),
        "sex": _("性别"),
        "birth_date": _("出生日期"),
        "employment_form": _("用工形式"),
        "employer_name": _("用人单位"),
        "employer_credit_code": _("统一社会信用代码"),
        "union_org": _("所属工会"),
        "work_district": _("工作区域"),
        "member_since": _("入会日期"),
        "membership": _("会员身份"),
        "created_at": _("登记时间"),
        "purpose": _("同意事项"),
        "granted": _("是否同意"),
        "version": _("文本版本"),
        "granted_at": _("同意时间"),
        "withdrawn_at": _("撤回时间"),
    }


def export_of(account: WorkerAccount, request=None) -> dict:
    """Everything held about the account's worker, by section; audited. Raises
    ``Worker.DoesNotExist`` when the account has no worker record."""
    worker = account.worker
    if worker is None:
        raise Worker.DoesNotExist
    consents = [
        {
            "purpose": c["purpose_name"],
            "granted": c["granted"],
            "version": c["granted_version"],
            "granted_at": c["granted_at"],
            "withdrawn_at": c["withdrawn_at"],
        }
        for c in consents_of(account)
    ]
    data = {"profile": profile_of(worker), "consents": consents}
    for key, (_title, rows, _labels_of) in _EXPORTS.items():
        data[key] = list(rows(worker))
    audit.record(
        actor=account,
        action="worker.export",
        obj=worker,
        fields=("id_number", "phone"),
        reason="self export",
        request=request,
    )
    return data


def _cell(value):
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M") if value.tzinfo else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return "" if value is None else str(value)


def xlsx_bytes(data: dict) -> bytes:
    """One sheet per section: the profile as 项目/内容 pairs, lists as a table."""
    titles = {"profile": _("基本信息"), "consents": _("个人信息同意")}
    labels = _labels()
    titles.update({key: title for key, (title, _rows, _l) in _EXPORTS.items()})
    wb = Workbook()
    ws = wb.active
    ws.title = titles["profile"]
    ws.append([_("项目"), _("内容")])
    for key, value in data["profile"].items():
        ws.append([str(labels.get(key, key)), _cell(value)])
    for key, rows in data.items():
        if key == "profile":
            continue
        ws = wb.create_sheet(str(titles.get(key, key))[:31])
        if rows:
            headers = list(rows[0].keys())
            names = {**labels, **(_EXPORTS[key][2] if key in _EXPORTS else {})}
            ws.append([str(names.get(h, h)) for h in headers])
            for row in rows:
                ws.append([_cell(row.get(h)) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
