"""Writes for stations: validation, create/update, Excel import, status review, check-ins,
reports (and turning a report into a 12351 appeal)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import update_states
from gonghui.core.validators import FieldErrors
from gonghui.orgs.models import DISTRICT_TYPES
from gonghui.orgs.selectors import district_of, get_by_code
from gonghui.people.roles import Role
from gonghui.people.scope import scope_for
from gonghui.people.selectors import has_role_over

from . import geo
from .hours import clean_hours
from .models import (
    Amenity,
    CheckIn,
    HostKind,
    Report,
    Station,
    StationStatus,
    StationType,
    StatusRequest,
)

# Opening or closing a station goes through review (StatusRequest), not a plain edit.
REVIEWED = {StationStatus.OPEN, StationStatus.CLOSED}


def amenity_bits(codes) -> int:
    bits = dict(Amenity.objects.values_list("code", "bit"))
    return sum(1 << bits[c] for c in set(codes) if c in bits)


def _clean_text(data, out, errors, partial):
    for field, limit in (("name", 100), ("address", 200)):
        if data.get(field) is not None or not partial:
            value = str(data.get(field) or "").strip()
            if not value:
                errors.add(field, _("此字段为必填项"))
            elif len(value) > limit:
                errors.add(field, _("内容过长"))
            out[field] = value
    for field, limit in (("host_name", 100), ("contact_phone", 30)):
        if data.get(field) is not None:
            out[field] = str(data[field]).strip()[:limit]
    if data.get("host_kind") is not None:
        if data["host_kind"] not in HostKind.values:
            errors.add("host_kind", _("依托单位类型无效，可选：%s") % ", ".join(HostKind.values))
        out["host_kind"] = data["host_kind"]


def _clean_orgs(data, out, errors, partial, user):
    if data.get("type") is not None or not partial:
        t = StationType.objects.filter(code=str(data.get("type") or "warm_station")).first()
        if t is None:
            codes = ", ".join(StationType.objects.values_list("code", flat=True))
            errors.add("type", _("站点类型无效，可选：%s") % codes)
        out["type"] = t
    if data.get("org") is not None or not partial:
        org = get_by_code(str(data.get("org") or ""))
        if org is None or not scope_for(user, "stations.manage").contains(org):
            errors.add("org", _("负责工会不存在或不在您的管辖范围内"))
        out["org"] = org
    if data.get("district") is not None or not partial:
        district = get_by_code(str(data.get("district") or ""))
        if district is not None and district.type not in DISTRICT_TYPES:
            district = district_of(district)
        if district is None:
            errors.add("district", _("所在区不存在（请填写区总工会代码，如 BJ-CY）"))
        out["district"] = district


def _clean_place(data, out, errors, partial):
    if data.get("lat") is None and data.get("lng") is None and partial:
        return
    system = str(data.get("coord_system") or "wgs84").lower()
    try:
        lat, lng = float(data.get("lat")), float(data.get("lng"))
    except (TypeError, ValueError):
        errors.add("lat", _("请填写有效的经纬度"))
        return
    if system not in geo.COORD_SYSTEMS:
        errors.add("coord_system", _("坐标系应为 wgs84、gcj02 或 bd09"))
    elif not geo.in_china(lat, lng):
        errors.add("lat", _("坐标不在中国境内，请检查经纬度是否填反"))
    else:
        wlat, wlng = geo.to_wgs84(lat, lng, system)
        out["lat"], out["lng"] = round(wlat, 7), round(wlng, 7)


def _clean_service(data, out, errors, partial):
    if data.get("amenities") is not None or not partial:
        codes = data.get("amenities") or []
        if isinstance(codes, str):
            codes = [c.strip() for c in codes.replace("，", ",").split(",") if c.strip()]
        known = set(Amenity.objects.values_list("code", flat=True))
        unknown = [str(c) for c in codes if c not in known]
        if unknown:
            errors.add("amenities", _("未知的服务设施：%s") % ", ".join(unknown))
        out["amenities"] = sorted(set(codes) & known)
        out["amenity_bits"] = amenity_bits(out["amenities"])
    if data.get("hours") is not None or not partial:
        try:
            out["hours"] = clean_hours(data.get("hours"))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for m in messages:
                    errors.add(field, m)
    for field, low, high, message in (
        ("capacity", 0, 100_000, _("容纳人数应为非负整数")),
        ("built_year", 1949, timezone.localdate().year + 1, _("建成年份无效")),
    ):
        if data.get(field) not in (None, ""):
            try:
                value = int(data[field])
            except (TypeError, ValueError):
                value = None
            if value is None or not low <= value <= high:
                errors.add(field, message)
            out[field] = value


def clean_station(data: dict, *, user, instance: Station | None = None) -> dict:
    """Validate a full (create) or partial (``instance`` given) input. Returns model field
    values; raises ``ValidationError`` with messages per field."""
    errors = FieldErrors()
    out: dict = {}
    partial = instance is not None
    _clean_text(data, out, errors, partial)
    _clean_orgs(data, out, errors, partial, user)
    _clean_place(data, out, errors, partial)
    _clean_service(data, out, errors, partial)
    if data.get("status") is not None or not partial:
        status = str(data.get("status") or StationStatus.PLANNED)
        if status not in StationStatus.values:
            errors.add("status", _("状态无效，可选：%s") % ", ".join(StationStatus.values))
        elif status != getattr(instance, "status", None) and status in REVIEWED:
            org = out.get("org") or getattr(instance, "org", None)
            if not scope_for(user, "stations.review").contains(org):
                errors.add("status", _("启用或关闭站点须提交审核"))
        out["status"] = status
    if errors:
        raise ValidationError(dict(errors))
    return out


def _save(station: Station, values: dict) -> Station:
    today = timezone.localdate()
    for key, value in values.items():
        setattr(station, key, value)
    if station.status == StationStatus.OPEN and station.opened_on is None:
        station.opened_on = today
    if station.status == StationStatus.CLOSED and station.closed_on is None:
        station.closed_on = today
    try:
        with transaction.atomic():
            station.save()
    except IntegrityError:
        raise ValidationError({"name": [_("同名同地址的站点已存在")]}) from None
    return station


def create_station(*, user, data: dict) -> Station:
    return _save(Station(), clean_station(data, user=user))


def update_station(*, user, station: Station, data: dict) -> Station:
    if not scope_for(user, "stations.manage").contains(station.org):
        raise PermissionDenied(_("无权修改该站点"))
    return _save(station, clean_station(data, user=user, instance=station))


class ImportRejected(Exception):
    """Some rows were rejected; nothing was saved. ``rows`` reports every row."""

    def __init__(self, rows):
        super().__init__("import rejected")
        self.rows = rows


def import_stations(*, user, rows: list[tuple[int, dict]]) -> list[dict]:
    """All-or-nothing import. A row creates a station, or updates the one with the same
    name + address in the user's scope. Returns ``[{"row", "result", "id"?, "errors"?}]``."""
    if not rows:
        raise ImportRejected(
            [{"row": 0, "result": "rejected", "errors": {"__all__": [_("文件中没有数据行")]}}]
        )
    report, plan, seen = [], [], {}
    manage = scope_for(user, "stations.manage")
    for number, data in rows:
        key = (str(data.get("name") or "").strip(), str(data.get("address") or "").strip())
        existing = Station.objects.filter(name=key[0], address=key[1]).first()
        problem = None
        if key in seen:
            problem = {"name": [_("与第%d行同名同地址") % seen[key]]}
        elif existing is not None and not manage.contains(existing.org):
            problem = {"name": [_("同名同地址的站点已存在（不在您的管辖范围内）")]}
        seen.setdefault(key, number)
        if problem is None:
            try:
                plan.append((number, existing, clean_station(data, user=user, instance=existing)))
            except ValidationError as exc:
                problem = exc.message_dict
        if problem is not None:
            report.append({"row": number, "result": "rejected", "errors": problem})
        else:
            report.append({"row": number, "result": "updated" if existing else "created"})
    if any(r["result"] == "rejected" for r in report):
        raise ImportRejected(report)
    by_row = {r["row"]: r for r in report}
    with transaction.atomic():
        for number, existing, values in plan:
            by_row[number]["id"] = _save(existing or Station(), values).pk
    return report


