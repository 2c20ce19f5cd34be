"""The one table of how a hardship file's history entries are named on screen (the stored
``FileEvent.action`` keys stay English; people read these)."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "submit": _("提交申请"),
    "verify": _("核实通过"),
    "correct": _("更正申报数据"),
    "approve": _("审核通过，进入公示"),
    "reject": _("驳回"),
    "conclude": _("公示期满，办结"),
    "objection": _("收到异议"),
    "objection_resolved": _("异议处理"),
    "duplicate_attempt": _("重复建档拦截"),
    "duplicate_held": _("家庭成员重复，暂缓办理"),
    "duplicate_cleared": _("家庭成员重复已消除"),
    "assign": _("分配社工"),
    "contact": _("指定联系人"),
    "visit": _("走访"),
    "call": _("跟踪回访"),
    "import": _("历史档案导入"),
    "visit_overdue": _("走访超期"),
    "review_due": _("年度复核到期"),
}


def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, _("其他记录")))
