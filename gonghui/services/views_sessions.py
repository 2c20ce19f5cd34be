"""Console pages for the sessions (活动场次) of a service project: add/edit, and the session
page with the printable check-in QR code, the masked roster with tick-boxes, the scan input
for a worker's personal code, walk-ins, staff enrolment on a worker's behalf and the roster
export."""

import re

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gonghui.core.db_router import lag_ok
from gonghui.core.excel import xlsx_response
from gonghui.core.masking import mask_name
from gonghui.core.validators import errors_to_form
from gonghui.people.decorators import staff_required
from gonghui.people.selectors import search_workers
from gonghui.stations.selectors import assignable_stations

from . import enrollment, excel, selectors, services
from .models import Attendance, Enrollment, EnrollmentStatus, Project, Session
from .services import Conflict
from .views import (
    refusal,
    visible_project_or_404,
    visible_session_or_404,
)

ROSTER_PAGE_SIZE = 200
_LOOKUP = re.compile(r"^(\+?86)?1\d{10}$|^\d{17}[\dXx]$")
DATETIME = {"type": "datetime-local"}


# --- add / edit -------------------------------------------------------------------------------


class SessionForm(forms.Form):
    """Console form for a session; ``services.clean_session`` does the real validation."""

    title = forms.CharField(label=gettext_lazy("场次名称"), max_length=100, required=False)
    starts_at = forms.CharField(
        label=gettext_lazy("开始时间"), required=False, widget=forms.DateTimeInput(DATETIME)
    )
    ends_at = forms.CharField(
        label=gettext_lazy("结束时间"), required=False, widget=forms.DateTimeInput(DATETIME)
    )
    online = forms.BooleanField(label=gettext_lazy("线上活动"), required=False)
    station = forms.ChoiceField(
        label=gettext_lazy("驿站 / 职工之家"),
        required=False,
        help_text=gettext_lazy("在驿站或职工之家举办时选择；地点留空则使用站点地址"),
    )
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200, required=False)
    capacity = forms.CharField(label=gettext_lazy("名额"), max_length=10, required=False)
    signup_opens_at = forms.CharField(
        label=gettext_lazy("报名开始"),
        required=False,
        widget=forms.DateTimeInput(DATETIME),
        help_text=gettext_lazy("留空为立即开始（新增时）"),
    )
    signup_closes_at = forms.CharField(
        label=gettext_lazy("报名截止"),
        required=False,
        widget=forms.DateTimeInput(DATETIME),
        help_text=gettext_lazy("留空为活动开始时（新增时）"),
    )
    cancel_cutoff_hours = forms.CharField(
        label=gettext_lazy("开始前多少小时内不可取消"), max_length=5, required=False
    )
    runner = forms.ChoiceField(
        label=gettext_lazy("负责人"),
        required=False,
        help_text=gettext_lazy("负责该场次的工作人员（如工会社会工作者）"),
    )

    def __init__(self, *args, user, project: Project, session: Session | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        runners = [(str(u.pk), selectors.staff_label(u)) for u in selectors.runner_choices(project)]
        if (
            session is not None
            and session.runner_id
            and str(session.runner_id) not in {c for c, _n in runners}
        ):
            runners.append((str(session.runner_id), selectors.staff_label(session.runner)))
        self.fields["runner"].choices = [("", "—"), *runners]
        stations = assignable_stations(user).order_by("name", "id").values_list("pk", "name")[:500]
        choices = [(str(pk), name) for pk, name in stations]
        if (
            session is not None
            and session.station_id
            and str(session.station_id) not in {c for c, _n in choices}
        ):
            choices.append((str(session.station_id), session.station.name))
        self.fields["station"].choices = [("", "—"), *choices]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        # An empty input means "not given": a new session gets the service's default, an
        # edited one keeps its value.
        for field in (
            "starts_at",
            "ends_at",
            "signup_opens_at",
            "signup_closes_at",
            "capacity",
            "cancel_cutoff_hours",
            "station",
        ):
            if str(data.get(field) or "").strip() == "":
                data[field] = None
        if data["station"] is not None:
            data["station"] = int(data["station"])  # one of the offered choices
        data["runner"] = int(data["runner"]) if data.get("runner") else ""  # "": none
        return data


def _local_input(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


def _session_initial(session: Session | None) -> dict:
    if session is None:
        return {"cancel_cutoff_hours": 24}
    return {
        "title": session.title,
        "starts_at": _local_input(session.starts_at),
        "ends_at": _local_input(session.ends_at),
        "online": session.online,
        "station": str(session.station_id or ""),
        "place": session.place,
        "capacity": session.capacity,
        "signup_opens_at": _local_input(session.signup_opens_at),
        "signup_closes_at": _local_input(session.signup_closes_at),
        "cancel_cutoff_hours": session.cancel_cutoff_hours,
        "runner": str(session.runner_id or ""),
    }


def _session_form_page(request, project: Project, session: Session | None):
    form = SessionForm(
        request.POST or None,
        initial=_session_initial(session),
        user=request.user,
        project=project,
        session=session,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if session is None:
                    saved = services.add_session(
                        user=request.user, project=project, data=form.service_data()
                    )
                else:
                    saved = services.update_session(
                        user=request.user, session=session, data=form.service_data()
                    )
            except ValidationError as exc:
                errors_to_form(form, exc.message_dict)
            except (Conflict, PermissionDenied) as exc:
                message, status = refusal(exc)
                form.add_error(None, message)
            else:
                messages.success(request, _("场次已保存"))
                return redirect("console-services:session", session_id=saved.pk)
    return render(
        request,
        "console/services/session_form.html",
        {"form": form, "project": project, "session": session},
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def session_create(request, project_id: int):
    project = visible_project_or_404(request.user, project_id)
    if not services.can_manage(request.user, project):
        raise PermissionDenied
    return _session_form_page(request, project, None)


@staff_required
@require_http_methods(["GET", "POST"])
def session_edit(request, session_id: int):
    session = visible_session_or_404(request.user, session_id)
    if not services.can_manage(request.user, session.project):
        raise PermissionDenied
    return _session_form_page(request, session.project, session)


# --- session page -----------------------------------------------------------------------------


class ScanForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("扫描职工签到码"),
        max_length=500,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "placeholder": gettext_lazy("用扫码枪扫描职工手机上的签到码"),
            }
        ),
        error_messages={"required": gettext_lazy("请扫描或输入职工签到码")},
    )


class WalkInForm(forms.Form):
    count = forms.CharField(
        label=gettext_lazy("人次"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    note = forms.CharField(
        label=gettext_lazy("说明"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：现场发放防暑降温用品")}),
    )


class EnrollForm(forms.Form):
    lookup = forms.CharField(
        label=gettext_lazy("代职工报名"),
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("职工手机号或身份证号")}),
        error_messages={"required": gettext_lazy("请填写职工手机号或身份证号")},
    )


def qr_url(request, session: Session) -> str:
    """The worker check-in page for this session, as an absolute URL."""
    return request.build_absolute_uri(reverse("services:checkin", args=[session.qr_token]))


def _qr_svg(text: str) -> str:
    svg = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage)
    return svg.to_string(encoding="unicode")


def roster_rows(session: Session, enrollments) -> list[dict]:
    """Masked roster rows with each person's check-in, if any."""
    attendances = {
        a.worker_id: a
        for a in Attendance.objects.filter(
            session=session, worker_id__in=[e.worker_id for e in enrollments]
        )
    }
    rows = []
    for e in enrollments:
        attendance = attendances.get(e.worker_id)
        rows.append({
            "enrollment": e,
            "worker_id": e.worker_id,
            "name": mask_name(e.worker.name),
            "phone": e.worker.masked_phone,
            "employment_form": e.worker.get_employment_form_display(),
            "status": e.get_status_display(),
            "enrolled": e.status == EnrollmentStatus.ENROLLED,
            "queued_at": e.queued_at,
            "attendance": attendance,
        })  # fmt: skip
    return rows


def _session_context(request, session: Session, **forms_) -> dict:
    can_manage = services.can_manage(request.user, session.project)
    page = Paginator(selectors.roster(session), ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {
        "enrolled": session.enrollments.filter(status=EnrollmentStatus.ENROLLED).count(),
        "waitlisted": session.enrollments.filter(status=EnrollmentStatus.WAITLISTED).count(),
        "checked_in": session.attendances.count(),
        "walk_ins": session.walk_ins.aggregate(n=Sum("count"))["n"] or 0,
    }
    counts["person_times"] = counts["checked_in"] + counts["walk_ins"]
    url = qr_url(request, session)
    return {
        "session": session,
        "project": session.project,
        "can_manage": can_manage,
        "page": page,
        "rows": roster_rows(session, list(page.object_list)),
        "counts": counts,
        "walk_ins": session.walk_ins.select_related("recorded_by").order_by("-at", "-id")[:50],
        "qr_url": url,
        "qr_svg": mark_safe(_qr_svg(url)),  # markup made by qrcode; the URL is ours
        "scan_form": forms_.get("scan_form") or ScanForm(),
        "walkin_form": forms_.get("walkin_form") or WalkInForm(),
        "enroll_form": forms_.get("enroll_form") or EnrollForm(),
        "mark_error": forms_.get("mark_error", ""),
        "roster_error": forms_.get("roster_error", ""),
    }


def _worker_ids(request) -> list[int]:
    try:
        ids = sorted({int(v) for v in request.POST.getlist("worker_ids")})
    except ValueError:
        ids = [0]
    if any(not 0 < i < 2**31 for i in ids):
        raise ValidationError({"worker_ids": [_("勾选的职工无效")]})
    if not ids:
        raise ValidationError({"worker_ids": [_("请勾选要登记签到的职工")]})
    return ids


def _find_worker(user, lookup: str):
    compact = re.sub(r"[\s-]", "", lookup)
    if not _LOOKUP.match(compact):
        raise ValidationError({"lookup": [_("请填写完整的11位手机号或18位身份证号")]})
    found = list(search_workers(user, q=compact)[:2])
    if len(found) != 1:
        raise ValidationError(
            {"lookup": [_("未找到该职工（须为您管辖范围内已登记的职工）")]}
            if not found
            else {"lookup": [_("该手机号对应多名职工，请改用身份证号")]}
        )
    return found[0]


def _post_action(request, session: Session):
    """Handle one POST on the session page: a redirect on success, else the page with the
    error and its status (400 / 403 / 409)."""
    action = request.POST.get("action", "")
    if action == "scan":
        form = ScanForm(request.POST)
        if not form.is_valid():
            return {"scan_form": form}, 400
        try:
            attendance = enrollment.check_in_by_worker_code(
                actor=request.user, session_id=session.pk, code=form.cleaned_data["code"]
            )
        except Conflict as exc:
            form.add_error("code", _("该职工已签到：%s") % exc)
            return {"scan_form": form}, 409
        except (ValidationError, PermissionDenied) as exc:
            message, status = refusal(exc)
            form.add_error("code", message)
            return {"scan_form": form}, status
        worker = attendance.worker
        messages.success(
            request,
            _("签到成功：%(name)s（%(phone)s）")
            % {"name": mask_name(worker.name), "phone": worker.masked_phone},
        )
        return "#scan", None
    if action == "mark":
        try:
            created = enrollment.mark_attendance(
                actor=request.user, session_id=session.pk, worker_ids=_worker_ids(request)
            )
        except (ValidationError, PermissionDenied, Conflict) as exc:
            message, status = refusal(exc)
            return {"mark_error": message}, status
        messages.success(request, _("已登记签到 %d 人") % len(created))
        return "#roster", None
    if action == "walkin":
        form = WalkInForm(request.POST)
        form.is_valid()
        try:
            walk_in = enrollment.record_walk_in(
                actor=request.user,
                session_id=session.pk,
                count=(form.cleaned_data.get("count") or "").strip(),
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as exc:
            errors_to_form(form, exc.message_dict)
            return {"walkin_form": form}, 400
        except (PermissionDenied, Conflict) as exc:
            message, status = refusal(exc)
            form.add_error(None, message)
            return {"walkin_form": form}, status
        messages.success(request, _("已登记现场服务 %d 人次") % walk_in.count)
        return "#walkins", None
    if action == "enroll":
        form = EnrollForm(request.POST)
        if not form.is_valid():
            return {"enroll_form": form}, 400
        try:
            worker = _find_worker(request.user, form.cleaned_data["lookup"])
            result = enrollment.enroll(worker=worker, session_id=session.pk, actor=request.user)
        except ValidationError as exc:
            message, status = refusal(exc)
            form.add_error("lookup", message)
            return {"enroll_form": form}, status
        except (PermissionDenied, Conflict) as exc:
            message, status = refusal(exc)
            form.add_error("lookup", message)
            return {"enroll_form": form}, status
        messages.success(
            request,
            _("已为%(name)s报名：%(status)s")
            % {"name": mask_name(worker.name), "status": result.get_status_display()},
        )
        return "#roster", None
    if action == "cancel":
        try:
            enrollment_id = int(request.POST.get("enrollment_id") or 0)
        except ValueError:
            enrollment_id = 0
        if not Enrollment.objects.filter(pk=enrollment_id, session=session).exists():
            raise Http404
        try:
            enrollment.cancel(enrollment_id=enrollment_id, actor=request.user)
        except (ValidationError, PermissionDenied, Conflict) as exc:
            message, status = refusal(exc)
            return {"roster_error": message}, status
        messages.success(request, _("已取消报名"))
        return "#roster", None
    raise Http404


@staff_required
@require_http_methods(["GET", "POST"])
def session_detail(request, session_id: int):
    session = visible_session_or_404(request.user, session_id)
    if request.method == "POST":
        if not services.can_manage(request.user, session.project):
            raise PermissionDenied
        outcome, status = _post_action(request, session)
        if status is None:
            return redirect(reverse("console-services:session", args=[session.pk]) + outcome)
        context = _session_context(request, session, **outcome)
        return render(request, "console/services/session.html", context, status=status)
    return render(request, "console/services/session.html", _session_context(request, session))


@staff_required
def session_qr(request, session_id: int):
    """The session's check-in QR code as SVG (for printing or a poster)."""
    session = visible_session_or_404(request.user, session_id)
    response = HttpResponse(_qr_svg(qr_url(request, session)), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="session-{session.pk}-qr.svg"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def roster_export(request, session_id: int):
    """The roster with check-ins and walk-ins as .xlsx; names and phones masked."""
    session = visible_session_or_404(request.user, session_id)
    with lag_ok():  # may be seconds old: from the replica when there is one
        rows = roster_rows(session, list(selectors.roster(session)))
        walk_ins = session.walk_ins.select_related("recorded_by").order_by("at", "id")
        content = excel.roster_bytes(session, rows, walk_ins)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(content, f"roster-{session.pk}-{stamp}.xlsx")
