"""Writes for the free health checks (新就业形态劳动者免费体检): apply-and-book, cancel,
completion and no-show by the hospital, quotas and slots, the day-before SMS reminder.

Seats move only under row locks, always taken in the same order (worker → district quota →
hospital day), so neither a district's quota nor a hospital day's slots is ever exceeded
however many book at once; the check constraints on both rows back that up, and the partial
unique index on (year, id_number_hash) keeps one live booking per person and year.

Only whether a check happened is recorded, never its results (minimum necessary)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.errors import Conflict
from gonghui.notices.services import notify
from gonghui.orgs.models import DISTRICT_TYPES
from gonghui.orgs.selectors import get_by_code
from gonghui.people.models import ConsentPurpose, Worker
from gonghui.people.privacy import require_consent
from gonghui.people.scope import scope_for
from gonghui.people.worker_session import linked_worker

from ..models import BookingStatus, HealthBooking, HealthProgram, HealthQuota, Hospital, HospitalDay
from . import selectors as sel


def _date_text(day: datetime.date) -> str:
    return _("%(m)d月%(d)d日") % {"m": day.month, "d": day.day}


def worker_for_account(account):
    """The ``Worker`` behind an H5/app login (``people.worker_session.linked_worker``)."""
    return linked_worker(account)


def no_profile_message() -> str:
    return _("您的手机号尚未关联职工档案，请先到所在工会登记后再申请免费体检")


# --- apply and book ---------------------------------------------------------------------------


def book_online(*, account, worker, day_id, now=None) -> HealthBooking:
    """The worker's own application (H5 page or app): needs the account's consent to process
    health information (``ValidationError`` on ``consent``), then ``book``."""
    require_consent(account, ConsentPurpose.HEALTH)
    return book(worker=worker, day_id=day_id, now=now)


def book(*, worker, day_id, now=None) -> HealthBooking:
    """Apply for the free check and book a hospital day in one transaction.

    ``ValidationError`` (400) when the worker is not eligible (every failed rule) or the day
    cannot be booked; ``Conflict`` (409) when the district's quota is used up, the day is
    full, or the person (by ID hash, any account) already has this year's check."""
    now = now or timezone.now()
    on = timezone.localdate(now)
    if worker is None:
        raise PermissionDenied(no_profile_message())
    try:
        day_id = int(day_id)
    except (TypeError, ValueError):
        raise ValidationError({"day": [_("请选择体检日期")]}) from None
    day = HospitalDay.objects.select_related("program", "hospital").filter(pk=day_id).first()
    if day is None:
        raise ValidationError({"day": [_("所选体检日期不存在")]})
    program = day.program
    with transaction.atomic():
        # One person at a time (Worker.id_number_hash is unique): a second account of the
        # same person waits here and then sees the first booking.
        worker = Worker.objects.select_for_update().get(pk=worker.pk)
        failed = sel.eligibility_reasons(program, worker, on=on, check_quota=False)
        found = sel.existing_booking(program.year, worker.id_number_hash)
        if found is not None:
            raise Conflict(sel.already_checked_message(found))
        if failed:
            raise ValidationError({"eligibility": failed})
        district = sel.worker_district(worker)
        quota = HealthQuota.objects.select_for_update().get(program=program, district=district)
        if quota.used >= quota.quota:
            raise Conflict(sel.quota_exhausted_message(), "quota")
        day = HospitalDay.objects.select_for_update().select_related("hospital").get(pk=day.pk)
        if day.date < sel.earliest_bookable(on):
            raise ValidationError({"day": [_("请预约明天及以后的日期")]})
        if day.date.year != program.year:
            raise ValidationError({"day": [_("所选日期不在本年度体检期间")]})
        if day.booked >= day.slots:
            raise Conflict(
                _("%(hospital)s %(date)s 的体检名额已约满，请选择其他日期")
                % {"hospital": day.hospital.name, "date": _date_text(day.date)},
                "day",
            )
        HealthQuota.objects.filter(pk=quota.pk).update(used=F("used") + 1)
        HospitalDay.objects.filter(pk=day.pk).update(booked=F("booked") + 1)
        try:
            with transaction.atomic():
                booking = HealthBooking.objects.create(
                    program=program,
                    year=program.year,
                    worker=worker,
                    id_number_hash=worker.id_number_hash,
                    quota=quota,
                    day=day,
                )
        except IntegrityError:  # the unique index as the last word
            raise Conflict(_("您今年已申请过免费体检（每人每年限一次），不能重复申请")) from None
        notify(
            "health_booked",
            phone=worker.phone,
            params=_health_params(day),
            dedupe_key=f"health-booked:{booking.pk}",
            link=f"/services/health/bookings/{booking.pk}/",
        )
    return booking


