"""Settings for the Purbalingga public-information portal.

Every value that differs between a laptop and a server comes from the
environment through the readers in ``config.env``; the defaults run the
portal with no environment at all (SQLite under ``var/``, tasks in-process).
See ``.env.example`` for every variable.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import (
    EnvError,
    env_bool,
    env_choice,
    env_database,
    env_fernet_keys,
    env_int,
    env_int_map,
    env_list,
    env_month_day,
    env_redis_url,
    env_str,
    env_time_range,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# GENERAL
# Off unless asked for: a server that forgets DEBUG must fail closed.
DEBUG = env_bool("DEBUG", False)
# With DEBUG on, a 404 is still the portal's page (the demo is shown to
# people); True brings back Django's page that lists the URL patterns.
DEBUG_TECHNICAL_404 = env_bool("DEBUG_TECHNICAL_404", False)

_DEV_SECRET_KEY = "insecure-development-key-used-only-while-DEBUG-is-on"  # nosec B105 # DEBUG only; without DEBUG SECRET_KEY is required
SECRET_KEY = env_str("SECRET_KEY", required=not DEBUG) or _DEV_SECRET_KEY
if not DEBUG and len(SECRET_KEY) < 50:
    raise EnvError("SECRET_KEY", "minimal 50 karakter bila DEBUG mati")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise EnvError("ALLOWED_HOSTS", "wajib diisi bila DEBUG mati")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise EnvError("CSRF_TRUSTED_ORIGINS", f"{_origin!r} harus diawali https://")

TIME_ZONE = "Asia/Jakarta"
USE_TZ = True
LANGUAGE_CODE = "id"
# Indonesian only: message ids are English, but no visitor should get them.
LANGUAGES = [("id", _("Indonesian"))]
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# APPS
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The roof is an app for its management command (seed_demo).
    "config",
    "opds",
    "ppid",
    "socialposts",
    "aspirations",
    "evaluations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The audit log learns who and from where; records 401s and 403s.
    "opds.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After the others, so that it sees the log-in view's answer and replaces
    # it with the lockout page (config.auth.lockout_response).
    "axes.middleware.AxesMiddleware",
    # With DEBUG on, the portal's Indonesian 404 page, not Django's; inside
    # every other middleware, so its page gets their headers too.
    "config.middleware.PortalNotFoundMiddleware",
]

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
                "opds.context_processors.roles",
                "config.context_processors.work_counts",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# DATABASES
DATABASES = {
    "default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite cannot create the folder of its file; a fresh clone has none.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60, minimum=0)

# CACHES and CELERY
# Without REDIS_URL the portal needs no server at all: a local-memory cache
# and tasks run eagerly in the web process.
REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# A task whose worker dies is run again rather than lost; tasks are
# written to be idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Durable runs (core/runs.py): a running run whose heartbeat is older than
# this lost its worker and is sent again. Its thread beats four times as often.
RUN_HEARTBEAT_TIMEOUT_SECONDS = env_int("RUN_HEARTBEAT_TIMEOUT_SECONDS", 60, minimum=4)
# A report build that makes no progress for this long, or waits this long
# for its message, is taken back by the sweeper.
REPORT_RUN_TIMEOUT_MINUTES = env_int("REPORT_RUN_TIMEOUT_MINUTES", 15, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "ppid-freshness-reminders": {
        "task": "ppid.catalogue.tasks.send_freshness_reminders_task",
        # Monday morning, when OPD admins plan their week.
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    # Just after midnight, so that an exclusion whose last day was yesterday
    # is public from the start of the day (PP 61/2010 Pasal 11(3)).
    "ppid-open-ended-exclusions": {
        "task": "ppid.catalogue.tasks.open_ended_exclusions_task",
        "schedule": crontab(minute=5, hour=0),
    },
    # Search's "Maksud Anda" vocabulary, counted again from the public items
    # (new words join it as items are saved; withdrawn ones leave here).
    "ppid-search-vocabulary": {
        "task": "ppid.catalogue.tasks.rebuild_search_vocabulary_task",
        "schedule": crontab(minute=30, hour=0),
    },
    "ppid-exclusion-end-reminders": {
        "task": "ppid.catalogue.tasks.send_exclusion_end_reminders_task",
        "schedule": crontab(minute=15, hour=7),
    },
    # Working mornings, before the PPID desks open at 07:30.
    "ppid-request-digests": {
        "task": "ppid.requests.tasks.send_request_digests_task",
        "schedule": crontab(minute=0, hour=6, day_of_week="mon-fri"),
    },
    # Platform data lags up to 48 hours; each night pulls the last 3 days.
    "social-daily-pulls": {
        "task": "socialposts.pulls.tasks.schedule_daily_pulls_task",
        "schedule": crontab(minute=0, hour=2),
    },
    # The database is the record of runs (reports, pulls, imports): lost
    # workers or messages are found there and their runs sent again. Every
    # 30 s, so that a run whose worker died is back within two minutes.
    "sweep-runs": {
        "task": "core.tasks.sweep_runs_task",
        "schedule": timedelta(seconds=30),
    },
    "social-refresh-tokens": {
        "task": "socialposts.pulls.tasks.refresh_expiring_tokens_task",
        "schedule": crontab(minute=30, hour=1),
    },
    "social-purge-raw-payloads": {
        "task": "socialposts.pulls.tasks.purge_raw_payloads_task",
        "schedule": crontab(minute=45, hour=3),
    },
    # The previous month's draft, once its last days' data have come in.
    "evaluations-monthly-draft": {
        "task": "evaluations.tasks.schedule_monthly_report_task",
        "schedule": crontab(minute=0, hour=3, day_of_month=1),
    },
    # Daily; sends only from 1 March until last year's report is published.
    "ppid-yearly-report-reminder": {
        "task": "ppid.reports.tasks.send_yearly_report_reminder_task",
        "schedule": crontab(minute=30, hour=7),
    },
    # Uploads kept while a form is corrected live an hour (core.files).
    "core-purge-held-files": {
        "task": "core.tasks.purge_held_files_task",
        "schedule": crontab(minute=10),
    },
    "ppid-identity-scan-retention": {
        "task": "ppid.requests.tasks.delete_expired_identity_scans_task",
        "schedule": crontab(minute=30, hour=2),
    },
    # SP4N-LAPOR!: a followed-up case with no reply for 10 working days is
    # done; closed early in the morning, before the digests.
    "aspirations-close-silent-cases": {
        "task": "aspirations.inbox.tasks.close_silent_cases_task",
        "schedule": crontab(minute=20, hour=0),
    },
    # A breached clock is escalated within a quarter of an hour (once a case).
    "aspirations-escalate-breaches": {
        "task": "aspirations.inbox.tasks.escalate_breached_cases_task",
        "schedule": crontab(minute="*/15"),
    },
    # Working mornings, with the PPID's digest, before the desks open.
    "aspirations-inbox-digests": {
        "task": "aspirations.inbox.tasks.send_inbox_digests_task",
        "schedule": crontab(minute=5, hour=6, day_of_week="mon-fri"),
    },
    # YouTube comments (no webhook) and what Instagram's and Facebook's
    # webhooks missed (issue 19: a reconciliation every 15 minutes).
    "aspirations-poll-comments": {
        "task": "aspirations.channels.tasks.poll_comments_task",
        "schedule": crontab(minute="*/15"),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# AUTH
AUTH_USER_MODEL = "opds.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "purbalingga-demo-2026")
# Log-in abuse (README, "Passwords and log-in"). axes comes first: it refuses
# a locked-out user name and address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Three failures lock the user name out from that address: the fourth
# attempt is refused even with the right password.
AXES_FAILURE_LIMIT = 3
# By user name and address together, so nobody can lock a real user out
# from elsewhere (ASVS 6.3.1).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
# Each attempt during a lockout starts the cool-off again: a script that
# keeps trying stays locked out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_RESET_ON_SUCCESS = True
# The same client address as DRF's rate limits (REST_FRAMEWORK NUM_PROXIES).
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_LOCKOUT_CALLABLE = "config.auth.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# axes would keep every successful log-in with its address forever; the
# audit log records log-ins, so no second, unbounded copy is kept.
AXES_DISABLE_ACCESS_LOG = True
# Failed password checks per client address per minute, over every user
# name, on the log-in pages and the API token endpoint together; successful
# log-ins do not count (an office shares one address).
LOGIN_ATTEMPTS_PER_MINUTE = env_int("LOGIN_ATTEMPTS_PER_MINUTE", 10, minimum=1)

# STATIC AND MEDIA
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The manifest needs collectstatic first, which only a deployment runs.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "core.staticfiles.ManifestStaticFilesStorage"
    },
}

# PPID
# A periodic (berkala) item falls due this many months after its update
# (UU 14/2008 Pasal 9(3): at least every six months).
PPID_BERKALA_UPDATE_MONTHS = env_int("PPID_BERKALA_UPDATE_MONTHS", 6, minimum=1)
# Staff are warned this many days before an item falls due.
PPID_DUE_SOON_DAYS = env_int("PPID_DUE_SOON_DAYS", 30, minimum=0)
PPID_UPLOAD_MAX_BYTES = env_int("PPID_UPLOAD_MAX_MB", 20, minimum=1) * 1024 * 1024
# A cached public list filtered by neither OPD nor category (the plain
# catalogue, a search across every OPD) may miss a newly published item for
# at most this many seconds; filtered lists, and anything withdrawn or
# edited, change at once (ppid/catalogue/cache.py).
PPID_CACHE_NEW_MEMBERS_SECONDS = env_int(
    "PPID_CACHE_NEW_MEMBERS_SECONDS", 60, minimum=0
)
# The staff's navbar badges and dashboard blocks are cached per account
# until a write changes them (config/staff_cache.py); what changes with the
# clock alone (a case's clock, an account turning stale, a token expiring)
# shows within this many seconds. 0 turns the cache off, the default without
# Redis: each process would keep counters of its own, and a write made in one
# web process (or a Celery worker) would not make the others' entries stale.
STAFF_WORK_CACHE_SECONDS = env_int(
    "STAFF_WORK_CACHE_SECONDS", 60 if REDIS_URL else 0, minimum=0
)
# The law does not say whether cuti bersama counts; offices are closed, so
# by default it does not (see README). Only for days before the first
# cuti bersama rule entered in the admin (ppid.CutiBersamaRule).
WORKDAYS_CUTI_BERSAMA_IS_WORKING = env_bool("WORKDAYS_CUTI_BERSAMA_IS_WORKING", False)
# Office hours on working days (Perpres 21/2023: from 07.30, 37.5 hours a
# week). A request received after closing, or on a day that is not a
# working day, counts as received on the next working day unless
# PPID_RECEIPT_OUTSIDE_HOURS is SAME_DAY: no rule was found (domain.md §8),
# and the office first reads it then, like one received that morning.
PPID_OFFICE_HOURS = env_time_range("PPID_OFFICE_HOURS", "07:30-16:00")
PPID_RECEIPT_OUTSIDE_HOURS = env_choice(
    "PPID_RECEIPT_OUTSIDE_HOURS",
    "NEXT_WORKING_DAY",
    ["NEXT_WORKING_DAY", "SAME_DAY"],
)
# Whether the legal clock (UU 14/2008 Pasal 22(7): "sejak diterimanya
# permintaan") waits while a request is incomplete. Off by default: the law
# names no pause, and the Perbup's own clock already counts from
# completeness. On follows the reading that a request is received once it
# meets the requirements (Perbup 31/2022). See README.
PPID_CLOCK_PAUSES_WHILE_INCOMPLETE = env_bool(
    "PPID_CLOCK_PAUSES_WHILE_INCOMPLETE", False
)
# Information requests: warn this many working days before an answer is due.
PPID_REQUEST_DUE_SOON_WORKING_DAYS = env_int(
    "PPID_REQUEST_DUE_SOON_WORKING_DAYS", 2, minimum=0
)
# Working days the PPID has to act on an objection the Atasan PPID granted.
# UU 14/2008 sets the Atasan's 30 working days (Pasal 36(2)) but no deadline
# for the PPID to comply (domain.md §8); 10 mirrors a first answer (Pasal 22(7)).
PPID_OBJECTION_ORDER_WORKING_DAYS = env_int(
    "PPID_OBJECTION_ORDER_WORKING_DAYS", 10, minimum=1
)
# Identity scans are personal data (UU 27/2022): kept this long after a
# request closes, then deleted.
PPID_IDENTITY_RETENTION_DAYS = env_int("PPID_IDENTITY_RETENTION_DAYS", 365, minimum=1)
# The yearly service report (Perki 1/2021 Pasal 56, read only in secondary
# sources: domain.md §1.4) is published within three months of the year's
# end: by this day (MM-DD) of the following year.
PPID_YEARLY_REPORT_DEADLINE = env_month_day("PPID_YEARLY_REPORT_DEADLINE", (3, 31))
# From this day (MM-DD) of the following year PPID Utama is reminded of an
# unpublished report, and again every PPID_YEARLY_REPORT_REMINDER_EVERY_DAYS
# days until it is published.
PPID_YEARLY_REPORT_REMINDER_FROM = env_month_day(
    "PPID_YEARLY_REPORT_REMINDER_FROM", (3, 1)
)
PPID_YEARLY_REPORT_REMINDER_EVERY_DAYS = env_int(
    "PPID_YEARLY_REPORT_REMINDER_EVERY_DAYS", 7, minimum=1
)
# Excluded information whose period has ended (PP 61/2010 Pasal 11(3)):
# "publish" makes it public at once, as the law says; "draft" sends it back
# to its OPD as a draft to review (e.g. to black out what another ground
# still covers) before PPID Utama publishes it again.
PPID_EXCLUSION_END_ACTION = env_choice(
    "PPID_EXCLUSION_END_ACTION", "PUBLISH", ["PUBLISH", "DRAFT"]
).lower()
# The category an ended exclusion opens into: information available at all
# times (UU 14/2008 Pasal 11) unless set to periodic.
PPID_EXCLUSION_OPENS_AS = env_choice(
    "PPID_EXCLUSION_OPENS_AS", "SETIAP_SAAT", ["SETIAP_SAAT", "BERKALA"]
).lower()
# The PPID decides on an exclusion's end 30 working days before it at the
# latest (PP 61/2010 Pasal 11(2)); the first reminder comes this many working
# days before that mark, a second at the mark, then one every working day.
PPID_EXCLUSION_REMINDER_LEAD_WORKING_DAYS = env_int(
    "PPID_EXCLUSION_REMINDER_LEAD_WORKING_DAYS", 20, minimum=0
)
# Longest exclusion period per Pasal 17 ground, in years ("b:10,g:25"). The
# law caps only ground a (30 years, PP 61/2010 Pasal 5(1)), which a value
# here can shorten but not lengthen; the other grounds last as long as
# needed or as another law says (Pasal 6-9), so by default no cap.
PPID_EXCLUSION_MAX_YEARS = env_int_map(
    "PPID_EXCLUSION_MAX_YEARS", {}, keys=list("abcdefghij")
)
# Public request and objection forms, per IP address.
PPID_REQUEST_SUBMISSIONS_PER_HOUR = env_int(
    "PPID_REQUEST_SUBMISSIONS_PER_HOUR", 10, minimum=1
)
# Keys that encrypt NIKs at rest (Fernet, comma-separated, newest first: the
# first encrypts, every one decrypts, so keys can be rotated).
PERSONAL_DATA_KEYS = env_fernet_keys("PERSONAL_DATA_KEYS", required=not DEBUG) or [
    # Development only: derived from the development secret, never used
    # with DEBUG off.
    base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
]
# SOCIAL MEDIA
# Platform access tokens are encrypted with these keys (Fernet, newest
# first); without them, with PERSONAL_DATA_KEYS.
SOCIAL_TOKEN_KEYS = env_fernet_keys("SOCIAL_TOKEN_KEYS") or PERSONAL_DATA_KEYS
# Raw API answers are kept this many days for audit, then deleted.
SOCIAL_RAW_PAYLOAD_DAYS = env_int("SOCIAL_RAW_PAYLOAD_DAYS", 90, minimum=1)
# Days pulled every night: platform data lags up to 48 hours.
# Days pulled again every night, per platform: late data is fetched again
# and overwrites (Meta lags up to 48 h; YouTube Analytics 48-72 h with its
# last day truncated; TikTok's Display API serves running totals).
SOCIAL_LOOKBACK_DAYS_META = env_int("SOCIAL_LOOKBACK_DAYS_META", 5, minimum=1)
SOCIAL_LOOKBACK_DAYS_YOUTUBE = env_int("SOCIAL_LOOKBACK_DAYS_YOUTUBE", 7, minimum=1)
SOCIAL_LOOKBACK_DAYS_TIKTOK = env_int("SOCIAL_LOOKBACK_DAYS_TIKTOK", 3, minimum=1)

# Aspiration inbox: the clocks (aspirations/inbox/clocks.py). SP4N-LAPOR!'s
# three limits come from the LAPOR! app listing and FAQ #338
# (apps.apple.com/xk/app/sp4n-lapor/id1486554343; blog.lapor.go.id), not
# from the text of PermenPANRB 62/2018 or 5/2025, which could not be read
# (shared/docs/aspirations.md §1): check them against JDIH.
# Verification and routing (disposisi) to the OPD: 3 working days.
ASPIRATION_ROUTING_WORKING_DAYS = env_int(
    "ASPIRATION_ROUTING_WORKING_DAYS", 3, minimum=1
)
# The OPD's follow-up (tindak lanjut) after routing: 5 working days.
ASPIRATION_FOLLOW_UP_WORKING_DAYS = env_int(
    "ASPIRATION_FOLLOW_UP_WORKING_DAYS", 5, minimum=1
)
# Closed when a follow-up exists and 10 working days pass with no reply.
ASPIRATION_AUTO_CLOSE_WORKING_DAYS = env_int(
    "ASPIRATION_AUTO_CLOSE_WORKING_DAYS", 10, minimum=1
)
# First response on social media and WhatsApp: "1×24 jam" (Purbalingga's
# Matur Mas Bupati SOP, tabloidelemen.com, March 2025; no national rule was
# found). Counted in office hours on working days: by default one full
# office day (a message at 15:00 on a Friday is due at 15:00 on Monday);
# a number of office hours here counts that many instead.
ASPIRATION_FIRST_RESPONSE_OFFICE_HOURS = env_int(
    "ASPIRATION_FIRST_RESPONSE_OFFICE_HOURS", 0, minimum=0
)
# Office hours of the inbox's clocks (Perpres 21/2023, like the PPID's).
ASPIRATION_OFFICE_HOURS = env_time_range(
    "ASPIRATION_OFFICE_HOURS", "{:%H:%M}-{:%H:%M}".format(*PPID_OFFICE_HOURS)
)
# A case is flagged "due soon" this many working days before a deadline.
ASPIRATION_DUE_SOON_WORKING_DAYS = env_int(
    "ASPIRATION_DUE_SOON_WORKING_DAYS", 1, minimum=0
)
# Escalation to the head of the OPD when a deadline is missed; off, on.
ASPIRATION_ESCALATE_ON_BREACH = env_bool("ASPIRATION_ESCALATE_ON_BREACH", True)
# The portal's aspiration form, per IP address (like the PPID's public
# request form: ppid/requests/throttles.py).
ASPIRATION_SUBMISSIONS_PER_HOUR = env_int(
    "ASPIRATION_SUBMISSIONS_PER_HOUR", PPID_REQUEST_SUBMISSIONS_PER_HOUR, minimum=1
)
# SP4N-LAPOR!'s integration API (aspirations/conversions/lapor.py). Its
# documentation is visible only to an account with the developer role in
# the Pemda's LAPOR! admin (blog.lapor.go.id/integrasi, read 2026-12-07);
# until Dinkominfo's developer has it, both stay empty and staff copy the
# report into LAPOR! by hand.
LAPOR_API_URL = env_str("LAPOR_API_URL", "")
LAPOR_API_KEY = env_str("LAPOR_API_KEY", "")
# A pull that makes no progress for this long is taken back by the sweeper;
# a queued pull waits this long for its message before it is sent again.
SOCIAL_RUN_TIMEOUT_MINUTES = env_int("SOCIAL_RUN_TIMEOUT_MINUTES", 15, minimum=1)
# The platforms' OAuth apps: client ids and secrets, to connect accounts
# and renew their tokens.
_OAUTH_APP_IDS = (
    "SOCIAL_META_APP_ID",
    "SOCIAL_INSTAGRAM_APP_ID",
    "SOCIAL_GOOGLE_CLIENT_ID",
    "SOCIAL_TIKTOK_CLIENT_KEY",
)
# In development with no OAuth app configured, every platform URL points at
# the fake platform that `make run` starts (manage.py run_fake_platform), so
# "Hubungkan" works on a fresh clone. Empty: the real platforms.
SOCIAL_DEMO_PLATFORM_URL = env_str(
    "SOCIAL_DEMO_PLATFORM_URL",
    "http://127.0.0.1:8765"
    if DEBUG and not any(env_str(name, "") for name in _OAUTH_APP_IDS)
    else "",
).rstrip("/")
_demo = SOCIAL_DEMO_PLATFORM_URL


def _platform_url(name: str, real: str, fake_path: str) -> str:
    return env_str(name, _demo + fake_path if _demo else real)


def _demo_app(name: str, fake: str) -> str:
    return env_str(name, fake if _demo else "")


# The platforms' APIs; tests and the demo point these at the fake server.
SOCIAL_GRAPH_BASE_URL = _platform_url(
    "SOCIAL_GRAPH_BASE_URL", "https://graph.facebook.com", ""
)
SOCIAL_GRAPH_API_VERSION = env_str("SOCIAL_GRAPH_API_VERSION", "v23.0")
# Instagram accounts connected with Instagram Login are served by their own
# host, which also alone renews their tokens.
SOCIAL_INSTAGRAM_BASE_URL = _platform_url(
    "SOCIAL_INSTAGRAM_BASE_URL", "https://graph.instagram.com", "/_instagram"
)
SOCIAL_YOUTUBE_BASE_URL = _platform_url(
    "SOCIAL_YOUTUBE_BASE_URL", "https://www.googleapis.com", ""
)
SOCIAL_YOUTUBE_ANALYTICS_BASE_URL = _platform_url(
    "SOCIAL_YOUTUBE_ANALYTICS_BASE_URL", "https://youtubeanalytics.googleapis.com", ""
)
SOCIAL_GOOGLE_TOKEN_URL = _platform_url(
    "SOCIAL_GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token", "/token"
)
SOCIAL_TIKTOK_BASE_URL = _platform_url(
    "SOCIAL_TIKTOK_BASE_URL", "https://open.tiktokapis.com", ""
)
# Where staff consent (the platforms' login dialogs). Meta's token endpoint
# is SOCIAL_GRAPH_BASE_URL's /oauth/access_token, TikTok's
# SOCIAL_TIKTOK_BASE_URL's /v2/oauth/token/.
SOCIAL_META_AUTHORIZE_URL = _platform_url(
    "SOCIAL_META_AUTHORIZE_URL",
    "https://www.facebook.com/v23.0/dialog/oauth",
    "/v23.0/dialog/oauth",
)
SOCIAL_INSTAGRAM_AUTHORIZE_URL = _platform_url(
    "SOCIAL_INSTAGRAM_AUTHORIZE_URL",
    "https://www.instagram.com/oauth/authorize",
    "/_instagram/oauth/authorize",
)
SOCIAL_INSTAGRAM_TOKEN_URL = _platform_url(
    "SOCIAL_INSTAGRAM_TOKEN_URL",
    "https://api.instagram.com/oauth/access_token",
    "/_instagram/oauth/access_token",
)
SOCIAL_GOOGLE_AUTHORIZE_URL = _platform_url(
    "SOCIAL_GOOGLE_AUTHORIZE_URL",
    "https://accounts.google.com/o/oauth2/v2/auth",
    "/o/oauth2/v2/auth",
)
SOCIAL_TIKTOK_AUTHORIZE_URL = _platform_url(
    "SOCIAL_TIKTOK_AUTHORIZE_URL",
    "https://www.tiktok.com/v2/auth/authorize/",
    "/v2/auth/authorize/",
)
# The portal's public origin, to which the platforms send staff back after
# they consent (register <origin>/dasbor/media-sosial/hubungkan/kembali/ with
# each platform's app).
# The port `make run` serves the portal on; unless SITE_URL says otherwise,
# links, QR codes and the platforms' redirects follow it.
PORT = env_int("PORT", 8000, minimum=1)
_LOCAL_SITE_URL = "http://127.0.0.1:{}".format(PORT)
SOCIAL_OAUTH_REDIRECT_BASE = env_str(
    "SOCIAL_OAUTH_REDIRECT_BASE", env_str("SITE_URL", _LOCAL_SITE_URL)
).rstrip("/")
SOCIAL_TIKTOK_API_VERSION = env_str("SOCIAL_TIKTOK_API_VERSION", "v2")
# Pulled posts' pictures are downloaded only from these hosts (and their
# subdomains), over HTTPS.
SOCIAL_PICTURE_HOSTS = env_list(
    "SOCIAL_PICTURE_HOSTS",
    [
        "fbcdn.net",
        "cdninstagram.com",
        "ytimg.com",
        "ggpht.com",
        "tiktokcdn.com",
        "tiktokcdn-us.com",
        "tiktokcdn-eu.com",
        "ibyteimg.com",
    ],
)
# The portal's OAuth apps at Meta (Facebook Login for Business), Instagram
# (Instagram Login), Google and TikTok; the demo uses the fake's.
SOCIAL_META_APP_ID = _demo_app("SOCIAL_META_APP_ID", "fake-meta-app")
SOCIAL_META_APP_SECRET = _demo_app("SOCIAL_META_APP_SECRET", "fake-meta-secret")
SOCIAL_INSTAGRAM_APP_ID = _demo_app("SOCIAL_INSTAGRAM_APP_ID", "fake-instagram-app")
SOCIAL_INSTAGRAM_APP_SECRET = _demo_app(
    "SOCIAL_INSTAGRAM_APP_SECRET", "fake-instagram-secret"
)
SOCIAL_GOOGLE_CLIENT_ID = _demo_app("SOCIAL_GOOGLE_CLIENT_ID", "fake-google-client")
SOCIAL_GOOGLE_CLIENT_SECRET = _demo_app(
    "SOCIAL_GOOGLE_CLIENT_SECRET", "fake-google-secret"
)
SOCIAL_TIKTOK_CLIENT_KEY = _demo_app("SOCIAL_TIKTOK_CLIENT_KEY", "fake-tiktok-key")
SOCIAL_TIKTOK_CLIENT_SECRET = _demo_app(
    "SOCIAL_TIKTOK_CLIENT_SECRET", "fake-tiktok-secret"
)
# Aspiration inbox: the webhooks (aspirations/channels/views.py). Meta's
# verify handshake echoes hub.challenge only for this token, set in the App
# Dashboard (developers.facebook.com/docs/graph-api/webhooks/getting-started,
# "Verification Requests", read 2026-12-07). Empty: every handshake refused.
META_WEBHOOK_VERIFY_TOKEN = env_str(
    "META_WEBHOOK_VERIFY_TOKEN", "fake-verify-token" if _demo else ""
)
# Meta signs every POST with the app secret (X-Hub-Signature-256, same page,
# "Validate Payloads"); WhatsApp Cloud API and Messenger with the Meta app's,
# Instagram Login webhooks with the Instagram app's. Either is accepted.
META_APP_SECRET = env_str("META_APP_SECRET", SOCIAL_META_APP_SECRET)
META_INSTAGRAM_APP_SECRET = env_str(
    "META_INSTAGRAM_APP_SECRET", SOCIAL_INSTAGRAM_APP_SECRET
)
META_WEBHOOK_SECRETS = [s for s in (META_APP_SECRET, META_INSTAGRAM_APP_SECRET) if s]
# A POST larger than this is refused (413) unread. WhatsApp's webhook
# payloads can be up to 3 MB (hookdeck.com "Guide to WhatsApp Webhooks",
# citing Meta's Cloud API docs, read 2026-12-07). 3 MiB keeps the largest
# documented payload and bounds what one request (and the worker reading
# it) holds in memory; 1 MiB would refuse legitimate batches.
ASPIRATION_WEBHOOK_MAX_BYTES = env_int(
    "ASPIRATION_WEBHOOK_MAX_BYTES", 3 * 1024 * 1024, minimum=64 * 1024
)
# Refused POSTs (bad signature, too large) are kept for diagnosis, at most
# this many a minute per webhook: an unauthenticated sender cannot fill
# the table.
ASPIRATION_WEBHOOK_REJECTED_PER_MINUTE = env_int(
    "ASPIRATION_WEBHOOK_REJECTED_PER_MINUTE", 60, minimum=0
)
# A delivery still pending this long after it arrived lost its queue
# message (a worker killed, Redis restarted empty) and is sent again by
# the sweep (every minute); each further resend waits twice as long, up
# to the cap, and one sent this many times is marked failed (replay it
# with manage.py replay_deliveries once the cause is fixed).
ASPIRATION_WEBHOOK_RESEND_AFTER_SECONDS = env_int(
    "ASPIRATION_WEBHOOK_RESEND_AFTER_SECONDS", 60, minimum=5
)
ASPIRATION_WEBHOOK_RESEND_MAX_SECONDS = env_int(
    "ASPIRATION_WEBHOOK_RESEND_MAX_SECONDS", 3600, minimum=60
)
ASPIRATION_WEBHOOK_MAX_ATTEMPTS = env_int(
    "ASPIRATION_WEBHOOK_MAX_ATTEMPTS", 12, minimum=2
)
CELERY_BEAT_SCHEDULE["aspirations-sweep-deliveries"] = {
    "task": "aspirations.channels.tasks.sweep_deliveries_task",
    "schedule": timedelta(seconds=60),
}
SOCIAL_HTTP_TIMEOUT_SECONDS = env_int("SOCIAL_HTTP_TIMEOUT_SECONDS", 20, minimum=1)
# Retries of 429, 5xx and timeouts: at most this many attempts and seconds,
# with exponential backoff from the base and full jitter.
SOCIAL_RETRY_ATTEMPTS = env_int("SOCIAL_RETRY_ATTEMPTS", 5, minimum=1)
SOCIAL_RETRY_MAX_SECONDS = env_int("SOCIAL_RETRY_MAX_SECONDS", 600, minimum=1)
SOCIAL_RETRY_BASE_SECONDS = 2.0
# One part of a pull (a media object's insights, a report) retries within a
# smaller budget, so one object that keeps failing cannot hold the run.
SOCIAL_PART_RETRY_ATTEMPTS = env_int("SOCIAL_PART_RETRY_ATTEMPTS", 3, minimum=1)
SOCIAL_PART_RETRY_SECONDS = env_int("SOCIAL_PART_RETRY_SECONDS", 60, minimum=1)
# Dinkominfo's house rule: videos longer than this are flagged.
SOCIAL_VIDEO_MAX_SECONDS = env_int("SOCIAL_VIDEO_MAX_SECONDS", 60, minimum=1)
# CSV imports up to this many rows run inside the request; larger files run
# as a background job whose page shows the progress.
SOCIAL_IMPORT_INLINE_ROWS = env_int("SOCIAL_IMPORT_INLINE_ROWS", 2000, minimum=0)
# The same for an import job: without progress, or waiting for its message.
SOCIAL_IMPORT_TIMEOUT_MINUTES = env_int("SOCIAL_IMPORT_TIMEOUT_MINUTES", 15, minimum=1)
# Aspiration inbox: platform windows and quotas
# Each number is the platform's own rule, read 2026-12-07; a platform that
# changes it needs only the environment changed.
# WhatsApp free-form messages only within this many hours of the citizen's
# last message; after it, approved templates only (developers.facebook.com/
# docs/whatsapp/cloud-api/guides/send-messages, "customer service window";
# error 131047 "Re-engagement message").
ASPIRATION_WHATSAPP_WINDOW_HOURS = env_int(
    "ASPIRATION_WHATSAPP_WINDOW_HOURS", 24, minimum=1
)
# Instagram and Messenger direct messages: the standard messaging window
# (developers.facebook.com/docs/messenger-platform/send-messages and
# .../reference/send-api: "sent your Page a message within the last 24 hours").
ASPIRATION_MESSAGING_WINDOW_HOURS = env_int(
    "ASPIRATION_MESSAGING_WINDOW_HOURS", 24, minimum=1
)
# The HUMAN_AGENT message tag lets a person reply up to this many days after
# the citizen's last message (developers.facebook.com/docs/messenger-platform/
# send-messages/message-tags); Meta reviews the feature apart, so it is off
# until the app has it (ASPIRATION_META_HUMAN_AGENT).
ASPIRATION_HUMAN_AGENT_WINDOW_DAYS = env_int(
    "ASPIRATION_HUMAN_AGENT_WINDOW_DAYS", 7, minimum=1
)
ASPIRATION_META_HUMAN_AGENT = env_bool("ASPIRATION_META_HUMAN_AGENT", False)
# One private reply per comment, within this many days of the comment
# (developers.facebook.com/docs/instagram-platform/private-replies, updated
# 2026-06-30; .../messenger-platform/instagram/features/private-replies).
ASPIRATION_PRIVATE_REPLY_DAYS = env_int("ASPIRATION_PRIVATE_REPLY_DAYS", 7, minimum=1)
# YouTube Data API units the comment polling and replies may spend a day, of
# the project's 10,000 (developers.google.com/youtube/v3/determine_quota_cost:
# commentThreads.list 1 unit, comments.insert 50); the rest is left for the
# nightly metric pulls. The day is Pacific: the quota resets at midnight
# there (developers.google.com/youtube/v3/getting-started#quota).
YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY = env_int(
    "YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY", 9000, minimum=0
)
# Posts and videos younger than this are polled for comments (a comment on
# an older post still arrives by webhook, and the reconciliation stays cheap).
ASPIRATION_POLL_POSTS_DAYS = env_int("ASPIRATION_POLL_POSTS_DAYS", 30, minimum=1)
# Polls run every 15 minutes (issue 19); each looks back this far, so a
# round that ran late or failed once is covered by the next.
ASPIRATION_POLL_LOOKBACK_MINUTES = env_int(
    "ASPIRATION_POLL_LOOKBACK_MINUTES", 45, minimum=15
)
# The language code of the approved WhatsApp templates sent outside the
# window (developers.facebook.com/docs/whatsapp/business-management-api/
# message-templates/supported-languages: Indonesian is "id").
ASPIRATION_WHATSAPP_TEMPLATE_LANGUAGE = env_str(
    "ASPIRATION_WHATSAPP_TEMPLATE_LANGUAGE", "id"
)
# Absolute links in e-mails and exports built outside a request.
SITE_URL = env_str("SITE_URL", _LOCAL_SITE_URL).rstrip("/")
# Requests stream uploads to disk beyond this; the hard cap is above.
DATA_UPLOAD_MAX_NUMBER_FILES = 20

MESSAGE_COOKIE_NAME = "messages"

# EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "PPID Kabupaten Purbalingga <ppid@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# SECURITY
# Secure by default whenever DEBUG is off; each can be relaxed from the
# environment, for example behind a proxy that already redirects to HTTPS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Container health checks call plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CONSENT_ORIGINS = sorted(
    {
        "{}://{}".format(*urlsplit(url)[:2])
        for url in (
            SOCIAL_META_AUTHORIZE_URL,
            SOCIAL_INSTAGRAM_AUTHORIZE_URL,
            SOCIAL_GOOGLE_AUTHORIZE_URL,
            SOCIAL_TIKTOK_AUTHORIZE_URL,
        )
        if url
    }
)
# Content-Security-Policy (django-csp 4) on every response. No page has an
# inline script, style element or style attribute; scripts carry the nonce
# anyway, so a cached page (ppid.catalogue.cache) whose header lacks it still loads
# them through 'self'. Bootstrap's and Swagger UI's stylesheets draw icons
# as data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        # "Hubungkan" posts to the portal, which redirects to the platform's
        # consent dialog; browsers hold form-action to that redirect too.
        "form-action": [SELF, *CONSENT_ORIGINS],
        "frame-ancestors": [SELF],
    }
}
# The portal may frame itself (frame-ancestors 'self'); X-Frame-Options says
# the same to browsers without CSP. Django warns whenever it is not DENY.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    # Closed by default: public endpoints opt in with AllowAny.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.exception_handler",
    # The browsable API is a developer's tool: a server answers JSON only
    # (ASVS 13.4.5); /api/docs/ documents the API for everyone.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    # ?format= is the catalogue's filter on the form of information.
    "URL_FORMAT_OVERRIDE": None,
    # Rate limits count per client address. X-Forwarded-For is trusted only
    # for as many proxies as stand in front; any client can forge it.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0, minimum=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Portal Informasi Publik Kabupaten Purbalingga",
    "DESCRIPTION": "Katalog informasi publik, perangkat daerah dan media sosial.",
    "VERSION": "1.0.0",
    # The catalogue API is public by law, so its documentation is too.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Requests and objections both have a "decision"; each keeps its name.
    "ENUM_NAME_OVERRIDES": {
        "RequestDecisionEnum": "ppid.requests.models.InformationRequest.Decision",
        "ObjectionDecisionEnum": "ppid.requests.models.Objection.Decision",
        "GroundEnum": "ppid.catalogue.models.ExclusionDecision.Ground",
        # A requested copy's format and the form the information is held in.
        "CopyFormatEnum": "ppid.requests.models.CopyFormat",
        "HeldFormEnum": "ppid.requests.models.HeldForm",
        # Two "kind" fields: an OPD's keeps its name, an infographic's gets one.
        "KindEnum": "opds.models.Opd.Kind",
        "InfographicKindEnum": "socialposts.infographics.engine.Kind",
        # A request's channel, an aspiration's channel and kind.
        "ChannelEnum": "ppid.requests.models.Channel",
        "AspirationChannelEnum": "aspirations.inbox.models.Channel",
        "AspirationKindEnum": "aspirations.inbox.models.Kind",
        "AspirationStateEnum": "aspirations.inbox.models.State",
    },
}

# LOGGING
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No NIK, phone number or e-mail address reaches a log line (UU 27/2022).
    "filters": {"personal_data": {"()": "core.redaction.RedactPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}
    },
    # Django's own handlers would write past the filter: its loggers hand
    # their records to the root's handler instead.
    "loggers": {
        # httpx logs every request URL at INFO; Graph URLs carry tokens.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # axes announces itself at every start, manage.py commands included.
        "axes.apps": {"level": "WARNING"},
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True, "level": "INFO"},
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
        ),
    },
}
