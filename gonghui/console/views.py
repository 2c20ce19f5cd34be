from django.shortcuts import render

from gonghui.hotline.selectors import queue_counts as hotline_queue_counts
from gonghui.people.auth import confirmed_totp_devices
from gonghui.people.decorators import staff_required
from gonghui.people.scope import assignments, scope_for
from gonghui.people.selectors import visible_workers


@staff_required
def console_home(request):
    """The staff console's landing page: who you are, where, and what you can open."""
    user = request.user
    return render(
        request,
        "console/home.html",
        {
            "assignments": assignments(user),
            "scope_orgs": scope_for(user, "orgs.view").orgs().order_by("path")[:1],
            "worker_count": visible_workers(user).count(),
            "totp_enabled": bool(confirmed_totp_devices(user)),
            "hotline_counts": hotline_queue_counts(user),
        },
    )
