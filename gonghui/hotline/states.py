"""The appeal state machine: one table of allowed transitions.

action -> (statuses it may start from, resulting status or None to keep the status,
           permission needed, where the permission is checked: "responsible" org or "district")
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from .models import Status as S

ACTIVE = frozenset({S.RECEIVED, S.DISPATCHED, S.ACCEPTED, S.CONTACTED, S.RETURNED})


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str | None  # None: status unchanged
    permission: str
    at: str  # "responsible": the responsible org must be in scope; "appeal": the appeal


TRANSITIONS: dict[str, Transition] = {
    # 派单 / 改派 (after a 退单)
    "dispatch": Transition(frozenset({S.RECEIVED, S.RETURNED}), S.DISPATCHED, "hotline.dispatch", "appeal"),
    # 签收
    "accept": Transition(frozenset({S.DISPATCHED}), S.ACCEPTED, "hotline.handle", "responsible"),
    # 联系诉求人 (starts meeting the response deadline)
    "contact": Transition(frozenset({S.ACCEPTED}), S.CONTACTED, "hotline.handle", "responsible"),
    # 办结
    "resolve": Transition(frozenset({S.CONTACTED}), S.RESOLVED, "hotline.handle", "responsible"),
    # 退单: wrong unit, back to the dispatcher
    "return": Transition(frozenset({S.DISPATCHED, S.ACCEPTED}), S.RETURNED, "hotline.handle", "responsible"),
    # 延期
    "request_extension": Transition(frozenset({S.ACCEPTED, S.CONTACTED}), None, "hotline.handle", "responsible"),
    "approve_extension": Transition(frozenset({S.ACCEPTED, S.CONTACTED}), None, "hotline.dispatch", "appeal"),
    # 回访
    "callback": Transition(frozenset({S.RESOLVED}), S.CALLBACK_DONE, "hotline.dispatch", "appeal"),
    # 重办 after an unsatisfied / unresolved callback: back to the responsible org
    "reopen": Transition(frozenset({S.CALLBACK_DONE}), S.DISPATCHED, "hotline.dispatch", "appeal"),
    # 归档
    "close": Transition(frozenset({S.CALLBACK_DONE}), S.CLOSED, "hotline.dispatch", "appeal"),
    # 合并 a duplicate into a main appeal
    "merge": Transition(ACTIVE, S.MERGED, "hotline.dispatch", "appeal"),
    # 督办
    "supervise": Transition(ACTIVE | {S.RESOLVED}, None, "hotline.dispatch", "appeal"),
}  # fmt: skip

ACTIONS = tuple(TRANSITIONS)


def allowed_actions(status: str) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if status in t.sources]


# What each action (and timeline event) is called on pages and in the API.
ACTION_LABELS = {  # lazy: evaluated in the request's language
    "create": gettext_lazy("受理"),
    "direct_answer": gettext_lazy("直接答复"),
    "dispatch": gettext_lazy("派单"),
    "accept": gettext_lazy("签收"),
    "contact": gettext_lazy("联系诉求人"),
    "resolve": gettext_lazy("办结"),
    "return": gettext_lazy("退单"),
    "request_extension": gettext_lazy("申请延期"),
    "approve_extension": gettext_lazy("批准延期"),
    "callback": gettext_lazy("回访"),
    "reopen": gettext_lazy("重办"),
    "close": gettext_lazy("归档"),
    "merge": gettext_lazy("合并"),
    "merged_in": gettext_lazy("被合并"),
    "supervise": gettext_lazy("督办"),
    "overdue": gettext_lazy("超期"),
}
