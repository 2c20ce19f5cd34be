"""The message events: one table of what each event is called, which ``{placeholders}`` its
template may use, whether it is essential (cannot be opted out) and its default text.

The data migration ``0002`` seeds ``MessageTemplate`` from a frozen copy of ``DEFAULTS``;
admins edit the texts afterwards in Django admin.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    APPEAL_RECEIVED = "appeal_received", _("诉求已受理")
    APPEAL_DISPATCHED = "appeal_dispatched", _("诉求已派单")
    APPEAL_RESOLVED = "appeal_resolved", _("诉求已办结")
    APPEAL_CALLBACK = "appeal_callback", _("诉求待回访评价")
    WAITLIST_PROMOTED = "waitlist_promoted", _("候补转为正式名额")
    HEALTH_BOOKED = "health_booked", _("体检预约成功")
    HEALTH_REMINDER = "health_reminder", _("明日体检提醒")
    AID_DECIDED = "aid_decided", _("帮扶申请有结果")
    PAYMENT_MADE = "payment_made", _("帮扶款已发放")
    FILE_DUE = "file_due", _("困难职工档案走访/复核提醒")


# event -> the placeholders its template may use
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    Event.APPEAL_RECEIVED: ("number", "title"),
    Event.APPEAL_DISPATCHED: ("number", "title", "org"),
    Event.APPEAL_RESOLVED: ("number", "title", "reply"),
    Event.APPEAL_CALLBACK: ("number", "title", "days"),
    Event.WAITLIST_PROMOTED: ("project", "session", "starts"),
    Event.HEALTH_BOOKED: ("date", "hospital", "address"),
    Event.HEALTH_REMINDER: ("date", "hospital", "address"),
    Event.AID_DECIDED: ("kind", "result", "reason"),
    Event.PAYMENT_MADE: ("campaign", "amount", "date"),
    Event.FILE_DUE: ("number", "note"),
}

# Events the worker cannot switch off (money, places and decisions about them).
ESSENTIAL = frozenset(
    {
        Event.APPEAL_RECEIVED,
        Event.APPEAL_RESOLVED,
        Event.WAITLIST_PROMOTED,
        Event.HEALTH_BOOKED,
        Event.AID_DECIDED,
        Event.PAYMENT_MADE,
    }
)

# event -> (title, body, sms_enabled); the seed texts (the migration keeps its own copy)
DEFAULTS: dict[str, tuple[str, str, bool]] = {
    Event.APPEAL_RECEIVED: (
        "您的诉求已受理",
        "您反映的“{title}”已受理，编号{number}。我们将尽快办理，可凭编号查询进度。",
        True,
    ),
    Event.APPEAL_DISPATCHED: (
        "您的诉求已派单",
        "您的诉求{number}已派至{org}办理，办理单位将尽快与您联系。",
        True,
    ),
    Event.APPEAL_RESOLVED: (
        "您的诉求已办结",
        "您的诉求{number}已办结。办理结果：{reply}",
        True,
    ),
    Event.APPEAL_CALLBACK: (
        "请对诉求办理情况进行评价",
        "您的诉求{number}已办结，工作人员将对您进行回访。您也可以在{days}天内登录评价办理情况。",
        True,
    ),
    Event.WAITLIST_PROMOTED: (
        "候补成功，名额已为您保留",
        "您候补的“{project}”（{starts}）已转为正式报名，请准时参加；如不能参加请及时取消。",
        True,
    ),
    Event.HEALTH_BOOKED: (
        "体检预约成功",
        "您已预约{date}在{hospital}（{address}）的免费体检，请携带身份证按时到检。如需取消，请在工会服务平台操作。",
        True,
    ),
    Event.HEALTH_REMINDER: (
        "明日体检提醒",
        "提醒：您已预约明天（{date}）在{hospital}（{address}）的免费体检，请空腹并携带身份证按时到检。",
        True,
    ),
    Event.AID_DECIDED: (
        "您的帮扶申请有结果了",
        "您的{kind}{result}。{reason}",
        True,
    ),
    Event.PAYMENT_MADE: (
        "帮扶款已发放",
        "{campaign}帮扶款{amount}元已于{date}发放，请注意查收。",
        True,
    ),
    Event.FILE_DUE: (  # to the file's contact person (seeded by migration 0003)
        "档案提醒",
        "困难职工档案{number}：{note}",
        True,
    ),
}


def allowed_placeholders(event: str) -> tuple[str, ...]:
    return PLACEHOLDERS.get(event, ())
