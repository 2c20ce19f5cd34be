"""The public honour roll at /honors/: awarded, non-revoked honours by program. Names are
published in full (that is the roll's point) with the union and the honour — never an ID
number, phone or the deeds text."""

from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
@cache_control(public=True, max_age=300)
def roll(request):
    years = selectors.roll_years()
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        year = 0
    groups = selectors.honour_roll(year or None)
    count = sum(len(names) for _program, names in groups)
    context = {"groups": groups, "years": years, "year": year, "count": count}
    return render(request, "honors/roll.html", context)
