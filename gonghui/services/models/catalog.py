import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Category(models.Model):
    """心理关爱, 法律服务, 女职工, … (configurable in the admin)."""

    code = models.CharField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    sort_order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务类别")
        verbose_name_plural = _("服务类别")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class Campaign(models.TextChoices):
    NONE = "", _("无")
    SPRING_JOBS = "spring_jobs", _("春送岗位")
    SUMMER_COOLING = "summer_cooling", _("夏送清凉")
    AUTUMN_STUDY = "autumn_study", _("金秋助学")
    WINTER_WARMTH = "winter_warmth", _("冬送温暖")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("已发布")
    UNPUBLISHED = "unpublished", _("已下架")


class Project(models.Model):
    """A public-benefit service project (普惠服务项目). Its organiser's scope decides who
    manages it; publishing is reviewed by the organiser's superior."""

    title = models.CharField(_("项目名称"), max_length=100)
    organiser = models.ForeignKey(
        "orgs.Org", verbose_name=_("主办工会"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT)
    campaign = models.CharField(
        _("季节性活动"), max_length=20, choices=Campaign.choices, default="", blank=True
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    budget = models.DecimalField(
        _("预算（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Eligibility (empty = no restriction); evaluated by ``eligibility.py``.
    members_only = models.BooleanField(_("仅限会员"), default=False)
    employment_forms = models.JSONField(_("限用工形式"), default=list, blank=True)
    sexes = models.JSONField(_("限性别"), default=list, blank=True)
    districts = models.ManyToManyField(
        "orgs.Org", verbose_name=_("限工作区域"), blank=True, related_name="+"
    )
    employer_codes = models.JSONField(_("限用人单位（信用代码）"), default=list, blank=True)
    # Partner names not (yet) in the partner registry; registry partners are linked by
    # partners.ProjectPartner and read through ``partner_registry`` (D24).
    other_partners = models.JSONField(_("其他合作单位（未在伙伴库登记）"), default=list, blank=True)
    description = models.TextField(_("项目介绍"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["status", "starts_on"])]

    def __str__(self):
        return self.title


class ProjectImage(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(_("图片"), upload_to="services/%Y/%m/")
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("项目图片")
        verbose_name_plural = _("项目图片")

    def __str__(self):
        return self.caption or self.file.name


class Session(models.Model):
    """One activity (场次) of a project: when, where, how many."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("场次名称"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    online = models.BooleanField(_("线上活动"), default=False)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("驿站 / 职工之家"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    capacity = models.PositiveIntegerField(_("名额"))
    # 负责人: the staff member (usually a social worker) who runs the session.
    runner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signup_opens_at = models.DateTimeField(_("报名开始"))
    signup_closes_at = models.DateTimeField(_("报名截止"))
    cancel_cutoff_hours = models.PositiveIntegerField(_("开始前多少小时内不可取消"), default=24)
    # Seats taken (status enrolled): kept in step under the session's row lock, so capacity
    # is checked against one number instead of a COUNT that two requests could both pass.
    enrolled_count = models.PositiveIntegerField(default=0, editable=False)
    qr_token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动场次")
        verbose_name_plural = _("活动场次")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after"
            ),
            models.CheckConstraint(
                condition=models.Q(enrolled_count__lte=models.F("capacity")),
                name="session_not_overbooked",
            ),
        ]

    def __str__(self):
        return self.title or f"{self.project} {self.starts_at:%Y-%m-%d %H:%M}"


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("已报名")
    WAITLISTED = "waitlisted", _("候补中")
    CANCELLED = "cancelled", _("已取消")


class Enrollment(models.Model):
    """A worker's place in a session (one row per worker and session; re-enrolling after a
    cancellation reuses it and joins at the back)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="enrollments")
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=EnrollmentStatus.choices)
    queued_at = models.DateTimeField(_("报名时间"))
    promoted_at = models.DateTimeField(_("候补转正时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["queued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "worker"], name="uniq_enrollment")
        ]
        indexes = [models.Index(fields=["session", "status", "queued_at"])]

    def __str__(self):
        return f"{self.session_id}/{self.worker_id} {self.status}"


class AttendanceMethod(models.TextChoices):
    WORKER_SCAN = "worker_scan", _("职工扫活动码")
    STAFF_SCAN = "staff_scan", _("工作人员扫职工码")
    STAFF_MARK = "staff_mark", _("工作人员登记")


class Attendance(models.Model):
    """A person at a session (签到). At most one per worker and session: a replayed code adds
    nothing."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("签到方式"), max_length=20, choices=AttendanceMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("签到时间"))

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        constraints = [
            models.UniqueConstraint(fields=["session", "worker"], name="uniq_attendance")
        ]

    def __str__(self):
        return f"{self.session_id}/{self.worker_id}"


class WalkIn(models.Model):
    """People served without enrollment, as a number (e.g. a 夏送清凉 delivery to 300 workers
    at a site): person-times, not distinct persons."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="walk_ins")
    count = models.PositiveIntegerField(_("人次"))
    note = models.CharField(_("说明"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("现场服务人次")
        verbose_name_plural = _("现场服务人次")
        constraints = [
            models.CheckConstraint(condition=models.Q(count__gt=0), name="walkin_count_positive")
        ]

    def __str__(self):
        return f"{self.session_id} +{self.count}"
