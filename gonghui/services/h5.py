"""Worker H5 pages for 普惠服务项目 at /services/: browse and filter the projects a worker may
join, enroll in a session (or join its waitlist), follow and cancel under 我的报名 with a
personal check-in QR code, and check in by scanning a session's QR code.

Workers log in through the worker app's one SMS login (``people.worker_session``) and come
back to the page they wanted. Everything that changes a seat
goes through ``enrollment.py``; its refusals are shown as Chinese messages with a 4xx status.
Every page works without JavaScript and fits a 360px screen.
"""

import datetime

import qrcode
import qrcode.image.svg
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from gonghui.people import worker_session
from gonghui.people.worker_session import current_account, linked_worker, login_url

from . import eligibility, partner_registry, selectors
from . import enrollment as seats
from .models import (
    Campaign,
    Category,
    Enrollment,
    EnrollmentStatus,
    Project,
    ProjectStatus,
    Session,
)
from .services import Conflict

PAGE_SIZE = 20


# --- who is asking ----------------------------------------------------------------------------


def _account_and_worker(request):
    """The logged-in ``WorkerAccount`` (or None) and its ``Worker`` (or None)."""
    account = current_account(request)
    return account, linked_worker(account)


def _login_url(next_path: str) -> str:
    return login_url(next_path)


def login(request):
    """The worker app's one SMS login; afterwards back to ``?next=`` or the catalogue."""
    return worker_session.login(request, default_next=reverse("services:catalog"))


# --- helpers ----------------------------------------------------------------------------------


def qr_svg(text: str) -> str:
    """An inline SVG QR code (the markup is ours, the text only its payload)."""
    svg = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage)
    return mark_safe(svg.to_string(encoding="unicode"))


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for messages in exc.message_dict.values() for m in messages]
    return [str(m) for m in exc.messages]


def _refusal(exc: Exception) -> tuple[list[str], int]:
    """A service's refusal as (messages, HTTP status)."""
    if isinstance(exc, ValidationError):
        return _messages(exc), 400
    if isinstance(exc, PermissionDenied):
        return [str(exc) or _("无权进行此操作")], 403
    return [str(exc)], 409  # Conflict


def place_label(session: Session) -> str:
    if session.online:
        return _("线上活动")
    parts = [p for p in (session.place, session.station.name if session.station else "") if p]
    return " · ".join(dict.fromkeys(parts)) or _("地点待定")


def cancel_deadline(session: Session) -> datetime.datetime:
    return session.starts_at - datetime.timedelta(hours=session.cancel_cutoff_hours)


# --- catalog ----------------------------------------------------------------------------------


@require_GET
def catalog(request):
    account, worker = _account_and_worker(request)
    categories = list(Category.objects.filter(active=True))
    campaigns = [(v, label) for v, label in Campaign.choices if v]
    category = request.GET.get("category", "").strip()
    campaign = request.GET.get("campaign", "").strip()
    q = request.GET.get("q", "").strip()[:50]
    if category not in {c.code for c in categories}:
        category = ""
    if campaign not in {v for v, _label in campaigns}:
        campaign = ""
    rows = list(selectors.catalog_projects(category=category, campaign=campaign, q=q))
    if worker is not None:
        rows = [
            p
            for p in rows
            if eligibility.is_eligible(p, worker, district_ids={d.pk for d in p.districts.all()})
        ]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "services/h5/catalog.html",
        {
            "account": account,
            "worker": worker,
            "page": page,
            "projects": page.object_list,
            "categories": categories,
            "campaigns": campaigns,
            "category": category,
            "campaign": campaign,
            "q": q,
            "filtered": bool(category or campaign or q),
            "login_url": _login_url(request.get_full_path()),
        },
    )


# --- project detail and enrollment ------------------------------------------------------------


def _session_rows(project: Project, worker, now) -> list[dict]:
    sessions = list(project.sessions.select_related("station").order_by("starts_at", "id"))
    mine: dict[int, Enrollment] = {}
    if worker is not None:
        mine = {
            e.session_id: e
            for e in Enrollment.objects.filter(worker=worker, session__project=project).exclude(
                status=EnrollmentStatus.CANCELLED
            )
        }
    rows = []
    for s in sessions:
        seats_left = max(s.capacity - s.enrolled_count, 0)
        if s.ends_at <= now:
            state, label = "ended", _("活动已结束")
        elif now < s.signup_opens_at:
            state, label = "not_open", _("报名尚未开始")
        elif now >= s.signup_closes_at:
            state, label = "closed", _("报名已截止")
        elif seats_left == 0:
            state, label = "full", _("名额已满，可报名候补")
        else:
            state, label = "open", _("报名中")
        e = mine.get(s.pk)
        rows.append(
            {
                "session": s,
                "place": place_label(s),
                "seats_left": seats_left,
                "state": state,
                "label": label,
                "can_enroll": state in ("open", "full") and e is None,
                "enrollment": e,
                "position": selectors.waitlist_position(e) if e else None,
            }
        )
    return rows


def _visible_project(project_id: int) -> Project:
    return get_object_or_404(
        Project.objects.select_related("category", "organiser"),
        pk=project_id,
        status=ProjectStatus.PUBLISHED,
    )


