"""Background work for the hardship registry (Django Tasks): reminders and 公示 ends."""

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import acting_as
from gonghui.notices.services import notify

from .models import FileStatus, HardshipFile
from .services import event
from .services_flow import conclude_expired_publicity


def _flag(qs, field: str, action: str, note: str, today, sms: bool) -> int:
    flagged = 0
    for pk in qs.values_list("pk", flat=True):
        with transaction.atomic():
            file = (
                HardshipFile.objects.select_for_update(of=("self",))
                .select_related("contact")
                .get(pk=pk)
            )
            if getattr(file, field) is not None:
                continue
            setattr(file, field, today)
            file.save(update_fields=[field])
            row = event(file, action, note=note)
            phone = getattr(file.contact, "phone", "") if file.contact_id else ""
            if sms and phone:  # the contact person's inbox + SMS after commit, once per flag
                notify(
                    "file_due",
                    phone=phone,
                    params={"number": file.number, "note": note},
                    dedupe_key=f"file-event:{row.pk}",
                )
            flagged += 1
    return flagged


@task()
def hardship_tick(sms: bool = False) -> dict:
    """Flag overdue visits and due yearly reviews once per period (an event in the file's
    history; the queues show them), and conclude 公示 that ended without open objections."""
    today = timezone.localdate()
    registered = HardshipFile.objects.filter(status=FileStatus.REGISTERED)
    with acting_as("task:hardship_tick"):  # its 公示 conclusions are state changes
        return {
            "visits": _flag(
                registered.filter(visit_due_on__lt=today, visit_flagged_on=None),
                "visit_flagged_on",
                "visit_overdue",
                _("走访超期，请联系人尽快走访"),
                today,
                sms,
            ),
            "reviews": _flag(
                registered.filter(review_due_on__lte=today, review_flagged_on=None),
                "review_flagged_on",
                "review_due",
                _("已到年度复核时间"),
                today,
                sms,
            ),
            "concluded": conclude_expired_publicity(today),
        }
