"""Settings for the Zhumadian target-responsibility system.

Everything that differs between a laptop and production comes from the environment through the
typed helpers in ``env.py``. With nothing set, the site runs on SQLite and on Celery's filesystem
transport under ``var/``, so ``make run`` needs no servers. ``ZMD_MODE=production`` turns on the
settings ``manage.py check --deploy`` asks for and refuses to start without a real secret key.
"""

from __future__ import annotations

import re
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_date, env_int, env_list, env_str, env_time, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ZMD_VAR_DIR", str(BASE_DIR / "var")))

MODE = env_str("ZMD_MODE", "development")
if MODE not in {"development", "production"}:
    raise ImproperlyConfigured(f"ZMD_MODE must be development or production; got {MODE!r}")
PRODUCTION = MODE == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when ZMD_MODE=production")

_DEV_SECRET = "dev-only-secret-key-not-for-production-zmd-targets-0123456789"
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of 50 or more characters")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by us: /api/docs/ works on an intranet
    "core",
    "tasks",
    "accountability",
    "accounts",
    "api",
    "bench",
    # Health, metrics and backups (ops/): /healthz, /metrics, manage.py backup and restore_check.
    "django_prometheus",
    "ops",
]

MIDDLEWARE = [
    # Request counts and latencies for /metrics: the first and the last middleware time the rest.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # In place of Django's LocaleMiddleware: the person's language, never Accept-Language.
    "accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 等保: an idle session ends; a one-time password is changed before anything else.
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it answers a locked-out login before any view runs.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "zmd_targets.urls"
WSGI_APPLICATION = "zmd_targets.wsgi.application"

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
                "tasks.context_processors.workspace",
                "accountability.context_processors.inbox",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'zmd.sqlite3'}",
    schemes=("sqlite", "postgres", "postgresql", "pgsql"),
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat share one file: wait for locks instead of failing, let
    # readers run beside the writer (WAL), and take the write lock at BEGIN so two writers queue
    # rather than deadlock on upgrade.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # The pages' judgment queries look costly to the planner (a subquery per row) but run on index
    # probes: JIT compiling them cost more than running them (350 of 650 ms on the dashboard's SQL).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tasks.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Length ZMD_PASSWORD_MIN_LENGTH, three of four character classes, not the user name.
    {"NAME": "accounts.validators.PasswordRuleValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# 等保 basics (accounts): the password rule's length, the idle timeout on the real clock (0 = off),
# how many sessions one person may hold (the oldest ends), how long login and audit records are kept.
ZMD_PASSWORD_MIN_LENGTH = env_int("ZMD_PASSWORD_MIN_LENGTH", 8, minimum=8, maximum=64)
ZMD_SESSION_IDLE_MINUTES = env_int("ZMD_SESSION_IDLE_MINUTES", 30, minimum=0, maximum=24 * 60)
ZMD_MAX_SESSIONS_PER_USER = env_int("ZMD_MAX_SESSIONS_PER_USER", 3, minimum=1, maximum=50)
ZMD_AUDIT_KEEP_DAYS = env_int("ZMD_AUDIT_KEEP_DAYS", 180, minimum=180)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins cool off after a few tries; never a permanent lock-out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address behind ZMD_PROXY_COUNT proxies of ours (X-Forwarded-For), not the proxy's.
ZMD_PROXY_COUNT = env_int("ZMD_PROXY_COUNT", 0, minimum=0, maximum=5)
AXES_CLIENT_IP_CALLABLE = "zmd_targets.client_ip.client_address"
# An address whose failures name this many usernames is refused on all of them (password spraying).
ZMD_LOGIN_ADDRESS_USERNAMES = env_int("ZMD_LOGIN_ADDRESS_USERNAMES", 10, minimum=2)
AXES_HANDLER = "zmd_targets.login_throttle.LoginThrottleHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# --- Language and time -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Pins "today" for the demo (make run sets 2018-09-30) and for acceptance scripts; unset in
# production. Read it only through tasks.clock.
ZMD_TODAY = env_date("ZMD_TODAY")
# Rows per page of every list (core.lists.paginate).
ZMD_PAGE_SIZE = env_int("ZMD_PAGE_SIZE", 25, minimum=5, maximum=500)
# Reports are due on this day of the period's last month (weekly: this weekday, 0 = Monday).
ZMD_REPORT_DUE_DAY = env_int("ZMD_REPORT_DUE_DAY", 28, minimum=1, maximum=31)
ZMD_REPORT_DUE_WEEKDAY = env_int("ZMD_REPORT_DUE_WEEKDAY", 4, minimum=0, maximum=6)
# Suggestions and proposals: months from assignment to the reply deadline, and to answer again
# after an unsatisfied reply.
ZMD_PROPOSAL_REPLY_MONTHS_NPC = env_int("ZMD_PROPOSAL_REPLY_MONTHS_NPC", 3, minimum=1, maximum=12)
ZMD_PROPOSAL_REPLY_MONTHS_CPPCC = env_int("ZMD_PROPOSAL_REPLY_MONTHS_CPPCC", 5, minimum=1, maximum=12)
ZMD_PROPOSAL_REDO_MONTHS = env_int("ZMD_PROPOSAL_REDO_MONTHS", 1, minimum=1, maximum=6)
# Scoring: a report filed up to this many days after its due date is late; later, or never, missing.
ZMD_REPORT_MISSING_AFTER_DAYS = env_int("ZMD_REPORT_MISSING_AFTER_DAYS", 5, minimum=0, maximum=60)

# --- Static and uploaded files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: evidence goes through permission-checked views
# Where uploads (evidence, imported sheets, clue photos) are kept: the local folder MEDIA_ROOT, or
# S3-compatible object storage (MinIO in docker-compose.yml) so that two web machines see the same
# files. Either way they leave the server only through permission-checked views that read them
# through the storage; the bucket is private and a link, where one is made, is signed and short-lived.
ZMD_STORAGE = env_str("ZMD_STORAGE", "local")
if ZMD_STORAGE == "local":
    _DEFAULT_STORAGE: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif ZMD_STORAGE == "s3":
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME", "zmd-media"),
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "us-east-1"),
            # MinIO and most on-premises stores answer on one host name: bucket in the path.
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            # Private evidence: no public URL, no ACL granting reads; signed links expire.
            "custom_domain": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "default_acl": None,
            # Two uploads named 照片.jpg must not overwrite each other (the local folder renames too).
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"ZMD_STORAGE must be local or s3; got {ZMD_STORAGE!r}")
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ZMD_EVIDENCE_MAX_MB = env_int("ZMD_EVIDENCE_MAX_MB", 20, minimum=1, maximum=500)
ZMD_EVIDENCE_EXTENSIONS = env_list(
    "ZMD_EVIDENCE_EXTENSIONS",
    ["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "zip"],
)
# Breakdown sheet imports: larger files than ZMD_IMPORT_INLINE_KB run as a Celery job.
ZMD_IMPORT_MAX_MB = env_int("ZMD_IMPORT_MAX_MB", 20, minimum=1, maximum=500)
ZMD_IMPORT_MAX_ROWS = env_int("ZMD_IMPORT_MAX_ROWS", 20000, minimum=1)
ZMD_IMPORT_INLINE_KB = env_int("ZMD_IMPORT_INLINE_KB", 256, minimum=0)
# An upload is read in a child process with these limits: a damaged file cannot take the worker down.
ZMD_IMPORT_READ_MEMORY_MB = env_int("ZMD_IMPORT_READ_MEMORY_MB", 2048, minimum=256)
ZMD_IMPORT_READ_SECONDS = env_int("ZMD_IMPORT_READ_SECONDS", 120, minimum=5)

# --- Redis, cache and Celery -------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", "", schemes=("redis", "rediss"))
# Answers as a cache miss, and stops asking for a while, when Redis is down or hangs.
REDIS_CACHE_BACKEND = "zmd_targets.cache.ForgivingRedisCache"
# A request that enqueues a job (issuing an assignment, the scan button) must not hang on a dead
# broker: the job is a convenience, the daily scan backfills it. Publishing connects once, retries
# once after 0.2 s, and gives up after BROKER_GIVE_UP_SECONDS in all (kombu's default keeps trying
# for broker_connection_timeout, 4 s, with back-off: six seconds per request, measured). Workers
# are not affected: their consumer reconnects with its own loop (broker_connection_max_retries).
BROKER_GIVE_UP_SECONDS = 1.0
JOB_VISIBILITY_SECONDS = env_int("ZMD_JOB_VISIBILITY_SECONDS", 600, minimum=120, maximum=86400)
JOB_TIME_LIMIT_SECONDS = JOB_VISIBILITY_SECONDS - 60
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_GIVE_UP_SECONDS
_BROKER_PUBLISH_RETRIES = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
    "connect_retries_timeout": BROKER_GIVE_UP_SECONDS,
}
if REDIS_URL:
    # The cache is never needed to answer a request: a dead Redis must fail fast there too.
    _REDIS_TIMEOUTS = {"socket_connect_timeout": BROKER_GIVE_UP_SECONDS, "socket_timeout": 2}
    CACHES = {
        "default": {
            "BACKEND": REDIS_CACHE_BACKEND,
            "LOCATION": REDIS_URL,
            "OPTIONS": _REDIS_TIMEOUTS,
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": JOB_VISIBILITY_SECONDS,
        # A Redis that accepts the connection and never answers (wedged, or a firewall that
        # keeps the socket half open) would otherwise hold a publish forever. Two seconds is
        # far above a healthy command's time and above the worker's 1 s BRPOP poll.
        **_REDIS_TIMEOUTS,
        **_BROKER_PUBLISH_RETRIES,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # kombu's filesystem transport: producer and consumer on one host share one folder.
    _broker_dir = VAR_DIR / "celery" / "broker"
    # The transport does not create its folders; without them the worker cannot start.
    for _folder in (_broker_dir, VAR_DIR / "celery" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
        # The transport polls its folder; its default second caps a worker at a task a second.
        "polling_interval": 0.1,
        **_BROKER_PUBLISH_RETRIES,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged only after it ran, and a worker takes one at a time: a worker killed
# mid-task leaves it for another, and every task is written to run twice without harm.
CELERY_TASK_ACKS_LATE = True
# How long the broker waits for a job's acknowledgement before it hands the job to another worker.
# The longest jobs (the daily scan at province scale, a 20,000-row import, a scoring run) take
# seconds to a minute or two; a job is stopped at JOB_TIME_LIMIT_SECONDS, under the visibility
# timeout, so a job still running is never handed out twice, and a job whose worker was killed is
# redelivered within JOB_VISIBILITY_SECONDS (ten minutes by default), not an hour.
CELERY_TASK_TIME_LIMIT = JOB_TIME_LIMIT_SECONDS
CELERY_TASK_SOFT_TIME_LIMIT = JOB_TIME_LIMIT_SECONDS - 30
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A cold shutdown (SIGQUIT; scripts/run-dev sends it on Ctrl-C) lets running jobs finish for this
# many seconds, then cancels them (acks_late: they go back to the queue). SIGTERM stays a warm
# shutdown that waits for every running job, as a service manager expects.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = env_int("ZMD_WORKER_SOFT_SHUTDOWN_SECONDS", 4, minimum=0)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Beat's schedule lives in code; only the times are settings (Asia/Shanghai wall clock).
ZMD_PLAN_REFRESH_TIME = env_time("ZMD_PLAN_REFRESH_TIME", "00:30")
ZMD_SUPERVISION_SCAN_TIME = env_time("ZMD_SUPERVISION_SCAN_TIME", "02:00")
ZMD_SCORING_TIME = env_time("ZMD_SCORING_TIME", "03:30")
ZMD_FEEDBACK_ERASE_TIME = env_time("ZMD_FEEDBACK_ERASE_TIME", "04:15")
# The leaders' digest (领导摘要), after the night's scan has judged the day's warnings.
ZMD_LEADER_DIGEST_TIME = env_time("ZMD_LEADER_DIGEST_TIME", "07:30")
CELERY_BEAT_SCHEDULE = {
    "refresh-planned-progress": {
        "task": "tasks.refresh_planned_progress",
        "schedule": crontab(hour=ZMD_PLAN_REFRESH_TIME.hour, minute=ZMD_PLAN_REFRESH_TIME.minute),
    },
    # The five lists: warnings, escalation, exposure candidates, reminders (accountability.scan).
    "supervision-scan": {
        "task": "accountability.run_supervision_scan",
        "schedule": crontab(hour=ZMD_SUPERVISION_SCAN_TIME.hour, minute=ZMD_SUPERVISION_SCAN_TIME.minute),
    },
    # Breakdown-sheet imports whose job was lost (the broker was away, a worker died) are resumed.
    "resume-stalled-imports": {"task": "tasks.resume_stalled_imports", "schedule": crontab(minute="*/5")},
    # Files kept from failed forms (core/staged_uploads.py) that nobody sent again within a day.
    "clear-staged-uploads": {"task": "tasks.clear_staged_uploads", "schedule": crontab(minute=45)},
    "daily-scoring": {
        "task": "accountability.run_daily_scoring",
        "schedule": crontab(hour=ZMD_SCORING_TIME.hour, minute=ZMD_SCORING_TIME.minute),
    },
    # Each leader's daily or weekly digest of their scope (accountability/services/leader_digest.py).
    "leader-digests": {
        "task": "accountability.send_leader_digests",
        "schedule": crontab(hour=ZMD_LEADER_DIGEST_TIME.hour, minute=ZMD_LEADER_DIGEST_TIME.minute),
    },
    # Work-group posts and text messages whose job was lost or whose worker died (docs/DELIVERY.md).
    "resend-stale-deliveries": {"task": "accountability.resend_stale_deliveries", "schedule": crontab(minute="*/5")},
    # The public's clues: personal information erased after the office's period (个人信息保护法).
    "erase-feedback-personal-data": {
        "task": "accountability.erase_feedback_personal_data",
        "schedule": crontab(hour=ZMD_FEEDBACK_ERASE_TIME.hour, minute=ZMD_FEEDBACK_ERASE_TIME.minute),
    },
}

# --- Operations (ops/): health, metrics, backups -------------------------------------------------
# /healthz answers 503 when the last finished scan or scoring run is older than this (hours): beat
# runs both nightly, so a missed night shows before the office notices.
ZMD_HEALTH_SCAN_MAX_HOURS = env_int("ZMD_HEALTH_SCAN_MAX_HOURS", 26, minimum=1)
ZMD_HEALTH_SCORING_MAX_HOURS = env_int("ZMD_HEALTH_SCORING_MAX_HOURS", 26, minimum=1)
# /metrics asks for "Authorization: Bearer <this>"; unset, it answers in development and is
# refused in production (an intranet is not a reason to publish the site's internals).
ZMD_METRICS_TOKEN = env_str("ZMD_METRICS_TOKEN")
# A worker's job metrics on this port of its own (0: none); see docs/OPERATIONS.md.
ZMD_WORKER_METRICS_PORT = env_int("ZMD_WORKER_METRICS_PORT", 0, minimum=0, maximum=65535)
# The nightly backup (manage.py backup) writes here when set, keeping the newest ZMD_BACKUP_KEEP.
ZMD_BACKUP_DIR = env_str("ZMD_BACKUP_DIR")
ZMD_BACKUP_KEEP = env_int("ZMD_BACKUP_KEEP", 7, minimum=1)
ZMD_BACKUP_TIME = env_time("ZMD_BACKUP_TIME", "01:30")
if ZMD_BACKUP_DIR:
    CELERY_BEAT_SCHEDULE["nightly-backup"] = {
        "task": "ops.nightly_backup",
        "schedule": crontab(hour=ZMD_BACKUP_TIME.hour, minute=ZMD_BACKUP_TIME.minute),
    }

# --- REST API (api/) ------------------------------------------------------------------------------
# Requests per token (a session: per person) and period, as DRF writes it: "600/minute", "50/second".
ZMD_API_RATE = env_str("ZMD_API_RATE", "600/minute")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", ZMD_API_RATE):
    raise ImproperlyConfigured(f"ZMD_API_RATE must read like 600/minute, not {ZMD_API_RATE!r}")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: its 401 answer names the scheme (WWW-Authenticate: Token).
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.views.base.Pages",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "驻马店市目标责任系统 API",
    "DESCRIPTION": "Read and file for one person, as the pages do: a token from /profile/ "
    "(or `manage.py api_token USERNAME`), sent as `Authorization: Token <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    # Several models have a "status" (and a warning "level"): each choice set gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "AssignmentStatusEnum": "tasks.choices.AssignmentStatus",
        "ReportStatusEnum": "tasks.choices.ReportStatus",
        "TargetStatusEnum": "tasks.choices.TargetStatus",
        "NoticeStatusEnum": "accountability.choices.NoticeStatus",
        "WarningLevelEnum": "tasks.choices.WarningLevel",
    },
}

# --- Notices (五单) ------------------------------------------------------------------------------
# Numbers read 驻督预〔2018〕12号: this prefix, a mark per kind, the year, the serial number.
ZMD_NOTICE_NUMBER_PREFIX = env_str("ZMD_NOTICE_NUMBER_PREFIX", "驻督")
# The issuer printed at the head and foot of every notice.
ZMD_NOTICE_ISSUER = env_str("ZMD_NOTICE_ISSUER", "驻马店市人民政府督查室")
# Links in notice emails start with this address (scripts/run-dev sets it from HOST and PORT).
ZMD_SITE_URL = env_str("ZMD_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Work groups and text messages (docs/DELIVERY.md) -------------------------------------------
# Each channel's base address: an intranet runs its own 政务微信 / 钉钉 and cannot reach the public ones.
ZMD_WECOM_BASE_URL = env_url("ZMD_WECOM_BASE_URL", "https://qyapi.weixin.qq.com", schemes=("http", "https")).rstrip("/")
ZMD_DINGTALK_BASE_URL = env_url("ZMD_DINGTALK_BASE_URL", "https://oapi.dingtalk.com", schemes=("http", "https")).rstrip(
    "/"
)
# console (prints, for development) or http (a gateway that takes a signed JSON post at ZMD_SMS_URL).
ZMD_SMS_BACKEND = env_str("ZMD_SMS_BACKEND", "console")
if ZMD_SMS_BACKEND not in ("console", "http"):
    raise ImproperlyConfigured(f"ZMD_SMS_BACKEND must be console or http, not {ZMD_SMS_BACKEND!r}")
ZMD_SMS_URL = env_url("ZMD_SMS_URL", "", schemes=("http", "https"))
ZMD_SMS_SECRET = env_str("ZMD_SMS_SECRET", "")
ZMD_DELIVERY_TIMEOUT_SECONDS = env_int("ZMD_DELIVERY_TIMEOUT_SECONDS", 10, minimum=1, maximum=120)
# A delivery claimed longer ago than this is taken for a dead worker's and sent again (see DELIVERY.md).
ZMD_DELIVERY_CLAIM_SECONDS = env_int("ZMD_DELIVERY_CLAIM_SECONDS", 300, minimum=30)
# The demo's receiver (scripts/demo_receiver.py), which make run starts.
ZMD_DEMO_RECEIVER_PORT = env_int("ZMD_DEMO_RECEIVER_PORT", 8025, minimum=1, maximum=65535)

# --- Email -------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "督查室 <duchashi@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ----------------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Axes logs every successful login at INFO; failures and lock-outs stay visible.
        "axes": {"level": "WARNING"},
    },
}

SITE_TITLE = _("Zhumadian Target Responsibility System")
