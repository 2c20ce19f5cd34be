"""Public station finder pages (mobile H5, no login) at /stations/.

The finder asks the browser for its position (WGS-84) or takes a district, then lists the
nearest open stations through ``/api/v1/stations/nearest``; with ``?lat=&lng=`` (or
``?district=``) the same list is rendered on the server, so the page works without
JavaScript. The map (Leaflet) is an extra: the list never depends on it.
"""

import datetime
import json
import math
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core import ratelimit
from gonghui.core.csp import allow_map_tiles
from gonghui.core.kept import kept
from gonghui.people.auth import totp_required
from gonghui.people.scope import assignments
from gonghui.people.worker_session import current_account

from . import selectors, services
from .hours import is_open, ranges_on
from .models import CheckIn, Report, Station, StationException, StationStatus
from .selectors import DISTRICT_CENTRES, district_centres  # noqa: F401 - the page's centres

FINDER_K = 20
# A reload of the check-in page within this window does not count a second visit.
CHECKIN_REPEAT_WINDOW = datetime.timedelta(minutes=10)
# Recent check-ins live in a signed cookie, not the session: a scan must not create a session
# row (anonymous scanners would otherwise fill the session table).
CHECKIN_COOKIE = "st_checkins"
CHECKIN_COOKIE_SALT = "gonghui.stations.checkin"


def _weekday_names() -> list[str]:
    return [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]


def _messages() -> dict[str, str]:
    """UI strings the finder script needs (translated here, not in the script)."""
    return {
        "m": _("米"),
        "km": _("公里"),
        "open": _("开放中"),
        "closed": _("未开放"),
        "allDay": _("全天开放"),
        "closedToday": _("今日不开放"),
        "today": _("今日"),
        "locating": _("正在获取您的位置…"),
        "denied": _("无法获取您的位置，请选择所在区"),
        "loading": _("正在查找附近驿站…"),
        "failed": _("查询失败，请稍后重试"),
        "empty": _("附近没有符合条件的驿站"),
        "nearMe": _("按我的位置"),
        "nearDistrict": _("按所选区的中心位置"),
        "noMap": _("地图暂时无法显示，请查看下方列表"),
        "you": _("您的位置"),
        "details": _("查看详情"),
    }


def distance_label(metres: float) -> str:
    if metres < 1000:
        return f"{round(metres)} {_('米')}"
    return f"{metres / 1000:.1f} {_('公里')}"


def ranges_label(ranges) -> str:
    if not ranges:
        return ""
    if any(start == "00:00" and end == "24:00" for start, end in ranges):
        return _("全天开放")
    return "、".join(f"{start}–{end}" for start, end in ranges)


def today_label(ranges) -> str:
    label = ranges_label(ranges)
    return f"{_('今日')} {label}" if label else _("今日不开放")