def _locked_booking(booking_id) -> HealthBooking:
    booking = (
        HealthBooking.objects.select_for_update()
        .select_related("quota__district", "day__hospital__org", "worker")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise Http404
    return booking


def cancel(*, booking_id, worker=None, actor=None, now=None) -> HealthBooking:
    """Give up a booking: the worker their own (before the day), or staff holding
    ``health.manage`` over the quota district. Frees the quota seat and the day's slot."""
    on = timezone.localdate(now or timezone.now())
    with transaction.atomic():
        booking = _locked_booking(booking_id)
        if worker is not None:
            if booking.id_number_hash != worker.id_number_hash:
                raise Http404
            if booking.day.date <= on:
                raise Conflict(_("体检当天及之后不能在线取消，请联系医院或工会"))
        elif actor is None or not sel.can_manage(actor, booking):
            raise PermissionDenied(_("无权取消该预约"))
        if booking.status != BookingStatus.BOOKED:
            raise Conflict(
                _("该预约当前状态为“%s”，不能取消") % BookingStatus(booking.status).label
            )
        # Same lock order as ``book``: quota, then day.
        HealthQuota.objects.filter(pk=booking.quota_id).update(used=F("used") - 1)
        HospitalDay.objects.filter(pk=booking.day_id).update(booked=F("booked") - 1)
        booking.status = BookingStatus.CANCELLED
        booking.save(update_fields=["status"])
    return booking


# --- the hospital side ------------------------------------------------------------------------


def _hospital_action(actor, booking_id, on) -> HealthBooking:
    """Lock a booking the actor may mark (its hospital's org in their ``health.complete``
    scope) whose day has come. Callers show bookings outside the actor's view as absent
    (404) before getting here."""
    booking = _locked_booking(booking_id)
    if not sel.can_complete(actor, booking):
        raise PermissionDenied(_("只有该医院的工作人员可以登记到检情况"))
    if booking.day.date > on:
        raise Conflict(_("体检日期（%s）未到，不能登记") % booking.day.date.isoformat())
    return booking


def complete(*, actor, booking_id, now=None) -> HealthBooking:
    """The hospital marks the check done (no results are recorded). A no-show who turns up
    later may still be marked done."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _hospital_action(actor, booking_id, timezone.localdate(now))
        if booking.status not in (BookingStatus.BOOKED, BookingStatus.NO_SHOW):
            raise Conflict(
                _("该预约当前状态为“%s”，不能登记完成") % BookingStatus(booking.status).label
            )
        booking.status = BookingStatus.COMPLETED
        booking.completed_at, booking.completed_by = now, actor
        booking.save(update_fields=["status", "completed_at", "completed_by"])
    return booking


def no_show(*, actor, booking_id, now=None) -> HealthBooking:
    """The worker did not come. The seat stays used: the quota was spent on the day."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _hospital_action(actor, booking_id, timezone.localdate(now))
        if booking.status != BookingStatus.BOOKED:
            raise Conflict(
                _("该预约当前状态为“%s”，不能登记未到检") % BookingStatus(booking.status).label
            )
        booking.status = BookingStatus.NO_SHOW
        booking.save(update_fields=["status"])
    return booking


# --- quotas and slots (union staff with health.manage) ----------------------------------------


def _count(value, field) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: [_("应为整数")]}) from None
    if not 0 <= n <= 1_000_000:
        raise ValidationError({field: [_("数值无效")]})
    return n


