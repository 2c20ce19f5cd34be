"""The worker app's own pages: home, 办事, 我的, the 长辈模式 switch, and what makes it
installable (web app manifest, service worker, offline page)."""

import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from gonghui.people.worker_session import current_account, safe_next, worker_login_required

from . import selectors
from .templatetags.worker_app import ELDER_COOKIE

ELDER_COOKIE_AGE = 365 * 24 * 3600


@require_GET
def home(request):
    """The worker home: tiles for everything a worker can do; staff find the console link
    at the foot of the page."""
    account = current_account(request)
    context = {
        "account": account,
        "tiles": selectors.home_tiles(account),
        "registration": selectors.profile_of(account)["registration"] if account else None,
    }
    return render(request, "portal/home.html", context)


@require_GET
def hub(request):
    """办事: every service of the app, grouped, one tap away."""
    return render(request, "portal/hub.html", {"account": current_account(request)})


@never_cache
@require_GET
@worker_login_required
def me(request):
    """我的: profile (masked), appeals, enrollments, health bookings, aid, honours, consents."""
    account = current_account(request)
    return render(request, "portal/me.html", selectors.overview(account))


@require_GET
def elder_mode(request):
    """Turn 长辈模式 on or off; remembered for a year in this browser. A plain link (GET): it
    only changes how pages look, and it works without JavaScript."""
    on = request.GET.get("on") == "1"
    target = safe_next(request, request.GET.get("next", "")) or reverse("app:home")
    response = redirect(target)
    if on:
        response.set_cookie(ELDER_COOKIE, "1", max_age=ELDER_COOKIE_AGE, samesite="Lax")
    else:
        response.delete_cookie(ELDER_COOKIE, samesite="Lax")
    return response


@require_GET
def offline(request):
    """What the service worker shows when a page is neither online nor cached."""
    return render(request, "portal/offline.html")


@require_GET
@cache_control(max_age=3600)
def manifest(request):
    """The web app manifest: installable, opens at the worker home."""
    data = {
        "name": _("12351职工服务"),
        "short_name": _("职工服务"),
        "description": _("工会职工服务：驿站、诉求、普惠服务、体检、帮扶"),
        "lang": "zh-CN",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f4f4f4",
        "theme_color": "#c8102e",
        "icons": [
            {"src": static("worker/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("worker/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("worker/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


def _shell_version(source: str, shell: list[str]) -> str:
    """Changes whenever the worker script or a shell file changes, so browsers update."""
    digest = hashlib.sha256(source.encode())
    for url in shell:
        digest.update(url.encode())
        found = url.startswith(settings.STATIC_URL) and finders.find(
            url.removeprefix(settings.STATIC_URL)
        )
        if found:
            with open(found, "rb") as fh:
                digest.update(fh.read())
    return digest.hexdigest()[:12]


@require_GET
@never_cache
def service_worker(request):
    """The service worker at the site root (its scope is the whole app). The shell's static
    URLs are filled in here so a new deployment (new hashed names) installs a new worker."""
    path = finders.find("worker/sw.js")
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    shell = [
        reverse("app:offline"),
        static("css/h5.css"),
        static("css/worker.css"),
        static("css/stations.css"),
        static("js/worker.js"),
        static("worker/icon.svg"),
    ]
    version = _shell_version(source, shell)
    source = source.replace("__SHELL__", json.dumps(shell)).replace("__VERSION__", version)
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response
