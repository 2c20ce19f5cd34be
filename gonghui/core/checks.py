"""System checks that refuse development secrets whenever DEBUG is off (every command,
including runserver/migrate, and ``check --deploy``), except for ``LOCAL_DEMO`` (``make run``:
this machine only, decision D21), which ``check --deploy`` refuses in turn."""

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def dev_secrets_in_production(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        errors.append(Error("SECRET_KEY 仍为开发默认值", id="gonghui.E001"))
    if settings.DEV_FIELD_ENCRYPTION_KEY in settings.FIELD_ENCRYPTION_KEYS:
        errors.append(Error("FIELD_ENCRYPTION_KEYS 仍为开发默认值", id="gonghui.E002"))
    if settings.FIELD_HASH_KEY == settings.DEV_FIELD_HASH_KEY:
        errors.append(Error("FIELD_HASH_KEY 仍为开发默认值", id="gonghui.E003"))
    if errors and getattr(settings, "LOCAL_DEMO", False):
        hint = "LOCAL_DEMO：仅供本机演示（只应答 127.0.0.1 / localhost），不得用于部署"
        return [Warning("使用开发默认密钥", hint=hint, id="gonghui.W002")]
    return errors


@register(deploy=True)
def local_demo_not_deployed(app_configs, **kwargs):
    """``check --deploy`` refuses ``LOCAL_DEMO``, which lets the development keys through."""
    if getattr(settings, "LOCAL_DEMO", False):
        message = "LOCAL_DEMO 已开启（本机演示模式，允许开发密钥），不得用于部署"
        return [Error(message, id="gonghui.E005")]
    return []


@register()
def sms_provider_configured(app_configs, **kwargs):
    """With DEBUG off: the Aliyun backend needs its keys, sign and templates (D14)."""
    if settings.DEBUG:
        return []
    backend = settings.SMS_BACKEND
    if backend == "gonghui.core.sms.ConsoleSmsBackend":
        return [Warning("SMS_BACKEND 为控制台输出，短信不会真正发送", id="gonghui.W001")]
    if backend != "gonghui.core.sms.AliyunSmsBackend":
        return []
    needed = {
        "SMS_ACCESS_KEY_ID": settings.SMS_ACCESS_KEY_ID,
        "SMS_ACCESS_KEY_SECRET": settings.SMS_ACCESS_KEY_SECRET,
        "SMS_SIGN_NAME": settings.SMS_SIGN_NAME,
        "SMS_TEMPLATE_LOGIN_CODE": settings.SMS_TEMPLATES.get("login_code"),
        "SMS_TEMPLATE_NOTICE": settings.SMS_TEMPLATES.get("notice"),
    }
    missing = [name for name, value in needed.items() if not value]
    if missing:
        return [Error(f"阿里云短信缺少配置：{'、'.join(missing)}", id="gonghui.E004")]
    return []
