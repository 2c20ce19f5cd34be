"""Shared pytest set-up: settings for tests, factories live in each app's tests."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls we make around it
# are ordinary synchronous test code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.SMS_BACKEND = "gonghui.core.sms.LocMemSmsBackend"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _clear_sms_outbox():
    from gonghui.core import sms

    sms.outbox.clear()
    yield
    sms.outbox.clear()
