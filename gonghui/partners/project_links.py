"""The registry side of a project's partners: the provider partners registers with
``services.partner_registry`` at ready() (D24), over its own ``ProjectPartner`` rows.

Names are public (the public partner pages list every active partner), so any staff member
editing a project may pick any active partner; a withdrawn partner already linked stays
pickable for that project. A typed name links to the registry when exactly one partner
(active or not) bears it, the rule the migration of the old free-text names used.
"""

from django.db import transaction

from gonghui.orgs.models import pinyin_keys
from gonghui.services.partner_registry import Choice

from .models import Partner, PartnerStatus, ProjectPartner


def choices(project_id: int | None) -> list[Choice]:
    linked = ProjectPartner.objects.filter(project_id=project_id).values("partner")
    rows = Partner.objects.filter(status=PartnerStatus.ACTIVE) | Partner.objects.filter(
        pk__in=linked if project_id else []
    )
    ordered = sorted(rows.values_list("pk", "name"), key=lambda r: (r[1], r[0]))
    return [Choice(pk, name, *pinyin_keys(name)) for pk, name in ordered]


def linked(project_ids) -> dict[int, list[tuple[int, str]]]:
    out: dict[int, list[tuple[int, str]]] = {}
    rows = ProjectPartner.objects.filter(project_id__in=list(project_ids)).values_list(
        "project_id", "partner_id", "partner__name"
    )
    # sorted here, not by the database, so both databases give the same order
    for project_id, partner_id, name in sorted(rows, key=lambda r: (r[2], r[1])):
        out.setdefault(project_id, []).append((partner_id, name))
    return out


def allowed(partner_ids, project_id: int | None) -> dict[int, str]:
    ids = list(partner_ids)
    linked_ids = ProjectPartner.objects.filter(project_id=project_id).values("partner")
    rows = Partner.objects.filter(pk__in=ids).filter(
        status=PartnerStatus.ACTIVE
    ) | Partner.objects.filter(pk__in=ids).filter(pk__in=linked_ids if project_id else [])
    return dict(rows.values_list("pk", "name"))


def match(names) -> dict[str, int]:
    wanted = {n for n in names if n}
    found: dict[str, list[int]] = {}
    for pk, name in Partner.objects.filter(name__in=wanted).values_list("pk", "name"):
        found.setdefault(name, []).append(pk)
    return {name: pks[0] for name, pks in found.items() if len(pks) == 1}


@transaction.atomic
def save(project, partner_ids) -> None:
    ids = set(partner_ids)
    ProjectPartner.objects.filter(project=project).exclude(partner_id__in=ids).delete()
    have = set(ProjectPartner.objects.filter(project=project).values_list("partner_id", flat=True))
    ProjectPartner.objects.bulk_create(
        [ProjectPartner(project=project, partner_id=pk) for pk in sorted(ids - have)]
    )


def projects_of(partner: Partner):
    """The service projects a partner works with (newest first), for the partner's page."""
    return [
        link.project
        for link in ProjectPartner.objects.filter(partner=partner)
        .select_related("project", "project__organiser")
        .order_by("-project__starts_on", "-project_id")
    ]
