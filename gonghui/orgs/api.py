"""API routes for the organisation tree."""

from ninja import Router, Schema

from gonghui.core.api import staff_user
from gonghui.people.scope import scope_for

from .models import Org

router = Router(tags=["orgs"])


class OrgOut(Schema):
    code: str
    name: str
    type: str
    type_name: str
    parent: str | None
    region_code: str
    depth: int


@router.get("", response=list[OrgOut])
def list_orgs(request, under: str = ""):
    """Organisations in the caller's scope (optionally only under the org ``under``)."""
    user = staff_user(request)
    qs = scope_for(user, "orgs.view").filter(Org.objects.select_related("parent"))
    if under:
        root = qs.filter(code=under.upper()).first()
        qs = qs.filter(path__startswith=root.path) if root else qs.none()
    return [
        {
            "code": o.code,
            "name": o.name,
            "type": o.type,
            "type_name": o.get_type_display(),
            "parent": o.parent.code if o.parent else None,
            "region_code": o.region_code,
            "depth": o.depth,
        }
        for o in qs.order_by("path")
    ]
