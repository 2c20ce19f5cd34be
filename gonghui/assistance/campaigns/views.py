"""Console pages for aid campaigns at /console/assistance/campaigns/: the scoped list, a
campaign's page (budget, standards, reconciliation, actions, lists by union with masked
people, conflicts, payments and batches), list generation and editing, issuing payments,
the masked batch export, the bank result import with its row report, and statistics."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.excel import ImportRejected, SheetError, xlsx_response
from gonghui.core.validators import error_text
from gonghui.orgs.forms import OrgField, bind_orgs
from gonghui.orgs.selectors import get_by_code
from gonghui.people.decorators import staff_required
from gonghui.people.scope import require_scope, scope_for

from ..models import BeneficiaryStatus, CampaignKind, CampaignStatus
from ..services import Conflict
from . import bank_import
from . import objections as campaign_objections
from . import payments as campaign_payments
from . import selectors as sel
from . import services as campaigns


def _view_scope(user):
    return require_scope(user, "campaigns.view")


def _refused(request, campaign, exc):
    if isinstance(exc, ValidationError):
        message, status = error_text(exc), 400
    elif isinstance(exc, PermissionDenied):
        message, status = str(exc) or _("无权进行此操作"), 403
    else:
        message, status = str(exc), 409
    return render(
        request,
        "console/assistance/campaigns/refused.html",
        {"campaign": campaign, "message": message},
        status=status,
    )


@staff_required
def campaign_list(request):
    _view_scope(request.user)
    g = request.GET
    try:
        year = int(g.get("year") or 0) or None
    except ValueError:
        year = None
    qs = sel.search_campaigns(
        request.user, kind=g.get("kind", ""), year=year, status=g.get("status", "")
    )
    return render(
        request,
        "console/assistance/campaigns/list.html",
        {
            "page": Paginator(qs, 30).get_page(g.get("page")),
            "kinds": CampaignKind.choices,
            "statuses": CampaignStatus.choices,
            "can_create": bool(scope_for(request.user, "campaigns.manage")),
        },
    )


@staff_required
def campaign_detail(request, campaign_id: int):
    _view_scope(request.user)
    user = request.user
    c = sel.get_visible_campaign(user, campaign_id)
    bens = sel.search_beneficiaries(user, c, org=request.GET.get("org", "").strip())
    manage_orgs = [
        o
        for o in scope_for(user, "campaigns.manage")
        .orgs()
        .filter(path__startswith=c.organiser.path)
    ][:50]
    return render(
        request,
        "console/assistance/campaigns/detail.html",
        {
            "c": c,
            "actions": campaigns.allowed_actions(user, c),
            "can_edit": campaigns.can_manage(user, c) and c.status != CampaignStatus.CLOSED,
            "recon": sel.reconciliation(user, c),
            "page": Paginator(bens, 50).get_page(request.GET.get("page")),
            "conflicts": sel.list_conflicts(user, c),
            "payments": sel.visible_payments(user, c).order_by("-id")[:50],
            "batches": campaign_payments.visible_batches(user, c),
            "manage_orgs": manage_orgs,
            "standards": c.standards.all(),
            "budget": c.budget_lines.select_related("partner"),
            "can_manage_list": bool(manage_orgs),
            "lists_open": c.status == CampaignStatus.LISTS_OPEN,
            "accounts_open": c.status in (CampaignStatus.LISTS_OPEN, CampaignStatus.APPROVED),
            "payable": c.status == CampaignStatus.APPROVED,
            "removed": BeneficiaryStatus.REMOVED,
            **_objection_context(user, c),
        },
    )


def _objection_context(user, c) -> dict:
    running = campaign_objections.in_publicity(c)
    listed = sel.visible_beneficiaries(user, c).filter(status=BeneficiaryStatus.APPROVED)
    return {
        "objections": campaign_objections.visible_objections(user, c),
        "can_resolve": campaign_objections.can_resolve(user, c),
        "publicity_running": running,
        "objectable": listed.order_by("org__path", "id")[:500] if running else [],
    }


def _done(action: str) -> str:
    """What a campaign action tells the user once it has succeeded."""
    return {
        "open": _("已开始编制名单"),
        "approve": _("名单已审批通过"),
        "close": _("活动已结束"),
        "add": _("已加入名单"),
        "edit": _("名单信息已更新"),
        "batch": _("已生成发放批次"),
        "reissue": _("已重新发放"),
        "visit": _("已记录走访慰问"),
        "objection": _("异议已记录，处理前暂停向此人发放"),
    }.get(action, _("操作已完成"))


@staff_required
@require_POST
def campaign_act(request, campaign_id: int):
    _view_scope(request.user)
    user, p = request.user, request.POST
    c = sel.get_visible_campaign(user, campaign_id)
    what = p.get("what", "")
    done = _done(what)
    try:
        if what == "transition":
            action = p.get("action", "")
            campaigns.transition(user=user, campaign_id=c.pk, action=action, note=p.get("note", ""))
            done = _done(action)
        elif what == "generate":
            out = campaigns.generate_list(user=user, campaign_id=c.pk, org_code=p.get("org", ""))
            done = (
                _("名单已生成：新增%(added)d人，已在名单%(already_listed)d人，")
                + _("在其他工会名单%(other_list)d人")
            ) % out
        elif what == "add":
            campaigns.add_beneficiary(
                user=user,
                campaign_id=c.pk,
                data={
                    "org": p.get("org", ""),
                    "name": p.get("name", ""),
                    "id_number": p.get("id_number", ""),
                    "standard": p.get("standard", ""),
                    "account": p.get("account", ""),
                },
            )
        elif what == "edit":
            data = {}
            if p.get("standard"):
                data["standard"] = p["standard"]
            if p.get("account"):
                data["account"] = p["account"]
            if "proof_received" in p:
                data["proof_received"] = p.get("proof_received") == "1"
            if p.get("remove") == "1":
                data.update(remove=True, reason=p.get("reason", ""))
            try:
                bid = int(p.get("beneficiary", ""))
            except ValueError:
                raise Http404 from None
            b = sel.get_visible_beneficiary(user, bid)
            if b.campaign_id != c.pk:
                raise Http404
            campaigns.update_beneficiary(user=user, beneficiary_id=bid, data=data)
        elif what == "issue":
            out = campaign_payments.issue_payments(
                user=user, campaign_id=c.pk, method=p.get("method", "bank")
            )
            done = _("已生成发放记录%(issued)d笔；缺少账号%(without_account)d人") % out
            if out.get("objected"):
                done += _("；有未处理异议%(objected)d人，暂不发放") % out
        elif what == "batch":
            campaign_payments.create_batch(user=user, campaign_id=c.pk)
        elif what == "reissue":
            try:
                pid = int(p.get("payment", ""))
            except ValueError:
                raise Http404 from None
            campaign_payments.reissue(
                user=user, payment_id=pid, reason=p.get("reason", ""), account=p.get("account", "")
            )
        elif what == "visit":
            campaigns.record_visit(user=user, campaign_id=c.pk, data=dict(p.items()))
        elif what == "objection":
            b = sel.get_visible_beneficiary(user, _int(p.get("beneficiary")))
            if b.campaign_id != c.pk:
                raise Http404
            campaign_objections.record_objection(
                beneficiary_id=b.pk,
                data={k: p.get(k, "") for k in ("content", "raised_by", "contact_phone")},
                user=user,
            )
        elif what == "resolve_objection":
            obj = campaign_objections.get_visible_objection(user, _int(p.get("objection")))
            if obj.campaign_id != c.pk:
                raise Http404
            upheld = p.get("upheld") == "1"
            campaign_objections.resolve_objection(
                user=user, objection_id=obj.pk, upheld=upheld, resolution=p.get("resolution", "")
            )
            done = _("异议成立，已将此人移出名单") if upheld else _("已处理异议：异议不成立")
        else:
            raise Http404
    except (ValidationError, PermissionDenied, Conflict) as exc:
        return _refused(request, c, exc)
    messages.success(request, done)
    return redirect("console-assistance:campaign-detail", campaign_id=c.pk)


def _int(value) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None


@staff_required
def batch_export(request, batch_id: int):
    _view_scope(request.user)
    batch, content = campaign_payments.export_batch(user=request.user, batch_id=batch_id)
    return xlsx_response(content, f"batch-{batch.number}.xlsx")


@staff_required
@require_http_methods(["GET", "POST"])
def bank_results(request, campaign_id: int):
    _view_scope(request.user)
    c = sel.get_visible_campaign(request.user, campaign_id)
    if not scope_for(request.user, "campaigns.manage"):
        raise PermissionDenied
    ctx, status = {"c": c, "columns": [h for h, _f in bank_import.COLUMNS]}, 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise SheetError(_("请选择文件"))
            ctx["report"] = bank_import.import_results(
                user=request.user, campaign_id=c.pk, upload=upload
            )
        except SheetError as exc:
            ctx["error"], status = str(exc), 400
        except ImportRejected as exc:
            ctx["report"], status = exc.report, 400
        except PermissionDenied as exc:
            ctx["error"], status = str(exc) or _("无权进行此操作"), 403
    return render(request, "console/assistance/campaigns/bank.html", ctx, status=status)


class StatsOrgForm(forms.Form):
    org = OrgField(
        label=gettext_lazy("工会"),
        permission="campaigns.view",
        required=False,
        empty_label=gettext_lazy("全部工会"),
    )


@staff_required
def campaign_stats(request):
    _view_scope(request.user)
    g = request.GET
    org_form = bind_orgs(StatsOrgForm(g), request.user)
    context = {"data": None, "kinds": CampaignKind.choices, "org": None, "org_form": org_form}
    if not org_form.is_valid():  # a name matching no org in scope, or several: say so, no figures
        return render(request, "console/assistance/campaigns/stats.html", context, status=400)
    code = org_form.cleaned_data["org"]
    context["org"] = get_by_code(code) if code else None
    try:
        year = int(g.get("year") or 0) or None
    except ValueError:
        year = None
    context["data"] = sel.stats(request.user, org=context["org"], year=year, kind=g.get("kind", ""))
    return render(request, "console/assistance/campaigns/stats.html", context)
