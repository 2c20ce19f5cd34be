"""API routes for the organisation tree."""

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from gonghui.core.api import ApiError, staff_user
from gonghui.people.roles import PERMISSIONS
from gonghui.people.scope import scope_for

from .models import OrgType
from .selectors import SEARCH_LIMIT, get_visible_org, orgs_for, search_orgs, visible_orgs

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
        for o in visible_orgs(staff_user(request), under=under)
    ]


class OrgHit(Schema):
    code: str
    name: str
    type_name: str
    parent_name: str
    pinyin: str
    initials: str
    depth: int


class SearchParams(Schema):
    q: str = Field("", max_length=100, description="name, full pinyin, initials or code")
    permission: str = Field("orgs.view", max_length=60, description="e.g. partners.manage")
    types: str = Field("", max_length=200, description="org types, comma-separated")
    under: str = Field("", max_length=40, description="only orgs strictly below this org (code)")
    limit: int = Field(SEARCH_LIMIT, ge=1, le=SEARCH_LIMIT)


@router.get("/search", response=list[OrgHit], url_name="orgs-search")
def search(request, params: Query[SearchParams]):
    """Orgs in the caller's scope for ``permission`` matching ``q`` (exact, then prefix), for
    the console's org pickers; at most 20."""
    user = staff_user(request)
    if params.permission not in PERMISSIONS:
        raise ApiError(400, _("请求参数有误"), {"permission": [_("取值无效")]})
    types = [t for t in params.types.split(",") if t]
    if any(t not in OrgType.values for t in types):
        raise ApiError(400, _("请求参数有误"), {"types": [_("取值无效")]})
    under = None
    if params.under:
        under = get_visible_org(user, params.under.upper())
        if under is None:  # an org the caller cannot see has nothing below it for them
            return []
    qs = orgs_for(user, params.permission, types, under=under)
    hits = search_orgs(qs, params.q, params.limit)
    scope = scope_for(user, params.permission)  # a parent outside it stays unnamed
    return [
        {
            "code": o.code,
            "name": o.name,
            "type_name": o.get_type_display(),
            "parent_name": o.parent.name if o.parent and scope.contains(o.parent) else "",
            "pinyin": o.name_pinyin,
            "initials": o.name_initials,
            "depth": o.depth,
        }
        for o in hits
    ]
