from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from gonghui.hotline.selectors import queue_counts as hotline_queue_counts
from gonghui.people.auth import confirmed_totp_devices
from gonghui.people.decorators import staff_required
from gonghui.people.scope import assignments, scope_for
from gonghui.people.selectors import visible_workers


def healthz(request):
    """Liveness and database reachability for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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
