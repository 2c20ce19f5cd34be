"""Force TOTP enrolment for roles that require it before any console/admin page."""

from django.shortcuts import redirect

from .auth import totp_required

EXEMPT = ("/console/login/", "/console/logout/", "/console/totp/", "/static/", "/healthz")


class TotpEnrollmentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        user = getattr(request, "user", None)
        if (
            path.startswith(("/console/", "/admin/"))
            and not path.startswith(EXEMPT)
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and totp_required(user)
        ):
            return redirect("console:totp-setup")
        return self.get_response(request)
