"""JSON API for the free health checks (mounted at /api/v1/health).

Workers (worker token): ``/my`` (programme, eligibility, own bookings), ``/days``, book and
cancel. Staff: ``/programs``, ``/bookings`` (masked, scoped), complete / no-show / cancel,
``/dashboard``, quotas and slots. Refusals are ``{"detail", "errors"}``: 400 not eligible or
bad input, 403 not allowed, 404 absent or out of scope, 409 quota or day full / already
booked / wrong status."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from gonghui.core.api import ApiError, ErrorOut, paginate, staff_user
from gonghui.core.bounds import Count, Id, IsoDate
from gonghui.people.scope import scope_for

from ..models import BookingStatus, HealthBooking, HealthProgram, Hospital
from . import selectors as sel
from . import services as health

router = Router(tags=["health"])
PAGE_SIZE = 50


class ProgramOut(Schema):
    id: int
    title: str
    year: int
    organiser: str
    employment_forms: list[str]
    employment_form_names: list[str]
    applications_open: datetime.date
    applications_close: datetime.date
    description: str


def program_out(p: HealthProgram) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "year": p.year,
        "organiser": p.organiser.code,
        "employment_forms": p.employment_forms,
        "employment_form_names": sel.employment_form_names(p.employment_forms),
        "applications_open": p.applications_open,
        "applications_close": p.applications_close,
        "description": p.description,
    }


class DayOut(Schema):
    id: int
    date: datetime.date
    hospital: int
    hospital_name: str
    address: str
    district: str
    remaining: int


def day_out(d) -> dict:
    return {
        "id": d.pk,
        "date": d.date,
        "hospital": d.hospital_id,
        "hospital_name": d.hospital.name,
        "address": d.hospital.address,
        "district": d.hospital.district.name,
        "remaining": d.slots - d.booked,
    }


class MyBookingOut(Schema):
    id: int
    year: int
    status: str
    status_name: str
    date: datetime.date
    hospital_name: str
    address: str
    can_cancel: bool


def my_booking_out(b: HealthBooking) -> dict:
    return {
        "id": b.pk,
        "year": b.year,
        "status": b.status,
        "status_name": str(BookingStatus(b.status).label),
        "date": b.day.date,
        "hospital_name": b.day.hospital.name,
        "address": b.day.hospital.address,
        "can_cancel": b.status == BookingStatus.BOOKED and b.day.date > sel.today(),
    }


class BookingOut(Schema):
    id: int
    program: int
    year: int
    name: str = Field(description="masked")
    phone: str = Field(description="masked")
    id_number: str = Field(description="masked")
    district: str
    district_name: str
    hospital: int
    hospital_name: str
    date: datetime.date
    status: str
    status_name: str
    reminder_sent: bool
    completed_at: datetime.datetime | None
    created_at: datetime.datetime


def _program(program_id: int) -> HealthProgram:
    program = (
        HealthProgram.objects.select_related("organiser").filter(pk=program_id).first()
        if program_id
        else sel.current_program()
    )
    if program is None:
        raise ApiError(404, _("未找到体检项目"))
    return program


# --- worker side ------------------------------------------------------------------------------


def _worker(request):
    account = getattr(request, "worker_account", None)
    if account is None:
        raise ApiError(403, _("此接口仅限职工使用"))
    worker = health.worker_for_account(account)
    if worker is None:
        message = health.no_profile_message()
        raise ApiError(403, message, {"__all__": [message]})
    return worker


class MyStatusOut(Schema):
    program: ProgramOut | None
    eligible: bool
    reasons: list[str]
    bookings: list[MyBookingOut]


@router.get("/my", response={200: MyStatusOut, 403: ErrorOut})
def my_status(request, program: Id = 0):
    """The worker's view: the current programme, whether they may apply (and every reason
    why not), and their bookings."""
    worker = _worker(request)
    found = HealthProgram.objects.filter(pk=program).first() if program else sel.current_program()
    reasons = sel.eligibility_reasons(found, worker) if found else [_("目前没有开放的体检项目")]
    return {
        "program": program_out(found) if found else None,
        "eligible": not reasons,
        "reasons": reasons,
        "bookings": [my_booking_out(b) for b in sel.worker_bookings(worker)],
    }


@router.get("/days", response={200: list[DayOut], 403: ErrorOut, 404: ErrorOut})
def days(request, program: Id = 0):
    """Hospital days with free slots (from tomorrow) for workers and staff."""
    if getattr(request, "worker_account", None) is None:
        staff_user(request)
    return [day_out(d) for d in sel.available_days(_program(program))]


class BookIn(Schema):
    day: Id


@router.post(
    "/my/bookings",
    response={201: MyBookingOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
)
def book(request, payload: BookIn):
    """Apply and book a day in one step. 400 not eligible (``errors.eligibility``), 409 the
    district's quota is used up (``errors.quota``), the day is full (``errors.day``) or the
    person already has this year's check. Without the ``health`` consent: 400 ``errors.consent``."""
    worker = _worker(request)
    booking = health.book_online(account=request.worker_account, worker=worker, day_id=payload.day)
    return Status(201, my_booking_out(booking))


@router.get("/my/bookings", response={200: list[MyBookingOut], 403: ErrorOut})
def my_bookings(request):
    return [my_booking_out(b) for b in sel.worker_bookings(_worker(request))]


