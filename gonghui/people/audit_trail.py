"""The security audit trail beyond reads of personal data (等保 2.0 安全审计): staff logins
and failed logins, worker SMS logins, and every refused request (HTTP 403). Rows go to the
append-only ``core.AuditLog``; admins search them at /console/audit/."""

from django.contrib.auth.signals import user_logged_in, user_login_failed

from gonghui.core.audit import client_ip
from gonghui.core.models import AuditLog


def _row(*, action: str, actor=None, label: str = "", obj_type: str = "", obj_id="", request=None):
    source = f"{request.method} {request.path}"[:200] if request is not None else ""
    return AuditLog.objects.create(
        actor=actor,
        actor_label=(label or (actor.get_username() if actor else "anonymous"))[:150],
        action=action,
        object_type=obj_type[:60],
        object_id=str(obj_id)[:64],
        source=source,
        ip_address=client_ip(request),
    )


def on_login(sender, request, user, **kwargs):
    _row(action="login", actor=user, obj_type="auth.user", obj_id=user.pk, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))
    _row(action="login_failed", label=username or "?", obj_type="auth.user", request=request)


def connect() -> None:
    """Called from ``PeopleConfig.ready``."""
    user_logged_in.connect(on_login, dispatch_uid="gonghui.audit.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="gonghui.audit.login_failed")


def session_worker(request):
    """The worker account of an H5 session: the actor of the state changes its pages make
    (registered with ``core.audit`` in ``PeopleConfig.ready``)."""
    from .worker_session import current_account

    return current_account(request) if hasattr(request, "session") else None


def worker_login(account, request, *, ok: bool) -> None:
    """A worker's SMS login (H5 or API), successful or not; the phone is never logged."""
    _row(
        action="worker_login" if ok else "worker_login_failed",
        label=f"worker-account:{account.pk}" if account else "worker",
        obj_type="people.workeraccount",
        obj_id=account.pk if account else "",
        request=request,
    )


class AuditDeniedMiddleware:
    """Record every 403 answer (console, admin, API): who, what path, from where."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            staff = user if user is not None and user.is_authenticated else None
            account = getattr(request, "worker_account", None)
            label = ""
            if staff is None:
                label = f"worker-account:{account.pk}" if account else "anonymous"
            _row(action="denied", actor=staff, label=label, obj_type="http", request=request)
        return response
