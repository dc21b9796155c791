"""One env-driven settings module (see docs/deployment.md for every variable).

Defaults give a working single-county install on embedded SQLite under ./var/;
``DATABASE_URL=postgres://…`` switches to PostgreSQL with no other change.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ANJIAN_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("DEBUG", False)
TESTING = _env_bool("ANJIAN_TESTING", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else a key generated once and kept under var/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    from django.core.management.utils import get_random_secret_key

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key()
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "axes",
    "ninja",
    "huey.contrib.djhuey",
    "anjian.core",
    "anjian.regions",
    "anjian.accounts",
    "anjian.units",
    "anjian.campaigns",
    "anjian.inspections",
    "anjian.hazards",
    "anjian.enforcement",
    "anjian.accidents",
    "anjian.outreach",
    "anjian.plans",
    "anjian.tipoffs",
    "anjian.patrols",
    "anjian.notifications",
    "anjian.ledgers",
    "anjian.stats",
    "anjian.reporting",
    "anjian.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "anjian.core.middleware.RequestContextMiddleware",
    # After authentication and htmx: a password to change (first sign-in, 90 days) holds every page.
    "anjian.accounts.policy.PasswordPolicyMiddleware",
    # Lockout must sit last so that it sees the authenticated request (django-axes docs).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "anjian.urls"
WSGI_APPLICATION = "anjian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "anjian.web.context_processors.navigation",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------
# SQLite in WAL mode by default (ARCHITECTURE.md, principle 5); PostgreSQL by DATABASE_URL.
_default_sqlite = f"sqlite:///{VAR_DIR / 'anjian.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000;"
        ),
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    if _env_bool("ANJIAN_DB_POOL", False):
        DATABASES["default"]["OPTIONS"]["pool"] = True
# A streaming replica for the statistics' reads (ARCHITECTURE.md scale path; anjian/core/dbrouter.py,
# docs/deployment.md): ANJIAN_REPLICA_URL=postgres://… adds the alias "replica", and the dashboard,
# map, tables, briefing, stats API and CLI read the fact tables there. Without it, everything reads
# the primary.
if os.environ.get("ANJIAN_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["ANJIAN_REPLICA_URL"])
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    # Tests never need a second server: the alias is a second connection to the test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
STATS_READ_DATABASE = "replica" if "replica" in DATABASES else None
DATABASE_ROUTERS = ["anjian.core.dbrouter.ReplicaRouter"]
# Day figures of the province, its cities and counties (anjian/stats/cube.py; PostgreSQL and SQLite):
# kept exact by triggers and refreshed every minute. Off = every figure from the facts.
ANJIAN_STATS_CUBE = os.environ.get("ANJIAN_STATS_CUBE", "1") != "0"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

# --- Accounts and security (等保 2.0 三级 practice values, DOMAIN.md §6) -----------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "anjian.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "anjian.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock after 5 failures for 30 minutes (GB/T 22239-2019 8.1.4.1 b; DOMAIN.md §6).
AXES_FAILURE_LIMIT = int(os.environ.get("ANJIAN_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("ANJIAN_LOCKOUT_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns that username-only lockout can be dodged by rotating cookies; the requirement here is
# the opposite guarantee: an account under attack is locked whatever address the attempts come from (axes.W006).
# models.W040: the statistics' covering indexes carry INCLUDE columns, which PostgreSQL uses and SQLite
# ignores (the keys alone still serve it; docs/performance.md, issue 5).
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Idle timeout of 30 minutes: each request renews the session.
# GB/T 22239-2019 8.1.4.1 a and 8.1.4.2 (DOMAIN.md §6; anjian/accounts/policy.py): change passwords
# every 90 days; disable accounts nobody signed in with for 90 days. 0 turns a rule off.
ANJIAN_PASSWORD_MAX_DAYS = int(os.environ.get("ANJIAN_PASSWORD_MAX_DAYS", "90"))
ANJIAN_DORMANT_DAYS = int(os.environ.get("ANJIAN_DORMANT_DAYS", "90"))
# 8.1.4.1 d: roles that must sign in with an authenticator app (comma-separated role codes, e.g.
# "sysadmin,auditor,county_admin"); anybody may turn it on. Off by default so that the demo county
# and a first installation can be signed into with a password alone (docs/deployment.md).
ANJIAN_2FA_ROLES = [r.strip() for r in os.environ.get("ANJIAN_2FA_ROLES", "").split(",") if r.strip()]

# Upward reporting (anjian/reporting, docs/guide/reporting.md): the name this deployment signs its
# packages with, and its Ed25519 key (64 hex digits; else generated once into $ANJIAN_VAR_DIR/report_key).
ANJIAN_DEPLOYMENT_NAME = os.environ.get("ANJIAN_DEPLOYMENT_NAME", "")
ANJIAN_REPORT_KEY = os.environ.get("ANJIAN_REPORT_KEY", "")
SESSION_COOKIE_AGE = int(os.environ.get("ANJIAN_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("ANJIAN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# A CSP that allows no external host: everything is served from this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- I18N ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploads -------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
LEDGER_UPLOAD_MAX_BYTES = int(os.environ.get("ANJIAN_LEDGER_MAX_MB", "50")) * 1024 * 1024

# --- Jobs (huey): SQLite queue by default, PostgreSQL-free until a later issue needs it.
HUEY = {
    "huey_class": "huey.SqliteHuey",
    "name": "anjian",
    "filename": str(VAR_DIR / "jobs.sqlite3"),
    "immediate": TESTING or _env_bool("ANJIAN_JOBS_IMMEDIATE", False),
    # Crontabs in local time (Asia/Shanghai): the 07:00 deadline scan runs at 07:00 Beijing time.
    "utc": False,
    "consumer": {"workers": 2, "worker_type": "thread"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "anjian@localhost")

# --- Deadlines and notifications (docs/guide/notifications.md) ---------------------------------
# Remind the unit this many days before a hazard's deadline.
ANJIAN_REMIND_DAYS = int(os.environ.get("ANJIAN_REMIND_DAYS", "3"))
# Local practice, not national rules: working days to decide an extension and to verify a submission.
ANJIAN_EXTENSION_DECIDE_WORKDAYS = int(os.environ.get("ANJIAN_EXTENSION_DECIDE_WORKDAYS", "3"))
ANJIAN_VERIFY_WORKDAYS = int(os.environ.get("ANJIAN_VERIFY_WORKDAYS", "5"))
# 16号令 第二十三条: the review of a listed (挂牌督办) major hazard within 10 days.
ANJIAN_SUPERVISED_REVIEW_WORKDAYS = int(os.environ.get("ANJIAN_SUPERVISED_REVIEW_WORKDAYS", "10"))
# Lifetime of a one-time link sent to a unit without an account.
ANJIAN_LINK_HOURS = int(os.environ.get("ANJIAN_LINK_HOURS", "72"))
# The address people reach the platform at, for links in e-mail and SMS.
ANJIAN_SITE_URL = os.environ.get("ANJIAN_SITE_URL", "http://127.0.0.1:8000")
ANJIAN_SMS_BACKEND = os.environ.get("ANJIAN_SMS_BACKEND", "anjian.notifications.sms.LoggingSmsBackend")
ANJIAN_SMS_UNITS_WITHOUT_ACCOUNT = _env_bool("ANJIAN_SMS_UNITS_WITHOUT_ACCOUNT", True)
# 举报奖励 for a general hazard, in yuan: local rules only (the national rule, 安监总财〔2018〕19号,
# rewards none), so 0 = none unless the county sets its amount (docs/guide/tipoffs.md).
ANJIAN_TIPOFF_GENERAL_REWARD = os.environ.get("ANJIAN_TIPOFF_GENERAL_REWARD", "0")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
