"""The worker's messages about their appeal (gonghui.notices): which timeline events send
one, and with what parameters. One message per event row (the dedupe key names the row)."""

from django.conf import settings

from gonghui.notices.services import notify

from .models import AppealEvent

# The worker's messages for an appeal's timeline events (gonghui.notices), one per event row.
NOTIFY_ON = {
    "create": "appeal_received",
    "dispatch": "appeal_dispatched",
    "resolve": "appeal_resolved",
    "direct_answer": "appeal_resolved",
}


def notify_worker(
    appeal,
    event: AppealEvent,
    notice_event: str = "",
    *,
    new_event: bool = False,
    rows=None,
    message_id: int | None = None,
    **params,
) -> None:
    """Tell the appeal's contact phone about ``event`` (inbox + SMS after commit), once per
    event row: a repeated call or a retried task with the same row sends nothing.
    ``new_event=True``: the row was created in this transaction, nothing was sent for it yet;
    then ``rows``/``message_id`` may hold the message with the event (``notices.notify``)."""
    notice_event = notice_event or NOTIFY_ON.get(event.action, "")
    if not notice_event or not appeal.contact_phone:
        return
    notify(
        notice_event,
        phone=appeal.contact_phone,
        params={
            "number": appeal.number,
            "title": appeal.content[:30],
            "org": appeal.responsible_org.name if appeal.responsible_org_id else "",
            "reply": event.note,
            "days": settings.HOTLINE_RATING_DAYS,
            **params,
        },
        dedupe_key=f"appeal-event:{event.pk}:{notice_event}",
        link=f"/h5/appeals/{appeal.pk}/",
        new_key=new_event,
        rows=rows if new_event else None,
        message_id=message_id,
    )
