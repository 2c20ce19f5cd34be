"""Worker H5 pages for the free health checks at /services/health/: the programme and
whether I may apply (with every reason why not), book a hospital day, my bookings, cancel.

Workers log in through the worker app's one SMS login (``people.worker_session``); the
booking goes through the same service as the API, so refusals read the same."""

import functools
from itertools import groupby

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.people.consent_texts import consent_text
from gonghui.people.models import ConsentPurpose
from gonghui.people.privacy import CONSENT_PAGE, grant_consent, has_consent
from gonghui.people.worker_session import current_account, login_url

from . import selectors as sel
from . import services as health


def _login_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        account = current_account(request)
        if account is None:  # the SMS login, then back here
            return redirect(login_url(request.get_full_path()))
        request.health_account = account
        request.health_worker = health.worker_for_account(account)
        return view(request, *args, **kwargs)

    return wrapper


def _no_profile(request):
    return render(
        request,
        "services/health/no_profile.html",
        {"message": health.no_profile_message()},
        status=403,
    )


@_login_required
def index(request):
    """The programme, my eligibility and my bookings."""
    worker = request.health_worker
    if worker is None:
        return _no_profile(request)
    program = sel.current_program()
    reasons = sel.eligibility_reasons(program, worker) if program else []
    return render(
        request,
        "services/health/index.html",
        {
            "program": program,
            "forms": sel.employment_form_names(program.employment_forms) if program else [],
            "reasons": reasons,
            "eligible": program is not None and not reasons,
            "bookings": sel.worker_bookings(worker),
            "today": sel.today(),
        },
    )


@_login_required
@require_http_methods(["GET", "POST"])
def book(request):
    """Pick a hospital day and book it (apply and book are one step)."""
    worker = request.health_worker
    if worker is None:
        return _no_profile(request)
    program = sel.current_program()
    if program is None:
        raise Http404
    error, status = "", 200
    if request.method == "POST":
        if request.POST.get("consent") == "1":  # the consent box on the form, never pre-ticked
            grant_consent(request.health_account, ConsentPurpose.HEALTH, request=request)
        try:
            booking = health.book_online(
                account=request.health_account, worker=worker, day_id=request.POST.get("day")
            )
        except health.Conflict as exc:
            error, status = exc.message, 409
        except ValidationError as exc:
            error, status = "；".join(exc.messages), 400
        except PermissionDenied as exc:
            error, status = str(exc), 403
        else:
            return redirect("health:booked", booking_id=booking.pk)
    reasons = sel.eligibility_reasons(program, worker)
    days = list(sel.available_days(program))
    hospitals = [(h, list(ds)) for h, ds in groupby(days, key=lambda d: d.hospital)]
    return render(
        request,
        "services/health/book.html",
        {
            "program": program,
            "reasons": reasons,
            "hospitals": hospitals,
            "error": error,
            "selected": request.POST.get("day", ""),
            "consent_given": has_consent(request.health_account, ConsentPurpose.HEALTH),
            "consent_text": consent_text(ConsentPurpose.HEALTH),
            "consent_page": CONSENT_PAGE,
        },
        status=status,
    )


@_login_required
def booked(request, booking_id: int):
    worker = request.health_worker
    if worker is None:
        return _no_profile(request)
    booking = sel.worker_bookings(worker).filter(pk=booking_id).first()
    if booking is None:
        raise Http404
    return render(
        request,
        "services/health/booking.html",
        {"b": booking, "can_cancel": booking.status == "booked" and booking.day.date > sel.today()},
    )


@_login_required
@require_POST
def cancel(request, booking_id: int):
    worker = request.health_worker
    if worker is None:
        return _no_profile(request)
    try:
        health.cancel(booking_id=booking_id, worker=worker)
    except health.Conflict as exc:
        booking = sel.worker_bookings(worker).get(pk=booking_id)
        return render(
            request,
            "services/health/booking.html",
            {"b": booking, "can_cancel": False, "error": exc.message},
            status=409,
        )
    return redirect("health:index")
