"""Writes for the Open311 interface: API keys (issued and revoked by the federation's admins,
stored as a SHA-256 only) and ``POST requests``, which files a 12351 appeal through the
hotline's own intake (``hotline.services.create_appeal``: validation, numbering, SLA clocks,
notification) and keeps a link row of this app (docs/open311.md)."""

import hashlib
import math
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, ratelimit
from gonghui.hotline import services as hotline
from gonghui.hotline.models import AppealType, Channel
from gonghui.orgs.selectors import children, districts
from gonghui.people.services import phone_hash
from gonghui.stations import selectors as stations

from .models import ApiClient, SubmittedRequest
from .protocol import Open311Error
from .selectors import STATION_REPORT, can_manage_keys, categories

KEY_PREFIX = "o311_"
# Roughly the city's extent (WGS-84); a point outside is not ours to handle.
BEIJING_BOX = (39.4, 41.1, 115.4, 117.6)  # lat min, lat max, lng min, lng max
MAX_CENTRE_KM = 60
DESCRIPTION_MAX = 4000

# hotline intake field -> the Open311 parameter to blame
FIELD_NAMES = {
    "contact_phone": "phone",
    "contact_name": "first_name",
    "content": "description",
    "type": "attribute[appeal_type]",
    "employer_name": "attribute[employer_name]",
    "district": "address_string",
    "category": "service_code",
}


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- keys ----------------------------------------------------------------------------------------


def issue_key(*, user, name: str, contact: str = "", request=None) -> tuple[ApiClient, str]:
    """A new key for a named client; the key is returned once and never stored."""
    if not can_manage_keys(user):
        raise PermissionDenied(_("只有市总工会的系统管理员可以签发接口密钥"))
    name, contact = (name or "").strip(), (contact or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("请填写客户端名称")]
    elif len(name) > 100:
        errors["name"] = [_("客户端名称不能超过100个字")]
    if len(contact) > 200:
        errors["contact"] = [_("联系方式不能超过200个字")]
    if errors:
        raise ValidationError(errors)
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        client = ApiClient.objects.create(
            name=name,
            contact=contact,
            key_hash=key_hash(raw),
            key_prefix=raw[:9],
            created_by=user,
        )
        audit.record(actor=user, action="open311_key_issue", obj=client, request=request)
    return client, raw


def revoke_key(*, user, client_id: int, request=None) -> ApiClient:
    if not can_manage_keys(user):
        raise PermissionDenied(_("只有市总工会的系统管理员可以吊销接口密钥"))
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().get(pk=client_id)
        if client.revoked_at is None:
            client.revoked_at = timezone.now()
            client.revoked_by = user
            client.save(update_fields=["revoked_at", "revoked_by"])
            audit.record(actor=user, action="open311_key_revoke", obj=client, request=request)
    return client


def authenticate(raw: str) -> ApiClient:
    """The client of an ``api_key``; 403 when missing, unknown or revoked."""
    raw = (raw or "").strip()
    if not raw:
        raise Open311Error(403, "api_key_missing", _("缺少 api_key"))
    client = ApiClient.objects.filter(key_hash=key_hash(raw)).first()
    if client is None:
        raise Open311Error(403, "api_key_invalid", _("api_key 无效"))
    if client.revoked_at is not None:
        raise Open311Error(403, "api_key_revoked", _("api_key 已被吊销"))
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


# --- where: the district union of the place ------------------------------------------------------


def _district_from_text(text: str) -> str | None:
    """A district (or, failing that, a street/township) named in ``address_string``."""
    units = list(districts())
    for district in units:
        place = district.name.removesuffix("总工会")
        names = {place, place.removeprefix("北京").removeprefix("市")}
        if any(len(n) >= 2 and n in text for n in names):
            return district.code
    for district in units:
        for street in children(district):
            short = street.name.removesuffix("工会").removesuffix("总")
            short = short.removesuffix("街道").removesuffix("镇").removesuffix("乡")
            if len(short) >= 2 and short in text:
                return district.code
    return None


def _km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _district_from_point(lat: float, lng: float) -> str | None:
    """The district whose centre (``stations.selectors.district_centres``) is nearest."""
    lat_min, lat_max, lng_min, lng_max = BEIJING_BOX
    if not (lat_min <= lat <= lat_max and lng_min <= lng <= lng_max):
        return None
    best = min(
        ((_km(lat, lng, c[0], c[1]), code) for code, c in stations.district_centres().items()),
        default=None,
    )
    return best[1] if best and best[0] <= MAX_CENTRE_KM else None


def _point(params) -> tuple[float | None, float | None]:
    lat_raw, lng_raw = params.get("lat", "").strip(), params.get("long", "").strip()
    if not lat_raw and not lng_raw:
        return None, None
    if not lat_raw or not lng_raw:
        raise Open311Error(400, "invalid_location", _("lat 和 long 须同时提供"))
    try:
        lat, lng = float(lat_raw), float(lng_raw)
    except ValueError:
        raise Open311Error(400, "invalid_location", _("lat/long 应为 WGS-84 经纬度数字")) from None
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        raise Open311Error(400, "invalid_location", _("lat/long 超出范围"))
    return lat, lng


