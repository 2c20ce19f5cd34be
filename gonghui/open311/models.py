"""Open311 GeoReport v2: the clients allowed to submit (API keys, stored hashed) and the
appeals they submitted (a link row of this app onto the hotline's ``Appeal``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """A civic tool or app allowed to POST requests. Only a keyed hash of its key is kept;
    the key itself is shown once, when issued. A revoked key is refused (403) for good."""

    name = models.CharField(_("客户端名称"), max_length=100)
    contact = models.CharField(_("联系方式"), max_length=200, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(_("密钥前缀"), max_length=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Open311客户端")
        verbose_name_plural = _("Open311客户端")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"


class SubmittedRequest(models.Model):
    """An appeal that came in through ``POST requests``: which client sent it, the
    submitter's public description and location (shown back in ``GET requests``), and the
    token ``GET tokens/{token}`` resolves."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="requests")
    appeal = models.OneToOneField("hotline.Appeal", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32, unique=True)
    description = models.TextField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    # the submitter's phone as ``people.services.phone_hash``: a deletion request finds the
    # published text and place by it (the hotline blanks its own hash first)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311提交")
        verbose_name_plural = _("Open311提交")

    def __str__(self):
        return self.token
