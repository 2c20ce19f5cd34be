import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StationType(models.Model):
    """户外劳动者暖心驿站, 公共区域职工之家, … (configurable)."""

    code = models.CharField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("站点类型")
        verbose_name_plural = _("站点类型")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class Amenity(models.Model):
    """A standard facility; ``bit`` is its position in ``Station.amenity_bits``."""

    code = models.CharField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    bit = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        verbose_name = _("服务设施")
        verbose_name_plural = _("服务设施")
        ordering = ["bit"]

    def __str__(self):
        return self.name


class HostKind(models.TextChoices):
    BANK = "bank", _("银行网点")
    GAS_STATION = "gas_station", _("加油站")
    UNION_OFFICE = "union_office", _("工会阵地")
    SHOP = "shop", _("商户门店")
    PARK = "park", _("公园")
    COMMUNITY = "community", _("社区服务站")
    OTHER = "other", _("其他")


class StationStatus(models.TextChoices):
    PLANNED = "planned", _("规划中")
    BUILDING = "building", _("建设中")
    OPEN = "open", _("运营中")
    SUSPENDED = "suspended", _("暂停")
    CLOSED = "closed", _("已关闭")


def new_qr_token() -> str:
    return secrets.token_urlsafe(12)


class Station(models.Model):
    """A rest station or workers' home. Coordinates are WGS-84 degrees."""

    type = models.ForeignKey(StationType, verbose_name=_("类型"), on_delete=models.PROTECT)
    name = models.CharField(_("名称"), max_length=100)
    host_kind = models.CharField(
        _("依托单位类型"), max_length=20, choices=HostKind.choices, default=HostKind.OTHER
    )
    host_name = models.CharField(_("依托单位"), max_length=100, blank=True)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("负责工会"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "orgs.Org", verbose_name=_("所在区"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200)
    lat = models.FloatField(_("纬度（WGS-84）"))
    lng = models.FloatField(_("经度（WGS-84）"))
    amenities = models.JSONField(_("服务设施"), default=list, blank=True)
    amenity_bits = models.BigIntegerField(default=0, editable=False)
    hours = models.JSONField(_("开放时间"), default=dict, blank=True)
    capacity = models.PositiveIntegerField(_("容纳人数"), null=True, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=StationStatus.choices, default=StationStatus.PLANNED
    )
    opened_on = models.DateField(_("启用日期"), null=True, blank=True)
    closed_on = models.DateField(_("关闭日期"), null=True, blank=True)
    built_year = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    qr_token = models.CharField(max_length=32, unique=True, default=new_qr_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("驿站")
        verbose_name_plural = _("驿站")
        ordering = ["id"]
        indexes = [
            # The finder scans a latitude band, then filters longitude and amenities from the
            # index entries alone (a covering index; docs/stations.md).
            models.Index(
                fields=["status", "lat", "lng", "amenity_bits"], name="station_open_lat_lng_am"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["name", "address"], name="uniq_station_name_address")
        ]

    def __str__(self):
        return self.name


class StationException(models.Model):
    """A date that differs from the weekly schedule: closed, or special hours."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("日期"))
    ranges = models.JSONField(_("当日开放时段"), default=list, blank=True)  # [] = closed
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "date"], name="uniq_station_exception")
        ]

    def __str__(self):
        return f"{self.station_id} {self.date}"


class StatusRequest(models.Model):
    """A station manager's request to open or close a station, reviewed by the org above."""

    class State(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="status_requests")
    to_status = models.CharField(max_length=20, choices=StationStatus.choices)
    effective_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.station_id} → {self.to_status}"


class CheckIn(models.Model):
    """扫码签到: a worker scanned the station's QR code."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="checkins")
    worker_account = models.ForeignKey(
        "people.WorkerAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.station_id} {self.created_at:%Y-%m-%d %H:%M}"


class Report(models.Model):
    """A worker's rating or problem report; goes to the station manager's queue."""

    class Kind(models.TextChoices):
        RATING = "rating", _("评价")
        BROKEN = "broken", _("设施损坏")
        CLOSED = "closed_in_hours", _("开放时间内未开门")
        OTHER = "other", _("其他问题")

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        HANDLED = "handled", _("已处理")
        ESCALATED = "escalated", _("已转12351")

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    worker_account = models.ForeignKey(
        "people.WorkerAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appeal = models.ForeignKey(
        "hotline.Appeal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.station_id} {self.kind}"


class BuildTarget(models.Model):
    """Annual build target: ``count`` stations of ``type`` for ``org`` in ``year``."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    type = models.ForeignKey(StationType, on_delete=models.CASCADE)
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("建设目标")
        verbose_name_plural = _("建设目标")
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "type"], name="uniq_build_target")
        ]

    def __str__(self):
        return f"{self.org_id} {self.year} {self.type_id}: {self.count}"


def photo_path(instance, filename):
    return f"stations/{instance.station_id}/{filename}"


class StationPhoto(models.Model):
    """A photo of the station (public: shown on the finder's detail page)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_path)
    content_type = models.CharField(max_length=30)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.image.name


class FinderVersion(models.Model):
    """One row whose ``token`` changes, by database triggers (migration 0005), in the same
    transaction as every write that could change what the finder answers (stations' status,
    place, amenities, type or hours; date exceptions). Each process's in-memory finder index
    (``finder.py``) remembers the token it was built at and rebuilds when it differs. A random
    token rather than a counter: a rolled-back change can never be mistaken for a later one."""

    token = models.BigIntegerField(default=0)
    # Moved by every write to a station (any column) or its photos (migration 0008): the rows
    # of answers and the H5 pages' cached parts are kept under (token, rows_token). Nullable, so
    # SQLite adds the column in place (a remade table would break the triggers naming it);
    # NULL (a row put back by the older triggers after a flush) keeps nothing until a write.
    rows_token = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("查找索引版本")
        verbose_name_plural = _("查找索引版本")

    def __str__(self):
        return str(self.token)
