"""Partner names not yet linked to the partner registry (D24): the list for staff
(/console/services/partners/), and linking one name of a project to a registry partner from
that list or from the project page. Writes go through ``services.link_partner_name``; a
refusal shows on the page it came from (400/403/409)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.people.decorators import staff_required
from gonghui.people.scope import require_scope

from . import partner_registry, selectors, services
from .services import Conflict
from .views import _project_context, refusal, visible_project_or_404

PAGE_SIZE = 50


def _list_page(request, *, error: str = "", status: int = 200):
    projects = selectors.with_unlinked_partners(request.user)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "partner_choices": partner_registry.provider().choices(None),
        "error": error,
    }
    return render(request, "console/services/unlinked_partners.html", context, status=status)


@staff_required
def unlinked_list(request):
    require_scope(request.user, "services.manage")
    return _list_page(request)


@staff_required
@require_POST
def link_partner(request, project_id: int):
    """Link the posted free-text ``name`` of the project to the posted registry ``partner``;
    ``back=list`` returns to the list, else to the project page."""
    project = visible_project_or_404(request.user, project_id)
    name = request.POST.get("name", "")
    back_to_list = request.POST.get("back") == "list"
    try:
        project = services.link_partner_name(
            user=request.user,
            project_id=project.pk,
            name=name,
            partner_id=request.POST.get("partner", ""),
        )
    except (ValidationError, Conflict, PermissionDenied) as exc:
        message, status = refusal(exc)
        if back_to_list:
            return _list_page(request, error=message, status=status)
        project.refresh_from_db()
        context = _project_context(request, project)
        context["partner_error"] = message
        return render(request, "console/services/detail.html", context, status=status)
    partner = dict(partner_registry.registry_partners(project)).get(
        int(request.POST["partner"]), ""
    )
    messages.success(
        request, _("已将“%(name)s”关联到伙伴单位“%(partner)s”") % {"name": name, "partner": partner}
    )
    if back_to_list:
        return redirect("console-services:unlinked-partners")
    return redirect("console-services:detail", project_id=project.pk)
