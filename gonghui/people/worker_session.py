"""The worker app's one SMS login, shared by every worker page (hotline, stations, services,
health checks, aid, registration, 我的).

Workers are not Django users: after the SMS code the session remembers their
``WorkerAccount`` under ``SESSION_KEY``. ``login_url(path)`` sends a worker to the login and
back to ``path`` afterwards; only paths on this site are accepted as targets.
"""

from functools import wraps

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.validators import normalize_phone

from . import audit_trail, auth
from .models import Worker, WorkerAccount

SESSION_KEY = "h5_worker_account"
NEXT_KEY = "worker_next"  # where to go after the SMS login


def current_account(request) -> WorkerAccount | None:
    """The logged-in worker account of this browser session, or ``None``."""
    pk = request.session.get(SESSION_KEY)
    return WorkerAccount.objects.filter(pk=pk).select_related("worker").first() if pk else None


def linked_worker(account: WorkerAccount | None) -> Worker | None:
    """The ``Worker`` behind an account. An unlinked account is linked to the worker with the
    same (SMS-verified) phone, the rule ``auth.sign_in_worker`` applies; ``None`` if none."""
    if account is None:
        return None
    if account.worker_id is None:
        found = Worker.objects.filter(phone_hash=account.phone_hash).order_by("id").first()
        if found is None:
            return None
        account.worker = found
        account.save(update_fields=["worker"])
    return account.worker


def login_url(next_path: str = "") -> str:
    """The SMS login that returns to ``next_path`` afterwards."""
    url = reverse("account:login")
    return f"{url}?{urlencode({'next': next_path})}" if next_path else url


def safe_next(request, value: str) -> str:
    """``value`` if it is a path on this site, else ``""`` (no open redirects)."""
    if (
        value
        and value.startswith("/")
        and not value.startswith("//")
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return ""


def worker_login_required(view):
    """Send a worker without a session to the SMS login, then back to the page they wanted."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if current_account(request) is None:
            return redirect(login_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapped


@never_cache
@require_http_methods(["GET", "POST"])
def login(request, default_next: str = "/"):
    """Two steps on one page: send the code, then enter it; then back to ``?next=``."""
    target = safe_next(request, request.GET.get("next", "") or request.POST.get("next", ""))
    if target:
        request.session[NEXT_KEY] = target
    if request.method == "GET" and current_account(request) is not None:
        return redirect(request.session.pop(NEXT_KEY, "") or default_next)
    ctx = {"phone": request.POST.get("phone", ""), "step": "phone", "next": target}
    if request.method == "POST":
        try:
            phone = normalize_phone(request.POST.get("phone", ""))
        except ValidationError as exc:
            ctx["error"] = exc.messages[0]
            return render(request, "worker/login.html", ctx, status=400)
        try:
            if request.POST.get("code"):
                auth.consume_sms_code(phone, request.POST["code"])
                account = auth.sign_in_worker(phone)
                audit_trail.worker_login(account, request, ok=True)
                after = request.session.pop(NEXT_KEY, "") or default_next
                request.session.cycle_key()
                request.session[SESSION_KEY] = account.pk
                return redirect(after)
            auth.request_sms_code(phone, request)
            ctx["step"] = "code"
        except auth.AuthFailed as exc:
            if request.POST.get("code"):
                audit_trail.worker_login(None, request, ok=False)
            ctx["error"] = exc.detail
            ctx["step"] = "code" if request.POST.get("code") else "phone"
            return render(request, "worker/login.html", ctx, status=exc.status)
    return render(request, "worker/login.html", ctx)


@require_POST
def logout(request):
    """End the worker session (the console session, if any, is left alone)."""
    request.session.pop(SESSION_KEY, None)
    request.session.pop(NEXT_KEY, None)
    return redirect("/")
