from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin


class OrgType(models.TextChoices):
    CITY = "city", _("市总工会")
    DISTRICT = "district", _("区总工会")
    ZONE = "zone", _("开发区工会")
    INDUSTRY = "industry", _("产业工会")
    STREET = "street", _("街道工会")
    TOWNSHIP = "township", _("乡镇工会")
    GRASSROOTS = "grassroots", _("基层工会")
    PARTNER = "partner", _("合作单位")  # e.g. a partner hospital, placed under its union


# Levels at which an org counts as "the district" of a place (区总工会 and 经开区).
DISTRICT_TYPES = (OrgType.DISTRICT, OrgType.ZONE)


def pinyin_keys(text: str) -> tuple[str, str]:
    """Full pinyin and initials, lower case, letters and digits only, for the org pickers
    (``朝阳区总工会`` -> ``chaoyangquzonggonghui``, ``cyqzgh``)."""

    def squash(parts):
        return "".join(ch for ch in "".join(parts).lower() if ch.isascii() and ch.isalnum())

    return squash(lazy_pinyin(text))[:400], squash(lazy_pinyin(text, style=Style.FIRST_LETTER))[
        :100
    ]


code_validator = RegexValidator(
    r"^[A-Z0-9]+(-[A-Z0-9]+)*$", _("代码只能包含大写字母、数字和连字符")
)


class Org(models.Model):
    """A union organisation in the federation's tree.

    ``path`` is a materialised path of codes (``/BJ/BJ-CY/BJ-CY-WJ/``) kept by ``save``;
    a subtree is one indexed ``path LIKE '/BJ/BJ-CY/%'`` query (see ``selectors``).
    """

    code = models.CharField(_("代码"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100)
    type = models.CharField(_("类型"), max_length=20, choices=OrgType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region_code = models.CharField(
        _("行政区划代码"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", _("行政区划代码应为6位数字"))],
    )
    path = models.CharField(_("路径"), max_length=400, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    # Kept by ``save`` from ``name``: the pickers match them by prefix (indexed) or substring.
    name_pinyin = models.CharField(
        _("名称拼音"), max_length=400, blank=True, db_index=True, editable=False
    )
    name_initials = models.CharField(
        _("名称首字母"), max_length=100, blank=True, db_index=True, editable=False
    )

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        ordering = ["path"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def save(self, *args, **kwargs):
        new_path = self._path_for(self.parent)
        old_path = self.path
        if self._would_cycle():
            raise ValidationError({"parent": _("不能把组织移到它自己或它的下级之下")})
        self.path = new_path
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        self.depth = new_path.count("/") - 2
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != new_path:
                # Re-root the whole subtree in one statement.
                Org.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + (self.depth - (old_path.count("/") - 2)),
                )

    def clean(self):
        if self._would_cycle():
            raise ValidationError({"parent": _("不能把组织移到它自己或它的下级之下")})

    def _would_cycle(self) -> bool:
        return bool(self.parent and self.path and self.parent.path.startswith(self.path))

    def _path_for(self, parent):
        prefix = parent.path if parent else "/"
        return f"{prefix}{self.code}/"

    def is_within(self, other: "Org") -> bool:
        """True when this org is ``other`` or one of its descendants."""
        return self.path.startswith(other.path)
