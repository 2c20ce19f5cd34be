"""Console queue of 个人信息删除 requests: anonymise or reject (``workers.confirm``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import deletion
from .decorators import staff_required
from .scope import require_scope


@staff_required
def queue(request):
    """Open deletion requests of workers in the user's scope."""
    require_scope(request.user, "workers.confirm")
    requests = deletion.open_requests(request.user)[:200]
    return render(request, "console/workers/deletion_requests.html", {"requests": requests})


@staff_required
@require_POST
def action(request, request_id: int, action: str):
    require_scope(request.user, "workers.confirm")
    if action not in deletion.TRANSITIONS:
        raise Http404
    try:
        deletion.review(
            user=request.user,
            request_id=request_id,
            action=action,
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        done = _("已匿名化该职工的个人信息") if action == "anonymise" else _("已驳回删除申请")
        messages.success(request, done)
    return redirect("registration:deletion-queue")
