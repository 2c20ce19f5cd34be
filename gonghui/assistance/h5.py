"""Worker H5 pages at /assistance/: the worker's own file and application status, the entry
application form (household members, income, rigid expenses, causes, exclusions, documents)
and the public 公示 list with masked names (its objection forms: ``public_objections``).
Login: the worker app's one SMS login."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.people.consent_texts import consent_text
from gonghui.people.models import ConsentPurpose
from gonghui.people.privacy import CONSENT_PAGE, grant_consent, has_consent
from gonghui.people.worker_session import current_account, linked_worker, login_url

from . import documents, selectors
from .campaigns import objections as campaign_objections
from .models import Cause, ExclusionRule, ExpenseKind, HardshipFile, Relation
from .services import Conflict, submit_entry

MEMBER_ROWS = 5


def _login(path: str):
    return redirect(login_url(path))


def _account_and_worker(request):
    account = current_account(request)
    return account, linked_worker(account)


@require_GET
def index(request):
    account, worker = _account_and_worker(request)
    if account is None:
        return _login(reverse("assistance:index"))
    files = (
        HardshipFile.objects.filter(primary_worker=worker).prefetch_related("applications")
        if worker
        else []
    )
    return render(request, "assistance/h5/index.html", {"worker": worker, "files": files})


def _form_data(post) -> dict:
    members = []
    for i in range(MEMBER_ROWS):
        name = post.get(f"m{i}_name", "").strip()
        number = post.get(f"m{i}_id", "").strip()
        if name or number:
            members.append(
                {"name": name, "relation": post.get(f"m{i}_rel", "other"), "id_number": number}
            )
    return {
        "members": members,
        "annual_income": post.get("annual_income", ""),
        "expenses": {k: post.get(f"exp_{k}", "") for k in ExpenseKind.values},
        "causes": post.getlist("causes"),
        "cause_note": post.get("cause_note", ""),
        "accident": post.get("accident") == "on",
        "exclusions": post.getlist("exclusions"),
    }


@require_http_methods(["GET", "POST"])
def apply(request):
    account, worker = _account_and_worker(request)
    if account is None:
        return _login(reverse("assistance:apply"))
    if worker is None:
        return render(request, "services/h5/no_worker.html", {"account": account}, status=403)
    ctx = {
        "worker": worker,
        "rows": range(MEMBER_ROWS),
        "relations": [(v, label) for v, label in Relation.choices if v != Relation.SELF],
        "expense_kinds": ExpenseKind.choices,
        "causes": Cause.choices,
        "exclusions": ExclusionRule.objects.filter(active=True),
        "post": request.POST,
        "consent_given": has_consent(account, ConsentPurpose.INCOME),
        "consent_text": consent_text(ConsentPurpose.INCOME),
        "consent_page": CONSENT_PAGE,
    }
    if request.method == "GET":
        return render(request, "assistance/h5/apply.html", ctx)
    status = 400
    try:
        uploads = request.FILES.getlist("documents")
        documents.check_all(uploads)
        if request.POST.get("consent") == "1":  # the consent box on the form, never pre-ticked
            grant_consent(account, ConsentPurpose.INCOME, request=request)
            ctx["consent_given"] = True
        app = submit_entry(worker=worker, data=_form_data(request.POST), account=account)
        documents.attach_all(app, uploads)
        return redirect("assistance:application", application_id=app.pk)
    except ValidationError as exc:
        ctx["errors"] = [
            m for ms in getattr(exc, "message_dict", {"": exc.messages}).values() for m in ms
        ]
    except (Conflict, PermissionDenied) as exc:
        ctx["errors"], status = [str(exc)], 409
    return render(request, "assistance/h5/apply.html", ctx, status=status)


@require_GET
def application(request, application_id: int):
    account, worker = _account_and_worker(request)
    if account is None:
        return _login(request.get_full_path())
    app = (
        selectors.Application.objects.select_related("file", "file__org")
        .filter(pk=application_id, file__primary_worker=worker)
        .first()
        if worker
        else None
    )
    if app is None:
        return render(
            request,
            "assistance/h5/index.html",
            {"worker": worker, "files": [], "errors": [_("未找到该申请")]},
            status=404,
        )
    return render(request, "assistance/h5/application.html", {"app": app})


@require_GET
def notice(request):
    """The public 公示: names masked, union, category, the notice period, a link to object;
    and the aid campaigns whose lists are in 公示."""
    return render(
        request,
        "assistance/h5/notice.html",
        {
            "rows": selectors.in_publicity(),
            "campaigns": campaign_objections.publicity_campaigns(),
        },
    )
