"""The worker's messages pages (H5): inbox, one message, settings. Thin: selectors/services."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gonghui.people.worker_session import current_account, worker_login_required

from . import selectors, services
from .models import Message

PAGE_SIZE = 20


def _safe_link(request, link: str) -> str:
    if (
        link
        and link.startswith("/")
        and not link.startswith("//")
        and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()})
    ):
        return link
    return ""


@never_cache
@worker_login_required
@require_http_methods(["GET", "POST"])
def inbox(request):
    """The list, newest first; POST marks everything read."""
    account = current_account(request)
    if request.method == "POST":
        services.mark_all_read(account)
        return redirect("notices:inbox")
    page = Paginator(selectors.inbox(account), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/inbox.html",
        {
            "page": page,
            "messages_list": page.object_list,
            "unread": selectors.unread_count(account),
        },
    )


@never_cache
@worker_login_required
def open_message(request, message_id: int):
    """One message (the worker's own only: 404 otherwise), marked read."""
    account = current_account(request)
    try:
        message = services.mark_read(account, message_id)
    except Message.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "notices/message.html",
        {"message": message, "link": _safe_link(request, message.link)},
    )


@never_cache
@worker_login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Opt-out checkboxes; essential events are shown ticked and disabled."""
    account = current_account(request)
    errors, notice, status = [], "", 200
    if request.method == "POST":
        choices = {
            row["event"]: row["event"] in request.POST.getlist("enabled")
            for row in selectors.preferences(account)
            if not row["essential"]
        }
        try:
            services.set_preferences(account, choices)
            notice = _("已保存")
        except ValidationError as exc:
            errors, status = exc.messages, 400
    return render(
        request,
        "notices/preferences.html",
        {"rows": selectors.preferences(account), "errors": errors, "notice": notice},
        status=status,
    )
