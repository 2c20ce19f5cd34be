"""主动治理 (acting on causes, not single appeals): 欠薪预警, early warnings of wage arrears.

An ``ArrearsRule`` says when appeals about one employer in one district add up to a warning;
its numbers are local practice, not law (docs/decisions.md), and are edited in the admin. An
``ArrearsWarning`` goes to the district union where the appeals happened, carries the appeals
behind it, and is acknowledged and closed there with a note (``states.TRANSITIONS``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ArrearsRule(models.Model):
    """When 欠薪 appeals about one employer in one district raise a warning, and how serious.
    The newest active rule applies."""

    name = models.CharField(_("名称"), max_length=100)
    categories = models.ManyToManyField(
        "hotline.Category",
        verbose_name=_("计入的诉求分类"),
        help_text=_("所选分类及其下级分类的诉求计入预警（如：劳动关系 / 欠薪）"),
    )
    window_days = models.PositiveSmallIntegerField(
        _("统计窗口（天）"), default=30, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    min_appeals = models.PositiveSmallIntegerField(
        _("同一单位诉求件数达到"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("窗口内同一单位（同一区）的欠薪诉求件数，含同一职工的重复来电"),
    )
    min_workers = models.PositiveSmallIntegerField(
        _("或反映职工人数达到"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("窗口内就同一单位来电的不同职工（按来电号码）人数"),
    )
    orange_appeals = models.PositiveSmallIntegerField(_("橙色：诉求件数"), default=6)
    orange_workers = models.PositiveSmallIntegerField(_("橙色：职工人数"), default=5)
    red_appeals = models.PositiveSmallIntegerField(_("红色：诉求件数"), default=10)
    red_workers = models.PositiveSmallIntegerField(_("红色：职工人数"), default=10)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("欠薪预警规则")
        verbose_name_plural = _("欠薪预警规则")
        ordering = ["-updated_at", "-id"]

    def __str__(self):
        return self.name


class Level(models.TextChoices):
    YELLOW = "yellow", _("黄色")
    ORANGE = "orange", _("橙色")
    RED = "red", _("红色")


LEVEL_RANK = {Level.YELLOW: 1, Level.ORANGE: 2, Level.RED: 3}


class WarningStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    CLOSED = "closed", _("已销号")


LIVE_STATES = (WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED)


class ArrearsWarning(models.Model):
    """One employer's wage-arrears warning in one district, until the district union closes it."""

    employer_key = models.CharField(max_length=220, db_index=True)  # "code:…" or "name:…"
    employer_name = models.CharField(_("涉及单位"), max_length=200)
    employer_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    district = models.ForeignKey(
        "orgs.Org", verbose_name=_("所在区总工会"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("预警等级"), max_length=10, choices=Level.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=WarningStatus.choices, default=WarningStatus.OPEN
    )
    appeals = models.ManyToManyField(
        "hotline.Appeal", verbose_name=_("相关诉求"), related_name="arrears_warnings"
    )
    appeal_count = models.PositiveIntegerField(_("诉求件数"), default=0)
    worker_count = models.PositiveIntegerField(_("职工人数"), default=0)
    first_received_at = models.DateTimeField(_("首件诉求时间"))
    last_received_at = models.DateTimeField(_("最近诉求时间"))
    rule = models.ForeignKey(
        ArrearsRule, verbose_name=_("规则"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("预警时间"), auto_now_add=True)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledge_note = models.TextField(_("签收说明"), blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_note = models.TextField(_("销号说明"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("欠薪预警")
        verbose_name_plural = _("欠薪预警")
        ordering = ["-last_received_at", "-id"]
        constraints = [
            # one live warning per employer and district: a second scan updates it
            models.UniqueConstraint(
                fields=["employer_key", "district"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="governance_one_live_warning",
            )
        ]
        indexes = [models.Index(fields=["district", "status", "-last_received_at"])]

    def __str__(self):
        return f"{self.employer_name}（{self.get_level_display()}）"
