"""Rules and thresholds as data: dated 低保 standards, the dated policy and the exclusions.

A rule row is never edited in place once used: add a new row with a later ``valid_from``.
Each computation stores which rows it used (see ``rules.compute``)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class PovertyLine(models.Model):
    """The 城乡低保 standard (yuan per person per month) of a district from ``valid_from`` on.

    ``org`` is a district union (区总工会/经开区) or the city federation: a district without a
    row of its own uses the nearest ancestor's (the city's) row."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("适用地区"), on_delete=models.PROTECT, related_name="+"
    )
    monthly_amount = models.DecimalField(_("低保标准（元/人·月）"), max_digits=8, decimal_places=2)
    valid_from = models.DateField(_("生效日期"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("低保标准")
        verbose_name_plural = _("低保标准")
        ordering = ["org__path", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["org", "valid_from"], name="uniq_poverty_line"),
            models.CheckConstraint(
                condition=models.Q(monthly_amount__gt=0), name="poverty_line_positive"
            ),
        ]

    def __str__(self):
        return f"{self.org.name} {self.monthly_amount} 元（{self.valid_from} 起）"


class HardshipPolicy(models.Model):
    """The federation-wide thresholds and periods from ``valid_from`` on."""

    valid_from = models.DateField(_("生效日期"), unique=True)
    deep_multiplier = models.DecimalField(
        _("深度困难：人均低于低保标准的倍数"), max_digits=4, decimal_places=2, default=Decimal(1)
    )
    relative_multiplier = models.DecimalField(
        _("相对困难：人均低于低保标准的倍数"), max_digits=4, decimal_places=2, default=Decimal(2)
    )
    accident_multiplier = models.DecimalField(
        _("意外致困：人均低于低保标准的倍数（空=不设上限）"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
    )
    publicity_working_days = models.PositiveSmallIntegerField(_("公示工作日数"), default=5)
    visit_interval_months = models.PositiveSmallIntegerField(_("走访间隔（月）"), default=6)
    review_interval_months = models.PositiveSmallIntegerField(_("年审间隔（月）"), default=12)
    follow_up_months = models.PositiveSmallIntegerField(_("脱困后跟踪回访（月）"), default=6)
    retention_years = models.PositiveSmallIntegerField(_("关闭档案保存年限"), default=10)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("帮扶政策参数")
        verbose_name_plural = _("帮扶政策参数")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(relative_multiplier__gt=models.F("deep_multiplier")),
                name="policy_multipliers_ordered",
            )
        ]

    def __str__(self):
        return f"{_('帮扶政策')}（{self.valid_from} 起）"


class ExclusionEffect(models.TextChoices):
    BLOCK = "block", _("不予建档")
    WARN = "warn", _("提示审核")


class ExclusionRule(models.Model):
    """A circumstance that rules a household out (``block``) or needs a reviewer's look
    (``warn``): two or more homes, owns a business, …"""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    effect = models.CharField(_("效果"), max_length=10, choices=ExclusionEffect.choices)
    active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("排除条件")
        verbose_name_plural = _("排除条件")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.name}（{self.get_effect_display()}）"
