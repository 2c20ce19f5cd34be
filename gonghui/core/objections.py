"""An objection raised during a 公示 (hardship applications, campaign lists, award
nominations): what it says, who raised it, who recorded it, and what checking it found.

``PublicityObjection`` is the abstract model each app's objection extends with what it objects
to; ``clean_resolution``, ``check_open`` and ``decide`` are the steps every app's
``resolve_objection`` takes (what an upheld objection does to the application, the list or the
nomination stays with the app)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .errors import Conflict


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class PublicityObjection(models.Model):
    content = models.TextField(_("异议内容"))
    raised_by = models.CharField(_("异议人（可匿名）"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("收到时间"), auto_now_add=True)
    status = models.CharField(
        _("处理结果"),
        max_length=10,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.OPEN,
    )
    resolution = models.TextField(_("核查情况"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


def clean_resolution(resolution: str | None) -> str:
    """What checking found, required (400 on ``resolution`` when empty)."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": [gettext("请填写核查情况")]})
    return resolution


def check_open(objection: PublicityObjection) -> None:
    """An objection is decided once (409 otherwise)."""
    if objection.status != ObjectionStatus.OPEN:
        raise Conflict(gettext("该异议已处理"))


def decide(objection: PublicityObjection, *, user, upheld: bool, resolution: str) -> None:
    """Record the decision on an open objection (the caller holds its row lock)."""
    check_open(objection)
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.resolution, objection.resolved_by = resolution, user
    objection.resolved_at = timezone.now()
    objection.save()
