"""Worker API for messages: the inbox, reading, and SMS opt-outs (worker tokens only)."""

from datetime import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from gonghui.core.api import ApiError, ErrorOut, paginate

from . import selectors, services
from .models import Message

router = Router(tags=["messages"])

PAGE_SIZE = 20


class MessageOut(Schema):
    id: int
    event: str
    title: str
    body: str
    link: str
    created_at: datetime
    read: bool
    read_at: datetime | None = None


class MessagesOut(Schema):
    count: int
    page: int
    pages: int
    unread: int
    results: list[MessageOut]


class PageIn(Schema):
    page: int = Field(1, ge=1, le=100000, description="页码，从1开始")
    unread_only: bool = Field(False, description="只看未读")


class PreferenceOut(Schema):
    event: str
    label: str
    essential: bool = Field(..., description="必要通知，不能关闭")
    enabled: bool


class PreferencesIn(Schema):
    preferences: dict[str, bool] = Field(
        ..., description='{"事件": true/false}，false 关闭该类短信（必要通知不能关闭）'
    )


def _account(request):
    account = getattr(request, "worker_account", None)
    if account is None:
        raise ApiError(403, _("此接口仅限职工使用"))
    return account


def _out(m: Message) -> dict:
    return {
        "id": m.pk,
        "event": m.event,
        "title": m.title,
        "body": m.body,
        "link": m.link,
        "created_at": m.created_at,
        "read": m.read_at is not None,
        "read_at": m.read_at,
    }


@router.get("/messages", response={200: MessagesOut, 403: ErrorOut})
def messages(request, filters: Query[PageIn]):
    """The caller's messages, newest first, 20 a page, with the unread count."""
    account = _account(request)
    qs = selectors.inbox(account, unread_only=filters.unread_only)
    return {
        **paginate(qs, filters.page, PAGE_SIZE, _out),
        "unread": selectors.unread_count(account),
    }


@router.post("/messages/read-all", response={200: dict, 403: ErrorOut})
def read_all(request):
    """Mark every message of the caller read."""
    account = _account(request)
    return {"marked": services.mark_all_read(account), "unread": 0}


@router.post(
    "/messages/{message_id}/read", response={200: MessageOut, 403: ErrorOut, 404: ErrorOut}
)
def read(request, message_id: int):
    """Mark one of the caller's messages read (404 for anyone else's)."""
    try:
        return _out(services.mark_read(_account(request), message_id))
    except Message.DoesNotExist:
        raise Http404("message") from None


@router.get("/notice-preferences", response={200: list[PreferenceOut], 403: ErrorOut})
def preferences(request):
    """Each kind of message, whether it is essential and whether the caller receives its SMS."""
    return selectors.preferences(_account(request))


@router.put(
    "/notice-preferences", response={200: list[PreferenceOut], 400: ErrorOut, 403: ErrorOut}
)
def set_preferences(request, payload: PreferencesIn):
    """Switch SMS for non-essential kinds on or off; essential ones answer 400."""
    account = _account(request)
    services.set_preferences(account, payload.preferences)
    return selectors.preferences(account)
