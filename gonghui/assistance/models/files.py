"""Hardship files (困难职工档案), their household members and their history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import EncryptedTextField
from gonghui.core.masking import mask_id_number, mask_name

from ..labels import event_label


class Category(models.TextChoices):
    NONE = "", _("不符合")
    DEEP = "deep", _("深度困难")
    RELATIVE = "relative", _("相对困难")
    ACCIDENT = "accident", _("意外致困")


class FileStatus(models.TextChoices):
    APPLYING = "applying", _("建档申请中")
    REGISTERED = "registered", _("已建档")
    REJECTED = "rejected", _("未通过")
    EXITED = "exited", _("已退出")


# Files whose members are "live": at most one live file per person, federation-wide.
LIVE_STATUSES = (FileStatus.APPLYING, FileStatus.REGISTERED)


class ExitReason(models.TextChoices):
    RECOVERED = "recovered", _("脱困")
    RETIRED = "retired", _("退休")
    TRANSFERRED = "transferred", _("调离")
    DECEASED = "deceased", _("死亡")


class HardshipFile(models.Model):
    """One household's file, opened under its primary worker and held by the worker's
    grassroots union. A re-entry opens a new file whose ``previous_file`` is the old one."""

    number = models.CharField(_("档案编号"), max_length=30, unique=True)
    primary_worker = models.ForeignKey(
        "people.Worker",
        verbose_name=_("申请职工"),
        on_delete=models.PROTECT,
        related_name="hardship_files",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("建档工会"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=FileStatus.choices, default=FileStatus.APPLYING
    )
    category = models.CharField(
        _("困难类别"), max_length=20, choices=Category.choices, blank=True, default=""
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联系人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    previous_file = models.ForeignKey(
        "self",
        verbose_name=_("原档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="later_files",
    )
    legacy_number = models.CharField(_("原档案编号"), max_length=40, blank=True)
    legacy_category = models.CharField(_("原类别"), max_length=20, blank=True)
    registered_on = models.DateField(_("建档日期"), null=True, blank=True)
    last_visit_on = models.DateField(_("最近走访"), null=True, blank=True)
    visit_due_on = models.DateField(_("下次走访截止"), null=True, blank=True, db_index=True)
    visit_flagged_on = models.DateField(_("走访超期提醒日期"), null=True, blank=True)
    review_due_on = models.DateField(_("年审到期"), null=True, blank=True, db_index=True)
    review_flagged_on = models.DateField(_("年审提醒日期"), null=True, blank=True)
    exit_reason = models.CharField(
        _("退出原因"), max_length=20, choices=ExitReason.choices, blank=True
    )
    follow_up_until = models.DateField(_("跟踪回访截止"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    purge_after = models.DateField(_("到期销毁日期"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = _("困难职工档案")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.number

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def category_label(self) -> str:
        """The decided 困难类别, "" until one is decided: a file has no category while it is
        applied for (the choice "" reads 不符合, which is a proposal's result, not a file's)."""
        return self.get_category_display() if self.category else ""


class Relation(models.TextChoices):
    SELF = "self", _("本人")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    OTHER = "other", _("其他")


class Member(models.Model):
    """A household member. ``live`` mirrors the file's status (applying or registered): the
    partial unique index on ``id_number_hash`` where ``live`` is the federation-wide guarantee
    that no person is in two live files, even under concurrent applications."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("与申请人关系"), max_length=10, choices=Relation.choices)
    id_number = EncryptedTextField(_("身份证号"))
    id_number_hash = models.CharField(max_length=64, db_index=True, editable=False)
    live = models.BooleanField(default=True, editable=False)

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=models.Q(live=True),
                name="uniq_live_household_member",
            ),
            models.UniqueConstraint(fields=["file", "id_number_hash"], name="uniq_member_in_file"),
        ]

    def __str__(self):
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class DuplicateFlag(models.Model):
    """An attempt to open a second file for a household: who tried, where, and which live
    file already holds one of its members. Shown to both unions; never silently dropped.
    ``attempted_file``: a worker's own application, accepted and held (the clashing member
    not live) until staff resolve it — see docs/hardship.md."""

    existing_file = models.ForeignKey(
        HardshipFile, on_delete=models.CASCADE, related_name="duplicate_flags"
    )
    attempted_file = models.ForeignKey(
        HardshipFile,
        verbose_name=_("待核实的申请档案"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="held_flags",
    )
    attempted_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("申请工会"), on_delete=models.PROTECT, related_name="+"
    )
    attempted_by = models.CharField(_("申请人"), max_length=150)
    member_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("重复建档提示")
        verbose_name_plural = _("重复建档提示")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{_('重复建档提示')} #{self.pk}"


class FileEvent(models.Model):
    """The file's history: every transition, visit, call, objection and reminder."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="events")
    application = models.ForeignKey(
        "assistance.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("事项"), max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=150)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("档案记录")
        verbose_name_plural = _("档案记录")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.action} #{self.pk}"

    @property
    def action_label(self) -> str:
        return event_label(self.action)
