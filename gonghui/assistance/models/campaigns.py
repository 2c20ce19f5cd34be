"""Aid campaigns (送温暖, 金秋助学, 夏送清凉, 专项慰问) and their disbursement.

Guarantees kept by the database, not only by the services:

* one live beneficiary per (campaign, person) federation-wide (partial unique index on
  ``person_hash`` where the row is not removed), so two district lists racing for the same
  person cannot both win;
* at most one payment per beneficiary that is issued or paid, and a failed payment is
  re-issued at most once (unique ``reissue_of``);
* a bank result file (by its SHA-256) is applied at most once.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import EncryptedTextField
from gonghui.core.masking import mask_id_number, mask_name


class CampaignKind(models.TextChoices):
    WARMTH = "warmth", _("送温暖")
    SCHOOLING = "schooling", _("金秋助学")
    COOLING = "cooling", _("夏送清凉")
    SPECIAL = "special", _("专项慰问")
    OTHER = "other", _("其他")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    LISTS_OPEN = "lists_open", _("名单编制中")
    APPROVED = "approved", _("已审批")
    CLOSED = "closed", _("已结束")


class Source(models.TextChoices):
    UNION_FUNDS = "union_funds", _("工会经费")
    PARTNER_DONATION = "partner_donation", _("伙伴捐赠")


class Campaign(models.Model):
    kind = models.CharField(_("活动类型"), max_length=20, choices=CampaignKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("活动名称"), max_length=100)
    organiser = models.ForeignKey(
        "orgs.Org", verbose_name=_("主办工会"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    requires_publicity = models.BooleanField(_("需要公示"), default=False)
    publicity_days = models.PositiveSmallIntegerField(_("公示工作日数"), default=5)
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示截止"), null=True, blank=True)
    # {"population": "files"|"children"|"workers", "categories": [...],
    #  "employment_forms": [...], "enterprises": [credit codes]}
    target_rules = models.JSONField(_("对象条件"), default=dict, blank=True)
    description = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    review_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("帮扶活动")
        verbose_name_plural = _("帮扶活动")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["kind", "year"])]

    def __str__(self):
        return f"{self.year} {self.title}"


class BudgetLine(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="budget_lines")
    source = models.CharField(_("资金来源"), max_length=20, choices=Source.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("伙伴单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField(_("预算金额（元）"), max_digits=14, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("活动预算")
        verbose_name_plural = _("活动预算")
        ordering = ["source", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_nonnegative"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.amount}"


class Standard(models.Model):
    """An amount per key: a school level (金秋助学), a hardship category (送温暖), …"""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="standards")
    key = models.CharField(_("标准代码"), max_length=60)
    label = models.CharField(_("标准名称"), max_length=100)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    needs_proof = models.BooleanField(_("需证明材料"), default=False)
    proof_label = models.CharField(_("证明材料"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("发放标准")
        verbose_name_plural = _("发放标准")
        ordering = ["campaign", "-amount", "key"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="uniq_campaign_standard"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="standard_positive"),
        ]

    def __str__(self):
        return f"{self.label} {self.amount}"


class BeneficiaryStatus(models.TextChoices):
    PROPOSED = "proposed", _("拟发放")
    APPROVED = "approved", _("已审批")
    REMOVED = "removed", _("已移出")


class Beneficiary(models.Model):
    """A person on a union's list (``org``) for a campaign. ``person_hash`` is the keyed hash
    of the 身份证号 (same as ``Worker.id_number_hash`` / ``Member.id_number_hash``)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="beneficiaries")
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("名单工会"), on_delete=models.PROTECT, related_name="+"
    )
    person_hash = models.CharField(max_length=64, db_index=True, editable=False)
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号"))
    worker = models.ForeignKey(
        "people.Worker", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.ForeignKey(
        "assistance.HardshipFile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    standard = models.ForeignKey(
        Standard, null=True, blank=True, on_delete=models.PROTECT, related_name="beneficiaries"
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2, default=0)
    proof_received = models.BooleanField(_("证明材料已收"), default=False)
    account = EncryptedTextField(_("银行账号/会员卡号"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=BeneficiaryStatus.choices,
        default=BeneficiaryStatus.PROPOSED,
    )
    removed_reason = models.CharField(_("移出原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("帮扶对象")
        verbose_name_plural = _("帮扶对象")
        ordering = ["org__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person_hash"],
                condition=~models.Q(status="removed"),
                name="uniq_campaign_person",
            ),
        ]

    def __str__(self):
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_account(self) -> str:
        return mask_account(self.account)


def mask_account(value: str | None) -> str:
    """``6222021234567890123`` -> ``6222***********0123``."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


class ListConflict(models.Model):
    """A person refused on a list because another list of the same campaign already holds
    them: reported to both unions, never silently dropped."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="conflicts")
    existing = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="conflicts")
    attempted_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("申报工会"), on_delete=models.PROTECT, related_name="+"
    )
    attempted_by = models.CharField(_("操作人"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("重复名单提示")
        verbose_name_plural = _("重复名单提示")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{_('重复名单提示')} #{self.pk}"


class PaymentBatch(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="batches")
    number = models.CharField(_("批次号"), max_length=40, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    exported_at = models.DateTimeField(_("导出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发放批次")
        verbose_name_plural = _("发放批次")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.number


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("银行卡")
    CARD = "card", _("工会会员卡")


class PaymentStatus(models.TextChoices):
    ISSUED = "issued", _("待发放")
    PAID = "paid", _("已到账")
    FAILED = "failed", _("发放失败")


class Payment(models.Model):
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("方式"), max_length=10, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    account = EncryptedTextField(_("账号"))
    reconciliation_id = models.CharField(_("对账编号"), max_length=40, unique=True)
    batch = models.ForeignKey(
        PaymentBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.ISSUED
    )
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    paid_on = models.DateField(_("到账日期"), null=True, blank=True)
    reissue_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reissues"
    )
    reissue_reason = models.CharField(_("重新发放原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("资金发放")
        verbose_name_plural = _("资金发放")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["reissue_of"], name="uniq_payment_reissue"),
            models.UniqueConstraint(
                fields=["beneficiary"],
                condition=models.Q(status__in=["issued", "paid"]),
                name="uniq_active_payment",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive"),
        ]

    def __str__(self):
        return self.reconciliation_id

    @property
    def masked_account(self) -> str:
        return mask_account(self.account)


class BankImport(models.Model):
    """A bank result file that was applied (once: ``sha256`` is unique)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="bank_imports")
    sha256 = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0)
    applied = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("银行回盘")
        verbose_name_plural = _("银行回盘")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename or self.sha256[:12]


class GoodsDelivery(models.Model):
    """Goods handed to a beneficiary (``items``: [{"name", "quantity", "unit", "value"}])."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    beneficiary = models.OneToOneField(
        Beneficiary, on_delete=models.PROTECT, related_name="delivery"
    )
    items = models.JSONField(_("物资"), default=list)
    value = models.DecimalField(_("折合价值（元）"), max_digits=12, decimal_places=2)
    delivered_on = models.DateField(_("发放日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("物资发放")
        verbose_name_plural = _("物资发放")
        ordering = ["-delivered_on", "-id"]

    def __str__(self):
        return f"{self.delivered_on} {self.value}"


class EnterpriseVisit(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="visits")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    enterprise_name = models.CharField(_("企业名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    visited_on = models.DateField(_("走访日期"))
    people_visited = models.PositiveIntegerField(_("慰问人数"))
    money = models.DecimalField(_("慰问金（元）"), max_digits=12, decimal_places=2, default=0)
    items = models.JSONField(_("慰问物资"), default=list, blank=True)
    goods_value = models.DecimalField(
        _("物资价值（元）"), max_digits=12, decimal_places=2, default=0
    )
    notes = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("走访慰问企业")
        verbose_name_plural = _("走访慰问企业")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.enterprise_name} {self.visited_on}"
