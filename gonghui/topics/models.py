"""每月一题: the month's topics (appeals grouped by text, category, employer and place) and the
topics leaders adopt as 每月一题, with their measures and the volume afterwards.

A ``Topic`` is a snapshot of one month (recomputing the month replaces its topics that were not
adopted). ``TopicAppeal`` rows hold the appeals behind it with the place and handling org they
had, so every count can be limited to a viewer's subtree without reading the hotline's tables.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    month = models.DateField(_("月份"), db_index=True)  # the month's first day
    category = models.ForeignKey(
        "hotline.Category", verbose_name=_("分类"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("题目"), max_length=200)
    key_terms = models.JSONField(_("关键词"), default=list)
    employer_key = models.CharField(max_length=220, blank=True)  # "code:…" / "name:…" / ""
    employer_name = models.CharField(_("涉及单位"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("诉求件数"))
    volume = models.PositiveIntegerField(_("本月相关诉求"))  # the matcher, this month
    previous_volume = models.PositiveIntegerField(_("上月相关诉求"))  # the matcher, month before
    rank = models.PositiveIntegerField(_("排名"))
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("热点话题")
        verbose_name_plural = _("热点话题")
        ordering = ["-month", "rank", "id"]

    def __str__(self):
        return self.title


class LinkKind(models.TextChoices):
    MEMBER = "member", _("归入话题")
    CURRENT = "current", _("本月相关")
    PREVIOUS = "previous", _("上月相关")


class TopicAppeal(models.Model):
    """An appeal behind a topic: grouped into it, or counted by its matcher this month or the
    month before; with the appeal's place and handling org for scoped counts."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="links")
    appeal = models.ForeignKey("hotline.Appeal", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=LinkKind.choices)
    district = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    responsible_org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "appeal", "kind"], name="topics_one_link")
        ]
        indexes = [models.Index(fields=["topic", "kind"])]

    def __str__(self):
        return f"{self.topic_id}:{self.appeal_id}:{self.kind}"


class ProblemStatus(models.TextChoices):
    ADOPTED = "adopted", _("已采纳")
    IN_PROGRESS = "in_progress", _("推进中")
    COMPLETED = "completed", _("已完成")
    CLOSED = "closed", _("已关闭")


class MonthlyProblem(models.Model):
    """A topic adopted as 每月一题: who leads, the measures, the deadline."""

    topic = models.OneToOneField(
        Topic, verbose_name=_("话题"), on_delete=models.PROTECT, related_name="problem"
    )
    title = models.CharField(_("题目"), max_length=200)
    problem = models.TextField(_("问题描述"))
    lead_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任人"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.ADOPTED
    )
    notes = models.TextField(_("进展说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("采纳时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("每月一题")
        verbose_name_plural = _("每月一题")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class Measure(models.Model):
    problem = models.ForeignKey(MonthlyProblem, on_delete=models.CASCADE, related_name="measures")
    text = models.CharField(_("措施"), max_length=500)
    owner = models.CharField(_("责任单位或责任人"), max_length=100, blank=True)
    due = models.DateField(_("完成日期"), null=True, blank=True)
    done = models.BooleanField(_("已完成"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.text