def request_status(*, user, station: Station, to_status: str, effective_on=None, note: str = ""):
    """A station manager asks to open or close a station; the org above reviews it."""
    if not scope_for(user, "stations.manage").contains(station.org):
        raise PermissionDenied(_("无权修改该站点"))
    if to_status not in REVIEWED:
        raise ValidationError({"to_status": [_("只有启用（open）和关闭（closed）需要审核")]})
    if station.status_requests.filter(state=StatusRequest.State.PENDING).exists():
        raise ValidationError({"to_status": [_("已有待审核的申请")]})
    return StatusRequest.objects.create(
        station=station,
        to_status=to_status,
        effective_on=effective_on or timezone.localdate(),
        note=(note or "")[:500],
        requested_by=user,
    )


def review_status(*, user, request_id: int, approve: bool) -> StatusRequest:
    with transaction.atomic():
        req = StatusRequest.objects.select_for_update().filter(pk=request_id).first()
        if req is None:
            raise ValidationError({"request": [_("申请不存在")]})
        station = req.station
        if not scope_for(user, "stations.review").contains(station.org):
            raise PermissionDenied(_("无权审核该申请"))
        if req.state != StatusRequest.State.PENDING:
            raise ValidationError({"state": [_("该申请已处理")]})
        req.state = StatusRequest.State.APPROVED if approve else StatusRequest.State.REJECTED
        req.reviewed_by, req.reviewed_at = user, timezone.now()
        req.save()
        if approve:
            station.status = req.to_status
            if req.to_status == StationStatus.OPEN:
                station.opened_on = req.effective_on
                station.built_year = station.built_year or req.effective_on.year
            else:
                station.closed_on = req.effective_on
            station.save()
    return req


