"""Public 公示 pages without login: a campaign's published list (names masked) and the
objection forms, for a hardship application in 公示 and for a person on a campaign's list.
The objector leaves an optional name, a required phone (stored encrypted, shown masked to
staff) and the text; every submission counts against ``ratelimit`` scope
``assistance.objection`` (per client IP and per phone). Outside the 公示 window a submission
is refused (409); something that was never on a public list is absent (404)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core import ratelimit
from gonghui.core.masking import mask_name
from gonghui.core.validators import normalize_phone

from . import services_flow
from .campaigns import objections as campaign_objections
from .models import Application, State
from .services import Conflict

FIELDS = ("raised_by", "contact_phone", "content")


@require_GET
def campaign_notice(request, campaign_id: int):
    campaign = campaign_objections.publicity_campaigns().filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return render(
        request,
        "assistance/h5/campaign_notice.html",
        {"campaign": campaign, "rows": campaign_objections.publicity_list(campaign)},
    )


def _limit(request) -> None:
    raw = str(request.POST.get("contact_phone") or "").strip()
    try:
        target = normalize_phone(raw)
    except ValidationError:
        target = raw  # refused by the service anyway; the IP still counts
    ratelimit.check(request, "assistance.objection", target=target or None)


def _form(request, *, subject: dict, submit):
    """GET: the form; POST: rate limit, then ``submit(data)`` (the service)."""
    ctx = {"subject": subject, "data": {}, "errors": {}, "refused": ""}
    status = 200
    if request.method == "POST":
        data = {f: request.POST.get(f, "") for f in FIELDS}
        ctx["data"] = data
        try:
            _limit(request)
            submit(data)
        except ratelimit.RateLimited as exc:
            return ratelimit.too_many_page(request, exc)
        except ValidationError as exc:
            ctx["errors"], status = exc.message_dict, 400
        except Conflict as exc:
            ctx["refused"], status = str(exc), 409
        else:
            return render(request, "assistance/h5/objection_done.html", {"subject": subject})
    return render(request, "assistance/h5/objection.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
def file_objection(request, application_id: int):
    """An objection to a hardship application in 公示."""
    app = (
        Application.objects.select_related("file__org", "file__primary_worker")
        .filter(pk=application_id, state=State.PUBLICITY)
        .first()
    )
    if app is None:
        raise Http404
    subject = {
        "name": mask_name(app.file.primary_worker.name),
        "org": app.file.org.name,
        "what": app.get_kind_display(),
        "start": app.publicity_start,
        "end": app.publicity_end,
    }

    def submit(data):
        services_flow.record_objection(application_id=app.pk, user=None, **data)

    return _form(request, subject=subject, submit=submit)


@require_http_methods(["GET", "POST"])
def campaign_objection(request, beneficiary_id: int):
    """An objection to a person on a campaign's 公示 list."""
    b = campaign_objections.public_beneficiary(beneficiary_id)
    c = b.campaign
    subject = {
        "name": b.masked_name,
        "org": b.org.name,
        "what": c.title,
        "start": c.publicity_start,
        "end": c.publicity_end,
        "campaign": c,
    }

    def submit(data):
        campaign_objections.record_objection(beneficiary_id=b.pk, data=data)

    return _form(request, subject=subject, submit=submit)
