"""Reads for the free health checks (新就业形态劳动者免费体检): programmes, eligibility, the
days a worker can book, scoped booking lists and the quota/completion dashboards.

Who sees which booking: union staff (``health.view``) the bookings whose quota district lies
in their scope; hospital staff (``health.complete``) the bookings at hospitals whose org lies
in theirs. Nothing here returns health results: none are stored."""

import dataclasses
import datetime

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.masking import mask_name
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import district_of
from gonghui.people.models import EmploymentForm
from gonghui.people.scope import scope_for

from ..models import BookingStatus, HealthBooking, HealthProgram, HealthQuota, Hospital, HospitalDay

# A booking holds a quota seat (and its day's slot) in these states.
LIVE = (BookingStatus.BOOKED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW)


def today() -> datetime.date:
    return timezone.localdate()


def earliest_bookable(on: datetime.date | None = None) -> datetime.date:
    """Hospitals get a day's notice: the first bookable date is tomorrow."""
    return (on or today()) + datetime.timedelta(days=1)


# --- programmes and eligibility ---------------------------------------------------------------


def open_programs(on: datetime.date | None = None) -> QuerySet[HealthProgram]:
    """Programmes taking applications on ``on`` (today)."""
    on = on or today()
    return HealthProgram.objects.filter(
        applications_open__lte=on, applications_close__gte=on
    ).select_related("organiser")


def current_program(on: datetime.date | None = None) -> HealthProgram | None:
    """The programme a worker sees: one open now, else this year's latest."""
    on = on or today()
    return (
        open_programs(on).order_by("-year", "-id").first()
        or HealthProgram.objects.filter(year=on.year).order_by("-id").first()
    )


def worker_district(worker) -> Org | None:
    """Where the worker works (profile's 工作区域), else the district of their union."""
    if worker.work_district_id:
        return worker.work_district
    return district_of(worker.union_org)


def quota_for(program: HealthProgram, worker) -> HealthQuota | None:
    district = worker_district(worker)
    if district is None:
        return None
    return program.quotas.filter(district=district).select_related("district").first()


def employment_form_names(forms) -> list[str]:
    names = dict(EmploymentForm.choices)
    return [str(names.get(f, f)) for f in forms]


def existing_booking(year: int, id_number_hash: str) -> HealthBooking | None:
    """The person's live booking this year (any account, any programme of the year)."""
    return (
        HealthBooking.objects.filter(year=year, id_number_hash=id_number_hash, status__in=LIVE)
        .select_related("day__hospital")
        .first()
    )


def already_checked_message(booking: HealthBooking) -> str:
    if booking.status == BookingStatus.COMPLETED:
        return _("您今年已完成免费体检，每人每年限一次")
    return _("您今年已申请过免费体检（每人每年限一次），不能重复申请")


def quota_exhausted_message() -> str:
    return _("本区今年的免费体检名额已用完")


def eligibility_reasons(
    program: HealthProgram, worker, *, on: datetime.date | None = None, check_quota: bool = True
) -> list[str]:
    """Every rule ``worker`` fails for ``program``, in words a worker understands (empty:
    eligible). The booking service checks the same rules again under row locks."""
    on = on or today()
    out = []
    if worker.employment_form not in (program.employment_forms or []):
        out.append(
            _("本项目仅限以下用工形式的职工申请：%s")
            % "、".join(employment_form_names(program.employment_forms))
        )
    if on < program.applications_open:
        out.append(_("申请尚未开始（%s 开始）") % program.applications_open.isoformat())
    elif on > program.applications_close:
        out.append(_("申请已截止（%s 截止）") % program.applications_close.isoformat())
    quota = quota_for(program, worker)
    if quota is None:
        out.append(_("您所在的区未分配本项目名额"))
    elif check_quota and quota.used >= quota.quota:
        out.append(quota_exhausted_message())
    found = existing_booking(program.year, worker.id_number_hash)
    if found is not None:
        out.append(already_checked_message(found))
    return out


def available_days(program: HealthProgram, on: datetime.date | None = None):
    """Days with free slots from tomorrow up to the end of the programme year."""
    return (
        HospitalDay.objects.filter(
            program=program,
            date__gte=earliest_bookable(on),
            date__lte=datetime.date(program.year, 12, 31),
            booked__lt=F("slots"),
        )
        .select_related("hospital", "hospital__district")
        .annotate(remaining=F("slots") - F("booked"))
        .order_by("hospital__name", "date")
    )


def worker_bookings(worker) -> QuerySet[HealthBooking]:
    """A person's bookings (by the ID hash: the same person under any account)."""
    return HealthBooking.objects.filter(id_number_hash=worker.id_number_hash).select_related(
        "program", "day__hospital", "quota__district"
    )


# --- staff ------------------------------------------------------------------------------------


def visible_bookings(user) -> QuerySet[HealthBooking]:
    """Bookings ``user`` may see: quota district in their ``health.view`` scope, or the
    hospital's org in their ``health.complete`` scope."""
    view = scope_for(user, "health.view")
    complete = scope_for(user, "health.complete")
    if not view and not complete:
        return HealthBooking.objects.none()
    q = Q(pk__in=[])
    if view:
        q |= view.q("quota__district")
    if complete:
        q |= complete.q("day__hospital__org")
    return HealthBooking.objects.filter(q).select_related(
        "program", "worker", "quota__district", "day__hospital"
    )


