"""Settings for the partnerships app, read from the environment.

Every value has a default that is safe for a developer's machine; production
sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from partnerships.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEVELOPMENT_SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is the development key. "
        "Set SECRET_KEY to a long random value (or DEBUG=1 on a developer's machine)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "partnerships.accounts",
    "partnerships.principles",
    "partnerships.checklists",
    "partnerships.partners",
    "partnerships.proposals",
    "partnerships.assessments",
    "partnerships.reports",
    "partnerships.oversight",
    "partnerships.sanctions",
    "partnerships.integrity",
    "partnerships.jobs",
    "partnerships.demo",
    "partnerships.benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The audit trail records who made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "partnerships.urls"
WSGI_APPLICATION = "partnerships.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # E-mail is plain text: nothing escaped (partnerships/mail.py).
        "NAME": "plain_text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates" / "emails"],
        "APP_DIRS": False,
        "OPTIONS": {"autoescape": False},
    },
]

DATABASE_URL = env_str("DATABASE_URL", "")
if not DATABASE_URL:
    # The embedded default: an SQLite file in the git-ignored var/ folder.
    VAR_DIR.mkdir(exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        # In production each worker keeps its connection for a minute instead of opening
        # one per request; the health check replaces a connection the database dropped.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Each process keeps its own: what is cached (signature checks) can be recomputed by any.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Errors and warnings to the process's stderr, where gunicorn and systemd collect them
# (Django's default drops server errors when DEBUG is off and no ADMINS are set).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # Django's own logger writes to the root's handler only (its default console handler
    # would print every message a second time with DEBUG on).
    "loggers": {"django": {"handlers": [], "propagate": True}},
}

# Background jobs (partnerships/jobs): Django's tasks API (django.tasks from Django 6.0,
# the django-tasks backport until then). "database" queues tasks in the app's own
# database for `manage.py db_worker` (make worker); "immediate" runs them in-process
# when they are enqueued, so the embedded SQLite default needs no worker.
TASKS_BACKEND = env_str(
    "TASKS_BACKEND",
    "database" if DATABASES["default"]["ENGINE"].endswith("postgresql") else "immediate",
)
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, got {TASKS_BACKEND!r}"
    )
TASK_QUEUES = ["exports", "screening"]
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND], "QUEUES": TASK_QUEUES}}
# Finished exports (files and their rows) are deleted this long after they finish.
EXPORT_RETENTION_HOURS = env_int("EXPORT_RETENTION_HOURS", 24)
# An unfinished export without progress for this long has stalled (no worker took it
# up, or its worker stopped): asking for it again gives it up and makes a new one.
EXPORT_STALL_MINUTES = env_int("EXPORT_STALL_MINUTES", 15)
# An XLSX export is refused above this many rows (CSV has no limit): Excel opens at
# most 1,048,576 rows, and openpyxl writes an XLSX several times slower than a CSV.
EXPORT_XLSX_MAX_ROWS = env_int("EXPORT_XLSX_MAX_ROWS", 200_000)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["partnerships.accounts.backends.ModelBackendWithAgency"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "partnerships" / "locale"]
# The dashboard's quarters are UTC's whatever this says (`latest.quarter_start`, stored
# with each counted assessment; migration assessments 0011).
TIME_ZONE = "UTC"
USE_I18N = True
# Dates and numbers per language (partnerships/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["partnerships.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

# Evidence files attached to assessments.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "partnerships@localhost")
# Used in e-mails to link back to the app.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Signing the decided reviews: the agency's key and certificate as a PKCS#12 file, and
# the certificates that verification trusts. `make run` creates a development pair.
SIGNING_DIR = VAR_DIR / "signing"
SIGNING_PKCS12_PATH = env_str("SIGNING_PKCS12_PATH", str(SIGNING_DIR / "development.p12"))
SIGNING_PKCS12_PASSPHRASE = env_str("SIGNING_PKCS12_PASSPHRASE", "development")
SIGNING_TRUST_ROOTS = env_list("SIGNING_TRUST_ROOTS", [str(SIGNING_DIR / "development.pem")])
SIGNING_LOCATION = env_str("SIGNING_LOCATION", "")
# Pages that show a stored review reuse its signature's validation for the same bytes and
# trust roots this long (a changed byte is validated afresh; commands always validate).
SIGNATURE_CHECK_REUSE_SECONDS = env_int("SIGNATURE_CHECK_REUSE_SECONDS", 3600)
# A signed decision's principle sections and scores are rendered once per language and
# kept this long (0: rendered on every view).
DECIDED_SHEET_CACHE_SECONDS = env_int("DECIDED_SHEET_CACHE_SECONDS", 86400)
# Largest PDF accepted by the public verification page.
VERIFY_MAX_BYTES = env_int("VERIFY_MAX_BYTES", 20 * 1024 * 1024)

# Sanctions screening: a name score (0–100) at or above this opens a hit for review.
SANCTIONS_MATCH_THRESHOLD = env_int("SANCTIONS_MATCH_THRESHOLD", 84)
# Where `import_sanctions` without a path fetches the list: https only, from these hosts.
SANCTIONS_LIST_URL = env_str(
    "SANCTIONS_LIST_URL", "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
)
SANCTIONS_ALLOWED_HOSTS = env_list("SANCTIONS_ALLOWED_HOSTS", ["scsanctions.un.org"])

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Demo data (users with published passwords) may only be loaded on a developer's machine.
DEMO_DATA_ALLOWED = DEBUG