def _district(params, address: str, lat, lng) -> str:
    if lat is None and not address:
        if params.get("address_id", "").strip():
            message = _("不支持 address_id，请提供 lat/long 或 address_string")
            raise Open311Error(400, "address_id_unsupported", message)
        raise Open311Error(400, "missing_location", _("请提供位置：lat 和 long，或 address_string"))
    code = _district_from_text(address) if address else None
    if code is None and lat is not None:
        code = _district_from_point(lat, lng)
    if code is None:
        raise Open311Error(
            400,
            "district_not_resolved",
            _(
                "无法确定发生地所在区：请提供北京市范围内的 lat/long，"
                "或在 address_string 中写明区名，如 朝阳区"
            ),
        )
    return code


# --- POST requests -------------------------------------------------------------------------------


def _clean(params) -> dict:
    code = params.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "missing_service_code", _("缺少 service_code"))
    if code == STATION_REPORT:
        raise Open311Error(
            400, "service_not_writable", _("驿站问题请在驿站页面反映，此服务只供查询")
        )
    if code not in categories():
        raise Open311Error(404, "service_code_not_found", _("服务代码 %s 不存在") % code)
    lat, lng = _point(params)
    address = params.get("address_string", "").strip()
    if len(address) > 300:
        raise Open311Error(400, "invalid_address_string", _("address_string 不能超过300字"))
    district = _district(params, address, lat, lng)
    description = params.get("description", "").strip()
    if not description:
        raise Open311Error(400, "missing_description", _("请填写 description（诉求内容）"))
    if len(description) > DESCRIPTION_MAX:
        raise Open311Error(400, "invalid_description", _("description 不能超过4000字"))
    appeal_type = params.get("attribute[appeal_type]", "").strip() or AppealType.HELP
    media_url = params.get("media_url", "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise Open311Error(400, "invalid_media_url", _("media_url 应为 http(s) 网址")) from None
        if len(media_url) > 500:
            raise Open311Error(400, "invalid_media_url", _("media_url 不能超过500字"))
    name = (params.get("last_name", "").strip() + params.get("first_name", "").strip())[:50]
    return {
        "intake": {
            "type": appeal_type,
            "category": code,
            "content": description,
            "district": district,
            "contact_name": name,
            "contact_phone": params.get("phone", ""),
            "employer_name": params.get("attribute[employer_name]", ""),
        },
        "address": address,
        "lat": lat,
        "lng": lng,
        "media_url": media_url,
        "description": description,
    }


def _as_open311(exc: ValidationError) -> Open311Error:
    pairs = []
    for field, messages in exc.message_dict.items():
        name = FIELD_NAMES.get(field, field)
        pairs += [(f"invalid_{name}", f"{name}: {m}") for m in messages]
    return Open311Error(400, pairs[0][0], pairs[0][1], more=pairs[1:])


def submit_request(*, request, client: ApiClient, params, idempotency_key: str = ""):
    """File an appeal for ``client``; ``(submitted, created)``. Counted against the client's
    rate limit first (``RateLimited``), then checked (``Open311Error`` 400/404)."""
    ratelimit.check(request, "open311.requests", target=f"client:{client.pk}")
    cleaned = _clean(params)
    key = (idempotency_key or "").strip()[:60]
    try:
        with transaction.atomic():
            appeal, created = hotline.create_appeal(
                actor=None,
                data=cleaned["intake"],
                idempotency_key=f"open311:{client.pk}:{key}" if key else "",
                channel=Channel.API,
            )
            if not created:
                return SubmittedRequest.objects.get(appeal=appeal), False
            submitted = SubmittedRequest.objects.create(
                client=client,
                appeal=appeal,
                token=secrets.token_hex(16),
                description=cleaned["description"],
                address=cleaned["address"],
                lat=cleaned["lat"],
                lng=cleaned["lng"],
                media_url=cleaned["media_url"],
                phone_hash=phone_hash(appeal.contact_phone),
            )
    except ValidationError as exc:
        raise _as_open311(exc) from None
    return submitted, True


def service_notice(submitted: SubmittedRequest) -> str:
    due = timezone.localtime(submitted.appeal.resolve_due)
    return _("诉求已受理，编号 %(number)s，办理时限 %(due)s；工作人员将通过您留下的电话联系您") % {
        "number": submitted.appeal.number,
        "due": f"{due:%Y-%m-%d}",
    }


def anonymise(worker) -> int:
    """On a worker's deletion request (``people.deletion``): what they published through
    Open311 — description, place, media — leaves the public answers; the appeal itself is the
    hotline's to anonymise."""
    if not worker.phone_hash:
        return 0
    return SubmittedRequest.objects.filter(phone_hash=worker.phone_hash).update(
        description="", address="", lat=None, lng=None, media_url="", phone_hash=""
    )