def _float(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _truthy(value) -> bool:
    return str(value or "").lower() in {"1", "on", "true", "yes"}


def _rows(found, names: dict[str, str]) -> list[dict]:
    return [
        {
            "station": f.station,
            "distance": distance_label(f.distance_m),
            "open_now": f.open_now,
            "today": today_label(f.today),
            "amenities": [names[c] for c in f.station.amenities if c in names],
        }
        for f in found
    ]


def _cached_part(name: str, params, build):
    """``build()``'s value kept (``core.kept``) under the finder's tokens
    (``selectors.page_version``): a view that hits it costs one primary-key read instead of the
    stations' queries and the template. The minute in the key keeps 开放中 and today's hours
    exact (hours are given to the minute); the tokens make any committed change to a station,
    its photos or exceptions, an org or a type seen by the next view everywhere. ``build``
    returning None is not kept."""
    return kept("stations:h5", selectors.page_version(), (name, params), build)


def _finder_content(*, district, chosen, open_now, lat, lng) -> tuple[str, str]:
    """The finder page's main content (form, list, map config) and its error, if any."""
    amenities = selectors.amenities()
    names = {a.code: a.name for a in amenities}
    centres = district_centres()
    error, point, source = "", None, ""
    if district:  # the form's select wins over coordinates left from an earlier search
        if district in centres:
            point, source = tuple(centres[district]), "district"
        else:
            error = _("请选择有效的区")
    elif lat is not None and lng is not None:
        if -90 <= lat <= 90 and -180 <= lng <= 180:
            point, source = (lat, lng), "location"
        else:
            error = _("坐标无效，请重新定位或选择所在区")
    rows = None
    if point is not None:
        found = selectors.nearest(
            point[0], point[1], k=FINDER_K, amenities=chosen, open_now=open_now
        )
        rows = _rows(found, names)
    config = {
        "api": reverse("api:nearest"),
        "detail": reverse("stations:detail", args=[0]),
        "k": FINDER_K,
        "point": list(point) if point else None,
        "source": source,
        "centres": centres,
        "amenities": names,
        "tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
        "messages": _messages(),
    }
    context = {
        "amenities": amenities,
        "chosen": chosen,
        "open_now": open_now,
        "districts": selectors.finder_districts(),
        "district": district if source == "district" else "",
        "lat": lat if source == "location" else "",
        "lng": lng if source == "location" else "",
        "source": source,
        "rows": rows,
        "error": error,
        "config": config,
    }
    return render_to_string("stations/_finder_content.html", context), error


@require_GET
def finder(request):
    names = {a.code for a in selectors.amenities()}
    district = request.GET.get("district", "").strip().upper()
    lat, lng = _float(request.GET.get("lat")), _float(request.GET.get("lng"))
    if district:  # the form's select wins over coordinates left from an earlier search
        lat = lng = None
    params = {
        "district": district,
        "chosen": [c for c in request.GET.getlist("amenity") if c in names],
        "open_now": _truthy(request.GET.get("open_now")),
        "lat": lat,
        "lng": lng,
    }
    built: list = []

    def build() -> str | None:  # kept only without an error
        built.append(_finder_content(**params))
        return None if built[0][1] else built[0][0]

    content, error = None, ""
    if lat is None or lng is None:
        # A district's list (or the empty form) is the same for every visitor: kept for the
        # minute. A position is the visitor's own: never kept.
        content = _cached_part("finder", sorted(params.items()), build)
    if content is None:
        content, error = built[0] if built else _finder_content(**params)
    response = render(
        request,
        "stations/finder.html",
        {"content": mark_safe(content), "error": error},  # our own template's output
        status=400 if error else 200,
    )
    return allow_map_tiles(response)  # Leaflet loads tiles from MAP_TILE_URL


def _public_station(station_id: int) -> Station:
    return get_object_or_404(
        Station.objects.select_related("type", "district"),
        pk=station_id,
        status=StationStatus.OPEN,
    )


def _week(station: Station, now: datetime.datetime) -> tuple[list[dict], bool]:
    """The next seven days' hours (exceptions and holidays applied) and open-now."""
    today = now.date()
    days = [today + datetime.timedelta(days=i) for i in range(-1, 7)]
    exc: dict = {}
    notes: dict = {}
    for e in StationException.objects.filter(station=station, date__in=days):
        exc[e.date] = e.ranges
        notes[e.date] = e.note
    names = _weekday_names()
    week = [
        {
            "date": day,
            "weekday": _("今天") if day == today else names[day.weekday()],
            "hours": ranges_label(ranges_on(station.hours, day, exc)) or _("不开放"),
            "note": notes.get(day, ""),
            "today": day == today,
        }
        for day in days[1:]
    ]
    return week, is_open(station.hours, now, exc)


def _checkins_today(station_id: int, now: datetime.datetime) -> int:
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return CheckIn.objects.filter(station_id=station_id, created_at__gte=start).count()


def _report_fields(data: dict) -> str:
    """The report form's fields (without its CSRF token), with what was entered."""
    context = {"kinds": Report.Kind.choices, "ratings": range(5, 0, -1), "data": data}
    return render_to_string("stations/_detail_form.html", context)


def _station_parts(station_id: int, station: Station | None = None) -> dict:
    """The detail page's parts that are the same for every visitor this minute (name, facts,
    photos, today's check-in count, the week's hours, amenities), kept by ``_cached_part``;
    404 unless the station is open. The report form's CSRF token is rendered per view (the
    check-in page itself counts afresh)."""

    def build() -> dict:
        found = station or _public_station(station_id)
        now = timezone.localtime()
        week, open_now = _week(found, now)
        label = f"{found.lat},{found.lng}"
        context = {
            "checkins_today": _checkins_today(found.pk, now),
            "station": found,
            "week": week,
            "open_now": open_now,
            "amenities": [a for a in selectors.amenities() if a.code in found.amenities],
            "geo_uri": f"geo:{label}?q={label}({quote(found.name)})",
            "photos": found.photos.all(),
        }
        return {
            "name": found.name,
            "head": render_to_string("stations/_detail_head.html", context),
            "rest": render_to_string("stations/_detail_rest.html", context),
            "form_fields": _report_fields({}),
        }

    parts = _cached_part("detail", station_id, build)
    return {k: mark_safe(v) if k != "name" else v for k, v in parts.items()}


@require_http_methods(["GET", "POST"])
def detail(request, station_id: int):
    station = None  # a GET answered from the kept parts reads no station row
    errors: dict = {}
    data = {}
    if request.method == "POST":
        station = _public_station(station_id)
        data = {k: request.POST.get(k, "") for k in ("kind", "rating", "text")}
        try:
            ratelimit.check(request, "stations.report", target=station.pk)
            services.report_problem(
                station=station,
                kind=data["kind"],
                rating=data["rating"] or None,
                text=data["text"].strip(),
                worker_account=current_account(request),
            )
        except ratelimit.RateLimited as exc:
            return ratelimit.too_many_page(request, exc)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            return redirect(reverse("stations:detail", args=[station.pk]) + "?reported=1#report")
    return render(
        request,
        "stations/detail.html",
        {
            "station_id": station_id,
            "parts": (parts := _station_parts(station_id, station)),
            "form_fields": mark_safe(_report_fields(data)) if data else parts["form_fields"],
            "errors": errors,
            "reported": request.GET.get("reported") == "1",
        },
        status=400 if errors else 200,
    )


@never_cache
@require_GET
def check_in(request, qr_token: str):
    """What the station's QR code opens: count a visit and thank the worker."""
    station = Station.objects.filter(qr_token=qr_token, status=StationStatus.OPEN).first()
    if station is None:
        return render(request, "stations/invalid_qr.html", status=404)
    now = timezone.now()
    window = CHECKIN_REPEAT_WINDOW.total_seconds()
    try:
        recent = request.get_signed_cookie(
            CHECKIN_COOKIE, default=None, salt=CHECKIN_COOKIE_SALT, max_age=window
        )
        recent = {k: float(v) for k, v in json.loads(recent).items()} if recent else {}
    except (ValueError, TypeError, AttributeError):
        recent = {}
    recent = {k: v for k, v in recent.items() if v >= now.timestamp() - window}
    repeat = str(station.pk) in recent
    if not repeat:
        try:
            ratelimit.check(request, "stations.checkin", target=station.pk)
            services.check_in(token=qr_token, worker_account=current_account(request))
        except ratelimit.RateLimited as exc:
            return ratelimit.too_many_page(request, exc)
        except ValidationError:
            return render(request, "stations/invalid_qr.html", status=404)
        recent[str(station.pk)] = now.timestamp()
    response = render(
        request,
        "stations/checked_in.html",
        {"station": station, "checkins_today": _checkins_today(station.pk, timezone.localtime())},
    )
    if not repeat:
        response.set_signed_cookie(
            CHECKIN_COOKIE,
            json.dumps(recent, separators=(",", ":")),
            salt=CHECKIN_COOKIE_SALT,
            max_age=int(window),
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@require_GET
def qr_svg(request, station_id: int):
    """The printable QR code of a station (staff whose scope covers it): the check-in URL."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (user.is_superuser or assignments(user)):
        raise Http404
    if totp_required(user) and not user.is_verified():
        return redirect("console:totp-setup")
    station = selectors.visible_stations(user).filter(pk=station_id).first()
    if station is None:
        raise Http404
    url = request.build_absolute_uri(reverse("stations:check-in", args=[station.qr_token]))
    svg = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage)
    response = HttpResponse(svg.to_string(encoding="unicode"), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="station-{station.pk}-qr.svg"'
    response["Cache-Control"] = "private, no-store"
    return response


def photo(request, photo_id: int):
    """A station photo (public for open stations, like the station itself)."""
    from django.http import FileResponse

    from .models import StationPhoto

    item = StationPhoto.objects.select_related("station").filter(pk=photo_id).first()
    if item is None or item.station.status != StationStatus.OPEN:
        raise Http404
    response = FileResponse(item.image.open("rb"), content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
