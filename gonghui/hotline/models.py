from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import EncryptedTextField
from gonghui.core.masking import mask_name, mask_phone


class AppealType(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    APP = "app", _("职工H5")
    WEB = "web", _("网页")
    API = "api", _("接口")


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    ACCEPTED = "accepted", _("已签收")
    CONTACTED = "contacted", _("已联系")
    RESOLVED = "resolved", _("已办结")
    CALLBACK_DONE = "callback_done", _("已回访")
    CLOSED = "closed", _("已归档")
    RETURNED = "returned", _("已退单")
    MERGED = "merged", _("已合并")


# States where the appeal is no longer being handled.
CLOSED_STATES = frozenset({"resolved", "callback_done", "closed", "merged"})


class ResolvedResult(models.TextChoices):
    RESOLVED = "resolved", _("已解决")
    PARTLY = "partly", _("部分解决")
    UNRESOLVED = "unresolved", _("未解决")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Category(models.Model):
    """Two-level appeal taxonomy (诉求分类), editable in the admin."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    @property
    def top(self) -> "Category":
        return self.parent or self


class DispatchRule(models.Model):
    """Category × district → responsible org. Empty category/district match anything;
    the most specific rule wins. Without a rule the district union of the place handles it."""

    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE)
    district = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    responsible_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")

    def __str__(self):
        return f"{self.category or '*'} × {self.district or '*'} → {self.responsible_org}"


class SlaPolicy(models.Model):
    """Time limits for a type/category/urgency (blank = any); the most specific wins."""

    appeal_type = models.CharField(
        _("诉求类型"), max_length=20, choices=AppealType.choices, blank=True
    )
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, blank=True)
    response_hours = models.PositiveIntegerField(_("响应时限（小时）"))
    resolve_working_days = models.PositiveIntegerField(_("办理时限（工作日）"))
    callback_working_days = models.PositiveIntegerField(_("回访时限（工作日）"))

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")

    def __str__(self):
        return f"{self.appeal_type or '*'}/{self.category or '*'}/{self.urgency or '*'}"


class Appeal(models.Model):
    """A 12351 appeal (诉求) from intake to archive."""

    number = models.CharField(_("编号"), max_length=24, unique=True)
    type = models.CharField(_("诉求类型"), max_length=20, choices=AppealType.choices)
    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.PROTECT)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    content = models.TextField(_("诉求内容"))
    district = models.ForeignKey(
        "orgs.Org", verbose_name=_("发生地"), on_delete=models.PROTECT, related_name="+"
    )
    employer_name = models.CharField(_("涉及单位"), max_length=200, blank=True)
    employer_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    # ``employers.normalise_name(employer_name)``, set at intake: the duplicate suggestions look
    # appeals up by it (an index on the raw name would miss "（北京）" against "(北京)").
    employer_norm = models.CharField(max_length=200, blank=True, default="", db_default="")
    worker = models.ForeignKey(
        "people.Worker", null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    worker_account = models.ForeignKey(
        "people.WorkerAccount",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
    )
    contact_name = EncryptedTextField(_("联系人"))
    contact_phone = EncryptedTextField(_("联系电话"))
    contact_phone_hash = models.CharField(max_length=64, db_index=True)

    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    responsible_org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    contacted_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    callback_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    response_due = models.DateTimeField(_("响应时限"))
    resolve_due = models.DateTimeField(_("办结时限"), db_index=True)
    callback_due = models.DateTimeField(_("回访时限"), null=True, blank=True)
    extension_days = models.PositiveIntegerField(default=0)
    extension_requested_days = models.PositiveIntegerField(default=0)
    extension_reason = models.CharField(max_length=500, blank=True)

    supervised = models.BooleanField(_("督办"), default=False, db_index=True)
    # Set once by the overdue task when it has sent the 督办 notice (cleared when an extension
    # or a 重办 gives a new clock). Never read as "is overdue": that is ``is_overdue``.
    overdue_notified = models.BooleanField(
        _("已发超期督办"), default=False, db_index=True, db_column="overdue"
    )
    reopen_count = models.PositiveIntegerField(default=0)
    direct_answer = models.TextField(_("直接答复"), blank=True)
    resolution_note = models.TextField(_("办理结果"), blank=True)

    callback_contacted = models.BooleanField(null=True, blank=True)
    callback_resolved = models.CharField(max_length=20, choices=ResolvedResult.choices, blank=True)
    callback_satisfaction = models.CharField(
        max_length=30, choices=Satisfaction.choices, blank=True
    )
    callback_comment = models.TextField(blank=True)
    # The worker's own rating on the H5 page / API: once per appeal, kept across a 重办.
    worker_rated_at = models.DateTimeField(_("职工评价时间"), null=True, blank=True)
    worker_rated_by = models.CharField(_("评价人"), max_length=100, blank=True)
    worker_comment = models.CharField(_("职工意见"), max_length=500, blank=True)

    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_appeals"
    )
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-received_at", "-id"]
        # The staff lists filter on the row's own org columns (``district_id IN (…) OR
        # responsible_org_id IN (…)``, people.scope) and sort newest first; queues add status.
        indexes = [
            models.Index(
                fields=["responsible_org", "status", "-received_at", "-id"],
                name="appeal_resp_status_recv",
            ),
            models.Index(fields=["district", "-received_at", "-id"], name="appeal_district_recv"),
            # the appeals still being handled (a few thousand of 500k): the open queues
            # (overdue, supervised, in hand) read and count these only (issue 14)
            models.Index(
                fields=["-received_at", "-id"],
                condition=~models.Q(status__in=sorted(CLOSED_STATES)),
                name="appeal_open_recv",
            ),
            # the duplicate suggestions: the same employer recently (issue 15, duplicates.py)
            models.Index(
                fields=["employer_credit_code", "-received_at"],
                condition=~models.Q(employer_credit_code=""),
                name="appeal_credit_recv",
            ),
            models.Index(
                fields=["employer_norm", "-received_at"],
                condition=~models.Q(employer_norm=""),
                name="appeal_employer_recv",
            ),
            # same place and category recently: without it PostgreSQL ANDs the district index
            # with the whole category's (15 ms at 500k appeals instead of 0.1 ms)
            models.Index(
                fields=["district", "category", "-received_at"], name="appeal_place_cat_recv"
            ),
        ]

    def __str__(self):
        return self.number

    def is_overdue(self, now) -> bool:
        """The one definition of 超期 (``selectors.overdue_q`` is the same rule as a filter):

        - still open (not resolved, closed or merged), not contacted and past ``response_due``;
        - or still open and past ``resolve_due``;
        - or resolved after ``resolve_due`` (it stays overdue in the 三率 once done late).

        A contact that came late is already in the 响应率; it does not make a contacted appeal
        overdue by itself. A merged appeal is never overdue (its main appeal is). Deadlines
        are met at the instant itself: overdue only strictly after it."""
        if self.status == Status.MERGED:
            return False
        if self.status not in CLOSED_STATES:
            late_response = self.contacted_at is None and now > self.response_due
            return late_response or now > self.resolve_due
        return self.resolved_at is not None and self.resolved_at > self.resolve_due

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def masked_contact_name(self) -> str:
        return mask_name(self.contact_name)


class AppealEvent(models.Model):
    """One step in an appeal's timeline: who, when, what, and a note."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.appeal_id} {self.action}"


class DailySequence(models.Model):
    """Per-day counter for appeal numbers: incremented under a row lock, so no gaps."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.day} #{self.last}"


class IdempotencyKey(models.Model):
    """``Idempotency-Key`` of a create request → the appeal it created."""

    key = models.CharField(max_length=100)
    owner = models.CharField(max_length=150)
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="uniq_idempotency_key")
        ]

    def __str__(self):
        return self.key


def attachment_path(instance, filename):
    return f"hotline/{instance.appeal.received_at:%Y/%m}/{instance.appeal.number}/{filename}"


class Attachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.original_name


class ListVersion(models.Model):
    """One row whose ``token`` changes, by database triggers (migration 0009), with every
    committed write to an appeal, an org or a category: what the staff appeal lists show.
    ``list_cache`` keeps a list's answer under it. A random token rather than a counter: a
    rolled-back change can never be mistaken for a later one."""

    token = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("诉求列表版本")
        verbose_name_plural = _("诉求列表版本")

    def __str__(self):
        return str(self.token)
