"""Django settings for Gonghui.

Everything deployment-specific comes from environment variables with safe development
defaults; see docs/operations.md for the production list.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEV_SECRET_KEY = "dev-insecure-gonghui-secret-key-change-me"  # noqa: S105 - dev default only
SECRET_KEY = env("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", True)
# `make run` sets LOCAL_DEMO: the demo on this machine only, served with DEBUG off like
# production but with the public development keys (decision D22). It answers only to the
# loopback names, and `check --deploy` refuses it.
LOCAL_DEMO = env_bool("LOCAL_DEMO", False)
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
if LOCAL_DEMO:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "gonghui.core",
    "gonghui.orgs",
    "gonghui.people",
    "gonghui.notices",
    "gonghui.hotline",
    "gonghui.stations",
    "gonghui.services",
    "gonghui.partners",
    "gonghui.assistance",
    "gonghui.honors",
    "gonghui.plans",
    "gonghui.reports",
    "gonghui.socialwork",
    "gonghui.governance",
    "gonghui.topics",
    "gonghui.portal",
    "gonghui.open311",
    "gonghui.console",  # the console home and seed_demo read every app above
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # static files with DEBUG off too (hashed, compressed, cached for ever); DEBUG on: finders
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "gonghui.core.nostore.NoStoreAuditedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # every answer under /api/ in the API's JSON error format; reads the body first
    "gonghui.core.middleware.ApiErrorMiddleware",
    # before anything that reads input into the database (axes, views)
    "gonghui.core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # the request's user or worker account is the actor of the state changes it makes
    "gonghui.core.audit.AuditActorMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gonghui.people.middleware.TotpEnrollmentMiddleware",
    # every 403 (console, admin, API) is written to the audit log
    "gonghui.people.audit_trail.AuditDeniedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gonghui.people.navigation.console_nav",
            ],
        },
    },
]

# --- Database: embedded SQLite (WAL) by default, PostgreSQL in production -----------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # PostgreSQL: each process keeps its connection (seconds), and checks a kept one before
        # a request reuses it, so a restarted database or a dropped idle connection is no 500
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
# A PostgreSQL streaming replica for reads that may lag (dashboards, reports, Excel exports, the
# station finder's index: core/db_router.py); every other read and every write uses "default".
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env("DATABASE_REPLICA_URL"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
        test_options={"MIRROR": "default"},  # tests: the replica alias reads the test database
    )
DATABASE_ROUTERS = ["gonghui.core.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set (shared by every process and host: dashboard figures,
# rate limits), else per-process memory for development --------------------------------------
REDIS_URL = env("REDIS_URL", "")
CACHES = {
    "default": (
        # CACHE_KEY_PREFIX: deployments (or test runs) sharing one Redis database keep apart
        {
            "BACKEND": "gonghui.core.redis_cache.RedisCache",  # Django's, one client per pool
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX"),
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
DASHBOARD_CACHE_SECONDS = int(env("DASHBOARD_CACHE_SECONDS", "60"))
# The nearest-station search trusts the finder's version tokens it read this recently instead
# of reading them again (a database round trip per search was a third of its cost under load);
# 0 reads them on every search. docs/stations.md "Freshness", decision D35.
FINDER_TOKEN_RECHECK_MS = int(env("FINDER_TOKEN_RECHECK_MS", "250"))
# Reference rows kept in the cache (categories, SLA policies, districts, message templates,
# working-day overrides) are held by each process this long after it read them, instead of a
# cache read (a Redis round trip) per use; 0 reads the cache every time. Decision D37.
REFERENCE_RECHECK_MS = int(env("REFERENCE_RECHECK_MS", "250"))

# --- Authentication and the 等保-style password policy --------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "gonghui.people.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/console/login/"
LOGIN_REDIRECT_URL = "/console/"

# Idle timeout: the session lives 30 minutes after the last request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
API_TOKEN_IDLE_TIMEOUT = timedelta(minutes=30)
API_TOKEN_MAX_AGE = timedelta(hours=12)
WORKER_TOKEN_MAX_AGE = timedelta(days=7)

# django-axes: 5 failures within 15 minutes lock the account for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "gonghui.people.views_auth.locked_out"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Gonghui 工会"
# Wrong TOTP codes already count towards the axes lockout; django-otp's own exponential
# throttle on top would reject the next *right* code for a while.
OTP_TOTP_THROTTLE_FACTOR = 0

# --- Personal data protection -----------------------------------------------------------------
# Fernet keys (comma separated; the first encrypts, all decrypt, so keys can be rotated) and a
# separate HMAC key for the lookup hashes. The defaults are for development only; a system
# check refuses to run with them when DEBUG is off.
DEV_FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktZ29uZ2h1aS1maWVsZC1rZXktMDAwMDA="
DEV_FIELD_HASH_KEY = "dev-only-gonghui-hash-key"
FIELD_ENCRYPTION_KEYS = [
    k.strip() for k in env("FIELD_ENCRYPTION_KEYS", DEV_FIELD_ENCRYPTION_KEY).split(",") if k
]
FIELD_HASH_KEY = env("FIELD_HASH_KEY", DEV_FIELD_HASH_KEY)

# --- SMS ----------------------------------------------------------------------------------------
SMS_BACKEND = env("SMS_BACKEND", "gonghui.core.sms.ConsoleSmsBackend")
# the console backend prints the message text (the login code) only where this is on: in
# development, and under `make run` so a newcomer can log in as the demo worker
SMS_CONSOLE_SHOW_TEXT = env_bool("SMS_CONSOLE_SHOW_TEXT", DEBUG)
# AliyunSmsBackend (docs/operations.md "短信"): keys, approved sign name, one template per kind.
SMS_ACCESS_KEY_ID = env("SMS_ACCESS_KEY_ID")
SMS_ACCESS_KEY_SECRET = env("SMS_ACCESS_KEY_SECRET")
SMS_SIGN_NAME = env("SMS_SIGN_NAME")
SMS_TEMPLATES = {
    "login_code": env("SMS_TEMPLATE_LOGIN_CODE"),  # ${code}
    "notice": env("SMS_TEMPLATE_NOTICE"),  # ${content}
}
SMS_ENDPOINT = env("SMS_ENDPOINT", "dysmsapi.aliyuncs.com")
SMS_PROTOCOL = env("SMS_PROTOCOL", "https")
SMS_TIMEOUT_MS = int(env("SMS_TIMEOUT_MS", "5000"))
SMS_CODE_TTL = timedelta(minutes=5)
SMS_CODE_MAX_ATTEMPTS = 5
SMS_RATE_PER_PHONE = (1, timedelta(seconds=60))
SMS_RATE_PER_PHONE_DAY = (10, timedelta(hours=24))
SMS_RATE_PER_IP = (20, timedelta(hours=1))

# --- Background tasks (django.tasks; database backend from django-tasks-db) ---------------------
# TASKS_BACKEND=rq: the queue in Redis (RQ_URL, default REDIS_URL), run by `manage.py rq_worker`
# (core/rq_tasks.py, decision D26); any other value is a backend's dotted path.
TASKS_BACKEND = env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
RQ_URL = env("RQ_URL", REDIS_URL)
TASKS = {
    "default": (
        {
            "BACKEND": "gonghui.core.rq_tasks.RQBackend",
            "OPTIONS": {"URL": RQ_URL, "QUEUE_PREFIX": env("RQ_QUEUE_PREFIX", "gonghui:")},
        }
        if TASKS_BACKEND == "rq"
        else {"BACKEND": TASKS_BACKEND}
    )
}
# The periodic tasks: (dotted path, every N seconds, keyword arguments). `manage.py run_periodic`
# (started by `make run`) enqueues each on its interval; production may use it too or cron with
# the *_tick commands on the same intervals (docs/operations.md).
PERIODIC_TASKS = [
    ("gonghui.hotline.tasks.mark_overdue_appeals", 5 * 60, {}),
    ("gonghui.hotline.tasks.remind_callbacks", 5 * 60, {}),
    ("gonghui.notices.tasks.retry_undelivered", 10 * 60, {"older_than_minutes": 10}),
    ("gonghui.services.health.tasks.send_health_reminders", 60 * 60, {}),
    ("gonghui.assistance.tasks.hardship_tick", 24 * 60 * 60, {}),
    ("gonghui.core.tasks.extend_calendar", 24 * 60 * 60, {}),
    ("gonghui.governance.tasks.scan_arrears_warnings", 60 * 60, {}),
    # 每月一题: last month's topics, built on the first run after the month is over
    ("gonghui.topics.tasks.build_monthly_topics", 24 * 60 * 60, {}),
]

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files (vendored from npm at set-up; never a CDN) -------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/echarts", BASE_DIR / "node_modules/echarts/dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules/leaflet/dist"),
    ("vendor/tom-select", BASE_DIR / "node_modules/tom-select/dist"),
    # district outlines for the dashboards' maps (echarts@4 shipped them as GeoJSON)
    ("vendor/maps", BASE_DIR / "node_modules/echarts-maps4/map/json/province"),
]
# Map tiles for the station finder; deployments point this at their own tile server. The
# finder still works as a list when tiles cannot load.
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Uploads are Fernet-encrypted under FIELD_ENCRYPTION_KEYS and stored under random names
# (core/storage.py); they have no public URL.
# With DEBUG off, static files are served by WhiteNoise from STATIC_ROOT under hashed names
# (`collectstatic` first; `make run` does it). Tests render pages without collectstatic, so
# under pytest the names stay plain (pytest's live server serves them from the finders).
STATIC_MANIFEST = not DEBUG and "pytest" not in sys.modules
STORAGES = {
    "default": {"BACKEND": "gonghui.core.storage.EncryptedFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Every handler masks 身份证号 and mobile numbers (gonghui/core/logmask.py): personal data must
# not reach any log, the access log (django.server) and django.request included.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "gonghui.core.logmask.MaskPersonalData"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # replaces Django's default handlers (console when DEBUG, mail_admins): through root
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# Number of reverse proxies in front of the app that append to X-Forwarded-For (0: none).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

X_FRAME_OPTIONS = "DENY"
# A refused CSRF check gets the Chinese 403 page too (the error handlers are in gonghui/urls.py).
CSRF_FAILURE_VIEW = "gonghui.core.error_views.csrf_failure"


# Content-Security-Policy on every response (Django's middleware, decision D17): scripts only
# from our own static files — no inline script, no eval. Styles allow 'unsafe-inline' because
# ECharts writes style attributes into its tooltips and htmx adds its indicator <style>. The
# station finder adds MAP_TILE_URL's origin to img-src (gonghui/core/csp.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True

# Lockout is per account (等保); rotating IPs or user agents cannot reset a username's count.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- 12351 hotline ------------------------------------------------------------------------------
# urgency -> (response hours, resolution working days, callback working days); SlaPolicy rows in
# the admin override these per type/category/urgency.
HOTLINE_SLA_DEFAULTS = {"normal": (24, 7, 3), "urgent": (2, 7, 3)}
# 三率 weights (docs/hotline-metrics.md).
HOTLINE_PARTLY_RESOLVED_WEIGHT = 0.5
HOTLINE_SATISFACTION_WEIGHTS = {"satisfied": 1.0, "basically_satisfied": 1.0, "unsatisfied": 0.0}
HOTLINE_ATTACHMENT_MAX_BYTES = 10_000_000  # written 10 MB (core/numbers.format_filesize)
# A worker may rate an appeal once, within this many days after it was resolved.
HOTLINE_RATING_DAYS = int(env("HOTLINE_RATING_DAYS", "7"))
# Hours after resolution before the worker is reminded (message/SMS) to rate or expect 回访.
HOTLINE_CALLBACK_REMINDER_HOURS = int(env("HOTLINE_CALLBACK_REMINDER_HOURS", "24"))
