"""Beneficiaries' bank (or union card) accounts from an Excel sheet: 身份证号, 姓名, 账号.

* Each row names a person on the campaign's lists *in the user's scope* (``campaigns.manage``)
  by 身份证号 (matched by its keyed hash); one outside the scope or on no list reads the same
  ("不在您管辖范围内的名单中"), so the sheet is no oracle for other unions' lists.
* All or nothing: any row in error and nothing is applied; every row is reported with its row
  number and what is wrong, in Chinese. The accounts are written through
  ``campaigns.update_beneficiary`` (the same rule as typing one in) and shown masked.
* Excel's lost digits are refused for the whole file by ``core.excel.read_sheet`` (both
  columns are ``TEXT_COLUMNS``): a 19-digit account typed as a number has lost its last four.
"""

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from gonghui.core import audit
from gonghui.core.excel import ImportRejected, SheetError, read_sheet
from gonghui.core.masking import mask_id_number
from gonghui.core.validators import FieldErrors, validate_id_number
from gonghui.people.services import id_number_hash

from ..models import BeneficiaryStatus, Campaign, CampaignStatus, mask_account
from ..services import Conflict
from . import selectors as sel
from . import services as campaigns

COLUMNS = [("身份证号", "id_number"), ("姓名", "name"), ("账号", "account")]
REQUIRED = {"身份证号", "账号"}
TEXT_COLUMNS = {"身份证号", "账号"}  # long digit strings: a number cell has lost digits


def template() -> bytes:
    """The sheet to fill in: the three columns, formatted as text so Excel keeps every digit."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("银行账号")
    ws.append([h for h, _f in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABC", (24, 12, 28), strict=True):
        ws.column_dimensions[letter].number_format = "@"
        ws.column_dimensions[letter].width = width
    notes = wb.create_sheet(_("填写说明"))
    for line in (
        _(
            "每行一人：身份证号（必填）、姓名（可选，填写时须与名单一致）、账号（必填，8到30位数字）。"
        ),
        _("身份证号和账号两列已设为文本格式，请勿改为数字格式，否则 Excel 会丢失末尾数字。"),
        _("只能填写本活动中您管辖范围内名单上的人员；有任何一行错误时，整个文件不导入。"),
    ):
        notes.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _campaign(user, campaign_id: int) -> Campaign:
    campaign = sel.get_visible_campaign(user, campaign_id)
    if not sel.visible_beneficiaries(user, campaign, permission="campaigns.manage").exists():
        raise PermissionDenied(_("本活动没有您可以管理的名单"))
    if campaign.status not in (CampaignStatus.LISTS_OPEN, CampaignStatus.APPROVED):
        raise Conflict(_("只有名单编制中或已审批的活动可以导入账号"))
    return campaign


def _check(rows, listed: dict) -> list[dict]:
    """One report row per sheet row: ``status`` update / unchanged / error, ``message``."""
    out, seen = [], {}
    for number, raw in rows:
        problems = []
        row = {"row": number, "name": "", "id_number": "", "account": "", "beneficiary": None}
        try:
            id_number = validate_id_number(str(raw.get("id_number") or "")).number
        except ValidationError as exc:
            problems.append(_("身份证号：%s") % exc.messages[0])
            id_number = ""
        errors = FieldErrors()
        account = campaigns._account(raw.get("account"), errors)
        if not account and not errors:
            errors.add("account", _("请填写账号"))
        problems += [_("账号：%s") % m for m in errors.get("account", [])]
        row["account"] = mask_account(account)
        if id_number:
            row["id_number"] = mask_id_number(id_number)
            h = id_number_hash(id_number)
            b = listed.get(h)
            if h in seen:
                problems.append(_("身份证号与第%d行重复") % seen[h])
            seen.setdefault(h, number)
            if b is None:
                problems.append(_("此人不在本活动您管辖范围内的名单中"))
            else:
                row["name"] = b.masked_name
                name = str(raw.get("name") or "").strip()
                if name and name != b.name:
                    problems.append(_("姓名与名单不符（名单为 %s）") % b.masked_name)
                row["beneficiary"] = b
        if problems:
            row["status"], row["message"] = "error", "；".join(problems)
        elif row["beneficiary"].account == account:
            row["status"], row["message"] = "unchanged", _("账号相同，无需更新")
        else:
            row["status"], row["message"] = "update", ""
        row["new_account"] = account
        out.append(row)
    return out


def _public(rows: list[dict]) -> list[dict]:
    return [
        {k: r[k] for k in ("row", "name", "id_number", "account", "status", "message")}
        for r in rows
    ]


def import_accounts(*, user, campaign_id: int, upload, request=None) -> dict:
    """Set the listed people's accounts from the sheet; returns the report (``status``,
    ``detail``, ``updated``, ``unchanged``, ``rows``). ``ImportRejected`` (nothing applied)
    on any row error; ``SheetError`` for a file that cannot be used (digits lost included)."""
    campaign = _campaign(user, campaign_id)
    rows = read_sheet(upload, columns=COLUMNS, required=REQUIRED, text_columns=TEXT_COLUMNS)
    if not rows:
        raise SheetError(_("文件中没有数据行"))
    mine = sel.visible_beneficiaries(user, campaign, permission="campaigns.manage").exclude(
        status=BeneficiaryStatus.REMOVED
    )
    with transaction.atomic():
        listed = {b.person_hash: b for b in mine.select_for_update(of=("self",))}
        checked = _check(rows, listed)
        errors = sum(r["status"] == "error" for r in checked)
        if errors:
            raise ImportRejected.for_rows(_public(checked), errors, "updated", "unchanged")
        updated = [r for r in checked if r["status"] == "update"]
        for r in updated:
            campaigns.update_beneficiary(
                user=user, beneficiary_id=r["beneficiary"].pk, data={"account": r["new_account"]}
            )
            r["status"] = "updated"
        if updated:
            audit.record(
                actor=user,
                action="import_accounts",
                obj=campaign,
                fields=["beneficiary.account"],
                reason=_("导入银行账号%d人") % len(updated),
                request=request,
            )
    return {
        "status": "applied",
        "detail": _("已更新%(n)d人的账号，%(same)d人账号未变")
        % {"n": len(updated), "same": len(checked) - len(updated)},
        "updated": len(updated),
        "unchanged": len(checked) - len(updated),
        "errors": 0,
        "rows": _public(checked),
    }
