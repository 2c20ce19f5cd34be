"""Console: the organisation tree browser (children load on demand with htmx)."""

from django.http import Http404
from django.shortcuts import render

from gonghui.people.decorators import staff_required
from gonghui.people.models import Worker
from gonghui.people.scope import scope_for

from .models import Org
from .selectors import children


def _roots(scope):
    """Top-most orgs of the scope: the user's own subtree roots."""
    if scope.everything:
        return Org.objects.filter(parent=None).order_by("sort_order", "code")
    return Org.objects.filter(path__in=scope.paths).order_by("path")


@staff_required
def org_tree(request):
    scope = scope_for(request.user, "orgs.view")
    return render(request, "console/orgs/tree.html", {"roots": _roots(scope)})


@staff_required
def org_children(request, code: str):
    scope = scope_for(request.user, "orgs.view")
    org = scope.filter(Org.objects.filter(code=code)).first()
    if org is None:
        raise Http404
    return render(request, "console/orgs/_children.html", {"nodes": children(org), "parent": org})


@staff_required
def org_detail(request, code: str):
    scope = scope_for(request.user, "orgs.view")
    org = scope.filter(Org.objects.select_related("parent").filter(code=code)).first()
    if org is None:
        raise Http404
    ancestors = Org.objects.filter(code__in=org.path.strip("/").split("/")).order_by("depth")
    visible_ancestors = [a for a in ancestors if scope.contains(a)]
    return render(
        request,
        "console/orgs/detail.html",
        {
            "org": org,
            "ancestors": visible_ancestors,
            "nodes": children(org),
            "subtree_size": Org.objects.filter(path__startswith=org.path).count() - 1,
            "worker_count": Worker.objects.filter(union_org__path__startswith=org.path).count(),
        },
    )
