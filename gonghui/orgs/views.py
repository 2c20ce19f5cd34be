"""Console: the organisation tree browser (children load on demand with htmx)."""

from django.http import Http404
from django.shortcuts import render

from gonghui.people.decorators import staff_required
from gonghui.people.models import Worker

from .models import Org
from .selectors import children, get_visible_org, scope_roots, visible_ancestors


@staff_required
def org_tree(request):
    return render(request, "console/orgs/tree.html", {"roots": scope_roots(request.user)})


@staff_required
def org_children(request, code: str):
    org = get_visible_org(request.user, code)
    if org is None:
        raise Http404
    return render(request, "console/orgs/_children.html", {"nodes": children(org), "parent": org})


@staff_required
def org_detail(request, code: str):
    org = get_visible_org(request.user, code)
    if org is None:
        raise Http404
    return render(
        request,
        "console/orgs/detail.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "nodes": children(org),
            "subtree_size": Org.objects.filter(path__startswith=org.path).count() - 1,
            "worker_count": Worker.objects.filter(union_org__path__startswith=org.path).count(),
        },
    )