def _render_project(request, project, *, errors=(), status=200, focus=None):
    account, worker = _account_and_worker(request)
    now = timezone.now()
    return render(
        request,
        "services/h5/project.html",
        {
            "project": project,
            "partner_names": partner_registry.names(project),
            "account": account,
            "worker": worker,
            "ended": project.ends_on < timezone.localdate(),
            "reasons": eligibility.reasons(project, worker) if worker is not None else [],
            "rows": _session_rows(project, worker, now),
            "errors": list(errors),
            "focus": focus,
            "login_url": _login_url(reverse("services:project", args=[project.pk])),
        },
        status=status,
    )


@require_GET
def project_detail(request, project_id: int):
    return _render_project(request, _visible_project(project_id))


@require_POST
def enroll(request, session_id: int):
    session = (
        Session.objects.select_related("project")
        .filter(pk=session_id, project__status=ProjectStatus.PUBLISHED)
        .first()
    )
    if session is None:
        raise Http404
    project = session.project
    account, worker = _account_and_worker(request)
    if account is None:
        return redirect(_login_url(reverse("services:project", args=[project.pk])))
    if worker is None:
        return _render_project(
            request, project, errors=[_("您的手机号尚未关联职工档案，暂不能报名")], status=403
        )
    try:
        e = seats.enroll(worker=worker, session_id=session.pk)
    except (ValidationError, PermissionDenied, Conflict) as exc:
        messages, status = _refusal(exc)
        return _render_project(request, project, errors=messages, status=status, focus=session.pk)
    return redirect("services:enrollment", enrollment_id=e.pk)


def _own_enrollment(worker, enrollment_id: int) -> Enrollment:
    e = (
        Enrollment.objects.select_related("session__project", "session__station")
        .filter(pk=enrollment_id, worker=worker)
        .first()
    )
    if e is None:
        raise Http404
    return e


def _require_worker(request):
    """(account, worker, response): a response when the page cannot be shown."""
    account, worker = _account_and_worker(request)
    if account is None:
        return None, None, redirect(_login_url(request.get_full_path()))
    if worker is None:
        response = render(request, "services/h5/no_worker.html", {"account": account}, status=403)
        return account, None, response
    return account, worker, None


@never_cache
@require_GET
def enrollment_result(request, enrollment_id: int):
    _account, worker, response = _require_worker(request)
    if response:
        return response
    e = _own_enrollment(worker, enrollment_id)
    position = selectors.waitlist_position(e)
    return render(
        request,
        "services/h5/result.html",
        {"e": e, "place": place_label(e.session), "position": position},
    )


# --- 我的报名 ---------------------------------------------------------------------------------


def _my_rows(worker, now) -> tuple[list[dict], list[dict]]:
    current, past = [], []
    enrollments = (
        Enrollment.objects.filter(worker=worker)
        .select_related("session__project", "session__station")
        .order_by("session__starts_at", "id")
    )
    for e in enrollments:
        s = e.session
        active = e.status != EnrollmentStatus.CANCELLED and s.ends_at + seats.CHECKIN_LATE > now
        deadline = cancel_deadline(s)
        row = {
            "e": e,
            "place": place_label(s),
            "deadline": deadline,
            "can_cancel": active and now < deadline,
            "position": selectors.waitlist_position(e),
            "qr": None,
        }
        if active and e.status == EnrollmentStatus.ENROLLED:
            row["qr"] = qr_svg(seats.worker_code(e))
        (current if active else past).append(row)
    past.reverse()
    return current, past


def _render_mine(request, worker, *, errors=(), status=200, notice=""):
    current, past = _my_rows(worker, timezone.now())
    response = render(
        request,
        "services/h5/mine.html",
        {
            "current": current,
            "past": past,
            "errors": list(errors),
            "notice": notice,
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"  # the QR codes are personal and expire
    return response


@require_GET
def mine(request):
    _account, worker, response = _require_worker(request)
    if response:
        return response
    notice = _("已取消报名") if request.GET.get("cancelled") == "1" else ""
    return _render_mine(request, worker, notice=notice)


@require_POST
def cancel(request, enrollment_id: int):
    _account, worker, response = _require_worker(request)
    if response:
        return response
    e = _own_enrollment(worker, enrollment_id)
    try:
        seats.cancel(enrollment_id=e.pk, worker=worker)
    except (ValidationError, PermissionDenied, Conflict) as exc:
        messages, status = _refusal(exc)
        return _render_mine(request, worker, errors=messages, status=status)
    return redirect(f"{reverse('services:mine')}?cancelled=1")


# --- check-in by the session's QR code --------------------------------------------------------


@never_cache
@require_GET
def check_in(request, qr_token: str):
    """What a session's QR code opens: the logged-in worker checks in (once)."""
    session = Session.objects.select_related("project", "station").filter(qr_token=qr_token).first()
    if session is None:
        return render(
            request,
            "services/h5/checkin.html",
            {"ok": False, "errors": [_("签到码无效，请确认扫描的是活动现场的签到二维码")]},
            status=404,
        )
    _account, worker, response = _require_worker(request)
    if response:
        return response
    ctx = {"session": session, "place": place_label(session)}
    try:
        attendance = seats.check_in_by_session_code(worker=worker, qr_token=qr_token)
    except (ValidationError, PermissionDenied, Conflict) as exc:
        messages, status = _refusal(exc)
        ctx.update(ok=False, errors=messages, already=isinstance(exc, Conflict))
        return render(request, "services/h5/checkin.html", ctx, status=status)
    ctx.update(ok=True, attendance=attendance)
    return render(request, "services/h5/checkin.html", ctx)
