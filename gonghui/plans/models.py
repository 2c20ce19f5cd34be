"""年度职工服务清单: a plan per org and year, its items and targets, shares split down to lower
orgs, manual figures with evidence, and the revision history of a published plan."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    REVISING = "revising", _("修订中")


class Theme(models.TextChoices):
    POSITIONS = "positions", _("服务阵地建设")
    SOCIAL_WORKERS = "social_workers", _("社会工作者队伍")
    SUPPLY = "supply", _("精准服务供给")
    HOTLINE = "hotline", _("接诉即办")
    LIFE_QUALITY = "life_quality", _("职工生活品质")
    AID = "aid", _("帮扶救助")
    OTHER = "other", _("其他")


class Plan(models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("清单名称"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    revision = models.PositiveIntegerField(_("版本"), default=0)
    pending_reason = models.CharField(_("修订原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("年度职工服务清单")
        verbose_name_plural = _("年度职工服务清单")
        ordering = ["-year", "org__path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="plans_one_plan_per_org_year")
        ]

    def __str__(self):
        return self.title

    @property
    def locked(self) -> bool:
        return self.status == PlanStatus.PUBLISHED


class PlanItem(models.Model):
    """A line of the plan, or (with ``parent``) a lower org's share of one."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="shares"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("事项"), max_length=200)
    theme = models.CharField(_("主题"), max_length=20, choices=Theme.choices)
    deadline = models.DateField(_("完成时限"))
    indicator = models.CharField(_("指标"), max_length=40, blank=True)
    manual_name = models.CharField(_("人工填报指标名称"), max_length=100, blank=True)
    manual_unit = models.CharField(pgettext_lazy("measure", "单位"), max_length=10, blank=True)
    target = models.DecimalField(_("目标值"), max_digits=16, decimal_places=4)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "org"],
                condition=models.Q(parent__isnull=False),
                name="plans_one_share_per_org",
            ),
            models.CheckConstraint(condition=models.Q(target__gte=0), name="plans_target_gte_0"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_manual(self) -> bool:
        return not self.indicator


class PlanRevision(models.Model):
    """A published version of the plan, frozen: what was promised, when and why it changed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("版本"))
    reason = models.CharField(_("说明"), max_length=300)
    items = models.JSONField(_("事项快照"), default=list)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("清单版本")
        verbose_name_plural = _("清单版本")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_revision_unique")
        ]

    def __str__(self):
        return f"{self.plan} v{self.number}"


class FigureStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已审核")
    REJECTED = "rejected", _("已退回")


def evidence_path(instance, filename):
    return f"plans/evidence/{instance.item_id}/{filename}"


class ManualFigure(models.Model):
    """A figure achieved for a manual indicator, with evidence; counts once approved."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="figures")
    value = models.DecimalField(_("完成数"), max_digits=16, decimal_places=4)
    achieved_on = models.DateField(_("完成日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_path)
    evidence_type = models.CharField(max_length=30)
    # the uploader's file name, for the download (on disk the file has a random name)
    evidence_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=FigureStatus.choices, default=FigureStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("人工填报数据")
        verbose_name_plural = _("人工填报数据")
        ordering = ["-achieved_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0), name="plans_figure_gte_0")
        ]

    def __str__(self):
        return f"{self.item} {self.value}"
