"""Authentication services: staff password(+TOTP) login, API tokens, worker SMS login."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from gonghui.core.audit import client_ip
from gonghui.core.crypto import lookup_hash
from gonghui.core.sms import LOGIN_CODE, SmsSendError, send_sms

from .models import ApiToken, SmsCode, Worker, WorkerAccount
from .roles import TOTP_REQUIRED_ROLES
from .scope import roles
from .services import phone_hash


class AuthFailed(Exception):
    """Login refused. ``status`` is the HTTP status to answer with."""

    def __init__(self, detail: str, *, status: int = 401, errors: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.errors = errors or {}


# --- staff ---------------------------------------------------------------------------------


def totp_required(user) -> bool:
    return bool(user.is_superuser or roles(user) & TOTP_REQUIRED_ROLES)


def confirmed_totp_devices(user):
    return list(devices_for_user(user, confirmed=True))


def verify_totp(user, token: str):
    """The device that accepts ``token``, or None."""
    token = (token or "").strip()
    if not token.isdigit():
        return None
    for device in confirmed_totp_devices(user):
        if device.verify_token(token):
            return device
    return None


def check_staff_credentials(request, username: str, password: str, otp: str = ""):
    """Password (+ TOTP) check shared by the API token endpoint and the console login.

    Returns ``(user, device)``; raises ``AuthFailed``. Failures count towards the django-axes
    lockout (5 within 15 minutes), wrong TOTP codes included.
    """
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise AuthFailed(_("登录失败次数过多，账号已锁定15分钟"), status=429)
    if user is None:
        raise AuthFailed(_("用户名或密码错误"))
    devices = confirmed_totp_devices(user)
    if devices:
        device = verify_totp(user, otp)
        if device is None:
            user_login_failed.send(
                sender=__name__, credentials={"username": username}, request=request
            )
            detail = _("请输入正确的动态验证码") if otp else _("该账号已启用动态验证码，请输入")
            raise AuthFailed(detail, errors={"otp": [detail]})
        return user, device
    # No device: when TOTP is required the caller decides (console enrols, API refuses).
    return user, None


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(*, user=None, worker_account=None) -> str:
    now = timezone.now()
    max_age = settings.API_TOKEN_MAX_AGE if user else settings.WORKER_TOKEN_MAX_AGE
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        key_hash=_token_hash(raw),
        user=user,
        worker_account=worker_account,
        last_used_at=now,
        expires_at=now + max_age,
    )
    return raw


def staff_token(request, username: str, password: str, otp: str = "") -> str:
    user, device = check_staff_credentials(request, username, password, otp)
    if device is None and totp_required(user):
        raise AuthFailed(_("管理员账号须先在控制台绑定动态验证码（TOTP）后才能使用API"), status=403)
    # A token login is a login: last_login is updated and axes resets the failure count.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return issue_token(user=user)


def resolve_token(raw: str) -> ApiToken | None:
    """The live token for ``raw``; staff tokens also expire after 30 minutes idle."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user", "worker_account")
        .filter(key_hash=_token_hash(raw))
        .first()
    )
    now = timezone.now()
    if token is None or token.expires_at <= now:
        return None
    idle = token.last_used_at + settings.API_TOKEN_IDLE_TIMEOUT <= now
    if token.user_id and (not token.user.is_active or idle):
        return None
    if now - token.last_used_at > timedelta(seconds=30):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def revoke_token(raw: str) -> None:
    ApiToken.objects.filter(key_hash=_token_hash(raw)).delete()


# --- workers: SMS codes -------------------------------------------------------------------------


def _code_hash(phone: str, code: str) -> str:
    return lookup_hash(f"{phone}:{code}", "sms_code")


def _count_since(window: timedelta, **filters) -> int:
    return SmsCode.objects.filter(created_at__gt=timezone.now() - window, **filters).count()


