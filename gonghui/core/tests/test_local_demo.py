"""``LOCAL_DEMO`` (``make run``): DEBUG off with the development keys on this machine only,
and never through ``check --deploy``."""

import os
import subprocess
import sys

from django.conf import settings as django_settings

from gonghui.core.checks import dev_secrets_in_production, local_demo_not_deployed


def test_local_demo_turns_the_key_errors_into_one_warning(settings):
    settings.DEBUG = False
    settings.LOCAL_DEMO = True
    found = dev_secrets_in_production(None)
    assert [(c.id, c.level >= 40) for c in found] == [("gonghui.W002", False)]
    settings.LOCAL_DEMO = False
    assert {c.id for c in dev_secrets_in_production(None)} == {
        "gonghui.E001",
        "gonghui.E002",
        "gonghui.E003",
    }


def test_local_demo_with_real_keys_warns_of_nothing(settings):
    settings.DEBUG = False
    settings.LOCAL_DEMO = True
    settings.SECRET_KEY = "x" * 50
    settings.FIELD_ENCRYPTION_KEYS = ["cmVhbC1rZXktZm9yLXRoaXMtdGVzdC0wMDAwMDAwMDA="]
    settings.FIELD_HASH_KEY = "real-hash-key"
    assert dev_secrets_in_production(None) == []


def test_check_deploy_refuses_local_demo(settings):
    settings.LOCAL_DEMO = True
    assert [c.id for c in local_demo_not_deployed(None)] == ["gonghui.E005"]
    settings.LOCAL_DEMO = False
    assert local_demo_not_deployed(None) == []


def _settings_in_fresh_process(**env) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'gonghui.settings'; "
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.LOCAL_DEMO, ','.join(s.ALLOWED_HOSTS), "
        "s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[-1])"
    )
    run_env = {k: v for k, v in os.environ.items() if k not in ("ALLOWED_HOSTS", "DEBUG")}
    run_env.update(env)
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=run_env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_make_runs_settings_answer_loopback_only_with_hashed_static_files():
    line = _settings_in_fresh_process(
        DEBUG="0", LOCAL_DEMO="1", ALLOWED_HOSTS="gonghui.example.org"
    )
    assert line == "False True 127.0.0.1,localhost CompressedManifestStaticFilesStorage"
    line = _settings_in_fresh_process(DEBUG="1")
    assert line.startswith("True False 127.0.0.1,localhost,testserver StaticFilesStorage")
