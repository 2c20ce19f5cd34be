"""Console: the Open311 API keys at /console/open311/keys/. Only the federation's admins
(the admin role at the root org, or a superuser) issue and revoke keys; anyone else gets a
403. A new key is shown once, on the answer to the form, and stored only as a SHA-256."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.validators import error_text
from gonghui.people.decorators import staff_required

from . import selectors, services
from .models import ApiClient


def _require_admin(user) -> None:
    if not selectors.can_manage_keys(user):
        raise PermissionDenied(_("只有市总工会的系统管理员可以管理接口密钥"))


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def keys(request):
    _require_admin(request.user)
    context = {"name": "", "contact": "", "new_key": None, "error": ""}
    if request.method == "POST":
        context.update(name=request.POST.get("name", ""), contact=request.POST.get("contact", ""))
        try:
            client, raw = services.issue_key(
                user=request.user, name=context["name"], contact=context["contact"],
                request=request,
            )  # fmt: skip
        except ValidationError as exc:
            context["error"] = error_text(exc)
        else:
            context.update(new_key=raw, new_client=client, name="", contact="")
    context["clients"] = selectors.api_clients()
    context["base_url"] = request.build_absolute_uri("/open311/v2")
    return render(request, "console/open311/keys.html", context)


@staff_required
@require_POST
def revoke(request, client_id):
    _require_admin(request.user)
    try:
        client = services.revoke_key(user=request.user, client_id=client_id, request=request)
    except ApiClient.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("已吊销“%s”的密钥") % client.name)
    return redirect("console-open311:keys")