@router.post(
    "/my/bookings/{booking_id}/cancel",
    response={200: MyBookingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def my_cancel(request, booking_id: int):
    worker = _worker(request)
    health.cancel(booking_id=booking_id, worker=worker)
    return my_booking_out(sel.worker_bookings(worker).get(pk=booking_id))


# --- staff side -------------------------------------------------------------------------------


def _staff(request):
    user = staff_user(request)
    if not (scope_for(user, "health.view") or scope_for(user, "health.complete")):
        raise PermissionDenied(_("您的角色无权查看免费体检"))
    return user


@router.get("/programs", response={200: list[ProgramOut], 403: ErrorOut})
def programs(request):
    """Programmes with a quota district or a hospital in the caller's scope."""
    user = _staff(request)
    return [program_out(p) for p in sel.visible_programs(user).select_related("organiser")]


class BookingFilters(Schema):
    program: Id = 0
    status: str = Field("", pattern="^(|booked|completed|no_show|cancelled)$")
    district: str = Field("", max_length=40)
    hospital: Id = 0
    date: IsoDate | None = None
    page: int = Field(1, ge=1, le=100000)


class BookingPage(Schema):
    count: int
    page: int
    pages: int
    results: list[BookingOut]


@router.get("/bookings", response={200: BookingPage, 400: ErrorOut, 403: ErrorOut})
def bookings(request, filters: Query[BookingFilters]):
    """Bookings in scope (union staff: their districts; hospital staff: their hospitals),
    the worker masked."""
    user = _staff(request)
    qs = sel.search_bookings(
        user,
        program=filters.program,
        status=filters.status,
        district=filters.district,
        hospital=filters.hospital,
        date=filters.date,
    )
    return paginate(qs, filters.page, PAGE_SIZE, sel.booking_row)


def _visible(user, booking_id: int) -> HealthBooking:
    booking = sel.visible_bookings(user).filter(pk=booking_id).first()
    if booking is None:
        raise ApiError(404, _("未找到"))
    return booking


@router.get("/bookings/{booking_id}", response={200: BookingOut, 403: ErrorOut, 404: ErrorOut})
def booking_detail(request, booking_id: int):
    return sel.booking_row(_visible(_staff(request), booking_id))


def _act(request, booking_id: int, fn):
    user = _staff(request)
    _visible(user, booking_id)
    fn(actor=user, booking_id=booking_id)
    return sel.booking_row(_visible(user, booking_id))


ACTION_RESPONSES = {200: BookingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post("/bookings/{booking_id}/complete", response=ACTION_RESPONSES)
def complete(request, booking_id: int):
    """Hospital staff mark the check done (no results are taken). Only at hospitals whose org
    is in the caller's ``health.complete`` scope; others get 404."""
    return _act(request, booking_id, health.complete)


@router.post("/bookings/{booking_id}/no-show", response=ACTION_RESPONSES)
def no_show(request, booking_id: int):
    return _act(request, booking_id, health.no_show)


@router.post("/bookings/{booking_id}/cancel", response=ACTION_RESPONSES)
def staff_cancel(request, booking_id: int):
    """Union staff holding ``health.manage`` over the booking's district cancel it (the quota
    seat and the slot are freed)."""
    return _act(request, booking_id, health.cancel)


class DashRow(Schema):
    code: str
    name: str
    quota: Count
    used: int
    booked: int
    completed: int
    no_show: int
    remaining: int
    completion_rate: float | None


class DashboardOut(Schema):
    program: ProgramOut
    districts: list[DashRow]
    total: DashRow
    hospitals: list[DashRow]


@router.get("/dashboard", response={200: DashboardOut, 403: ErrorOut, 404: ErrorOut})
def dashboard(request, program: Id = 0):
    """Per district in scope: quota, used, booked, completed, no-show, remaining; per
    hospital (``quota`` = slots offered, counts over the bookings the caller may see)."""
    user = _staff(request)
    found = _program(program)
    if not sel.visible_programs(user).filter(pk=found.pk).exists():
        raise ApiError(404, _("未找到体检项目"))
    data = sel.dashboard(user, found)
    return {
        "program": program_out(found),
        "districts": [r.as_dict() for r in data["districts"]],
        "total": data["total"].as_dict(),
        "hospitals": [r.as_dict() for r in data["hospitals"]],
    }


class QuotaIn(Schema):
    quota: int = Field(..., ge=0, le=1_000_000)


@router.put(
    "/programs/{program_id}/quotas/{district}",
    response={200: DashRow, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def put_quota(request, program_id: int, district: str, payload: QuotaIn):
    """Set a district's quota (``health.manage`` over the district; not below ``used``)."""
    user = staff_user(request)
    row = health.set_quota(
        actor=user, program=_program(program_id), district_code=district, quota=payload.quota
    )
    return sel.DashboardRow(
        code=row.district.code, name=row.district.name, quota=row.quota, used=row.used
    ).as_dict()


class SlotsIn(Schema):
    slots: int = Field(..., ge=0, le=100_000)


@router.put(
    "/programs/{program_id}/hospitals/{hospital_id}/days/{date}",
    response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def put_day(request, program_id: int, hospital_id: int, date: IsoDate, payload: SlotsIn):
    """Open a hospital day or change its slots (the hospital's staff or the organiser's
    managers; not below the bookings already made)."""
    user = staff_user(request)
    hospital = Hospital.objects.select_related("org").filter(pk=hospital_id).first()
    if hospital is None:
        raise ApiError(404, _("未找到"))
    day = health.set_day_slots(
        actor=user, program=_program(program_id), hospital=hospital, date=date,
        slots=payload.slots,
    )  # fmt: skip
    return {"id": day.pk, "date": day.date, "slots": day.slots, "booked": day.booked}
