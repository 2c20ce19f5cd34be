"""What the worker app shows: the home tiles and the 我的 overview, read from each app's
selectors (the portal is the last app; it owns no business rules)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gonghui.assistance.campaigns.selectors import worker_payments
from gonghui.assistance.selectors import worker_applications
from gonghui.core.masking import mask_id_number, mask_name, mask_phone
from gonghui.honors.selectors import has_roll, worker_honors
from gonghui.hotline.selectors import worker_appeals
from gonghui.people.privacy import consents_of
from gonghui.people.selectors import registration_of
from gonghui.services.health.selectors import worker_bookings
from gonghui.services.selectors import worker_enrollments

RECENT = 5  # rows per section on 我的; each section links to its full list


def _tile(key: str, label: str, hint: str, url: str) -> dict:
    return {"key": key, "label": label, "hint": hint, "url": url}


def home_tiles(account) -> list[dict]:
    """The tiles on the worker home, in the order workers use them most."""
    tiles = [
        _tile("stations", _("找驿站"), _("附近的暖心驿站"), reverse("stations:finder")),
        _tile("appeal", _("我要反映"), _("12351 职工热线"), reverse("h5:new")),
        _tile("services", _("普惠服务"), _("报名参加服务项目"), reverse("services:catalog")),
        _tile("health", _("免费体检"), _("新就业形态劳动者"), reverse("health:index")),
        _tile("aid", _("困难帮扶"), _("申请困难职工帮扶"), reverse("assistance:index")),
    ]
    if has_roll():
        tiles.append(_tile("honors", _("荣誉榜"), _("评选表彰光荣榜"), reverse("honors:roll")))
    lookup = reverse("h5:appeals") if account else reverse("h5:lookup")
    tiles.append(_tile("lookup", _("查询诉求"), _("办理进度与评价"), lookup))
    return tiles


def profile_of(account) -> dict:
    """The signed-in worker's profile, masked (the full record is in the data export)."""
    worker = account.worker
    row = {"phone": mask_phone(account.phone), "registration": registration_of(account)}
    if worker is not None:
        row.update(
            name=mask_name(worker.name),
            id_number=mask_id_number(worker.id_number),
            union_org=worker.union_org.name,
            employment_form=worker.get_employment_form_display(),
            membership=worker.get_membership_status_display() if worker.membership_status else "",
        )
    return row


def overview(account) -> dict:
    """我的: the worker's recent appeals, enrollments, health bookings, aid, honours and
    consents; sections needing a worker record are empty until 实名登记 is done."""
    worker = account.worker
    data = {
        "profile": profile_of(account),
        "appeals": list(worker_appeals(account).order_by("-created_at")[:RECENT]),
        "consents": consents_of(account),
        "enrollments": [],
        "bookings": [],
        "applications": [],
        "payments": [],
        "honours": [],
    }
    if worker is not None:
        data.update(
            enrollments=list(worker_enrollments(worker)[:RECENT]),
            bookings=list(worker_bookings(worker).order_by("-day__date", "-id")[:RECENT]),
            applications=list(worker_applications(worker)[:RECENT]),
            payments=list(worker_payments(worker)[:RECENT]),
            honours=worker_honors(worker)[:RECENT],
        )
    return data
