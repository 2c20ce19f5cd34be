"""实名登记 pages: the worker's H5 form at /me/register/ and the console queue where the
street/district union confirms stated memberships and settles claims on known records."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.orgs.selectors import children, districts

from . import privacy, selectors, services
from .consent_texts import consent_text
from .decorators import staff_required
from .models import ConsentPurpose, EmploymentForm
from .scope import require_scope
from .worker_session import current_account, login_url

FIELDS = (
    "name",
    "id_number",
    "employer_name",
    "employer_credit_code",
    "employment_form",
    "district",
    "street",
    "member",
    "member_since",
)


def _places():
    """Districts with their streets/townships, by name, for the two selects."""
    return [
        (d, list(children(d).filter(type__in=services.STREET_TYPES, is_active=True)))
        for d in districts()
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def register(request):
    """The worker's own 实名登记 (SMS login first)."""
    account = current_account(request)
    if account is None:
        return redirect(login_url(reverse("registration:register")))
    state = selectors.registration_of(account)
    if state["status"] != "none":
        return render(request, "people/h5/registered.html", {"state": state})
    data, errors, status = {}, {}, 200
    if request.method == "POST":
        data = {f: request.POST.get(f, "").strip() for f in FIELDS}
        if request.POST.get("consent") == "1":  # the consent box on the form, never pre-ticked
            privacy.grant_consent(account, ConsentPurpose.SENSITIVE_ID, request=request)
        try:
            services.register_self(account, data, request=request)
        except ValidationError as exc:
            errors, status = exc.message_dict, 400
        else:
            # One page for every outcome: it never tells whether the number was on file.
            return render(
                request,
                "people/h5/registered.html",
                {"state": {"status": "submitted"}, "detail": services.registration_received()},
            )
    context = {
        "data": data,
        "errors": errors,
        "general_errors": errors.get("__all__", []),
        "forms": EmploymentForm.choices,
        "places": _places(),
        "consent_given": privacy.has_consent(account, ConsentPurpose.SENSITIVE_ID),
        "consent_text": consent_text(ConsentPurpose.SENSITIVE_ID),
        "consent_page": privacy.CONSENT_PAGE,
    }
    return render(request, "people/h5/register.html", context, status=status)


# --- console queue ---------------------------------------------------------------------------


@staff_required
def queue(request):
    """Stated memberships and claims waiting at unions in the user's scope."""
    require_scope(request.user, "workers.confirm")
    context = {
        "memberships": selectors.pending_memberships(request.user)[:200],
        "claims": selectors.open_claims(request.user)[:200],
    }
    return render(request, "console/workers/registrations.html", context)


DONE = {
    "confirm": gettext_lazy("已确认会员身份"),
    "reject": gettext_lazy("已驳回"),
    "link": gettext_lazy("已关联到职工档案"),
}


def _act(request, review, **kwargs):
    try:
        review(user=request.user, request=request, **kwargs)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, str(DONE[kwargs["action"]]))
    return redirect("registration:queue")


@staff_required
@require_POST
def membership_action(request, worker_id: int, action: str):
    require_scope(request.user, "workers.confirm")
    if action not in services.MEMBERSHIP_TRANSITIONS:
        raise Http404
    return _act(request, services.review_membership, worker_id=worker_id, action=action)


@staff_required
@require_POST
def claim_action(request, claim_id: int, action: str):
    require_scope(request.user, "workers.confirm")
    if action not in services.CLAIM_TRANSITIONS:
        raise Http404
    return _act(request, services.review_claim, claim_id=claim_id, action=action)
