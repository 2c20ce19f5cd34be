"""Excel (.xlsx) for stations: the import template, reading an upload into service input, and
the export of a filtered list (same headers as the import, so an export can be edited and
imported back)."""

import io
import json
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from gonghui.core.db_router import lag_ok
from gonghui.core.excel import XLSX, SheetError, read_sheet

from .models import Amenity, HostKind, StationStatus, StationType

# Column header -> service input field, in template order.
COLUMNS = [
    ("名称", "name"),
    ("类型", "type"),
    ("负责工会代码", "org"),
    ("所在区代码", "district"),
    ("地址", "address"),
    ("纬度", "lat"),
    ("经度", "lng"),
    ("坐标系", "coord_system"),
    ("服务设施", "amenities"),
    ("开放时间", "hours"),
    ("状态", "status"),
    ("依托单位", "host_name"),
    ("联系电话", "contact_phone"),
    ("建成年份", "built_year"),
    # optional, not in the template
    ("依托单位类型", "host_kind"),
    ("容纳人数", "capacity"),
]
TEMPLATE_COLUMNS = COLUMNS[:14]
REQUIRED = {"名称", "负责工会代码", "所在区代码", "地址", "纬度", "经度"}
FIELD_LABELS = {field: header for header, field in COLUMNS}
__all__ = ["XLSX", "SheetError", "export_bytes", "export_workbook", "read_rows", "template_bytes"]
_SPLIT = re.compile(r"[,，、;；\s]+")


def _hours_text(hours) -> str:
    if hours == "24h":
        return "24h"
    return json.dumps(hours, ensure_ascii=False) if hours else ""


def template_bytes() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "驿站"
    ws.append([h for h, _f in TEMPLATE_COLUMNS])
    ws.append([
        "望京SOHO暖心驿站", "户外劳动者暖心驿站", "BJ-CY", "BJ-CY", "朝阳区望京街10号",
        39.9967, 116.4807, "gcj02", "饮用水,热水,手机充电", "24h", "规划中",
        "某银行望京支行", "010-64000000", "",
    ])  # fmt: skip
    ws.append([
        "中关村职工之家", "worker_home", "BJ-HD", "BJ-HD", "海淀区中关村大街1号",
        39.9834, 116.3162, "wgs84", "drinking_water,toilet,wifi",
        '{"mon": [["09:00", "18:00"]], "tue": [["09:00", "18:00"]]}', "planned", "", "", 2024,
    ])  # fmt: skip
    for i in range(len(TEMPLATE_COLUMNS)):
        ws.column_dimensions[chr(ord("A") + i)].width = 18
    notes = wb.create_sheet("说明")
    notes.append([_("同名同地址的站点视为同一站点：已存在则更新，否则新建。")])
    notes.append([_("整表校验：任何一行有错误则全部不导入。")])
    notes.append([_("坐标系：wgs84（GPS）、gcj02（高德/腾讯地图）、bd09（百度地图）。")])
    notes.append(
        [_('开放时间：填 24h，或 JSON，如 {"mon": [["08:00", "20:00"]], "holiday": []}。')]
    )
    notes.append([_("启用（运营中）或关闭站点须提交审核，导入时只能填写其他状态。")])
    notes.append([])
    notes.append([_("类型"), _("代码")])
    for t in StationType.objects.all():
        notes.append([t.name, t.code])
    notes.append([])
    notes.append([_("服务设施"), _("代码")])
    for a in Amenity.objects.all():
        notes.append([a.name, a.code])
    notes.append([])
    notes.append([_("状态"), _("代码")])
    for value, label in StationStatus.choices:
        notes.append([str(label), value])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _lookups() -> dict[str, dict[str, str]]:
    """Chinese name (or code) -> code, per field that takes a code."""
    types = {}
    for code, name in StationType.objects.values_list("code", "name"):
        types[name] = types[code] = code
    amenities = {}
    for code, name in Amenity.objects.values_list("code", "name"):
        amenities[name] = amenities[code] = code
    statuses = {str(label): value for value, label in StationStatus.choices}
    host_kinds = {str(label): value for value, label in HostKind.choices}
    return {"type": types, "amenities": amenities, "status": statuses, "host_kind": host_kinds}


def _cell(field: str, value, lookups):
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
    if value is None:
        return None
    if field == "amenities":
        names = [v for v in _SPLIT.split(str(value)) if v]
        return [lookups["amenities"].get(v, v) for v in names]
    if field == "hours":
        text = str(value).strip()
        if text.lower() in ("24h", "24小时"):
            return "24h"
        try:
            return json.loads(text)
        except ValueError:
            return text  # the service explains what it should look like
    if field in ("type", "status", "host_kind"):
        return lookups[field].get(str(value), str(value))
    if field == "coord_system":
        return str(value).lower()
    if field in ("org", "district"):
        return str(value).upper()
    if field == "contact_phone" and isinstance(value, (int, float)):
        return str(int(value))  # Excel turned the digits into a number
    if field in ("built_year", "capacity") and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_rows(upload) -> list[tuple[int, dict]]:
    """``(row_number, data)`` for each non-empty data row; raises ``SheetError``. A column
    absent from the sheet is not given (an update keeps the stored value)."""
    lookups = _lookups()
    return [
        (number, {f: _cell(f, v, lookups) for f, v in cells.items()})
        for number, cells in read_sheet(upload, columns=COLUMNS, required=REQUIRED)
    ]


def export_bytes(stations) -> bytes:
    buf = io.BytesIO()
    export_workbook(stations).save(buf)
    return buf.getvalue()


@lag_ok()  # an export may be seconds behind: from the replica when there is one
def export_workbook(stations) -> Workbook:
    """The stations as a sheet whose first columns are the import columns: a write-only
    workbook filled row by row, for ``xlsx_response`` to stream from a temporary file."""
    amenity_names = dict(Amenity.objects.values_list("code", "name"))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("驿站")
    ws.append([
        *[h for h, _f in COLUMNS],
        "编号", "负责工会", "所在区", "启用日期", "关闭日期", "更新时间",
    ])  # fmt: skip
    for s in stations:
        ws.append([
            s.name, s.type.name, s.org.code, s.district.code, s.address, s.lat, s.lng, "wgs84",
            ",".join(amenity_names.get(c, c) for c in s.amenities),
            _hours_text(s.hours), s.get_status_display(), s.host_name, s.contact_phone,
            s.built_year, s.get_host_kind_display(), s.capacity,
            s.pk, s.org.name, s.district.name,
            s.opened_on.isoformat() if s.opened_on else "",
            s.closed_on.isoformat() if s.closed_on else "",
            timezone.localtime(s.updated_at).strftime("%Y-%m-%d %H:%M"),
        ])  # fmt: skip
    return wb
