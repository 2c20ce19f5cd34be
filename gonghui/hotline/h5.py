"""Worker H5 pages (mobile): SMS login, file an appeal, follow it, rate it; anonymous lookup.

Workers are not Django users: after the SMS code the session remembers their
``WorkerAccount``. Everything goes through the same services as the API.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gonghui.core import ratelimit
from gonghui.core.validators import normalize_phone
from gonghui.orgs.selectors import districts
from gonghui.people import auth, worker_session
from gonghui.people.worker_session import current_account, login_url

from . import rating, selectors, services
from .forms import category_choices
from .models import AppealType, ResolvedResult, Satisfaction


def _timeline(appeal):
    return appeal.events.filter(internal=False).order_by("created_at", "id")


def login(request):
    """The worker app's one SMS login; afterwards back to ``?next=`` or the appeal list."""
    return worker_session.login(request, default_next=reverse("h5:appeals"))


logout = worker_session.logout


def appeals(request):
    account = current_account(request)
    if account is None:
        return redirect(login_url(request.get_full_path()))
    return render(request, "h5/appeals.html", {"appeals": selectors.worker_appeals(account)})


@require_http_methods(["GET", "POST"])
def new_appeal(request):
    """File an appeal: logged-in workers (channel app) or anyone (web form, phone required)."""
    account = current_account(request)
    errors = {}
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in ("type", "category", "district", "content")}
        phone = account.phone if account else request.POST.get("contact_phone", "")
        data.update(contact_name=request.POST.get("contact_name", ""), contact_phone=phone)
        try:
            if account is None:
                services.limit_anonymous_intake(request, phone)
            appeal, _created = services.create_appeal(
                actor=request.user,
                data=data,
                worker_account=account,
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except ratelimit.RateLimited as exc:
            return ratelimit.too_many_page(request, exc)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            if account is None:
                return render(request, "h5/submitted.html", {"appeal": appeal})
            return redirect("h5:appeal", appeal_id=appeal.pk)
    return render(
        request,
        "h5/new.html",
        {
            "types": AppealType.choices,
            "categories": category_choices(),
            "districts": districts(),
            "errors": errors,
            "data": request.POST,
            "anonymous": account is None,
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def appeal(request, appeal_id: int):
    account = current_account(request)
    if account is None:
        return redirect(login_url(request.get_full_path()))
    item = selectors.worker_appeals(account).filter(pk=appeal_id).first()
    if item is None:
        raise Http404
    error, errors, answers = "", {}, {}
    if request.method == "POST":
        answers = {k: request.POST.get(k, "") for k in ("resolved", "satisfaction", "comment")}
        try:
            item = rating.worker_rate(account=account, appeal_id=item.pk, data=answers)
        except services.Conflict as exc:
            error = str(exc)
            item.refresh_from_db()
        except ValidationError as exc:
            errors = exc.message_dict
            error = _("请检查填写内容")
        else:
            return redirect("h5:appeal", appeal_id=item.pk)
    state = selectors.rating_state(item)
    return render(
        request,
        "h5/appeal.html",
        {
            "appeal": item,
            "events": _timeline(item),
            "labels": services.ACTION_LABELS,
            "can_rate": state == "open",
            "rating_expired": state == "expired",
            "rating_deadline": selectors.rating_deadline(item),
            "rating_days": settings.HOTLINE_RATING_DAYS,
            "resolved_choices": ResolvedResult.choices,
            "satisfaction_choices": Satisfaction.choices,
            "answers": answers,
            "errors": errors,
            "error": error,
        },
        status=400 if errors else 409 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def lookup(request):
    """Anonymous: number + phone + SMS code."""
    ctx = {"data": request.POST}
    if request.method == "POST":
        number = request.POST.get("number", "").strip()
        try:
            phone = normalize_phone(request.POST.get("phone", ""))
            if not request.POST.get("code"):
                auth.request_sms_code(phone, request)
                ctx["step"] = "code"
                return render(request, "h5/lookup.html", ctx)
            auth.consume_sms_code(phone, request.POST["code"])
        except ValidationError as exc:
            ctx["error"] = exc.messages[0]
            return render(request, "h5/lookup.html", ctx, status=400)
        except auth.AuthFailed as exc:
            ctx["error"] = exc.detail
            ctx["step"] = "code"
            return render(request, "h5/lookup.html", ctx, status=exc.status)
        found = selectors.appeal_by_number_and_phone(number, phone)
        if found is None:
            ctx["error"] = _("未找到该手机号提交的此编号诉求")
            return render(request, "h5/lookup.html", ctx, status=404)
        ctx.update(appeal=found, events=_timeline(found), labels=services.ACTION_LABELS)
    return render(request, "h5/lookup.html", ctx)
