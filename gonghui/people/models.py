from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import EncryptedTextField
from gonghui.core.masking import mask_id_number, mask_phone

from .roles import Role


class RoleAssignment(models.Model):
    """A staff user holds ``role`` over ``org`` and its whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org"], name="uniq_role_assignment")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} @ {self.org.code}"


class EmploymentForm(models.TextChoices):
    STANDARD = "standard", _("标准劳动关系")
    COURIER = "courier", _("快递员")
    FOOD_DELIVERY = "food_delivery", _("外卖配送员")
    RIDE_HAILING = "ride_hailing", _("网约车司机")
    TRUCK_DRIVER = "truck_driver", _("货车司机")
    DOMESTIC = "domestic", _("家政服务员")
    OTHER = "other", _("其他新就业形态")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class MembershipStatus(models.TextChoices):
    """Membership as recorded: staff-entered (blank) or stated by the worker and reviewed."""

    RECORDED = "", _("工会登记")
    CLAIMED = "claimed", _("会员身份待确认")
    CONFIRMED = "confirmed", _("会员身份已确认")
    REJECTED = "rejected", _("会员身份未确认")


class Worker(models.Model):
    """A worker (职工). 身份证号 and phone are encrypted; the hashes serve lookups."""

    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=200, db_index=True, editable=False)
    name_initials = models.CharField(_("拼音首字母"), max_length=50, db_index=True, editable=False)
    id_number = EncryptedTextField(_("身份证号"))
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    phone = EncryptedTextField(_("手机号"))
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, editable=False)
    employment_form = models.CharField(
        _("用工形式"),
        max_length=20,
        choices=EmploymentForm.choices,
        default=EmploymentForm.STANDARD,
    )
    employer_name = models.CharField(_("用人单位"), max_length=200, blank=True)
    employer_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    union_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="workers"
    )
    member_since = models.DateField(_("入会日期"), null=True, blank=True)
    # 实名登记: membership the worker stated, until the union confirms it (member_since is
    # only set on confirmation, so ``is_member`` never trusts a bare claim).
    membership_status = models.CharField(
        _("会员身份"), max_length=10, blank=True, default="", choices=MembershipStatus.choices
    )
    membership_claimed_since = models.DateField(_("自述入会日期"), null=True, blank=True)
    membership_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    membership_reviewed_at = models.DateTimeField(_("会员身份审核时间"), null=True, blank=True)
    self_registered = models.BooleanField(_("本人实名登记"), default=False)
    work_district = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("工作区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("职工")
        verbose_name_plural = _("职工")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name}（{self.masked_phone}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_member(self) -> bool:
        return self.member_since is not None

    @property
    def membership_pending(self) -> bool:
        """The worker says they are a member; their union has not confirmed it yet."""
        return self.membership_status == MembershipStatus.CLAIMED


class WorkerAccount(models.Model):
    """A worker's phone login for the H5 pages; linked to a ``Worker`` when one matches."""

    phone = EncryptedTextField(_("手机号"))
    phone_hash = models.CharField(max_length=64, unique=True, editable=False)
    worker = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="accounts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("职工账号")
        verbose_name_plural = _("职工账号")

    def __str__(self):
        return mask_phone(self.phone)

    def get_username(self) -> str:
        return f"worker:{mask_phone(self.phone)}"


class ClaimStatus(models.TextChoices):
    OPEN = "open", _("待核实")
    LINKED = "linked", _("已关联")
    REJECTED = "rejected", _("已驳回")


class RegistrationClaim(models.Model):
    """A self-registration whose 身份证号 already has a worker record that the name or phone
    does not match: staff decide whether to link the account to that record."""

    account = models.ForeignKey(
        WorkerAccount, verbose_name=_("职工账号"), on_delete=models.CASCADE, related_name="claims"
    )
    worker = models.ForeignKey(
        Worker, verbose_name=_("已有档案"), on_delete=models.CASCADE, related_name="claims"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("登记工会"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号"))
    id_number_hash = models.CharField(max_length=64, db_index=True, editable=False)
    employment_form = models.CharField(_("用工形式"), max_length=20, choices=EmploymentForm.choices)
    employer_name = models.CharField(_("用人单位"), max_length=200, blank=True)
    employer_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    member_claimed = models.BooleanField(_("自述为工会会员"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.OPEN
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("实名登记核实")
        verbose_name_plural = _("实名登记核实")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} · {self.get_status_display()}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class ApiToken(models.Model):
    """Bearer token for the API. Only the SHA-256 of the token is stored."""

    key_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    worker_account = models.ForeignKey(
        WorkerAccount, null=True, blank=True, on_delete=models.CASCADE, related_name="tokens"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, worker_account__isnull=True)
                | models.Q(user__isnull=True, worker_account__isnull=False),
                name="token_has_one_owner",
            )
        ]

    def __str__(self):
        return f"token #{self.pk}"


class SmsCode(models.Model):
    """A one-time login code sent by SMS. Stores hashes, never the code or phone."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")

    def __str__(self):
        return f"sms code #{self.pk}"


class ConsentPurpose(models.TextChoices):
    """Separate consents for sensitive personal information (个人信息保护法 第二十九条)."""

    SENSITIVE_ID = "sensitive_id", _("身份证件号码")
    INCOME = "income", _("收入情况")
    HEALTH = "health", _("健康信息")


class Consent(models.Model):
    """One grant of a consent by a worker account; withdrawing sets ``withdrawn_at``.
    Rows are kept as the record of what text was agreed to and when."""

    account = models.ForeignKey(
        WorkerAccount, verbose_name=_("职工账号"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("同意事项"), max_length=20, choices=ConsentPurpose.choices)
    text_version = models.CharField(_("文本版本"), max_length=20)
    granted_at = models.DateTimeField(_("同意时间"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("个人信息同意")
        verbose_name_plural = _("个人信息同意")
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_consent_per_purpose",
            )
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} · {self.text_version}"


class DeletionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ANONYMISED = "anonymised", _("已匿名化")
    REJECTED = "rejected", _("已驳回")


class DeletionRequest(models.Model):
    """A worker asks for their personal information to be deleted (个人信息删除请求)."""

    worker = models.ForeignKey(
        Worker, verbose_name=_("职工"), on_delete=models.CASCADE, related_name="deletion_requests"
    )
    account = models.ForeignKey(
        WorkerAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("申请理由"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=DeletionStatus.choices, default=DeletionStatus.OPEN
    )
    reject_reason = models.CharField(_("驳回理由"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("删除个人信息申请")
        verbose_name_plural = _("删除个人信息申请")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=models.Q(status="open"),
                name="one_open_deletion_request",
            )
        ]

    def __str__(self):
        return f"#{self.pk} · {self.get_status_display()}"
