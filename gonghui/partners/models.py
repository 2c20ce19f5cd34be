"""关爱职工伙伴计划: partners, their agreements, pledges and the contributions that fulfil them.

A partner is managed by the union org that signed it (``union_org``): scope follows that org.
Every contribution can be traced into a service project (``project``) and/or an aid campaign;
the campaign link is a row of ``assistance`` (``CampaignContribution``), which comes after
``partners`` in the dependency order and tells partners about it through ``tracing`` (D24).
The older free-text ``campaign_ref`` such as ``2026-送温暖-BJ`` is kept.
``ProjectPartner`` links a service project to the registry partners it works with; services
reads it through the provider partners registers with ``services.partner_registry``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.fields import EncryptedTextField
from gonghui.core.masking import mask_phone


class PartnerType(models.TextChoices):
    PLATFORM = "platform", _("平台企业")
    SOE = "soe", _("国有企业")
    PRIVATE = "private", _("民营企业")
    FOUNDATION = "foundation", _("基金会")
    CHARITY = "charity", _("慈善组织")


class PartnerStatus(models.TextChoices):
    ACTIVE = "active", _("合作中")
    WITHDRAWN = "withdrawn", _("已退出")


class Kind(models.TextChoices):
    MONEY = "money", _("资金")
    GOODS = "goods", _("物资")
    SERVICES = "services", _("服务")


class Partner(models.Model):
    name = models.CharField(_("单位名称"), max_length=100)
    type = models.CharField(_("类型"), max_length=20, choices=PartnerType.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    union_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("签约工会"), on_delete=models.PROTECT, related_name="+"
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    joined_on = models.DateField(_("加入日期"))
    status = models.CharField(
        _("状态"), max_length=20, choices=PartnerStatus.choices, default=PartnerStatus.ACTIVE
    )
    description = models.TextField(_("简介"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("伙伴单位")
        verbose_name_plural = _("伙伴单位")
        ordering = ["-joined_on", "-id"]
        indexes = [models.Index(fields=["status", "type"])]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.contact_phone)


class Agreement(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(_("协议名称"), max_length=100)
    signed_on = models.DateField(_("签订日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    file = models.FileField(_("协议文件"), upload_to="partners/agreements/%Y/", blank=True)
    # the uploader's file name, for the download (on disk the file has a random name)
    file_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("合作协议")
        verbose_name_plural = _("合作协议")
        ordering = ["-signed_on", "-id"]

    def __str__(self):
        return self.title


class Pledge(models.Model):
    """A promise for one year: money (``amount``), or goods/services as ``quantity`` + ``unit``
    and/or a value in yuan. What has been fulfilled is computed from its contributions."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="pledges")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("内容"), max_length=200)
    amount = models.DecimalField(
        _("金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    quantity = models.DecimalField(
        _("数量"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(pgettext_lazy("measure", "单位"), max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("认捐承诺")
        verbose_name_plural = _("认捐承诺")
        ordering = ["-year", "kind", "id"]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()} {self.description}"


class Contribution(models.Model):
    """What a partner actually gave, valued in yuan, traced to a project and/or a place that
    a later app registers (an aid campaign, see ``tracing``)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contributions")
    pledge = models.ForeignKey(
        Pledge,
        verbose_name=_("对应承诺"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        _("金额/折合价值（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    quantity = models.DecimalField(
        _("数量"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(pgettext_lazy("measure", "单位"), max_length=20, blank=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    contributed_on = models.DateField(_("日期"))
    project = models.ForeignKey(
        "services.Project",
        verbose_name=_("服务项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The code used before campaigns existed (kept for old rows and free-text tracing).
    campaign_ref = models.CharField(
        _("帮扶活动编号"), max_length=50, blank=True, help_text=_("如 2026-送温暖-BJ")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("捐赠记录")
        verbose_name_plural = _("捐赠记录")
        ordering = ["-contributed_on", "-id"]
        indexes = [models.Index(fields=["partner", "contributed_on"])]

    def __str__(self):
        return f"{self.partner_id} {self.contributed_on} {self.get_kind_display()}"


class ProjectPartner(models.Model):
    """A registry partner of a service project (合作单位). The row is partners': services
    comes first in the dependency order and reads it through ``services.partner_registry``."""

    project = models.ForeignKey(
        "services.Project",
        verbose_name=_("服务项目"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("伙伴单位"),
        on_delete=models.PROTECT,
        related_name="project_links",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("项目合作单位")
        verbose_name_plural = _("项目合作单位")
        constraints = [
            models.UniqueConstraint(fields=["project", "partner"], name="project_partner_once")
        ]

    def __str__(self):
        return f"{self.project_id} {self.partner_id}"
