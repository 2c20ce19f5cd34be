"""Excel export of the partner list (contact phones masked)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from gonghui.core.db_router import lag_ok
from gonghui.core.excel import XLSX

__all__ = ["XLSX", "export_bytes"]


@lag_ok()  # an export may be seconds behind: from the replica when there is one
def export_bytes(partners) -> bytes:
    """``partners`` annotated with ``given`` and ``pledged`` (see ``views._filtered``)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("伙伴单位"))
    ws.append([
        _("编号"), _("单位名称"), _("类型"), _("统一社会信用代码"), _("签约工会代码"),
        _("签约工会"), _("联系人"), _("联系电话"), _("加入日期"), _("状态"),
        _("认捐金额（元）"), _("已捐赠价值（元）"), _("捐赠次数"),
    ])  # fmt: skip
    for p in partners:
        ws.append([
            p.pk, p.name, p.get_type_display(), p.credit_code, p.union_org.code,
            p.union_org.name, p.contact_name, p.masked_phone, p.joined_on.isoformat(),
            p.get_status_display(), float(p.pledged), float(p.given), p.n_given,
        ])  # fmt: skip
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