def search_bookings(
    user,
    *,
    program: HealthProgram | int | None = None,
    status: str = "",
    district: str = "",
    hospital: int | None = None,
    date: datetime.date | None = None,
) -> QuerySet[HealthBooking]:
    """``visible_bookings`` of one programme (object or id), by status, quota district code,
    hospital id and check date; by date, then hospital name."""
    qs = visible_bookings(user)
    if program:
        qs = qs.filter(program=program)
    if status:
        qs = qs.filter(status=status)
    if district:
        qs = qs.filter(quota__district__code=district.strip().upper())
    if hospital:
        qs = qs.filter(day__hospital_id=hospital)
    if date:
        qs = qs.filter(day__date=date)
    return qs.order_by("day__date", "day__hospital__name", "id")


def can_complete(user, booking: HealthBooking) -> bool:
    return scope_for(user, "health.complete").contains(booking.day.hospital.org)


def can_manage(user, booking: HealthBooking) -> bool:
    return scope_for(user, "health.manage").contains(booking.quota.district)


def visible_programs(user) -> QuerySet[HealthProgram]:
    """Programmes with something the user may see (a quota district or a hospital)."""
    view = scope_for(user, "health.view")
    complete = scope_for(user, "health.complete")
    q = Q(pk__in=[])
    if view:
        q |= view.q("quotas__district") | view.q("organiser")
    if complete:
        q |= complete.q("days__hospital__org")
    return HealthProgram.objects.filter(q).distinct().order_by("-year", "-id")


def visible_hospitals(user, program: HealthProgram) -> QuerySet[Hospital]:
    """All the programme's hospitals for the organiser's staff; otherwise those whose org is
    in the user's ``health.complete`` scope or that hold bookings the user may see."""
    qs = Hospital.objects.filter(days__program=program).distinct()
    if scope_for(user, "health.view").contains(program.organiser):
        return qs.order_by("name")
    seen = visible_bookings(user).filter(program=program).values("day__hospital_id")
    q = scope_for(user, "health.complete").q("org") | Q(pk__in=seen)
    return qs.filter(q).order_by("name")


def booking_row(b: HealthBooking) -> dict:
    """A booking as staff lists show it: the worker masked (name, phone, ID)."""
    return {
        "id": b.pk,
        "program": b.program_id,
        "year": b.year,
        "name": mask_name(b.worker.name),
        "phone": b.worker.masked_phone,
        "id_number": b.worker.masked_id_number,
        "district": b.quota.district.code,
        "district_name": b.quota.district.name,
        "hospital": b.day.hospital_id,
        "hospital_name": b.day.hospital.name,
        "date": b.day.date,
        "status": b.status,
        "status_name": str(BookingStatus(b.status).label),
        "reminder_sent": b.reminder_sent_at is not None,
        "completed_at": b.completed_at,
        "created_at": b.created_at,
    }


@dataclasses.dataclass
class DashboardRow:
    code: str
    name: str
    quota: int = 0
    used: int = 0
    booked: int = 0
    completed: int = 0
    no_show: int = 0

    @property
    def remaining(self) -> int:
        return max(0, self.quota - self.used)

    @property
    def completion_rate(self) -> float | None:
        return round(100 * self.completed / self.used, 1) if self.used else None

    def as_dict(self) -> dict:
        return {
            **dataclasses.asdict(self),
            "remaining": self.remaining,
            "completion_rate": self.completion_rate,
        }


def _status_counts(qs, key: str) -> dict:
    counts: dict = {}
    for row in qs.values(key, "status").annotate(n=Count("id")):
        counts.setdefault(row[key], {})[row["status"]] = row["n"]
    return counts


def dashboard(user, program: HealthProgram) -> dict:
    """Per district in the user's ``health.view`` scope: quota, used, booked (not yet
    examined), completed, no-show, remaining; per visible hospital: slots and the same
    counts over the bookings the user may see."""
    view = scope_for(user, "health.view")
    quotas = view.filter(program.quotas.select_related("district"), "district").order_by(
        "district__sort_order", "district__code"
    )
    bookings = visible_bookings(user).filter(program=program)
    by_district = _status_counts(bookings, "quota__district_id")
    districts = []
    for q in quotas:
        c = by_district.get(q.district_id, {})
        districts.append(
            DashboardRow(
                code=q.district.code,
                name=q.district.name,
                quota=q.quota,
                used=q.used,
                booked=c.get(BookingStatus.BOOKED, 0),
                completed=c.get(BookingStatus.COMPLETED, 0),
                no_show=c.get(BookingStatus.NO_SHOW, 0),
            )
        )
    total = DashboardRow(code="", name=_("合计"))
    for r in districts:
        for f in ("quota", "used", "booked", "completed", "no_show"):
            setattr(total, f, getattr(total, f) + getattr(r, f))

    by_hospital = _status_counts(bookings, "day__hospital_id")
    slots = dict(
        HospitalDay.objects.filter(program=program)
        .values("hospital_id")
        .annotate(s=Sum("slots"))
        .values_list("hospital_id", "s")
    )
    hospitals = []
    for h in visible_hospitals(user, program):
        c = by_hospital.get(h.pk, {})
        row = DashboardRow(
            code=str(h.pk),
            name=h.name,
            quota=slots.get(h.pk, 0),
            booked=c.get(BookingStatus.BOOKED, 0),
            completed=c.get(BookingStatus.COMPLETED, 0),
            no_show=c.get(BookingStatus.NO_SHOW, 0),
        )
        row.used = row.booked + row.completed + row.no_show
        hospitals.append(row)
    return {"program": program, "districts": districts, "total": total, "hospitals": hospitals}
