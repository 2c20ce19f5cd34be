"""Excel 表彰名单: names, unions and the honour — never an ID number or a phone."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from gonghui.core.excel import XLSX

__all__ = ["XLSX", "roll_bytes"]


def roll_bytes(program, nominations) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("表彰名单"))
    ws.append([f"{program.year}年度{program.title}{_('表彰名单')}"])
    ws.append([
        _("序号"), _("姓名/集体名称"), _("所在工会"), _("推荐单位"), _("荣誉称号"),
        _("年度"), _("表彰日期"), _("证书编号"), _("状态"), _("撤销理由"),
    ])  # fmt: skip
    for i, n in enumerate(nominations, start=1):
        ws.append([
            i, n.nominee_name, n.nominee_org.name, n.nominating_org.name, program.title,
            program.year, n.awarded_on.isoformat() if n.awarded_on else "", n.certificate_no,
            n.get_state_display(), n.revoke_reason,
        ])  # fmt: skip
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
