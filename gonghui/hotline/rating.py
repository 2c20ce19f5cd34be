"""The worker's own rating of a resolved appeal (H5 page and API): it is the appeal's callback."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.errors import Conflict

from .models import Appeal, AppealEvent, ResolvedResult, Satisfaction
from .selectors import rating_state, worker_appeals
from .services import _callback
from .states import TRANSITIONS


def _clean_rating(data: dict) -> dict:
    """The worker's answers: both choices required (no default answer), comment ≤ 500 chars."""
    errors: dict[str, list[str]] = {}
    resolved = str(data.get("resolved") or "").strip()
    satisfaction = str(data.get("satisfaction") or "").strip()
    comment = str(data.get("comment") or "").strip()
    if not resolved:
        errors["resolved"] = [_("请选择问题是否解决")]
    elif resolved not in ResolvedResult.values:
        errors["resolved"] = [_("解决情况应为：%s") % ", ".join(ResolvedResult.values)]
    if not satisfaction:
        errors["satisfaction"] = [_("请选择满意度")]
    elif satisfaction not in Satisfaction.values:
        errors["satisfaction"] = [_("满意度应为：%s") % ", ".join(Satisfaction.values)]
    if len(comment) > 500:
        errors["comment"] = [_("意见不能超过500字")]
    if errors:
        raise ValidationError(errors)
    return {"resolved": resolved, "satisfaction": satisfaction, "comment": comment}


def worker_rate(*, account, appeal_id, data: dict) -> Appeal:
    """The worker answers the callback themselves (contacted = yes): once per appeal, within
    ``HOTLINE_RATING_DAYS`` of the resolution; checked under the appeal's row lock."""

    with transaction.atomic():
        appeal = worker_appeals(account).select_for_update().filter(pk=appeal_id).first()
        if appeal is None:
            raise Http404("appeal")
        state = rating_state(appeal, timezone.now())
        if state == "rated":
            raise Conflict(_("您已评价过该诉求，每件诉求只能评价一次"))
        if state == "not_yet":
            raise Conflict(_("诉求办结后才能评价"))
        if state == "expired":
            raise Conflict(_("已超过评价期限（办结后%d天内可评价）") % settings.HOTLINE_RATING_DAYS)
        answers = _clean_rating(data)
        before = appeal.status
        _callback(appeal, None, {**answers, "contacted": True})
        appeal.status = TRANSITIONS["callback"].target
        appeal.worker_rated_at = appeal.callback_at
        appeal.worker_rated_by = account.get_username()[:100]
        appeal.worker_comment = answers["comment"]
        appeal.version += 1
        appeal.save()
        AppealEvent.objects.create(
            appeal=appeal,
            action="callback",
            from_status=before,
            to_status=appeal.status,
            actor_label=account.get_username(),
            note=_("职工自评：%s") % Satisfaction(appeal.callback_satisfaction).label,
        )
    return appeal
