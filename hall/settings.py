"""Settings of the service hall: one module, driven by the environment.

With no environment at all the hall runs embedded: SQLite, the in-memory channel layer, Celery tasks run in-process
after commit, and the periodic jobs run on the server's own event loop. `DATABASE_URL` and `REDIS_URL` switch to the
production topology. `HALL_PRODUCTION=1` turns on the hardening a public deployment needs.
"""

import base64
import datetime
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HALL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _embedded_key(name: str, make) -> str:
    """A key made once and kept in var/, so that a local hall keeps its sessions and can read its own data."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / name
    if not key_file.exists():
        key_file.write_text(make())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


PRODUCTION = env_bool("HALL_PRODUCTION")
DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("HALL_PRODUCTION is set but DJANGO_SECRET_KEY is empty: refusing to start.")
    SECRET_KEY = _embedded_key("secret_key", lambda: secrets.token_urlsafe(50))

# Personal information (identity and phone numbers): see hall/pii.py. The first key encrypts, all decrypt.
HALL_PII_KEYS = env_list("HALL_PII_KEYS", [])
HALL_PII_HASH_KEY = os.environ.get("HALL_PII_HASH_KEY", "")
if not HALL_PII_KEYS or not HALL_PII_HASH_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("HALL_PII_KEYS and HALL_PII_HASH_KEY must be set in production: refusing to start.")
    HALL_PII_KEYS = HALL_PII_KEYS or [_embedded_key("pii_key", _fernet_key)]
    HALL_PII_HASH_KEY = HALL_PII_HASH_KEY or _embedded_key("pii_hash_key", lambda: secrets.token_urlsafe(32))

LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else LOCAL_HOSTS)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks); none by default.
HALL_TRUSTED_PROXIES = env_list("HALL_TRUSTED_PROXIES", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.forms",  # the form renderer below finds the widget templates of Django and of the project
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "hall.axes_app.HallAxesConfig",
    "import_export",
    "hall",
    "hall.notifications",
    "centers",
    "accounts",
    "licenses",
    "matters",
    "queueing",
    "evaluations",
    "dashboards",
]

MIDDLEWARE = [
    "hall.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hall.middleware.RefuseNulInQueryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hall.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hall.urls"
ASGI_APPLICATION = "hall.asgi.application"

# Widget templates may be overridden in templates/ (the admin's date and time pair carries real labels there).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

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
                "accounts.context_processors.elderly_mode",
                "hall.navigation.staff_links",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Under ASGI every request may run in another thread, and persistent connections pile up one per thread:
    # web processes close theirs after each request (0); Celery workers may keep them (HALL_DB_CONN_MAX_AGE).
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=int(os.environ.get("HALL_DB_CONN_MAX_AGE", "0")), conn_health_checks=True
        )
    }
    # No JIT compilation: the hall's statements are short, and compiling one whose estimated cost crosses the threshold
    # costs far more than it saves (docs/decisions.md, "PostgreSQL without JIT").
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (_options.get("options", "") + " -c jit=off").strip()
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("HALL_SQLITE_PATH", str(VAR_DIR / "hall.sqlite3")),
            "OPTIONS": {
                # Writers queue up at BEGIN instead of failing half-way: this is what makes the daily counter and
                # call-next race-free on SQLite.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            },
            # A file, not memory: the concurrency tests need real connections from many threads. One per test run,
            # so that two runs on one machine do not share it.
            "TEST": {"NAME": os.environ.get("HALL_SQLITE_TEST_PATH") or str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, cache, Celery ------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
EMBEDDED = not REDIS_URL

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # redis-py's default socket timeout would drop idle screens; keep their connections open.
                # The pub/sub layer polls with its own short timeout, so idle screens survive redis-py's socket
                # timeout (tests/dashboards/test_redis_idle.py); the timeout stays, so a hung Redis cannot hang a
                # request that publishes after commit.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 10,
                        "socket_connect_timeout": 5,
                        "socket_keepalive": True,
                        "health_check_interval": 30,
                    }
                ],
                # Pub/sub ignores Redis database numbers: halls sharing one Redis server need their own prefix.
                "prefix": os.environ.get("HALL_CHANNEL_PREFIX", "hall"),
            },
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Screens stay connected for days: the in-memory layer must not drop their group membership after 24 h.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"group_expiry": 10**9}}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hall"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = EMBEDDED
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A job's message is acknowledged once the job is done, not when it starts: a worker killed mid-job leaves it with the
# broker, which hands it out again (at once when a pool process died under a live worker; after the visibility timeout
# when the whole worker died). Every task may therefore run twice, and each is written to (docs/operations.md).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a worker holds only the jobs it runs: none wait behind a dead one
# How long Redis waits for a job's acknowledgement before handing it out again (Redis's default is an hour). Longer
# than any job runs and than an SMS attempt's lease (HALL_SMS_SEND_TIMEOUT), so a running job is not handed out twice
# and a re-run of a dead attempt finds its lease over.
HALL_CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("HALL_CELERY_VISIBILITY_TIMEOUT", "300"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": HALL_CELERY_VISIBILITY_TIMEOUT,
    # Workers look for overdue messages every 10 s (by default kombu looks only every tenth time).
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}

# The catalogue's spreadsheets (django-import-export): CSV and Excel, each import in one transaction.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Periodic jobs: one static schedule, used by Celery beat in production and by the in-process runner when embedded.
# Each entry: task name, period in seconds. `expires` is set just under the period so a backlog never piles up.
HALL_PERIODIC_JOBS = {
    "dashboards.push_hall_snapshots": float(os.environ.get("HALL_SNAPSHOT_PERIOD", "5")),
    "dashboards.scan_wait_timeouts": 30.0,
    "dashboards.scan_long_services": 60.0,
    "dashboards.scan_load": 60.0,
    "dashboards.scan_service_levels": 300.0,
    "queueing.close_past_days": 600.0,
    "queueing.release_missed_appointments": 300.0,
    "queueing.check_flow_counters": 600.0,
    "dashboards.daily_rollups": 1800.0,
    "matters.supervise_cases": 900.0,
    # Reminders are sent once whatever the period: hourly, so a day with a stopped worker is caught up the same day.
    "licenses.remind_expiry": 3600.0,
    # Default ratings: hourly, each service once, whenever its rating period ended.
    "evaluations.apply_default_reviews": 3600.0,
    "dashboards.scan_overdue_rectifications": 3600.0,
    "evaluations.push_reviews": 60.0,
    # The review SMS after service, once the evaluator's invitation has run out.
    "evaluations.invite_reviews_by_sms": 60.0,
}
CELERY_BEAT_SCHEDULE = {
    name: {"task": name, "schedule": period, "options": {"expires": max(period * 0.9, 1.0)}}
    for name, period in HALL_PERIODIC_JOBS.items()
}
# In-process runner for the embedded default; it can be turned off (tests turn it off).
HALL_INPROCESS_JOBS = env_bool("HALL_INPROCESS_JOBS", default=EMBEDDED)

# The fan-out of the queue's events to screens and phones (dashboards/services/fanout.py): a Redis list drained by
# `manage.py run_fanout` in production, a task on the server's own loop when embedded, or at once ("inline").
HALL_FANOUT = os.environ.get("HALL_FANOUT", "redis" if REDIS_URL else "inprocess")
if HALL_FANOUT not in ("redis", "inprocess", "inline") or (HALL_FANOUT == "redis" and not REDIS_URL):
    raise ImproperlyConfigured("HALL_FANOUT is one of redis (with REDIS_URL), inprocess or inline")
HALL_FANOUT_KEY = os.environ.get("HALL_CHANNEL_PREFIX", "hall") + ":fanout"
# A centre's screens get at most one delta per this many seconds; the events of the interval go out together.
HALL_FANOUT_MIN_INTERVAL = float(os.environ.get("HALL_FANOUT_MIN_INTERVAL", "0.1"))
# The screens' hub (dashboards/services/hub.py) publishes on these Redis channels. Pub/sub ignores database numbers,
# so the database is part of the name: two halls (or test runs) on one Redis server on different databases never hear
# each other.
HALL_SCREENS_PREFIX = "{}:db{}:screens:".format(
    os.environ.get("HALL_CHANNEL_PREFIX", "hall"), urlsplit(REDIS_URL).path.strip("/") or "0"
)

# --- Auth ---------------------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts before any password check
    "accounts.backends.MobileBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords lock an account for 30 minutes (common practice of government portals).
AXES_FAILURE_LIMIT = int(os.environ.get("HALL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("HALL_LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.backends.lockout_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_SENSITIVE_PARAMETERS = ["password", "mobile", "code", "id_number"]
AXES_VERBOSE = False
# Lock-outs count per account only: a hall's counters share one address behind NAT, and locking the address would
# lock out every window. Addresses are rate-limited instead (hall.ratelimit on the sign-in views).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Language and time --------------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# The hall's own catalogue first (makemessages writes only there), then translations of libraries that ship none.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Uploaded files (the catalogue's blank forms and samples), served by the hall's own views -------------------------
MEDIA_ROOT = Path(os.environ.get("HALL_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # not routed: files leave through views that check what may be read (matters.views)

# --- Static files ---------------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("HALL_STATIC_ROOT", BASE_DIR / "staticfiles"))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even when serving from finders
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# The embedded hall serves static files straight from the source folders: no collectstatic step for a newcomer.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- API ------------------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Devices send their own token (first: a missing sign-in is then a 401 that names the scheme); people use the
    # session of the pages. No password travels with API requests.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "queueing.device_auth.DeviceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "hall.api_errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "hall.api.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {
        # Per client address; kiosks of other vendors behind one address need a rate above their peak.
        "ticket_issue": os.environ.get("HALL_TICKET_ISSUE_RATE", "120/minute"),
        "appointment": os.environ.get("HALL_APPOINTMENT_RATE", "30/minute"),
        # Public verification of licences: enough for a counter checking copies, too few to walk the registry.
        "license_verify": os.environ.get("HALL_LICENSE_VERIFY_RATE", "30/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Service hall API",
    "DESCRIPTION": "Tickets, windows and queues of the government service hall.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "hall.api.document_errors"],
    "ENUM_NAME_OVERRIDES": {
        "TicketChannelEnum": "queueing.models.Ticket.Channel",
        "PublicIssueChannelEnum": "queueing.api.PUBLIC_ISSUE_CHANNELS",
        "TicketStatusEnum": "queueing.models.Ticket.Status",
        "AppointmentStatusEnum": "queueing.models.Appointment.Status",
        "CaseStatusEnum": "matters.models.Case.Status",
        "CaseChannelEnum": "matters.models.Case.Channel",
        "ServiceObjectEnum": "matters.models.ServiceObject",
    },
}

# --- Security -------------------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Everything a screen needs is served by the hall itself, so the policy allows our own origin only.
HALL_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

# --- Logging --------------------------------------------------------------------------------------------------------
LOG_LEVEL = os.environ.get("HALL_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_pii": {"()": "hall.logging.RedactPersonalInformation"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_pii"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A line for every task that succeeded is 17,000 lines a day from the 5-second screen push alone; failures
        # still log, and every job's runs are counted in JobStatus.
        "celery.app.trace": {"level": "WARNING"},
    },
}

# --- Hall settings (local practice; editable defaults, see docs/domain.md) ----------------------------------------
HALL_RECENT_CALLS_SHOWN = 8

# E-licences: a copy shown to staff is good for this many days (its watermark says until when); expiry reminders go
# this many days before `valid_to`, between these local hours.
HALL_LICENSE_COPY_VALID_DAYS = int(os.environ.get("HALL_LICENSE_COPY_VALID_DAYS", "30"))
HALL_LICENSE_REMINDER_DAYS = [int(days) for days in env_list("HALL_LICENSE_REMINDER_DAYS", ["30", "7"])]
HALL_LICENSE_REMINDER_HOURS = (9, 20)
# Reviews (好差评): a citizen may rate within this many natural days of the service; a bad review is verified and its
# citizen called back within the first count of working days, rectified within the second.
HALL_REVIEW_PERIOD_DAYS = int(os.environ.get("HALL_REVIEW_PERIOD_DAYS", "7"))
HALL_REVIEW_CALLBACK_WORKING_DAYS = int(os.environ.get("HALL_REVIEW_CALLBACK_WORKING_DAYS", "1"))
HALL_REVIEW_RECTIFY_WORKING_DAYS = int(os.environ.get("HALL_REVIEW_RECTIFY_WORKING_DAYS", "15"))
# Unrated after the period, a service gets this level (3 基本满意), flagged as a default.
HALL_REVIEW_DEFAULT_LEVEL = int(os.environ.get("HALL_REVIEW_DEFAULT_LEVEL", "3"))
# Suspicious reviews: given within this many seconds of the call; this many or more from one source within the span.
HALL_REVIEW_MIN_SECONDS_AFTER_CALL = int(os.environ.get("HALL_REVIEW_MIN_SECONDS_AFTER_CALL", "20"))
HALL_REVIEW_BURST_COUNT = int(os.environ.get("HALL_REVIEW_BURST_COUNT", "3"))
HALL_REVIEW_BURST_SECONDS = int(os.environ.get("HALL_REVIEW_BURST_SECONDS", "120"))
# The evaluator at a window invites a review of the ticket just finished for this long, then goes back to idle; after
# a review it thanks the citizen for the second figure.
HALL_EVALUATOR_INVITE_SECONDS = int(os.environ.get("HALL_EVALUATOR_INVITE_SECONDS", "120"))
HALL_EVALUATOR_THANKS_SECONDS = int(os.environ.get("HALL_EVALUATOR_THANKS_SECONDS", "6"))
# The push of reviews to the provincial platform (evaluations/services/push.py; docs/domain.md "Push"): off while the
# URL is empty. The secret signs every request (HMAC-SHA256); the source names this hall to the platform.
HALL_PROVINCE_PUSH_URL = os.environ.get("HALL_PROVINCE_PUSH_URL", "")
HALL_PROVINCE_PUSH_SECRET = os.environ.get("HALL_PROVINCE_PUSH_SECRET", "")
HALL_PROVINCE_PUSH_SOURCE = os.environ.get("HALL_PROVINCE_PUSH_SOURCE", "hall")
HALL_PROVINCE_PUSH_MAX_ATTEMPTS = int(os.environ.get("HALL_PROVINCE_PUSH_MAX_ATTEMPTS", "8"))
HALL_PROVINCE_PUSH_BACKOFF_SECONDS = int(os.environ.get("HALL_PROVINCE_PUSH_BACKOFF_SECONDS", "60"))
if HALL_PROVINCE_PUSH_URL and not HALL_PROVINCE_PUSH_SECRET:
    raise ImproperlyConfigured("HALL_PROVINCE_PUSH_URL is set but HALL_PROVINCE_PUSH_SECRET is empty: nothing to sign.")
HALL_LICENSE_VERIFY_LIMIT_PER_MINUTE = int(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["license_verify"].split("/")[0])
# Numbers one kiosk (one client address) may take per minute through the kiosk page.
HALL_KIOSK_ISSUE_LIMIT_PER_MINUTE = int(os.environ.get("HALL_KIOSK_ISSUE_LIMIT_PER_MINUTE", "60"))

# --- Notifications ----------------------------------------------------------------------------------------------------
# SMS to citizens (hall/notifications). The backend is a dotted path, like Django's EMAIL_BACKEND: the console backend
# only logs (mobile masked); a carrier's gateway plugs in as described in hall/notifications/backends.py, with its
# constructor's keyword arguments in HALL_SMS_BACKEND_OPTIONS.
HALL_SMS_BACKEND = os.environ.get("HALL_SMS_BACKEND", "hall.notifications.backends.ConsoleSmsBackend")
HALL_SMS_BACKEND_OPTIONS: dict = {}
# The address citizens' phones reach the hall at (scheme, host, port if any): links sent by SMS, which have no request
# to take a host from, are built on it.
HALL_PUBLIC_URL = os.environ.get("HALL_PUBLIC_URL", "http://localhost:8000").rstrip("/")
# Per recipient and template: (at most N messages, within S seconds), counted from the outbox. Messages over a limit
# are kept as "suppressed" and not sent. Limits count one template at a time, so that a ticket's "called" SMS is never
# swallowed by its "issued" SMS a minute earlier; a template listed below replaces the default rules ([] = no limit).
HALL_SMS_RATE_LIMITS = [(1, 60), (5, 3600), (20, 86400)]
HALL_SMS_RATE_LIMITS_BY_TEMPLATE = {"login_code": [(1, 60), (5, 3600), (10, 86400)]}
# Delivery: attempts in all, and the back-off after a failed attempt (doubling from BACKOFF, at most BACKOFF_MAX s).
HALL_SMS_MAX_ATTEMPTS = int(os.environ.get("HALL_SMS_MAX_ATTEMPTS", "5"))
HALL_SMS_RETRY_BACKOFF = 30
HALL_SMS_RETRY_BACKOFF_MAX = 3600
# An attempt that has not reported after this many seconds (a worker died mid-send) is attempted again.
HALL_SMS_SEND_TIMEOUT = int(os.environ.get("HALL_SMS_SEND_TIMEOUT", "120"))
# Templates carrying one-time codes: the admin shows their texts with the digits hidden.
HALL_SMS_SECRET_TEMPLATES = ["login_code"]
# Sends what is due: retries after their back-off (run eagerly, the embedded hall retries only through this job) and
# messages whose hand-over to the broker failed.
HALL_PERIODIC_JOBS["notifications.retry_due"] = 60.0
# Forgets idempotency keys older than their 24 hours.
HALL_PERIODIC_JOBS["hall.purge_idempotency_keys"] = 3600.0
CELERY_BEAT_SCHEDULE["hall.purge_idempotency_keys"] = {
    "task": "hall.purge_idempotency_keys",
    "schedule": 3600.0,
    "options": {"expires": 3500.0},
}
CELERY_BEAT_SCHEDULE["notifications.retry_due"] = {
    "task": "notifications.retry_due",
    "schedule": 60.0,
    "options": {"expires": 54.0},
}
