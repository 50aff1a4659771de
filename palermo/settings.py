"""Django settings for Palermo. Every value a deployment changes comes from ``palermo.config``.

See docs/configuration.md for the variables.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from palermo import config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key()
PALERMO_FIELD_KEYRING = config.field_keyring_text()
PALERMO_FIELD_KEY_FILE = config.field_key_file()

DEBUG = config.flag("PALERMO_DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in (config.setting("PALERMO_ALLOWED_HOSTS") or
                                     "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in (config.setting("PALERMO_CSRF_TRUSTED_ORIGINS")
                                            or "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # its Swagger UI from Palermo's own static files: no CDN, no inline script
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "simple_history",
    "palermo.core",
    "palermo.questionnaires",
    "palermo.cases",
    "palermo.programmes",
    "palermo.learning",
    "palermo.analytics",
    "palermo.exchange",
    "palermo.api",
    "palermo.web",
    # After Palermo's apps: palermo.web's ``db_worker`` (start-up checks, then the library's
    # worker) takes precedence over django_tasks_db's own.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "palermo.core.middleware.SessionMiddleware",  # Django's, quiet for polling requests
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "palermo.core.middleware.ActingMembershipMiddleware",
    "palermo.core.middleware.TwoFactorMiddleware",
    # Axes last: it turns a lockout signalled during authentication into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "palermo.urls"
WSGI_APPLICATION = "palermo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "palermo.web.context.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        config.setting("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'palermo.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20,
                                       "init_command": "PRAGMA journal_mode=WAL;"}

# Job records and the task queue have a connection of their own (palermo/core/routers.py):
# a second connection to the same PostgreSQL database, or a second SQLite file, so that a
# job's progress, heartbeat and cancel flag never wait for its own import's transaction.
PALERMO_SEPARATE_JOBS_DATABASE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
if PALERMO_SEPARATE_JOBS_DATABASE:
    _main = Path(DATABASES["default"]["NAME"])  # palermo.sqlite3 -> palermo-jobs.sqlite3
    DATABASES["jobs"] = {**DATABASES["default"],
                         "OPTIONS": {**DATABASES["default"]["OPTIONS"]},
                         "NAME": str(_main.with_name(f"{_main.stem}-jobs{_main.suffix}"))}
else:
    DATABASES["jobs"] = {**DATABASES["default"]}
DATABASE_ROUTERS = ["palermo.core.routers.JobsRouter"]

# Background jobs: django-tasks with its database backend; `palermo serve` and `palermo demo`
# start the worker (`palermo db_worker`), see docs/admin-guide.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A running job beats its heartbeat every few seconds; one silent for this long is shown as
# interrupted (its process died: killed, out of memory, machine restarted).
PALERMO_JOB_STALE_SECONDS = int(config.setting("PALERMO_JOB_STALE_SECONDS") or "60")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

# Sign-in security -------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = float(config.setting("PALERMO_LOCKOUT_HOURS") or "1")
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False
# Lock the account, not the address: field offices share one IP behind NAT, and rotating
# addresses must not buy an attacker more guesses at one account.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Roles that open identity records must use two-factor sign-in unless this is relaxed.
PALERMO_REQUIRE_2FA = config.flag("PALERMO_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Palermo"

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

PALERMO_SESSION_IDLE_MINUTES = int(config.setting("PALERMO_SESSION_IDLE_MINUTES") or "30")
SESSION_COOKIE_AGE = PALERMO_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Production runs behind HTTPS; the demo on 127.0.0.1 turns this off in its palermo.env.
PALERMO_HTTPS = config.flag("PALERMO_HTTPS", True)
SESSION_COOKIE_SECURE = PALERMO_HTTPS
CSRF_COOKIE_SECURE = PALERMO_HTTPS
SECURE_SSL_REDIRECT = PALERMO_HTTPS and config.flag("PALERMO_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = 31536000 if PALERMO_HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PALERMO_HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): scripts and styles only from Palermo's own static
# files — no inline script, event handler or style anywhere (tests/web/test_csp.py scans the
# templates); charts are inline SVG with presentation attributes, images may be data: URIs
# (the two-factor QR code, Swagger's icons). Nothing is loaded from another site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# Static files: vendored, served by whitenoise -----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Logging: requests and errors, never request bodies or query values -----------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact": {"()": "palermo.core.logs.RedactValidationErrors"},
                "one_line_refusals": {"()": "palermo.core.logs.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["redact", "one_line_refusals"]}},
    "root": {"handlers": ["console"], "level": "INFO"},
    # On the loggers too, so that every handler (not only the console) gets one line.
    "loggers": {"django.db.backends": {"level": "WARNING"},
                "django.request": {"filters": ["one_line_refusals"]},
                "django.security": {"filters": ["one_line_refusals"]}},
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# The admin's "revert to this version" form saves without asking the change permission;
# history is for reading. Corrections go through the change form, which the policy guards.
SIMPLE_HISTORY_REVERT_DISABLED = True

# E-mail: password reset links and invitations. The default console backend writes each
# message (with its link) to the server's output: set a real backend with real data.
EMAIL_BACKEND = (config.setting("PALERMO_EMAIL_BACKEND")
                 or "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = config.setting("PALERMO_EMAIL_HOST") or "localhost"
EMAIL_PORT = int(config.setting("PALERMO_EMAIL_PORT") or "25")
EMAIL_HOST_USER = config.setting("PALERMO_EMAIL_USER") or ""
EMAIL_HOST_PASSWORD = config.setting("PALERMO_EMAIL_PASSWORD") or ""
EMAIL_USE_TLS = config.flag("PALERMO_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = config.setting("PALERMO_EMAIL_FROM") or "palermo@localhost"
# The address links in e-mails sent from the command line point to (pages use the request's).
PALERMO_SITE_URL = config.setting("PALERMO_SITE_URL") or "http://127.0.0.1:8000"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
