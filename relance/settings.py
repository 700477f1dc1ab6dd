"""Settings come from environment variables; SQLite inside the project by default.

DATABASE_URL switches to PostgreSQL, e.g. postgres://relance@127.0.0.1:5432/relance.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from relance.ops.logs import logging_config  # standard library only

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # The fallback key is public (it is in this file): anyone could sign a session with
    # it. DEBUG pages also show the settings, so DEBUG without a key of one's own is a
    # server anyone can take over; only the local demo (RELANCE_DEMO=1, `make demo`) may.
    if env_bool("RELANCE_PRODUCTION"):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    if DEBUG and not env_bool("RELANCE_DEMO"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is on (RELANCE_DEMO=1 for the local demo only)"
        )
    SECRET_KEY = "insecure-dev-key-only-for-local-demo-and-tests"  # noqa: S105
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "relance.twofactor.TwoFactorAdminConfig",  # django.contrib.admin, with two-factor login
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
    "relance.taskapp.TasksDbConfig",  # django_tasks_db, its name translated
    "ninja",
    "axes",  # login throttling: relance/login.py
    "django_otp",  # two-factor login for the admin: relance/twofactor.py
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "receivables",
    "dunning",
    "reminders",
    "web",
    "api",
    "banking",
    "insight",
    "inbox",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # security headers: see the block at the end
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "relance.ops.logs.RequestContextMiddleware",  # request and company ids in the logs
    "relance.ops.metrics.HttpMetricsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "relance.middleware.LoginRequiredMiddleware",
    "relance.member2fa.MemberTwoFactorMiddleware",  # admins' one-time code (RELANCE_ADMIN_2FA)
    "relance.middleware.RefuseNulMiddleware",
    "relance.middleware.CompanyTimeZoneMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into 429
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
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)  # outbox_sql
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL, a busy timeout and a queue of writers (relance/sqlite) share the file; tests: in
    # memory. FULL: a commit is on disk when it returns (NORMAL: a hand-over lost, resent).
    DATABASES["default"].update(ENGINE="relance.sqlite", TEST={"NAME": ":memory:"})
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
# `relance setup` takes the new administrator's password from here when set (scripts),
# else asks for it on a terminal, else generates one and prints it once.
RELANCE_ADMIN_PASSWORD = os.environ.get("RELANCE_ADMIN_PASSWORD", "")

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
# A file uploaded for the mapping step and never imported is removed after this many hours
# (at the next upload of anyone, and by `relance daily`).
RELANCE_IMPORT_PENDING_HOURS = float(os.environ.get("RELANCE_IMPORT_PENDING_HOURS", "24"))
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
    # RQ kills a job after its timeout; a batch is sent in slices well under it (below)
    _rq_timeout = int(os.environ.get("RELANCE_RQ_JOB_TIMEOUT", "1800"))
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": _rq_timeout}}
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

# -- Outbox (reminders/outbox.py, reminders/lease.py; docs/reliability.md) -------------
# Read from the environment here, and by the outbox at each call (tests override them).
# E-mails a worker claims at once (bench/send.py: 50 cost more per e-mail, 200 idled workers).
RELANCE_OUTBOX_CHUNK = int(os.environ.get("RELANCE_OUTBOX_CHUNK", "100"))
# Tries of a temporary error (4xx, network) before the reminder is marked failed.
RELANCE_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("RELANCE_OUTBOX_MAX_ATTEMPTS", "5"))
# Seconds before the first retry; doubled at each try, at most an hour.
RELANCE_OUTBOX_BACKOFF = float(os.environ.get("RELANCE_OUTBOX_BACKOFF", "60"))
# Seconds a worker's claim lasts unless renewed (a live worker renews it every third of
# that): a dead worker's reminders are shown as interrupted and taken up after this.
RELANCE_OUTBOX_TIMEOUT = float(os.environ.get("RELANCE_OUTBOX_TIMEOUT", "45"))
# A background run sends for at most this long, then queues the rest of its batch as a
# new run: no job outlives a queue's timeout, and other batches get their turn.
RELANCE_TASK_SLICE_SECONDS = float(os.environ.get("RELANCE_TASK_SLICE_SECONDS", "120"))
# -- end of outbox ----------------------------------------------------------------------

# -- Inbox: replies and bounces read from each company's mailbox (inbox/) -------------
# Key of the stored IMAP passwords (empty: derived from SECRET_KEY).
RELANCE_MAILBOX_KEY = os.environ.get("RELANCE_MAILBOX_KEY", "")
# Largest attachment of a reply kept (bigger ones are listed, not stored).
RELANCE_INBOX_MAX_ATTACHMENT_BYTES = int(
    os.environ.get("RELANCE_INBOX_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
)
# Seconds of the first wait after a mailbox failed (down, login refused); doubled at each
# failure, at most a day.
RELANCE_INBOX_BACKOFF = float(os.environ.get("RELANCE_INBOX_BACKOFF", "300"))
# Mailgun's webhook signing key: its events (bounced, complained...) reach /esp/mailgun/tracking/.
RELANCE_MAILGUN_WEBHOOK_SIGNING_KEY = os.environ.get("RELANCE_MAILGUN_WEBHOOK_SIGNING_KEY", "")
# Brevo's and Postmark's webhooks: the « USER:PASSWORD » of the basic auth written in the
# webhook URL given to the provider (relance/webhooks.py); empty: no such webhook.
RELANCE_BREVO_WEBHOOK_SECRET = os.environ.get("RELANCE_BREVO_WEBHOOK_SECRET", "")
RELANCE_POSTMARK_WEBHOOK_SECRET = os.environ.get("RELANCE_POSTMARK_WEBHOOK_SECRET", "")
# -- end of inbox -----------------------------------------------------------------------

# -- Channels (plug-ins; docs/architecture.md) ----------------------------------------
# The transport of each channel kind (dunning.models.Channel): a class in channels/<name>/,
# found by reminders/delivery.py at each use. Another transport for a kind is one line here.
RELANCE_CHANNELS = {
    "email": "channels.email.EmailChannel",
    "firm_email": "channels.email.EmailChannel",
    "letter": "channels.letter.LetterChannel",
    "phone": "channels.phone.PhoneChannel",
}
# -- end of channels --------------------------------------------------------------------

# -- Pay online (banking/online/) -------------------------------------------------------
# The payment providers (plug-ins, like the channels): name → class. Not an environment
# variable: a site that plugs in another provider adds its line here.
RELANCE_PAYMENT_PROVIDERS = {"stripe": "banking.online.stripe_checkout.StripeCheckout"}
# Stripe keys for every company that turns paying online on without typing its own (a
# single-company site keeps them here, out of the database).
RELANCE_STRIPE_SECRET_KEY = os.environ.get("RELANCE_STRIPE_SECRET_KEY", "")
RELANCE_STRIPE_PUBLISHABLE_KEY = os.environ.get("RELANCE_STRIPE_PUBLISHABLE_KEY", "")
RELANCE_STRIPE_WEBHOOK_SECRET = os.environ.get("RELANCE_STRIPE_WEBHOOK_SECRET", "")
# -- end of pay online ------------------------------------------------------------------

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

# --- Operations: logs, health, metrics, error reports (relance/ops/) -------------------
# Logs: one JSON object per line with request and company ids (production default), or
# plain text for a terminal.
RELANCE_LOG_FORMAT = os.environ.get(
    "RELANCE_LOG_FORMAT", "json" if env_bool("RELANCE_PRODUCTION") else "text"
)
if RELANCE_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("RELANCE_LOG_FORMAT must be json or text")
LOGGING = logging_config(RELANCE_LOG_FORMAT, os.environ.get("LOG_LEVEL", "WARNING"))
# /healthz fails when the oldest due e-mail waited longer (seconds: workers down), or a
# company's last scan is older (hours: cron or the scheduler stopped).
RELANCE_HEALTH_MAX_QUEUE_AGE = int(os.environ.get("RELANCE_HEALTH_MAX_QUEUE_AGE", "900"))
RELANCE_HEALTH_MAX_SCAN_AGE = int(os.environ.get("RELANCE_HEALTH_MAX_SCAN_AGE", "26"))
# ... or a reply mailbox's last successful fetch is older (seconds: the fetch task stopped).
RELANCE_HEALTH_MAX_MAILBOX_AGE = int(os.environ.get("RELANCE_HEALTH_MAX_MAILBOX_AGE", "1800"))
# /metrics answers a bearer token, or clients from these networks; neither set: 404.
RELANCE_METRICS_TOKEN = os.environ.get("RELANCE_METRICS_TOKEN", "")
try:
    RELANCE_METRICS_ALLOWED_IPS = [
        ipaddress.ip_network(p.strip(), strict=False)
        for p in os.environ.get("RELANCE_METRICS_ALLOWED_IPS", "").split(",")
        if p.strip()
    ]
except ValueError as exc:
    raise ImproperlyConfigured(f"RELANCE_METRICS_ALLOWED_IPS: {exc}") from exc
# Error reports to Sentry (or a compatible service) when SENTRY_DSN is set; needs the
# extra: pip install -e ".[sentry]". No personal data is sent (send_default_pii off).
if os.environ.get("SENTRY_DSN"):
    try:
        import sentry_sdk
    except ImportError as exc:
        raise ImproperlyConfigured(
            'SENTRY_DSN is set but sentry-sdk is not installed: pip install -e ".[sentry]"'
        ) from exc
    sentry_sdk.init(dsn=os.environ["SENTRY_DSN"], send_default_pii=False)
# --- end of operations -----------------------------------------------------------------

# --- Security headers -------------------------------------------------------------------
# Content-Security-Policy (django-csp): scripts only from our own static files (no inline
# script or handler, no eval), nothing from other sites, no framing, forms post to us.
# Inline style *attributes* stay allowed: the e-mail previews are shown in sandboxed
# srcdoc frames, which inherit this policy, and e-mails carry their styles inline (mail
# clients drop <style> blocks); a style attribute cannot run code or read the page.
# <style> elements are not allowed (htmx's indicator styles are off: web/base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],  # data: the payment QR codes in previews
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Permissions-Policy (django-permissions-policy): no page of ours uses these features, so
# none may, not even a script that got in.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
        "fullscreen", "geolocation", "gyroscope", "magnetometer", "microphone", "midi",
        "payment", "publickey-credentials-get", "screen-wake-lock", "usb",
        "xr-spatial-tracking",
    )
}  # fmt: skip

# The admin asks for a one-time code after the password (django-otp; relance/twofactor.py).
RELANCE_ADMIN_2FA = env_bool("RELANCE_ADMIN_2FA", False)

# --- Login throttling (django-axes; the policy is explained in relance/login.py) ---------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out attempt
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "relance.login.LoginAttempts"  # counters in the database, shared
AXES_FAILURE_LIMIT = int(os.environ.get("RELANCE_LOGIN_FAILURES", "5"))  # per (user, address)
RELANCE_LOGIN_FAILURES_PER_USER = int(os.environ.get("RELANCE_LOGIN_FAILURES_PER_USER", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("RELANCE_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # what a successful login resets
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # failures while locked don't count
AXES_USERNAME_CALLABLE = "relance.login.username_of"
AXES_CLIENT_IP_CALLABLE = "web.client.client_address"
AXES_LOCKOUT_CALLABLE = "relance.login.locked_out"
if AXES_FAILURE_LIMIT < 1 or RELANCE_LOGIN_FAILURES_PER_USER < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        "RELANCE_LOGIN_FAILURES must be 1 or more, RELANCE_LOGIN_FAILURES_PER_USER at least as much"
    )
# Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated),
# e.g. RELANCE_TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8. None by default: REMOTE_ADDR.
try:
    RELANCE_TRUSTED_PROXIES = [
        ipaddress.ip_network(p.strip(), strict=False)
        for p in os.environ.get("RELANCE_TRUSTED_PROXIES", "").split(",")
        if p.strip()
    ]
except ValueError as exc:
    raise ImproperlyConfigured(f"RELANCE_TRUSTED_PROXIES: {exc}") from exc
# The address customers reach Relance at, for the personal links in reminders
# (%LIEN_PORTAIL%, the customer portal): scheme and host, e.g. https://relance.example.com
RELANCE_PUBLIC_URL = os.environ.get("RELANCE_PUBLIC_URL", "http://localhost:8000").rstrip("/")