def request_sms_code(phone: str, request=None) -> int:
    """Send a login code to ``phone`` (already normalised); returns its lifetime in seconds.

    Rate limits: one per phone per minute, a daily cap per phone, an hourly cap per IP.
    """
    ip = client_ip(request)
    p_hash = phone_hash(phone)
    limit, window = settings.SMS_RATE_PER_PHONE
    if _count_since(window, phone_hash=p_hash) >= limit:
        raise AuthFailed(
            _("发送过于频繁，请%(s)d秒后再试") % {"s": window.total_seconds()},
            status=429,
            errors={"phone": [_("发送过于频繁，请稍后再试")]},
        )
    limit, window = settings.SMS_RATE_PER_PHONE_DAY
    if _count_since(window, phone_hash=p_hash) >= limit:
        raise AuthFailed(
            _("该手机号今日获取验证码次数已达上限"),
            status=429,
            errors={"phone": [_("该手机号今日获取验证码次数已达上限")]},
        )
    limit, window = settings.SMS_RATE_PER_IP
    if ip and _count_since(window, ip_address=ip) >= limit:
        raise AuthFailed(_("请求过于频繁，请稍后再试"), status=429)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    ttl = settings.SMS_CODE_TTL
    SmsCode.objects.create(
        phone_hash=p_hash,
        code_hash=_code_hash(phone, code),
        ip_address=ip,
        created_at=now,
        expires_at=now + ttl,
    )
    minutes = int(ttl.total_seconds() // 60)
    try:
        send_sms(
            phone,
            _("【工会12351】您的登录验证码是%(code)s，%(m)d分钟内有效。")
            % {"code": code, "m": minutes},
            kind=LOGIN_CODE,
            params={"code": code},
            fail_silently=False,
        )
    except SmsSendError:
        # the row stays: it counts against the rate limits, which also protect the provider
        raise AuthFailed(_("短信发送失败，请稍后再试"), status=503) from None
    return int(ttl.total_seconds())


def consume_sms_code(phone: str, code: str) -> None:
    """Check and use up the latest live code for ``phone``; raises ``AuthFailed``.

    Single use even under concurrency, at most ``SMS_CODE_MAX_ATTEMPTS`` guesses per code.
    """
    p_hash = phone_hash(phone)
    now = timezone.now()
    invalid = AuthFailed(_("验证码无效或已过期"), errors={"code": [_("验证码无效或已过期")]})
    sms = (
        SmsCode.objects.filter(phone_hash=p_hash, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if sms is None or sms.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
        raise invalid
    SmsCode.objects.filter(pk=sms.pk).update(attempts=F("attempts") + 1)
    if not hmac.compare_digest(sms.code_hash, _code_hash(phone, (code or "").strip())):
        raise invalid
    if not SmsCode.objects.filter(pk=sms.pk, used_at__isnull=True).update(used_at=now):
        raise invalid


def sign_in_worker(phone: str) -> WorkerAccount:
    """The account for a phone whose SMS code was just verified: created on first login and
    linked to the registered worker with that phone (for the API and the H5 pages alike)."""
    p_hash = phone_hash(phone)
    with transaction.atomic():
        account = WorkerAccount.objects.select_for_update().filter(phone_hash=p_hash).first()
        if account is None:
            account = WorkerAccount(phone=phone, phone_hash=p_hash)
        if account.worker_id is None:
            account.worker = Worker.objects.filter(phone_hash=p_hash).order_by("id").first()
        account.last_login_at = timezone.now()
        account.save()
        return account


def worker_login(phone: str, code: str) -> tuple[WorkerAccount, str]:
    """Exchange a valid, unexpired, unused SMS code for a worker token."""
    consume_sms_code(phone, code)  # outside the transaction: failed guesses must stick
    account = sign_in_worker(phone)
    return account, issue_token(worker_account=account)


def prune_expired(now=None) -> tuple[int, int]:
    """Delete expired API tokens and SMS codes older than a day (kept that long so the daily
    per-phone limit can count them). Returns the numbers deleted."""
    now = now or timezone.now()
    idle_cutoff = now - settings.API_TOKEN_IDLE_TIMEOUT
    tokens = ApiToken.objects.filter(expires_at__lte=now).delete()[0]
    tokens += ApiToken.objects.filter(user__isnull=False, last_used_at__lte=idle_cutoff).delete()[0]
    codes = SmsCode.objects.filter(created_at__lte=now - timedelta(days=1)).delete()[0]
    return tokens, codes
