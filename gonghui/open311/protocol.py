"""The GeoReport v2 wire format (docs/open311.md): answers in JSON or XML chosen by the path
suffix, the error list, W3C datetimes in Beijing time, and the parsing of the query filters.

JSON is the spec's mechanical mapping of the XML: a list answer is a top-level array, an
object stays an object. XML is built with the standard library (``xml.etree``), UTF-8 with a
declaration, no namespace; ``None`` is an empty element, booleans are ``true``/``false``."""

import datetime
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_RANGE = datetime.timedelta(days=90)
MAX_IDS = 1000

# list element -> the element of each item (XML only; JSON has no wrappers)
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


class Open311Error(Exception):
    """An error answer: HTTP ``status`` and the body ``[{code, description}]``. ``code`` is
    finer than the status (e.g. ``service_code_not_found``)."""

    def __init__(self, status: int, code: str, description: str, *, headers=None, more=()):
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = str(description)
        self.headers = headers or {}
        self.more = list(more)  # further (code, description) pairs: several errors at once

    def items(self) -> list[dict]:
        pairs = [(self.code, self.description), *self.more]
        return [{"code": code, "description": str(text)} for code, text in pairs]


def w3c(value: datetime.datetime | None) -> str | None:
    """``2026-12-06T20:39:58+08:00``: Beijing time with its zone, whole seconds."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        tag = ITEM_TAGS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    else:
        element.text = _text(value)


def to_xml(root: str, value) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root: str, value, *, status: int = 200, headers=None) -> HttpResponse:
    """``value`` (a list or a dict) as JSON, or as XML under the element ``root``."""
    body = to_xml(root, value) if fmt == "xml" else json.dumps(value, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=FORMATS[fmt])
    for name, header in (headers or {}).items():
        response[name] = header
    return response


def error_response(fmt: str, exc: Open311Error) -> HttpResponse:
    return respond(fmt, "errors", exc.items(), status=exc.status, headers=exc.headers)


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Open311Error(404, "format_not_found", _("不支持的格式，请使用 .json 或 .xml"))
    return fmt


# --- GET requests: the filters ------------------------------------------------------------------


@dataclass
class RequestQuery:
    ids: list[str] | None  # service_request_id: overrides every other filter
    codes: list[str]
    start: datetime.datetime
    end: datetime.datetime
    statuses: set[str]  # subset of {"open", "closed"}; empty = both


def _csv(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def parse_datetime(value: str, field: str) -> datetime.datetime:
    """A W3C datetime (``2026-12-01T00:00:00+08:00``, ``…Z``); a date alone or a time without
    a zone is read as Beijing time."""
    try:
        parsed = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise Open311Error(
            400,
            f"invalid_{field}",
            _("%s 应为带时区的 W3C 日期时间，如 2026-12-01T00:00:00+08:00") % field,
        ) from None
    if not 1900 <= parsed.year <= 2100:  # and no overflow computing a 90-day window
        raise Open311Error(400, f"invalid_{field}", _("%s 超出可查询的年份范围") % field)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def parse_request_query(params, now: datetime.datetime) -> RequestQuery:
    """The GET requests filters; "optional" means an empty parameter is an absent one."""
    ids = _csv(params.get("service_request_id", ""))
    if len(ids) > MAX_IDS:
        raise Open311Error(400, "too_many_ids", _("service_request_id 最多 %d 个") % MAX_IDS)
    statuses = set(_csv(params.get("status", "").lower()))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "invalid_status", _("status 只能是 open、closed 或二者以逗号分隔"))
    start_raw, end_raw = params.get("start_date", ""), params.get("end_date", "")
    start = parse_datetime(start_raw, "start_date") if start_raw.strip() else None
    end = parse_datetime(end_raw, "end_date") if end_raw.strip() else None
    if start is None and end is None:
        end = now
    if start is None:
        start = end - MAX_RANGE
    if end is None:
        end = start + MAX_RANGE
    if end < start:
        raise Open311Error(400, "invalid_date_range", _("end_date 不能早于 start_date"))
    if end - start > MAX_RANGE:
        raise Open311Error(400, "date_range_too_long", _("查询时间范围不能超过90天"))
    return RequestQuery(
        ids=ids or None,
        codes=_csv(params.get("service_code", "")),
        start=start,
        end=end,
        statuses=statuses,
    )
