"""Import of existing files from Excel (all-or-nothing, with a row report mapping the older
categories) and the purge of files past their retention."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.validators import FieldErrors
from gonghui.people.models import Worker
from gonghui.people.scope import scope_for
from gonghui.people.services import id_number_hash

from . import rules
from .dates import add_months
from .models import Category, FileStatus, HardshipFile, Kind, Member, State
from .services import (
    clean_figures,
    clean_members,
    create_application,
    duplicate_message,
    event,
    record_duplicate,
)

COLUMNS = [
    ("原档案编号", "legacy_number"),
    ("职工身份证号", "id_number"),
    ("原类别", "legacy_category"),
    ("家庭年收入", "annual_income"),
    ("医疗支出", "medical"),
    ("教育支出", "schooling"),
    ("其他刚性支出", "other"),
    ("家庭成员", "members"),
    ("建档日期", "registered_on"),
]
REQUIRED = ("职工身份证号", "原类别", "家庭年收入")
# ID numbers (alone or in 姓名:关系:身份证号): a number in these cells has lost digits
TEXT_COLUMNS = ("职工身份证号", "家庭成员")
# older categories → today's (the report shows each mapping)
LEGACY_CATEGORIES = {
    "低保户": Category.DEEP,
    "低保边缘户": Category.RELATIVE,
    "意外致困": Category.ACCIDENT,
    "深度困难": Category.DEEP,
    "相对困难": Category.RELATIVE,
    "意外致困职工": Category.ACCIDENT,
}
RELATIONS = {"配偶": "spouse", "子女": "child", "父母": "parent", "其他": "other"}


@dataclass
class ImportReport:
    rows: list[dict] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return all(not r["errors"] for r in self.rows)


def _members(raw) -> list[dict]:
    """``姓名:关系:身份证号`` separated by ``;`` / ``；``."""
    out = []
    for part in str(raw or "").replace("；", ";").split(";"):
        bits = [b.strip() for b in part.replace("：", ":").split(":")]
        if len(bits) == 3 and all(bits):
            out.append(
                {"name": bits[0], "relation": RELATIONS.get(bits[1], "other"), "id_number": bits[2]}
            )
        elif part.strip():
            out.append({"name": "", "relation": "other", "id_number": part.strip()})
    return out


def import_files(*, user, rows: list[tuple[int, dict]]) -> ImportReport:
    """Registered files for existing hardship households. Nothing is created unless every
    row is valid (one transaction)."""
    report = ImportReport()
    scope = scope_for(user, "assistance.apply")
    today = timezone.localdate()
    seen_hashes: dict[str, int] = {}
    plans = []
    for number, raw in rows:
        errors = FieldErrors()
        row = {
            "row": number,
            "legacy_number": str(raw.get("legacy_number") or ""),
            "legacy_category": str(raw.get("legacy_category") or "").strip(),
            "errors": [],
        }
        new = LEGACY_CATEGORIES.get(row["legacy_category"])
        row["category"] = str(Category(new).label) if new else ""
        if new is None:
            errors.add("原类别", _("原类别无法对应：%s") % (row["legacy_category"] or "—"))
        worker = (
            Worker.objects.filter(
                id_number_hash=id_number_hash(str(raw.get("id_number") or "").strip())
            )
            .select_related("union_org")
            .first()
        )
        if worker is None or not scope.contains(worker.union_org):
            errors.add("职工身份证号", _("职工不存在或不在您的管辖范围内（请先导入职工）"))
            worker = None
        data = {
            "annual_income": raw.get("annual_income"),
            "expenses": {k: raw.get(k) for k in ("medical", "schooling", "other") if raw.get(k)},
        }
        figures = clean_figures(data, errors)
        members = clean_members(worker, _members(raw.get("members")), errors) if worker else []
        try:
            reg = raw.get("registered_on")
            registered_on = (reg.date() if isinstance(reg, datetime.datetime) else reg) or today
            if not isinstance(registered_on, datetime.date):
                registered_on = datetime.date.fromisoformat(str(registered_on).strip())
        except ValueError:
            errors.add("建档日期", _("日期格式应为 YYYY-MM-DD"))
            registered_on = today
        hashes = [id_number_hash(m["id_number"]) for m in members]
        for h in hashes:
            if h in seen_hashes:
                errors.add("家庭成员", _("与第%d行是同一户成员") % seen_hashes[h])
            seen_hashes.setdefault(h, number)
        live = (
            Member.objects.filter(id_number_hash__in=hashes, live=True)
            .select_related("file__org")
            .first()
        )
        if live is not None:  # told where only if the importer may see that file
            entered = members[hashes.index(live.id_number_hash)]["name"]
            errors.add("家庭成员", duplicate_message(user, live, entered)[0])
            record_duplicate(live, org=worker.union_org, who=user.get_username())
        row["errors"] = [f"{k}：{m}" for k, ms in errors.items() for m in ms]
        report.rows.append(row)
        if not row["errors"]:
            plans.append((row, worker, members, hashes, figures, new, registered_on))
    if not report.ok:
        return report
    with transaction.atomic():
        for row, worker, members, hashes, figures, category, registered_on in plans:
            proposal = rules.compute(
                org=worker.union_org,
                as_of=today,
                household_size=len(members),
                causes=[],
                accident=False,
                exclusions=[],
                **figures_subset(figures),
            )
            file = HardshipFile.objects.create(
                number=f"TMP-IMPORT-{row['row']}-{worker.pk}",
                primary_worker=worker,
                org=worker.union_org,
                status=FileStatus.REGISTERED,
                category=category,
                legacy_number=row["legacy_number"][:40],
                legacy_category=row["legacy_category"][:20],
                registered_on=registered_on,
                contact=user,
                visit_due_on=add_months(today, proposal.policy.visit_interval_months),
                review_due_on=add_months(registered_on, proposal.policy.review_interval_months),
            )
            file.number = f"KN{today:%Y}{file.pk:07d}"
            file.save(update_fields=["number"])
            Member.objects.bulk_create(
                [
                    Member(file=file, id_number_hash=h, **m)
                    for m, h in zip(members, hashes, strict=True)
                ]
            )
            create_application(
                file,
                Kind.ENTRY,
                figures,
                proposal,
                user=user,
                by_worker=False,
                members_count=len(members),
                state=State.DONE,
                category=category,
                decided_at=timezone.now(),
            )
            event(
                file,
                "import",
                user=user,
                note=_("从Excel导入：原档案 %(n)s，原类别 %(old)s → %(new)s；当前测算：%(calc)s")
                % {
                    "n": row["legacy_number"] or "—",
                    "old": row["legacy_category"],
                    "new": row["category"],
                    "calc": proposal.explanation["steps"][-1],
                },
            )
            row["file"] = file.number
            report.created += 1
    return report


def figures_subset(figures: dict) -> dict:
    return {"annual_income": figures["annual_income"], "expenses": figures["expenses"]}


def purge_closed_files(*, today: datetime.date, dry_run: bool = False) -> list[str]:
    """Delete (with members, applications, documents, history) every closed file whose
    retention has run out. Returns the numbers."""
    due = HardshipFile.objects.filter(
        status__in=[FileStatus.REJECTED, FileStatus.EXITED], purge_after__lte=today
    ).exclude(later_files__status__in=[FileStatus.APPLYING])
    numbers = list(due.values_list("number", flat=True))
    if dry_run:
        return numbers
    for file in due:
        with transaction.atomic():
            for app in file.applications.all():
                for doc in app.documents.all():
                    doc.file.delete(save=False)
            audit.record(
                actor=None,
                action="purge",
                obj=file,
                reason=_("超过保存期限，自动销毁"),
                source="manage.py purge_closed_files",
            )
            file.delete()
    return numbers


def check_import_permission(user) -> None:
    if not scope_for(user, "assistance.apply"):
        raise PermissionDenied


__all__ = ["ImportReport", "ValidationError", "import_files", "purge_closed_files"]
