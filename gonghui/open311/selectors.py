"""Reads for the Open311 interface: services (the hotline's active categories plus the station
problem reports), service definitions, and requests with their public status only.

What a request shows is decided in docs/decisions.md (D27): never a contact, an employer, the
appeal's content or a handling note. ``description``, ``address``, ``lat``/``long`` and
``media_url`` are given back only for requests submitted through Open311 itself (the
submitter sent them to a public interface); an appeal filed from a station problem report
carries the station's public place; any other appeal shows its district only."""

from django.utils.translation import gettext as _

from gonghui.hotline import reference_cache as hotline_reference
from gonghui.hotline import selectors as hotline
from gonghui.hotline.models import CLOSED_STATES, AppealType, Status
from gonghui.orgs.selectors import children
from gonghui.people.scope import scope_for
from gonghui.stations import selectors as stations

from .models import ApiClient, SubmittedRequest
from .protocol import Open311Error, RequestQuery, w3c

STATION_REPORT = "STATION-REPORT"
REPORT_PREFIX = "SR-"
LIMIT = 1000
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Sortable stamp of the last change to this interface (services, definitions, formats):
# a new value tells clients to refresh what they cached.
CHANGESET = "2026-12-06T00:00:00+08:00"


def can_manage_keys(user) -> bool:
    """Keys are issued by the federation: a superuser or the admin role at the root org."""
    if not getattr(user, "is_authenticated", False):
        return False
    root = children(None).first()
    return user.is_superuser or (root is not None and scope_for(user, "admin.site").contains(root))


def api_clients():
    return ApiClient.objects.select_related("created_by", "revoked_by")


# --- services ----------------------------------------------------------------------------------


def _category_service(category) -> dict:
    group = category.parent.name if category.parent_id else category.name
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _("12351职工服务热线诉求：%s") % category,
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(dict.fromkeys([category.name, group])),
        "group": group,
    }


def station_report_service() -> dict:
    return {
        "service_code": STATION_REPORT,
        "service_name": _("驿站问题反馈"),
        "description": _("职工在户外劳动者暖心驿站页面反映的问题（只读：请在驿站页面反映）"),
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join([_("驿站"), _("职工之家"), *stations.station_report_kinds().values()]),
        "group": _("驿站与职工之家"),
    }


def categories() -> dict:
    """Active hotline categories by code (the hotline's reference cache)."""
    return hotline_reference.active_categories()


def services() -> list[dict]:
    ordered = sorted(
        categories().values(),
        key=lambda c: (
            (c.parent.sort_order, c.parent.code) if c.parent_id else (c.sort_order, c.code),
            c.parent_id is not None,
            c.sort_order,
            c.code,
        ),
    )
    return [_category_service(c) for c in ordered] + [station_report_service()]


def service_definition(code: str) -> dict:
    """The extra fields a request of this service takes (all optional); 404 when unknown."""
    if code == STATION_REPORT:
        return {"service_code": code, "attributes": []}
    if code not in categories():
        raise Open311Error(404, "service_code_not_found", _("服务代码 %s 不存在") % code)
    return {
        "service_code": code,
        "attributes": [
            {
                "variable": True,
                "code": "appeal_type",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("不填为“求助”"),
                "order": 1,
                "description": _("诉求类型"),
                "values": [{"key": t.value, "name": str(t.label)} for t in AppealType],
            },
            {
                "variable": True,
                "code": "employer_name",
                "datatype": "string",
                "required": False,
                "datatype_description": _("不超过200字；不会公开"),
                "order": 2,
                "description": _("涉及单位名称"),
                "values": [],
            },
        ],
    }


# --- requests ----------------------------------------------------------------------------------


def _place(district_name: str | None) -> str | None:
    return district_name.removesuffix("总工会") if district_name else None


def _updated(row: dict, closed: bool):
    stamps = [
        row[f]
        for f in ("received_at", "dispatched_at", "accepted_at", "contacted_at", "resolved_at",
                  "callback_at", "closed_at")
        if row[f] is not None
    ]  # fmt: skip
    if closed and (row["resolved_at"] or row["closed_at"]):
        return row["resolved_at"] or row["closed_at"]
    return max(stamps)


