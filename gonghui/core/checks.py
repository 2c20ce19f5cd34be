"""System checks that refuse development secrets whenever DEBUG is off (every command,
including runserver/migrate, and ``check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, register


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
    return errors
