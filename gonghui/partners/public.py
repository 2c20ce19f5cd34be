"""Public pages of 关爱职工伙伴计划: active partners by type with what each has given, and a
partner's page. Aggregates only: no contact person, phone, credit code or free-text notes."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import selectors
from .models import Partner, PartnerStatus


@require_GET
@cache_control(public=True, max_age=300)
def partner_list(request):
    groups = selectors.public_by_type()
    total = sum((g["given"] for g in groups), selectors.ZERO)
    count = sum(len(g["partners"]) for g in groups)
    context = {"groups": groups, "total": total, "count": count}
    return render(request, "partners/list.html", context)


@require_GET
@cache_control(public=True, max_age=300)
def partner_detail(request, partner_id: int):
    partner = (
        Partner.objects.filter(pk=partner_id, status=PartnerStatus.ACTIVE)
        .only("id", "name", "type", "joined_on", "description")
        .first()
    )
    if partner is None:
        raise Http404
    context = {"partner": partner, "summary": selectors.public_partner_summary(partner)}
    return render(request, "partners/detail.html", context)