def set_quota(*, actor, program: HealthProgram, district_code: str, quota) -> HealthQuota:
    """Create or change a district's quota (never below the seats already used)."""
    quota = _count(quota, "quota")
    district = get_by_code(district_code)
    if district is None or district.type not in DISTRICT_TYPES:
        raise ValidationError({"district": [_("区不存在")]})
    if not scope_for(actor, "health.manage").contains(district):
        raise PermissionDenied(_("无权设置该区的名额"))
    with transaction.atomic():
        row, _created = HealthQuota.objects.select_for_update().get_or_create(
            program=program, district=district, defaults={"quota": quota}
        )
        if row.used > quota:
            raise ValidationError({"quota": [_("名额不能少于已使用的 %d 个") % row.used]})
        row.quota = quota
        row.save(update_fields=["quota"])
    return row


def set_day_slots(*, actor, program: HealthProgram, hospital: Hospital, date, slots):
    """Open a hospital day or change its slots (never below the bookings it holds). Set by
    the hospital (``health.complete`` over its org) or the organiser (``health.manage``)."""
    slots = _count(slots, "slots")
    if not (
        scope_for(actor, "health.complete").contains(hospital.org)
        or scope_for(actor, "health.manage").contains(program.organiser)
    ):
        raise PermissionDenied(_("无权设置该医院的可约名额"))
    if isinstance(date, str):
        try:
            date = datetime.date.fromisoformat(date)
        except ValueError:
            raise ValidationError({"date": [_("日期格式应为 YYYY-MM-DD")]}) from None
    if date.year != program.year:
        raise ValidationError({"date": [_("日期应在 %d 年内") % program.year]})
    with transaction.atomic():
        day, _created = HospitalDay.objects.select_for_update().get_or_create(
            program=program, hospital=hospital, date=date, defaults={"slots": slots}
        )
        if day.booked > slots:
            raise ValidationError({"slots": [_("名额不能少于已预约的 %d 个") % day.booked]})
        day.slots = slots
        day.save(update_fields=["slots"])
    return day


# --- the day-before reminder ------------------------------------------------------------------

REMINDER_FROM_HOUR = 9


def _health_params(day) -> dict:
    """The placeholders of the health-check messages (templates in gonghui.notices)."""
    return {"date": _date_text(day.date), "hospital": day.hospital.name,
            "address": day.hospital.address}  # fmt: skip


def send_reminder(booking_id, *, now=None) -> bool:
    """SMS the worker about tomorrow's check, at most once: the row is claimed by setting
    ``reminder_sent_at`` first, so two runs never both send. False when already sent, or the
    booking is no longer live."""
    now = now or timezone.now()
    with transaction.atomic():  # the claim and the message together
        claimed = HealthBooking.objects.filter(
            pk=booking_id, status=BookingStatus.BOOKED, reminder_sent_at__isnull=True
        ).update(reminder_sent_at=now)
        if not claimed:
            return False
        booking = HealthBooking.objects.select_related("worker", "day__hospital").get(pk=booking_id)
        notify(  # inbox + SMS through the queue after commit; the key keeps it to one
            "health_reminder",
            phone=booking.worker.phone,
            params=_health_params(booking.day),
            dedupe_key=f"health-reminder:{booking.pk}:{booking.day_id}",
            link=f"/services/health/bookings/{booking.pk}/",
        )
    return True


def send_due_reminders(*, now=None) -> int:
    """Remind everyone booked for tomorrow who has not been reminded yet; nothing is sent
    before ``REMINDER_FROM_HOUR`` o'clock (no text messages at night)."""
    now = now or timezone.now()
    if timezone.localtime(now).hour < REMINDER_FROM_HOUR:
        return 0
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    due = HealthBooking.objects.filter(
        status=BookingStatus.BOOKED, reminder_sent_at__isnull=True, day__date=tomorrow
    ).values_list("pk", flat=True)
    return sum(send_reminder(pk, now=now) for pk in list(due))
