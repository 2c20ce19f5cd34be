"""Console login, logout and TOTP enrolment."""

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import auth
from .forms import LoginForm, TotpConfirmForm


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes lockout response: JSON for the API, a page for the console."""
    message = _("登录失败次数过多，账号已锁定15分钟")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": {}}, status=429)
    form = LoginForm(request.POST or None)
    return render(request, "console/login.html", {"form": form, "error": message}, status=429)


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request.POST or None)
    error = ""
    next_url = request.POST.get("next") or request.GET.get("next") or settings.LOGIN_REDIRECT_URL
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = settings.LOGIN_REDIRECT_URL
    if request.method == "POST" and form.is_valid():
        try:
            user, device = auth.check_staff_credentials(
                request,
                form.cleaned_data["username"],
                form.cleaned_data["password"],
                form.cleaned_data["otp"],
            )
        except auth.AuthFailed as exc:
            error = exc.detail
            status = exc.status
        else:
            auth_login(request, user)
            if device is not None:
                otp_login(request, device)
            elif auth.totp_required(user):
                return redirect("console:totp-setup")
            return redirect(next_url)
        return render(
            request,
            "console/login.html",
            {"form": form, "error": error, "next": next_url},
            status=status,
        )
    return render(request, "console/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    auth_logout(request)
    return redirect("console:login")


@login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request):
    """Bind an authenticator app: show the secret and QR code, confirm with one code."""
    user = request.user
    confirmed = auth.confirmed_totp_devices(user)
    if confirmed and request.user.is_verified():
        return render(request, "console/totp_setup.html", {"done": True})
    if confirmed:  # has a device but this session did not prove it: log in again
        auth_logout(request)
        return redirect("console:login")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect("console:home")
        form.add_error("token", _("验证码不正确，请确认手机时间准确后重试"))
    svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return render(
        request,
        "console/totp_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(svg.to_string(encoding="unicode")),
            "secret": _b32(device),
            "required": auth.totp_required(user),
        },
    )


def _b32(device) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")
