"""Applications (entry, exit, yearly review), their 公示 objections and documents, and the
care records of a registered file (visits, follow-up calls after exit)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import EncryptedTextField
from gonghui.core.masking import mask_phone
from gonghui.core.objections import ObjectionStatus as ObjectionStatus
from gonghui.core.objections import PublicityObjection

from .files import Category, ExitReason, HardshipFile


class Kind(models.TextChoices):
    ENTRY = "entry", _("建档申请")
    EXIT = "exit", _("退出申请")
    REVIEW = "review", _("年度复核")


class State(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    VERIFIED = "verified", _("基层已核实")
    PUBLICITY = "publicity", _("公示中")
    DONE = "done", _("已通过")
    REJECTED = "rejected", _("已驳回")


class Cause(models.TextChoices):
    ILLNESS = "illness", _("患病")
    DISABILITY = "disability", _("残疾")
    ACCIDENT = "accident", _("意外事故")
    SUDDEN_ILLNESS = "sudden_illness", _("突发重大疾病")
    SCHOOLING = "schooling", _("子女上学")
    UNEMPLOYMENT = "unemployment", _("失业")
    DISASTER = "disaster", _("灾害")
    OTHER = "other", _("其他")


# Causes that may make a household 意外致困.
ACCIDENT_CAUSES = frozenset({Cause.ACCIDENT, Cause.DISASTER, Cause.SUDDEN_ILLNESS})


class ExpenseKind(models.TextChoices):
    MEDICAL = "medical", _("医疗")
    SCHOOLING = "schooling", _("教育")
    DISABILITY = "disability", _("残疾康复")
    OTHER = "other", _("其他刚性支出")


class Application(models.Model):
    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="applications")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.SUBMITTED
    )
    household_size = models.PositiveSmallIntegerField(_("家庭人口"))
    annual_income = models.DecimalField(
        _("家庭年可支配收入（元）"), max_digits=12, decimal_places=2
    )
    expenses = models.JSONField(_("刚性支出（元/年）"), default=dict, blank=True)
    causes = models.JSONField(_("致困原因"), default=list, blank=True)
    cause_note = models.TextField(_("困难情况说明"), blank=True)
    accident = models.BooleanField(_("扣除赔偿和保险后仍因意外致困"), default=False)
    exclusions = models.JSONField(_("勾选的排除条件"), default=list, blank=True)
    exit_reason = models.CharField(
        _("退出原因"), max_length=20, choices=ExitReason.choices, blank=True
    )
    per_capita_monthly = models.DecimalField(
        _("家庭人均月收入（元）"), max_digits=12, decimal_places=2
    )
    proposed_category = models.CharField(
        _("测算类别"), max_length=20, choices=Category.choices, blank=True
    )
    category = models.CharField(_("核定类别"), max_length=20, choices=Category.choices, blank=True)
    explanation = models.JSONField(_("测算过程"), default=dict)
    poverty_line = models.ForeignKey(
        "assistance.PovertyLine", on_delete=models.PROTECT, related_name="+"
    )
    policy = models.ForeignKey(
        "assistance.HardshipPolicy", on_delete=models.PROTECT, related_name="+"
    )
    by_worker = models.BooleanField(_("职工本人提交"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    visit_notes = models.TextField(_("入户核实记录"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示截止"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decision_reason = models.TextField(_("驳回理由"), blank=True)

    class Meta:
        verbose_name = _("帮扶申请")
        verbose_name_plural = _("帮扶申请")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(household_size__gte=1), name="application_household_size"
            )
        ]

    def __str__(self):
        return f"{self.file.number} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.state not in (State.DONE, State.REJECTED)


class ObjectionContact(PublicityObjection):
    """An objection with how to reach who raised it: a phone, encrypted with its lookup hash
    (the public form requires the phone; staff may leave it empty)."""

    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    contact_phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    public = models.BooleanField(_("公示页面提交"), default=False)

    class Meta(PublicityObjection.Meta):
        abstract = True

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)


class Objection(ObjectionContact):
    """An objection received during 公示 (in person, by phone or letter, or on the public
    notice page). An upheld objection rejects the application; an open one blocks 公示 from
    concluding."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="objections"
    )

    class Meta(ObjectionContact.Meta):
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")


class FigureCorrection(models.Model):
    """A verifier's correction of the declared figures during 核实: the figures and the
    proposal before and after (``{"annual_income", "expenses", "per_capita_monthly",
    "proposed_category"}``), who, when and why. The first one's ``before`` is the original
    declaration."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="corrections"
    )
    before = models.JSONField(_("更正前"))
    after = models.JSONField(_("更正后"))
    reason = models.TextField(_("更正理由"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("更正时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申报数据更正")
        verbose_name_plural = _("申报数据更正")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{_('申报数据更正')} #{self.pk}"


class Document(models.Model):
    """A supporting document (证明材料): image or PDF checked by content, stored outside the
    public media URL and served only through a scoped, audited view."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("材料名称"), max_length=100)
    file = models.FileField(upload_to="assistance/%Y/%m/")
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["id"]

    def __str__(self):
        return self.title


class Visit(models.Model):
    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("走访日期"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("走访情况"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.file_id} {self.visited_on}"


class FollowUpCall(models.Model):
    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="calls")
    called_on = models.DateField(_("回访日期"))
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("回访情况"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("跟踪回访")
        verbose_name_plural = _("跟踪回访")
        ordering = ["-called_on", "-id"]

    def __str__(self):
        return f"{self.file_id} {self.called_on}"
