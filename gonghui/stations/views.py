"""Console pages for stations at /console/stations/: list + export, create/edit, Excel import,
station page with status requests, the review queue, the reports queue and build targets."""

import datetime
import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gonghui.core.excel import xlsx_response
from gonghui.core.validators import error_text, errors_to_form
from gonghui.orgs.forms import OrgField, bind_orgs
from gonghui.orgs.selectors import district_of, districts
from gonghui.people.decorators import staff_required
from gonghui.people.scope import require_scope, scope_for

from . import excel, selectors, services
from .hours import DAYS
from .models import (
    Amenity,
    CheckIn,
    HostKind,
    Station,
    StationStatus,
    StationType,
    StatusRequest,
)

PAGE_SIZE = 20
COORD_CHOICES = [
    ("wgs84", gettext_lazy("WGS-84（GPS、天地图）")),
    ("gcj02", gettext_lazy("GCJ-02（高德、腾讯地图）")),
    ("bd09", gettext_lazy("BD-09（百度地图）")),
]
DAY_LABELS = {
    "mon": gettext_lazy("周一"),
    "tue": gettext_lazy("周二"),
    "wed": gettext_lazy("周三"),
    "thu": gettext_lazy("周四"),
    "fri": gettext_lazy("周五"),
    "sat": gettext_lazy("周六"),
    "sun": gettext_lazy("周日"),
    "holiday": gettext_lazy("法定节假日"),
}
RESULT_LABELS = {
    "created": gettext_lazy("新建"),
    "updated": gettext_lazy("更新"),
    "rejected": gettext_lazy("有错误"),
}


# --- helpers ----------------------------------------------------------------------------------


def _visible_or_404(user, station_id: int) -> Station:
    station = selectors.visible_stations(user).filter(pk=station_id).first()
    if station is None:
        raise Http404
    return station


def hours_text(hours) -> str:
    """Opening hours for people: 全天24小时 / 周一 08:00–20:00；…"""
    if hours == "24h":
        return _("全天24小时")
    if not hours:
        return _("未填写")
    parts = []
    for day in (*DAYS, "holiday"):
        if day in hours:
            ranges = "、".join(f"{a}–{b}" for a, b in hours[day]) or _("不开放")
            parts.append(f"{DAY_LABELS[day]} {ranges}")
    return "；".join(parts)


def _amenity_choices():
    return [(a.code, a.name) for a in Amenity.objects.all()]


def _posted_id(request, name: str) -> int:
    try:
        return int(request.POST.get(name) or 0)
    except ValueError:
        return 0


# --- list and export --------------------------------------------------------------------------


class FilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("名称 / 地址"),
        max_length=50,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("名称 / 地址")}
        ),
    )
    district = forms.ChoiceField(label=gettext_lazy("所在区"), required=False)
    type = forms.ChoiceField(label=gettext_lazy("类型"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *StationStatus.choices],
    )
    amenity = forms.ChoiceField(label=gettext_lazy("服务设施"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [
            ("", _("全部区域")),
            *((d.code, d.name) for d in districts()),
        ]
        self.fields["type"].choices = [
            ("", _("全部类型")),
            *StationType.objects.values_list("code", "name"),
        ]
        self.fields["amenity"].choices = [("", _("全部设施")), *_amenity_choices()]


def _filtered(request):
    form = FilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data  # the valid filters; an invalid one is ignored
    qs = selectors.search_stations(
        request.user,
        q=data.get("q", ""),
        district=data.get("district", ""),
        type_code=data.get("type", ""),
        status=data.get("status", ""),
        amenity=data.get("amenity", ""),
    )
    return form, qs


@staff_required
def station_list(request):
    form, qs = _filtered(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    names = dict(Amenity.objects.values_list("code", "name"))
    for s in page.object_list:
        s.amenity_names = [names.get(c, c) for c in s.amenities]
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "params": params.urlencode(),
        "can_manage": bool(scope_for(request.user, "stations.manage")),
        "can_review": bool(scope_for(request.user, "stations.review")),
    }
    if request.headers.get("HX-Request"):
        return render(request, "console/stations/_rows.html", context)
    return render(request, "console/stations/list.html", context)


@staff_required
def station_export(request):
    """The filtered list as .xlsx (stations only: no personal data)."""
    _form, qs = _filtered(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    rows = qs.iterator(chunk_size=2000)
    return xlsx_response(excel.export_workbook(rows), f"stations-{stamp}.xlsx")  # streamed


# --- create / edit ----------------------------------------------------------------------------


class StationForm(forms.Form):
    """Console form for one station; ``services.clean_station`` does the real validation."""

    name = forms.CharField(label=gettext_lazy("名称"), max_length=100, required=False)
    type = forms.ChoiceField(label=gettext_lazy("类型"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        choices=StationStatus.choices,
        initial=StationStatus.PLANNED,
        required=False,
        help_text=gettext_lazy("启用（运营中）或关闭站点须在站点页提交审核"),
    )
    org = OrgField(label=gettext_lazy("负责工会"), permission="stations.manage")
    district = forms.ChoiceField(label=gettext_lazy("所在区"), required=False)
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200, required=False)
    coord_system = forms.ChoiceField(
        label=gettext_lazy("坐标系"),
        choices=COORD_CHOICES,
        initial="wgs84",
        help_text=gettext_lazy("从地图上取的坐标请选对应的坐标系，保存时统一换算为 WGS-84"),
    )
    lat = forms.CharField(label=gettext_lazy("纬度"), max_length=30, required=False)
    lng = forms.CharField(label=gettext_lazy("经度"), max_length=30, required=False)
    amenities = forms.MultipleChoiceField(
        label=gettext_lazy("服务设施"), required=False, widget=forms.CheckboxSelectMultiple
    )
    hours = forms.CharField(
        label=gettext_lazy("开放时间"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=gettext_lazy(
            '填写 24h 表示全天开放；或按星期填写 JSON，如 {"mon": [["08:00", "20:00"]], '
            '"holiday": [["10:00", "16:00"]]}，未列出的日子不开放'
        ),
    )
    host_kind = forms.ChoiceField(
        label=gettext_lazy("依托单位类型"), choices=HostKind.choices, initial=HostKind.OTHER
    )
    host_name = forms.CharField(label=gettext_lazy("依托单位"), max_length=100, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False)
    capacity = forms.CharField(label=gettext_lazy("容纳人数"), max_length=10, required=False)
    built_year = forms.CharField(label=gettext_lazy("建成年份"), max_length=4, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = list(StationType.objects.values_list("code", "name"))
        self.fields["district"].choices = [("", "—"), *((d.code, d.name) for d in districts())]
        self.fields["amenities"].choices = _amenity_choices()

    def service_data(self) -> tuple[dict, dict]:
        """(input for the service, errors found before it)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "hours"}
        # An empty select or number means "not given": the service then keeps the station's
        # value (edit) or uses its default (create) instead of reading "" as a choice.
        for field in ("type", "status", "capacity", "built_year"):
            if data.get(field) == "":
                data[field] = None
        text = (self.cleaned_data.get("hours") or "").strip()
        errors = {}
        if text.lower() in ("24h", "24小时"):
            data["hours"] = "24h"
        elif text:
            try:
                data["hours"] = json.loads(text)
            except ValueError:
                errors["hours"] = [
                    _('开放时间格式有误：请填写 24h，或 JSON，如 {"mon": [["08:00", "20:00"]]}')
                ]
        else:
            data["hours"] = {}
        return data, errors


def _initial_for(station: Station | None, user) -> dict:
    if station is None:
        org = scope_for(user, "stations.manage").orgs().order_by("depth", "path").first()
        district = district_of(org) if org is not None else None
        return {
            "type": "warm_station",
            "org": org.code if org else "",
            "district": district.code if district else "",
        }
    return {
        "name": station.name,
        "type": station.type.code,
        "status": station.status,
        "org": station.org.code,
        "district": station.district.code,
        "address": station.address,
        "coord_system": "wgs84",
        "lat": station.lat,
        "lng": station.lng,
        "amenities": station.amenities,
        "hours": excel._hours_text(station.hours),
        "host_kind": station.host_kind,
        "host_name": station.host_name,
        "contact_phone": station.contact_phone,
        "capacity": "" if station.capacity is None else station.capacity,
        "built_year": station.built_year or "",
    }


def _save(request, form, station: Station | None) -> Station | None:
    """Create or update through the services; on any error nothing is saved and every
    message lands on its field."""
    data, errors = form.service_data()
    try:
        if errors:
            # Still validate everything else, so the user sees all problems at once.
            services.clean_station(data, user=request.user, instance=station)
        elif station is None:
            return services.create_station(user=request.user, data=data)
        else:
            return services.update_station(user=request.user, station=station, data=data)
    except ValidationError as exc:
        for field, messages_ in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages_)
    errors_to_form(form, errors)
    return None


def _station_form_page(request, station: Station | None):
    initial = _initial_for(station, request.user)
    form = bind_orgs(StationForm(request.POST or None, initial=initial), request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, station)
        if saved is not None:
            messages.success(request, _("已保存"))
            return redirect("console-stations:detail", station_id=saved.pk)
    return render(
        request,
        "console/stations/form.html",
        {"form": form, "station": station},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def station_create(request):
    require_scope(request.user, "stations.manage")
    return _station_form_page(request, None)


@staff_required
@require_http_methods(["GET", "POST"])
def station_edit(request, station_id: int):
    station = _visible_or_404(request.user, station_id)
    if not scope_for(request.user, "stations.manage").contains(station.org):
        raise PermissionDenied
    return _station_form_page(request, station)


# --- station page (with status requests) ------------------------------------------------------


class StatusRequestForm(forms.Form):
    to_status = forms.ChoiceField(
        label=gettext_lazy("申请"),
        choices=[
            (StationStatus.OPEN, gettext_lazy("启用（运营中）")),
            (StationStatus.CLOSED, gettext_lazy("关闭")),
        ],
    )
    effective_on = forms.DateField(
        label=gettext_lazy("生效日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("留空为今天"),
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=500, required=False)


@staff_required
@require_http_methods(["GET", "POST"])
def station_detail(request, station_id: int):
    station = _visible_or_404(request.user, station_id)
    can_manage = scope_for(request.user, "stations.manage").contains(station.org)
    action = request.POST.get("action", "status")
    form = StatusRequestForm(request.POST if action == "status" else None)
    extra_error = ""
    if request.method == "POST" and action != "status":
        if not can_manage:
            raise PermissionDenied
        try:
            _station_extra(request, station, action)
        except ValidationError as exc:
            extra_error = error_text(exc)
        else:
            done = {
                "photo": _("照片已上传"),
                "exception": _("特殊日期安排已保存"),
                "delete_exception": _("特殊日期安排已删除"),
            }
            messages.success(request, done[action])
            return redirect("console-stations:detail", station_id=station.pk)
    elif request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.request_status(
                    user=request.user,
                    station=station,
                    to_status=form.cleaned_data["to_status"],
                    effective_on=form.cleaned_data["effective_on"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                errors_to_form(form, exc.message_dict)
            else:
                messages.success(request, _("已提交审核"))
                return redirect("console-stations:detail", station_id=station.pk)
    since = timezone.now() - datetime.timedelta(days=30)
    names = dict(Amenity.objects.values_list("code", "name"))
    context = {
        "station": station,
        "amenity_names": [names.get(c, c) for c in station.amenities],
        "hours": hours_text(station.hours),
        "can_manage": can_manage,
        "form": form,
        "requests": station.status_requests.select_related("requested_by", "reviewed_by").order_by(
            "-created_at", "-id"
        )[:20],
        "pending": station.status_requests.filter(state=StatusRequest.State.PENDING).exists(),
        "checkins_30d": CheckIn.objects.filter(station=station, created_at__gte=since).count(),
        "reports": station.reports.order_by("-created_at", "-id")[:10] if can_manage else [],
        "photos": station.photos.all(),
        "exceptions": station.exceptions.filter(date__gte=timezone.localdate()).order_by("date"),
        "extra_error": extra_error,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "console/stations/detail.html", context, status=status)


def _station_extra(request, station: Station, action: str) -> None:
    """Photo upload and date exceptions (closures / special hours) from the station page."""
    if action == "photo":
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": [_("请选择图片")]})
        services.add_photo(user=request.user, station=station, upload=upload)
    elif action == "exception":
        try:
            day = datetime.date.fromisoformat(request.POST.get("date", ""))
        except ValueError:
            raise ValidationError({"date": [_("日期格式应为 YYYY-MM-DD")]}) from None
        start, end = request.POST.get("start", ""), request.POST.get("end", "")
        ranges = [[start, end]] if start or end else []
        services.set_exception(user=request.user, station=station, date=day, ranges=ranges,
                               note=request.POST.get("note", ""))  # fmt: skip
    elif action == "delete_exception":
        services.delete_exception(
            user=request.user, station=station, exception_id=_posted_id(request, "exception_id")
        )
    else:
        raise Http404


# --- Excel import -----------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel文件（.xlsx）"))


def _report_rows(report: list[dict], rejected: bool) -> list[dict]:
    out = []
    for r in sorted(report, key=lambda r: r["row"]):
        problems = [
            (excel.FIELD_LABELS.get(field, _("整行")), message)
            for field, messages_ in (r.get("errors") or {}).items()
            for message in messages_
        ]
        label = RESULT_LABELS[r["result"]]
        if rejected and r["result"] != "rejected":
            label = _("无错误（未导入）")
        out.append({"row": r["row"], "result": r["result"], "label": label,
                    "id": r.get("id"), "problems": problems})  # fmt: skip
    return out


@staff_required
@require_http_methods(["GET", "POST"])
def station_import(request):
    """All-or-nothing Excel import with a row-level report."""
    require_scope(request.user, "stations.manage")
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": [h for h, _f in excel.TEMPLATE_COLUMNS]}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rows = excel.read_rows(form.cleaned_data["file"])
                report = services.import_stations(user=request.user, rows=rows)
            except excel.SheetError as exc:
                form.add_error("file", str(exc))
            except services.ImportRejected as exc:
                context["rejected"] = True
                context["report"] = _report_rows(exc.rows, rejected=True)
            else:
                status = 200
                context["report"] = _report_rows(report, rejected=False)
                context["created"] = sum(r["result"] == "created" for r in report)
                context["updated"] = sum(r["result"] == "updated" for r in report)
    return render(request, "console/stations/import.html", context, status=status)


@staff_required
def station_import_template(request):
    require_scope(request.user, "stations.manage")
    return xlsx_response(excel.template_bytes(), "stations-template.xlsx")


# --- status review queue ----------------------------------------------------------------------
