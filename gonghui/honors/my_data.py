"""The worker's nominations and honours in their own-data export (``HonorsConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from gonghui.people.my_data import iso_date

from .models import Nomination, State

LABELS = {
    "title": _("荣誉称号"),
    "organiser": _("组织单位"),
    "year": _("年度"),
    "nominating_org": _("推荐单位"),
    "status": _("状态"),
    "awarded_on": _("表彰日期"),
}


def honour_rows(worker) -> list[dict]:
    """Every nomination of the worker that left the draft stage, with its outcome."""
    rows = (
        Nomination.objects.filter(worker=worker)
        .exclude(state=State.DRAFT)
        .select_related("program__organiser", "nominating_org")
    )
    return [
        {
            "title": n.program.title,
            "organiser": n.program.organiser.name,
            "year": n.program.year,
            "nominating_org": n.nominating_org.name,
            "status": str(State(n.state).label),
            "awarded_on": iso_date(n.awarded_on),
        }
        for n in rows.order_by("program__year", "id")
    ]