def _appeal_record(row: dict, submitted, station) -> dict:
    closed = row["status"] in CLOSED_STATES
    note = Status(row["status"]).label
    if row["status"] == Status.DISPATCHED and row["responsible_org__name"]:
        note = _("已派单至%s") % row["responsible_org__name"]
    address, lat, lng, description, media = _place(row["district__name"]), None, None, None, None
    if station is not None:
        address, lat, lng = station["address"], station["lat"], station["lng"]
        description = _("驿站问题：%s") % station["name"]
    if submitted is not None:
        address = submitted.address or address
        lat, lng = submitted.lat, submitted.lng
        description, media = submitted.description or None, submitted.media_url or None
    return {
        "service_request_id": row["number"],
        "status": "closed" if closed else "open",
        "status_notes": str(note),
        "service_name": row["category__name"],
        "service_code": row["category__code"],
        "description": description,
        "agency_responsible": row["responsible_org__name"],
        "service_notice": None,
        "requested_datetime": w3c(row["received_at"]),
        "updated_datetime": w3c(_updated(row, closed)),
        "expected_datetime": w3c(row["resolve_due"]),
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lng,
        "media_url": media,
    }


def _report_record(row: dict) -> dict:
    return {
        "service_request_id": f"{REPORT_PREFIX}{row['id']}",
        "status": "open" if row["state"] == "open" else "closed",
        "status_notes": _("待处理") if row["state"] == "open" else _("已处理"),
        "service_name": _("驿站问题反馈"),
        "service_code": STATION_REPORT,
        "description": f"{row['station__name']}：{row['kind_label']}",
        "agency_responsible": row["station__org__name"],
        "service_notice": None,
        "requested_datetime": w3c(row["created_at"]),
        "updated_datetime": w3c(row["created_at"]),
        "expected_datetime": None,
        "address": row["station__address"],
        "address_id": None,
        "zipcode": None,
        "lat": row["station__lat"],
        "long": row["station__lng"],
        "media_url": None,
        "_at": row["created_at"],
    }


def _appeal_records(rows: list[dict]) -> list[dict]:
    ids = [r["id"] for r in rows]
    submitted = {s.appeal_id: s for s in SubmittedRequest.objects.filter(appeal_id__in=ids)}
    at_station = stations.stations_of_appeals(ids)
    out = []
    for row in rows:
        record = _appeal_record(row, submitted.get(row["id"]), at_station.get(row["id"]))
        record["_at"] = row["received_at"]
        out.append(record)
    return out


def requests(query: RequestQuery) -> list[dict]:
    """Appeals and open/handled station problem reports matching ``query``, newest first,
    at most ``LIMIT`` (the spec's "last 90 days or first 1,000")."""
    if query.ids is not None:
        numbers = [i for i in query.ids if not i.startswith(REPORT_PREFIX)]
        report_ids = [
            int(i[len(REPORT_PREFIX):]) for i in query.ids
            if i.startswith(REPORT_PREFIX) and i[len(REPORT_PREFIX):].isascii()
            and i[len(REPORT_PREFIX):].isdigit() and len(i) < 20
        ]  # fmt: skip
        appeal_rows = hotline.public_appeals(numbers=numbers, limit=LIMIT) if numbers else []
        report_rows = (
            stations.public_problem_reports(ids=report_ids, limit=LIMIT) if report_ids else []
        )
    else:
        unknown = set(query.codes) - set(categories()) - {STATION_REPORT}
        if unknown:
            raise Open311Error(
                400, "service_code_not_found", _("服务代码不存在：%s") % ",".join(sorted(unknown))
            )
        closed = None if len(query.statuses) != 1 else "closed" in query.statuses
        appeal_codes = [c for c in query.codes if c != STATION_REPORT]
        want_appeals = not query.codes or bool(appeal_codes)
        want_reports = not query.codes or STATION_REPORT in query.codes
        window = {"start": query.start, "end": query.end, "limit": LIMIT}
        appeal_rows = (
            hotline.public_appeals(category_codes=appeal_codes, closed=closed, **window)
            if want_appeals
            else []
        )
        report_rows = (
            stations.public_problem_reports(handled=closed, **window) if want_reports else []
        )
    records = _appeal_records(appeal_rows) + [_report_record(r) for r in report_rows]
    records.sort(key=lambda r: r["_at"], reverse=True)
    for record in records:
        del record["_at"]
    return records[:LIMIT]


def request_by_id(request_id: str) -> dict:
    found = requests(RequestQuery([request_id], [], None, None, set()))
    if not found:
        raise Open311Error(404, "service_request_not_found", _("服务请求 %s 不存在") % request_id)
    return found[0]


def token_request(token: str) -> dict:
    row = SubmittedRequest.objects.filter(token=token).values("token", "appeal__number").first()
    if row is None:
        raise Open311Error(404, "token_not_found", _("令牌 %s 不存在") % token)
    return {"service_request_id": row["appeal__number"], "token": row["token"]}


def discovery(base_url: str) -> dict:
    return {
        "changeset": CHANGESET,
        "contact": _("北京市总工会 12351职工服务热线（电话 12351）"),
        "key_service": _(
            "提交诉求需要 API 密钥：请联系市总工会，由其系统管理员在工作人员控制台签发"
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
