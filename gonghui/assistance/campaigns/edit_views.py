"""Console pages to create a campaign (新建帮扶活动) and edit it, through the same service
functions as the API (``campaign_setup``): field errors in Chinese on the form (400), a
campaign the user may not manage 403, one outside their view 404. Also the import of the
beneficiaries' accounts from Excel (``campaign_accounts``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gonghui.core.excel import ImportRejected, SheetError, xlsx_response
from gonghui.core.validators import FieldErrors, errors_to_form
from gonghui.orgs.forms import bind_orgs
from gonghui.people.decorators import staff_required
from gonghui.people.scope import require_scope, scope_for

from ..models import Campaign, CampaignStatus, Source
from ..services import Conflict
from . import accounts as campaign_accounts
from . import forms as cf
from . import selectors as sel
from . import setup as campaign_setup

BLANK_STANDARD = {"key": "", "label": "", "amount": "", "needs_proof": "", "proof_label": ""}
BLANK_BUDGET = {"source": Source.UNION_FUNDS, "amount": "", "partner": "", "note": ""}


@staff_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    require_scope(request.user, "campaigns.manage")
    return _form_page(request, None)


@staff_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, campaign_id: int):
    require_scope(request.user, "campaigns.view")
    campaign = sel.get_visible_campaign(request.user, campaign_id)
    if not scope_for(request.user, "campaigns.manage").contains(campaign.organiser):
        raise PermissionDenied
    return _form_page(request, campaign)


def _form_page(request, campaign: Campaign | None):
    user, post = request.user, request.POST
    top = scope_for(user, "campaigns.manage").orgs().order_by("depth", "path").first()
    initial = cf.initial_for(
        campaign, organiser=top.code if top else "", year=timezone.localdate().year
    )
    editable = (
        campaign_setup.editable_fields(campaign) if campaign else set(campaign_setup.ALL_FIELDS)
    )
    form = bind_orgs(cf.CampaignForm(post or None, initial=initial), user)
    form.restrict(editable)
    posted = request.method == "POST"
    if posted and "standards" in editable:
        standards = cf.posted_rows(post, "std", cf.STANDARD_FIELDS)
    else:
        standards = cf.standard_rows(campaign)
    if posted and "budget" in editable:
        budget = cf.posted_rows(post, "bud", cf.BUDGET_FIELDS)
    else:
        budget = cf.budget_rows(campaign)
    ctx = {
        "form": form,
        "campaign": campaign,
        "editable": editable,
        "closed": campaign is not None and campaign.status == CampaignStatus.CLOSED,
        "standard_errors": [],
        "budget_errors": [],
        "partner_names": cf.partner_names() if "budget" in editable else [],
        "sources": Source.choices,
    }
    status = 200
    if posted and "more" not in post:
        status = 400
        if form.is_valid():
            data = form.service_data(editable)
            if "standards" in editable:
                data["standards"] = cf.standards_data(standards)
            if "budget" in editable:
                data["budget"] = cf.budget_data(budget)
            try:
                saved = _save(user, campaign, data)
            except ValidationError as exc:
                errors = exc.message_dict
                ctx["standard_errors"] = errors.pop("standards", [])
                ctx["budget_errors"] = errors.pop("budget", [])
                if "target_rules" in errors:
                    errors["enterprises"] = errors.pop("target_rules")
                errors_to_form(form, errors)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("无权进行此操作"))
                status = 403
            except Conflict as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, _done(campaign, saved))
                return redirect("console-assistance:campaign-detail", campaign_id=saved.pk)
        else:  # the rows' errors too, by the same rules, so that one round shows them all
            ctx["standard_errors"], ctx["budget_errors"] = _row_errors(editable, standards, budget)
    extra = 1 + ("more" in post)
    ctx["standard_rows"] = standards + [BLANK_STANDARD] * extra * ("standards" in editable)
    ctx["budget_rows"] = budget + [BLANK_BUDGET] * extra * ("budget" in editable)
    return render(request, "console/assistance/campaigns/form.html", ctx, status=status)


def _row_errors(editable: set[str], standards: list, budget: list) -> tuple[list, list]:
    errors = FieldErrors()
    if "standards" in editable:
        campaign_setup.clean_standards(cf.standards_data(standards), errors)
    if "budget" in editable:
        campaign_setup.clean_budget(cf.budget_data(budget), errors)
    return errors.get("standards", []), errors.get("budget", [])


def _save(user, campaign: Campaign | None, data: dict) -> Campaign:
    if campaign is None:
        return campaign_setup.create_campaign(user=user, data=data)
    return campaign_setup.update_campaign(user=user, campaign_id=campaign.pk, data=data)


def _done(before: Campaign | None, saved: Campaign) -> str:
    if before is None:
        return _("已创建帮扶活动“%s”（草稿）") % saved.title
    if not getattr(saved, "changed_fields", None):
        return _("没有修改任何内容")
    return _("帮扶活动已保存")


# --- beneficiaries' accounts from Excel -------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def accounts_import(request, campaign_id: int):
    """The template download link, the upload, and the row report (masked accounts)."""
    require_scope(request.user, "campaigns.view")
    c = sel.get_visible_campaign(request.user, campaign_id)
    ctx, status = {"c": c, "columns": [h for h, _f in campaign_accounts.COLUMNS]}, 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise SheetError(_("请选择文件"))
            ctx["report"] = campaign_accounts.import_accounts(
                user=request.user, campaign_id=c.pk, upload=upload, request=request
            )
        except SheetError as exc:
            ctx["error"], status = str(exc), 400
        except ImportRejected as exc:
            ctx["report"], status = exc.report, 400
        except PermissionDenied as exc:
            ctx["error"], status = str(exc) or _("无权进行此操作"), 403
        except Conflict as exc:
            ctx["error"], status = str(exc), 409
        else:
            messages.success(request, ctx["report"]["detail"])
    return render(request, "console/assistance/campaigns/accounts.html", ctx, status=status)


@staff_required
def accounts_template(request, campaign_id: int):
    require_scope(request.user, "campaigns.view")
    sel.get_visible_campaign(request.user, campaign_id)
    return xlsx_response(campaign_accounts.template(), "accounts-template.xlsx")
