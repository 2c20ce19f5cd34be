"""评选表彰: award programs, quotas per lower org, nominations, attachments and objections.

A program is organised by one union org (``organiser``); lower unions in its subtree nominate a
worker from the registry (person programs) or a collective. A nomination is reviewed one level
above the nominating org, posted for 公示 for N working days, awarded, and may be revoked.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.objections import ObjectionStatus as ObjectionStatus
from gonghui.core.objections import PublicityObjection


class ProgramKind(models.TextChoices):
    PERSON = "person", _("个人")
    COLLECTIVE = "collective", _("集体")


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    OPEN = "open", _("已发布")
    CLOSED = "closed", _("已结束")


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    REJECTED = "rejected", _("未通过")
    PUBLICITY = "publicity", _("公示中")
    AWARDED = "awarded", _("已表彰")
    REVOKED = "revoked", _("已撤销")
    WITHDRAWN = "withdrawn", _("已撤回")


# States that no longer hold a place: they free the quota and allow a new nomination.
DEAD_STATES = (State.REJECTED, State.WITHDRAWN)


class AwardProgram(models.Model):
    title = models.CharField(_("荣誉称号"), max_length=100)
    kind = models.CharField(_("表彰对象"), max_length=20, choices=ProgramKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    organiser = models.ForeignKey(
        "orgs.Org", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    criteria = models.TextField(_("评选条件"), blank=True)
    women_only = models.BooleanField(_("仅限女职工"), default=False)
    members_only = models.BooleanField(_("仅限工会会员"), default=False)
    # Comma-separated people.EmploymentForm values; empty means any.
    employment_forms = models.CharField(_("限定用工形式"), max_length=200, blank=True)
    publicity_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5)
    nomination_opens = models.DateField(_("提名开始日期"))
    nomination_closes = models.DateField(_("提名截止日期"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评选项目")
        verbose_name_plural = _("评选项目")
        ordering = ["-year", "-nomination_opens", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nomination_closes__gte=models.F("nomination_opens")),
                name="honors_program_window_order",
            )
        ]

    def __str__(self):
        return f"{self.year}年度{self.title}"

    @property
    def employment_form_list(self) -> list[str]:
        return [f for f in self.employment_forms.split(",") if f]


class ProgramQuota(models.Model):
    """How many nominations a lower org (with its whole subtree) may put forward."""

    program = models.ForeignKey(AwardProgram, on_delete=models.CASCADE, related_name="quotas")
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=pgettext_lazy("organisation", "单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quota = models.PositiveSmallIntegerField(_("名额"))

    class Meta:
        verbose_name = _("名额分配")
        verbose_name_plural = _("名额分配")
        ordering = ["org__path"]
        constraints = [
            models.UniqueConstraint(fields=["program", "org"], name="honors_one_quota_per_org")
        ]

    def __str__(self):
        return f"{self.program_id}:{self.org_id}={self.quota}"


class Nomination(models.Model):
    program = models.ForeignKey(AwardProgram, on_delete=models.PROTECT, related_name="nominations")
    nominating_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="+"
    )
    worker = models.ForeignKey(
        "people.Worker",
        verbose_name=_("被提名职工"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    collective_name = models.CharField(_("集体名称"), max_length=100, blank=True)
    collective_org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("集体所在工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deeds = models.TextField(_("主要事迹"))
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示截止"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("表彰时间"), null=True, blank=True)
    awarded_on = models.DateField(_("表彰日期"), null=True, blank=True, db_index=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.TextField(_("撤销理由"), blank=True)

    class Meta:
        verbose_name = _("提名")
        verbose_name_plural = _("提名")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["program", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "worker"],
                condition=Q(worker__isnull=False) & ~Q(state__in=["rejected", "withdrawn"]),
                name="honors_one_live_nomination_per_worker",
            ),
            models.CheckConstraint(
                condition=(Q(worker__isnull=False) & Q(collective_name=""))
                | (Q(worker__isnull=True) & ~Q(collective_name="")),
                name="honors_person_or_collective",
            ),
        ]

    def __str__(self):
        return f"{self.program} · {self.nominee_name}"

    @property
    def nominee_name(self) -> str:
        return self.worker.name if self.worker_id else self.collective_name

    @property
    def nominee_org(self):
        """The union shown on the roll: the worker's, the collective's, else the nominator."""
        if self.worker_id:
            return self.worker.union_org
        return self.collective_org or self.nominating_org

    @property
    def certificate_no(self) -> str:
        return f"{self.program.year}-{self.program_id:03d}-{self.pk:05d}"


class NominationAttachment(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to="honors/%Y/")
    content_type = models.CharField(max_length=50)
    original_name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("提名附件")
        verbose_name_plural = _("提名附件")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name


class Objection(PublicityObjection):
    """An objection raised during 公示: an open one blocks the award, an upheld one rejects."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="objections")

    class Meta(PublicityObjection.Meta):
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