def check_in(*, token: str, worker_account=None) -> CheckIn:
    station = Station.objects.filter(qr_token=token, status=StationStatus.OPEN).first()
    if station is None:
        raise ValidationError({"token": [_("二维码无效或站点未开放")]})
    return CheckIn.objects.create(station=station, worker_account=worker_account)


def report_problem(
    *, station: Station, kind: str, rating=None, text: str = "", worker_account=None
) -> Report:
    if kind not in Report.Kind.values:
        raise ValidationError({"kind": [_("类型无效，可选：%s") % ", ".join(Report.Kind.values)]})
    if rating in (None, ""):
        rating = None
    else:
        try:
            rating = int(rating)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise ValidationError({"rating": [_("评分应为1-5")]})
    if kind == Report.Kind.RATING and rating is None:
        raise ValidationError({"rating": [_("请给出1-5分的评分")]})
    with transaction.atomic():
        report = Report.objects.create(
            station=station,
            kind=kind,
            rating=rating,
            text=(text or "")[:500],
            worker_account=worker_account,
        )
        unmanaged = not has_role_over(Role.STATION_MANAGER, station.org)
        if kind != Report.Kind.RATING and worker_account is not None and unmanaged:
            # nobody manages this station's queue: the problem goes to 12351 at once, so the
            # district union handles it on the hotline's clock instead of it waiting unseen
            # (an appeal needs a phone to call back: an anonymous report stays in the queue,
            # which the district's and the federation's admins see)
            _file_appeal(report, worker_account.phone)
    return report


def mark_report_handled(*, user, report: Report) -> bool:
    """Close an open report; False when someone else handled it first."""
    if not scope_for(user, "stations.manage").contains(report.station.org):
        raise PermissionDenied(_("无权处理该反馈"))
    open_report = Report.objects.filter(pk=report.pk, state=Report.State.OPEN)
    return bool(update_states(open_report, new=Report.State.HANDLED, field="state"))


def escalate_report(*, user, report: Report, contact_phone: str = ""):
    """Turn a problem report into a 12351 appeal (category 驿站与职工之家) in one action."""
    if not scope_for(user, "stations.manage").contains(report.station.org):
        raise PermissionDenied(_("无权处理该反馈"))
    if report.appeal_id:
        raise ValidationError({"report": [_("该反馈已转为12351诉求")]})
    phone = contact_phone or (report.worker_account.phone if report.worker_account else "")
    with transaction.atomic():
        # Two managers escalating at once must not file two appeals.
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.appeal_id:
            raise ValidationError({"report": [_("该反馈已转为12351诉求")]})
        appeal = _file_appeal(report, phone)
    return appeal


def _file_appeal(report: Report, phone: str):
    """File ``report`` as a 12351 appeal (category 驿站与职工之家) at the station's district
    and mark it escalated; inside the caller's transaction."""
    from gonghui.hotline import services as hotline

    station = report.station
    appeal, _created = hotline.create_appeal(
        actor=None,
        data={
            "type": "complaint",
            "category": "STATION",
            "content": f"【驿站反馈】{station.name}（{station.address}）："
            f"{report.get_kind_display()} {report.text}",
            "district": station.district.code,
            "contact_phone": phone,
        },
    )
    report.appeal = appeal
    report.state = Report.State.ESCALATED
    report.save()
    return appeal


PHOTO_MAX_BYTES = 5_000_000  # 5 MB (decimal, as phones show sizes)


def _manage(user, station: Station):
    if not scope_for(user, "stations.manage").contains(station.org):
        raise PermissionDenied(_("无权修改该站点"))


def add_photo(*, user, station: Station, upload):
    """Attach a JPEG/PNG photo (checked by content, at most 5 MB)."""
    from gonghui.core.files import IMAGES, check_upload

    from .models import StationPhoto

    _manage(user, station)
    content_type, ext = check_upload(upload, allowed=IMAGES, max_bytes=PHOTO_MAX_BYTES)
    photo = StationPhoto(station=station, content_type=content_type)
    photo.image.save(f"{station.pk}-{station.photos.count() + 1}{ext}", upload, save=False)
    photo.save()
    return photo


def set_exception(*, user, station: Station, date, ranges, note: str = ""):
    """Closed (``ranges=[]``) or special hours on one date, e.g. a holiday closure."""
    from .hours import clean_ranges
    from .models import StationException

    _manage(user, station)
    if date is None:
        raise ValidationError({"date": [_("请填写日期")]})
    ranges = clean_ranges(ranges, "ranges")
    exc, _created = StationException.objects.update_or_create(
        station=station, date=date, defaults={"ranges": ranges, "note": (note or "")[:100]}
    )
    return exc


def delete_exception(*, user, station: Station, exception_id: int) -> None:
    _manage(user, station)
    station.exceptions.filter(pk=exception_id).delete()
