"""Free health checks for new-employment-form workers (新就业形态劳动者免费体检).

Only whether a check was done is stored, never its results (minimum necessary)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HealthProgram(models.Model):
    """A year's programme: who may apply, when, organised by which union."""

    title = models.CharField(_("名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    organiser = models.ForeignKey(
        "orgs.Org", verbose_name=_("主办工会"), on_delete=models.PROTECT, related_name="+"
    )
    employment_forms = models.JSONField(_("可申请的用工形式"), default=list)
    applications_open = models.DateField(_("申请开始"))
    applications_close = models.DateField(_("申请截止"))
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("体检项目")
        verbose_name_plural = _("体检项目")
        ordering = ["-year", "id"]

    def __str__(self):
        return self.title


class HealthQuota(models.Model):
    """A district's share of the programme; ``used`` moves under this row's lock."""

    program = models.ForeignKey(HealthProgram, on_delete=models.CASCADE, related_name="quotas")
    district = models.ForeignKey(
        "orgs.Org", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    quota = models.PositiveIntegerField(_("名额"))
    used = models.PositiveIntegerField(_("已用"), default=0, editable=False)

    class Meta:
        verbose_name = _("区体检名额")
        verbose_name_plural = _("区体检名额")
        constraints = [
            models.UniqueConstraint(fields=["program", "district"], name="uniq_health_quota"),
            models.CheckConstraint(
                condition=models.Q(used__lte=models.F("quota")), name="health_quota_not_exceeded"
            ),
        ]

    def __str__(self):
        return f"{self.program} {self.district}"


class Hospital(models.Model):
    """A partner hospital. ``org`` is its node in the org tree: staff holding the
    hospital role there (or above) mark completions for it."""

    name = models.CharField(_("医院名称"), max_length=100)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属组织节点"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "orgs.Org", verbose_name=_("所在区"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200)
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("合作医院")
        verbose_name_plural = _("合作医院")
        ordering = ["name"]

    def __str__(self):
        return self.name


class HospitalDay(models.Model):
    """Slots a hospital offers the programme on one date; ``booked`` moves under its lock."""

    program = models.ForeignKey(HealthProgram, on_delete=models.CASCADE, related_name="days")
    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("日期"))
    slots = models.PositiveIntegerField(_("名额"))
    booked = models.PositiveIntegerField(_("已预约"), default=0, editable=False)

    class Meta:
        verbose_name = _("医院可约日")
        verbose_name_plural = _("医院可约日")
        ordering = ["date", "hospital_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "hospital", "date"], name="uniq_hospital_day"
            ),
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("slots")),
                name="hospital_day_not_overbooked",
            ),
        ]

    def __str__(self):
        return f"{self.hospital} {self.date}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    COMPLETED = "completed", _("已完成")
    NO_SHOW = "no_show", _("未到检")
    CANCELLED = "cancelled", _("已取消")


class HealthBooking(models.Model):
    """A worker's application and booked slot. One live booking per person and year, keyed by
    the ID number's keyed hash (the same person under two accounts is still one person)."""

    program = models.ForeignKey(HealthProgram, on_delete=models.PROTECT, related_name="bookings")
    year = models.PositiveSmallIntegerField()
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    id_number_hash = models.CharField(max_length=64, editable=False)
    quota = models.ForeignKey(HealthQuota, on_delete=models.PROTECT, related_name="bookings")
    day = models.ForeignKey(HospitalDay, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(
        _("状态"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("体检预约")
        verbose_name_plural = _("体检预约")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "id_number_hash"],
                condition=~models.Q(status="cancelled"),
                name="one_health_check_per_person_year",
            )
        ]

    def __str__(self):
        return f"{self.program_id}/{self.worker_id} {self.status}"
