"""The worker app's shared header and bottom tab bar, rendered on every worker page."""

from django import template

from gonghui.notices.selectors import unread_count
from gonghui.people.worker_session import current_account

register = template.Library()

ELDER_COOKIE = "gh_elder"


@register.filter
def elder_mode(request) -> bool:
    """Whether this browser asked for 长辈模式 (larger text, higher contrast)."""
    return getattr(request, "COOKIES", {}).get(ELDER_COOKIE) == "1"


def _active_tab(path: str) -> str:
    if path == "/":
        return "home"
    if path.startswith("/me/messages/"):
        return "messages"
    if path.startswith("/me/") or path.startswith("/login/"):
        return "me"
    return "hub"


@register.inclusion_tag("worker/_header.html", takes_context=True)
def worker_header(context):
    request = context.get("request")
    return {
        "elder": elder_mode(request) if request else False,
        "path": request.get_full_path() if request else "/",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("worker/_tabbar.html", takes_context=True)
def worker_tabbar(context):
    request = context.get("request")
    account = current_account(request) if request is not None else None
    return {
        "active": _active_tab(request.path) if request else "home",
        "unread": unread_count(account) if account else 0,
    }
