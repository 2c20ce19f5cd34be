"""个人信息授权 H5 pages for the worker: the three separate consents (grant / withdraw), the
download of my data (JSON, Excel; audited) and the deletion request. Same services as the
API (``privacy``, ``my_data``, ``deletion``); SMS login through ``worker_session``."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core.errors import Conflict
from gonghui.core.excel import xlsx_response

from . import deletion, my_data, privacy
from .models import ConsentPurpose, DeletionRequest, Worker
from .worker_session import current_account, linked_worker, worker_login_required

NO_WORKER = gettext_lazy("尚未关联职工档案，请先完成实名登记")


def _no_worker(request):
    messages.error(request, str(NO_WORKER))
    return redirect("registration:privacy")


@never_cache
@require_http_methods(["GET", "POST"])
@worker_login_required
def privacy_page(request):
    """The three consents with their text, version and my grant; POST grants or withdraws."""
    account = current_account(request)
    if request.method == "POST":
        purpose = request.POST.get("purpose", "")
        action = request.POST.get("action", "")
        if purpose not in ConsentPurpose.values or action not in ("grant", "withdraw"):
            messages.error(request, _("无效的操作，请重试"))
            return redirect("registration:privacy")
        label = ConsentPurpose(purpose).label
        if action == "grant":
            privacy.grant_consent(account, purpose, request=request)
            messages.success(request, _("已同意处理您的%s") % label)
        elif privacy.withdraw_consent(account, purpose, request=request) is None:
            messages.info(request, _("您此前未同意处理%s，无需撤回") % label)
        else:
            messages.success(
                request,
                _("已撤回对%s的同意。已办理的事项不受影响，新的需要该信息的申请将不再在线受理。")
                % label,
            )
        return redirect("registration:privacy")
    worker = linked_worker(account)
    context = {
        "consents": privacy.consents_of(account),
        "has_worker": worker is not None,
    }
    return render(request, "people/h5/privacy.html", context)


def _export(request):
    """``(data, None)`` or ``(None, redirect)`` when there is no worker record."""
    account = current_account(request)
    linked_worker(account)
    try:
        return my_data.export_of(account, request=request), None
    except Worker.DoesNotExist:
        return None, _no_worker(request)


def _attachment(response, filename: str):
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@never_cache
@require_GET
@worker_login_required
def export_json(request):
    """All my data as a JSON file (my own 身份证号 and phone in full); audited."""
    data, refused = _export(request)
    if refused:
        return refused
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _attachment(response, "my-data.json")


@never_cache
@require_GET
@worker_login_required
def export_xlsx(request):
    """The same as an Excel file, one sheet per section; audited."""
    data, refused = _export(request)
    if refused:
        return refused
    return xlsx_response(my_data.xlsx_bytes(data), "my-data.xlsx")


@never_cache
@require_http_methods(["GET", "POST"])
@worker_login_required
def deletion_page(request):
    """Ask for my personal information to be deleted; shows the open (or last) request."""
    account = current_account(request)
    worker = linked_worker(account)
    if worker is None:
        return _no_worker(request)
    reason, errors, status = "", [], 200
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            deletion.request_deletion(account, reason, request=request)
        except Conflict:
            messages.info(request, _("您已有一份正在处理的删除申请，请等待工会处理"))
            return redirect("registration:privacy-deletion")
        except ValidationError as exc:
            errors, status = exc.messages, 400
        else:
            messages.success(
                request,
                _(
                    "已收到您的删除申请。所属工会核实后将删除可识别您身份的信息；法律规定需保存的"
                    "办结记录和不含身份信息的统计数据将予以保留。"
                ),
            )
            return redirect("registration:privacy-deletion")
    latest = DeletionRequest.objects.filter(worker=worker).order_by("-created_at", "-id").first()
    context = {"latest": latest, "reason": reason, "errors": errors}
    return render(request, "people/h5/deletion.html", context, status=status)
