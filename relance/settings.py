"""Settings come from environment variables; SQLite inside the project by default.

DATABASE_URL switches to PostgreSQL, e.g. postgres://relance@127.0.0.1:5432/relance.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("RELANCE_PRODUCTION"):
        raise RuntimeError("SECRET_KEY must be set in production")
    SECRET_KEY = "insecure-dev-key-only-for-local-demo-and-tests"  # noqa: S105
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "relance",  # before django_tasks_db and django_rq: its `db_worker` and `rqworker` resume
    # the batches a killed worker left
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "receivables",
    "dunning",
    "reminders",
    "web",
    "api",
    "banking",
    "insight",
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
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "relance.middleware.LoginRequiredMiddleware",
    "relance.middleware.RefuseNulMiddleware",
    "relance.middleware.CompanyTimeZoneMiddleware",
]

ROOT_URLCONF = "relance.urls"
WSGI_APPLICATION = "relance.wsgi.application"

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
            ],
        },
    },
]

DATA_DIR = Path(os.environ.get("RELANCE_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite file and media live here
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'relance.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web server and the worker share the file. FULL: each
    # commit is on disk before it returns (NORMAL may lose the last ones on a power cut:
    # a reminder's hand-over forgotten would send it again).
    SQLITE_SYNCHRONOUS = os.environ.get("RELANCE_SQLITE_SYNCHRONOUS", "FULL").upper()
    if SQLITE_SYNCHRONOUS not in ("FULL", "NORMAL", "EXTRA"):
        raise ImproperlyConfigured("RELANCE_SQLITE_SYNCHRONOUS must be FULL, EXTRA or NORMAL")
    DATABASES["default"]["OPTIONS"] = {
        "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous={SQLITE_SYNCHRONOUS};",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: keep them bounded (imports above this go through the CLI).
# 16 MB: an API batch of 10,000 invoices in JSON is about 3 MB (files have their own limit).
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
RELANCE_MAX_UPLOAD_BYTES = int(os.environ.get("RELANCE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))

# --- Imports: what one file may hold (sec-input) ------------------------------------
# A small upload must not take the server's memory or hold a request for minutes (an XLSX
# of 1 MB inflating to 1 GB, a sheet of 200,000 rows): see docs/admin-guide.md.
RELANCE_IMPORT_MAX_ROWS = int(os.environ.get("RELANCE_IMPORT_MAX_ROWS", "100000"))
RELANCE_IMPORT_MAX_CELLS = int(os.environ.get("RELANCE_IMPORT_MAX_CELLS", "2000000"))
RELANCE_IMPORT_MAX_BYTES = int(os.environ.get("RELANCE_IMPORT_MAX_BYTES", 100 * 1024 * 1024))
RELANCE_IMPORT_MAX_ZIP_RATIO = int(os.environ.get("RELANCE_IMPORT_MAX_ZIP_RATIO", "100"))
# --- end of imports -------------------------------------------------------------------

# E-mail: SMTP from the environment; the demo prints mail to the console when unset.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "relance@localhost")

# Background work: the Tasks API. Embedded default is the database queue; set
# TASKS_BACKEND=rq (and REDIS_URL) to run several RQ workers over Redis instead.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
_tasks_backend = os.environ.get("TASKS_BACKEND", "db")
if _tasks_backend == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    RQ = {
        "JOB_CLASS": "django_tasks_rq.backend.Job",  # so `rqworker default` runs Tasks
        "WORKER_CLASS": "relance.rq.Worker",  # resumes open batches when a work horse dies
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif _tasks_backend == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Workers that share one big batch of e-mails; run as many `relance db_worker` / `rqworker`
# processes. Sending mostly waits (SMTP replies, disk), so more workers than cores pay:
# on 2 cores, 3 workers send ~1.25x faster than 2, 4 are slower (docs/admin-guide.md).
RELANCE_SEND_WORKERS = int(os.environ.get("RELANCE_SEND_WORKERS", "3"))

# API: requests per token and window ("N/s", "N/min", "N/h"). The counter lives in the
# cache: set CACHE_URL=redis://... so that several web processes share it.
RELANCE_API_RATE = os.environ.get("RELANCE_API_RATE", "600/min")
if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
    }

if env_bool("RELANCE_PRODUCTION"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
