"""Settings for the Liuyang transport work portal.

Everything that differs between a laptop and the bureau's servers comes from the environment (see
``liuyang_transport/env.py``). With nothing set, the portal runs embedded: SQLite, no Redis, Celery tasks
run in-process, e-mail printed to the console. ``DEBUG=0`` switches on the production hardening that
``manage.py check --deploy`` asks for.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_date, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-not-secret-liuyang-transport-portal-0123456789abcdefghij"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
#: How many reverse proxies in front of the portal append to X-Forwarded-For (core.network.client_ip). 0: the header
#: is ignored and the peer's address is the client's; behind the bureau's nginx, 1.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
CSRF_FAILURE_VIEW = "core.views.csrf_failure"  # in the site's layout, in Chinese (templates/403_csrf.html)

INSTALLED_APPS = [
    "core.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "import_export",
    "auditlog",
    "axes",
    "core",
    "organisation",
    "plans",
    "projects",
    "enterprises",
    "safety",
    "inspections",
    "emergency",
    "monitoring",
    "checklists",
    "reminders",
    "events",
    "api",
    "dashboard",
    "todo",
]

MIDDLEWARE = [
    "core.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "liuyang_transport.urls"
WSGI_APPLICATION = "liuyang_transport.wsgi.application"

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
                "core.context_processors.demo_clock",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://user@host:5432/name), else the embedded SQLite file.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the portal's queries are short, and PostgreSQL estimates its correlated subqueries so
    # high that it compiled them for longer than they ran (benchmarks/list_pages.py measures both ways).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the Celery broker and the cache. Without it, tasks run in-process (embedded mode).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# Users, passwords and lockout after failed logins (django-axes).
AUTH_USER_MODEL = "organisation.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.network.client_ip"  # the client's address, not the reverse proxy's
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Chinese first, English second; times stored in UTC, shown in Beijing time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Dates typed in forms are read year first in both languages (liuyang_transport/formats/dates.py).
FORMAT_MODULE_PATH = ["liuyang_transport.formats"]
# The portal's "today" (core.clock): a fixed date for the demo data (`make run` sets 2020-11-30), else the real one.
PORTAL_TODAY = env_date("PORTAL_TODAY")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"  # never served directly: attachments go through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads: attachments and import files.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000)  # rows of one import file
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 2_000_000)  # cells of its sheet (a 10 MB file may claim many more)
# different texts of a workbook (its shared strings); never more than IMPORT_MAX_CELLS (core.imports.files)
IMPORT_MAX_SHARED_STRINGS = env_int("IMPORT_MAX_SHARED_STRINGS", IMPORT_MAX_CELLS)
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 1000)  # more rows: a background job (core.imports.jobs)
IMPORT_BATCH_SIZE = env_int("IMPORT_BATCH_SIZE", 1000)  # rows per bulk insert/update on the fast path
IMPORT_MAX_ISSUES = env_int("IMPORT_MAX_ISSUES", 1000)  # row problems kept by the fast path
IMPORT_JOB_MAX_ISSUES = env_int("IMPORT_JOB_MAX_ISSUES", 500)  # row problems kept on a job
# a job queued this long and not started, or running without a heartbeat this long, is queued again by the sweep
IMPORT_JOB_STALE_SECONDS = env_int("IMPORT_JOB_STALE_SECONDS", 300)
IMPORT_JOB_HEARTBEAT_SECONDS = env_int("IMPORT_JOB_HEARTBEAT_SECONDS", 30)  # how often a running job says it is alive
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail: SMTP when EMAIL_HOST is set, else printed to the console.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@jtj.liuyang.gov.cn")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Audit history (django-auditlog): before/after of every tracked write, with the actor.
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = False

PAGE_SIZE = 25

# --- Reminders (issue 5: reminders app, Celery beat schedule) -------------------------------------------------------
# Periodic work (the daily reminder scan 08:30, the Monday digest 08:00, the purge of stale import files 03:15,
# Asia/Shanghai) is kept in the database (django-celery-beat, edited in the admin site); the reminders app's
# migration 0002 creates it. With no Redis, `manage.py runserver` runs the same schedule in-process
# (reminders/embedded.py).
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Defaults of the reminder rules; administrators change them per kind of deadline (admin: reminder rules).
REMINDERS_OFFSETS = (7, 3, 1, 0)  # days before the due date
REMINDERS_OVERDUE_EVERY = 3  # working days between overdue reminders
REMINDERS_ESCALATE_AFTER = 7  # working days overdue before the unit head and the overseeing leader are told
# 两客一危 monitoring: an alarm handled within this many minutes of its start counts for 处置率.
MONITORING_HANDLING_MINUTES = env_int("MONITORING_HANDLING_MINUTES", 30)
REMINDERS_MONTHLY_REPORT_DAY = env_int("REMINDERS_MONTHLY_REPORT_DAY", 25)  # last month's progress due by this day
REMINDERS_EMAIL_BATCH = env_int("REMINDERS_EMAIL_BATCH", 100)  # users per e-mail task
REMINDERS_WEBHOOK_TIMEOUT = env_int("REMINDERS_WEBHOOK_TIMEOUT", 5)  # seconds per try
REMINDERS_WEBHOOK_ATTEMPTS = env_int("REMINDERS_WEBHOOK_ATTEMPTS", 4)
REMINDERS_WEBHOOK_BACKOFF = env_int("REMINDERS_WEBHOOK_BACKOFF", 2)  # seconds before the 2nd try, doubling
REMINDERS_SITE_URL = env_str("PORTAL_URL", "http://127.0.0.1:8000")  # links in e-mails and robot messages
# --- end of reminders -----------------------------------------------------------------------------------------------

# --- REST API v1 (issue 6: api app, drf-spectacular) ----------------------------------------------------------------
# The REST framework's defaults stay session + IsAuthenticated for any DRF view of the site; the API's views (api/)
# add token authentication, scopes, throttling and ETags of their own.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # should a throttle ever go by address: the client's (core.network)
}
API_TOKEN_RATE = env_str("API_TOKEN_RATE", "1200/min")  # per token unless the token sets its own
API_USER_RATE = env_str("API_USER_RATE", "600/min")  # per logged-in user (session)
for _name, _rate in (("API_TOKEN_RATE", API_TOKEN_RATE), ("API_USER_RATE", API_USER_RATE)):
    _count, _, _period = _rate.partition("/")
    if not (_count.isdigit() and int(_count) > 0 and _period.isalpha() and _period[0] in ("s", "m", "h", "d")):
        raise ImproperlyConfigured(f"{_name} must look like 600/min or 20000/hour, not {_rate!r}")
#: The county's administrative division code (浏阳市 430181): the first part of every API object's uid, so that the
#: province can merge the mirrors of its counties.
COUNTY_CODE = env_str("COUNTY_CODE", "430181")
if not (len(COUNTY_CODE) == 6 and COUNTY_CODE.isdigit()):
    raise ImproperlyConfigured(f"COUNTY_CODE must be a six-digit administrative division code, not {COUNTY_CODE!r}")
SPECTACULAR_SETTINGS = {
    "TITLE": "浏阳市交通运输局工作门户 API",
    "DESCRIPTION": (
        "API v1 of the Liuyang Transport Bureau work portal, for the provincial department and other systems. "
        "Authenticate with `Authorization: Bearer <token>` (tokens are issued by the portal's administrators) or a "
        "logged-in session. Lists filter by `updated_since` / `updated_before` and their page's filters, and page with "
        "a cursor; `/api/v1/<resource>/export/` streams a whole list as NDJSON for a first pull; deletions are at "
        "/api/v1/deletions/. Choices read {code, label}; money is a decimal string in 万元; times are ISO 8601."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "GET_LIB_DOC_EXCLUDES": "api.schema.doc_excludes",
}
# --- end of REST API --------------------------------------------------------------------------------------------------

# --- Leadership dashboard and weekly briefing (issue 7: dashboard app) ----------------------------------------------
#: The Chinese font embedded in the weekly briefing's PDF (.ttf/.otf/.ttc). Empty: look in the usual places
#: (fonts-noto-cjk, fonts-wqy-*, fontconfig); see dashboard.briefing.briefing_font.
BRIEFING_FONT_PATH = env_str("BRIEFING_FONT_PATH")
#: Seconds the dashboard's figures are kept in the cache; any write to the data they count clears them sooner.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 600)
# --- end of dashboard -----------------------------------------------------------------------------------------------

# Production hardening (DEBUG off): what `manage.py check --deploy` asks for. TLS ends at the
# bureau's reverse proxy, which sets X-Forwarded-Proto.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    # Opt-in: the bureau's other hosts under the same domain may not all speak HTTPS, and the preload list is hard to
    # leave. Off, the deploy check's reminders of them (security.W005, W021) are silenced as a decision taken.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    X_FRAME_OPTIONS = "DENY"
    SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy of every response (core.middleware): the portal's scripts, styles, fonts and images all come
# from its own static files (no CDN), and no page has an inline script or event handler. Styles allow
# 'unsafe-inline': the progress bars' widths are style attributes, and htmx adds its indicator <style>.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
