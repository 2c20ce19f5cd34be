from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit row."""


# Security events (logins, refusals) share the audit table with the reads of personal data.
SECURITY_ACTIONS = ("login", "login_failed", "worker_login", "worker_login_failed", "denied")
# A tracked status/state field changed (core.audit.track_state): "old→new" in ``reason``.
STATE_CHANGE = "state_change"


class AuditQuerySet(models.QuerySet):
    def data_access(self):
        """Rows about personal data and the acts on it, without logins, refusals and the
        generic state-change rows."""
        return self.exclude(action__in=(*SECURITY_ACTIONS, STATE_CHANGE))

    def state_changes(self, obj=None):
        """The state-change rows, of one object if given."""
        qs = self.filter(action=STATE_CHANGE)
        if obj is not None:
            qs = qs.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        return qs


class AuditLog(models.Model):
    """Append-only record of every full read of personal data and other sensitive acts.

    The database refuses UPDATE and DELETE on this table (triggers in migration 0002), so
    not even a bug or an admin with a SQL console through the app can rewrite history.
    """

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人标识"), max_length=150)
    action = models.CharField(_("动作"), max_length=40, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象ID"), max_length=64, db_index=True)
    fields = models.CharField(_("字段"), max_length=200, blank=True)
    reason = models.CharField(_("事由"), max_length=500, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        when = f"{self.created_at:%Y-%m-%d %H:%M}"
        return f"{when} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit rows cannot be deleted")


class WorkdayOverride(models.Model):
    """An admin-loaded calendar day for years chinese-calendar does not know yet.

    Loaded from the State Council's yearly schedule (``manage.py load_workdays``): holidays
    (``is_workday=False``) and 调休 make-up working days on weekends (``is_workday=True``).
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'班' if self.is_workday else '休'} {self.name}"


class CalendarDay(models.Model):
    """One day as ``workdays.WorkdayCalendar`` sees it, so working time can be computed in SQL
    (``workdays.fill_calendar`` keeps it; docs/hotline-metrics.md). ``work_seconds_before`` is
    the working time from the table's first day to this day's 00:00 Asia/Shanghai; the working
    time between two instants is a difference of two lookups
    (``workdays.CalendarTable.working_microseconds``)."""

    date = models.DateField(_("日期"), primary_key=True)
    is_workday = models.BooleanField(_("是否工作日"))
    work_seconds_before = models.BigIntegerField(_("此前工作秒数"))

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'班' if self.is_workday else '休'}"


class AuditArchive(models.Model):
    """One verified export of audit rows older than ``cutoff`` (``archive_audit``). The audit
    table's triggers let rows be deleted only when they are older than the newest archive's
    cutoff *and* older than the legal minimum of 180 days (网络安全法 第二十一条)."""

    created_at = models.DateTimeField(_("归档时间"), auto_now_add=True)
    cutoff = models.DateTimeField(_("归档截止"))
    file_name = models.CharField(_("归档文件"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    row_count = models.PositiveIntegerField(_("条数"))

    class Meta:
        verbose_name = _("审计日志归档")
        verbose_name_plural = _("审计日志归档")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.row_count})"
