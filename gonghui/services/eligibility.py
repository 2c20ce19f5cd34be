"""Who may enroll in a project: rules on the project, facts from the worker's profile.

``reasons(project, worker)`` lists every rule the worker fails, in words a worker
understands; an empty list means eligible. The H5 catalog shows only eligible projects and
the enrollment service refuses the others with these reasons."""

from django.utils.translation import gettext as _

from gonghui.orgs.selectors import district_of
from gonghui.people.models import EmploymentForm, Sex

from .models import Project


def worker_district_id(worker) -> int | None:
    """Where the worker works (the profile's 工作区域), else their union's district."""
    if worker.work_district_id:
        return worker.work_district_id
    district = district_of(worker.union_org)
    return district.pk if district else None


def reasons(project: Project, worker, *, district_ids: set[int] | None = None) -> list[str]:
    """Rules ``worker`` fails for ``project`` (``district_ids``: the project's districts,
    when the caller has them already)."""
    out = []
    if project.members_only and not worker.is_member:
        if getattr(worker, "membership_pending", False):  # stated at 实名登记, not confirmed
            out.append(_("仅限工会会员参加（会员身份待确认）"))
        else:
            out.append(_("仅限工会会员参加"))
    if project.employment_forms and worker.employment_form not in project.employment_forms:
        names = [str(EmploymentForm(f).label) for f in project.employment_forms]
        out.append(_("仅限以下用工形式：%s") % "、".join(names))
    if project.sexes and worker.sex not in project.sexes:
        out.append(_("仅限%s职工参加") % "、".join(str(Sex(s).label) for s in project.sexes))
    if district_ids is None:
        district_ids = {d.pk for d in project.districts.all()}
    if district_ids and worker_district_id(worker) not in district_ids:
        out.append(_("仅限指定区域的职工参加"))
    if project.employer_codes and worker.employer_credit_code not in project.employer_codes:
        out.append(_("仅限指定用人单位的职工参加"))
    return out


def is_eligible(project: Project, worker, **kwargs) -> bool:
    return not reasons(project, worker, **kwargs)
