"""Django settings. Everything a deployment changes comes from the environment:

DATABASE_URL      default: SQLite (WAL) at $GONGZHI_DATA_DIR/gongzhi.sqlite3
GONGZHI_DATA_DIR  where the SQLite file and uploads live (default: ./var)
GONGZHI_SECRET_KEY, GONGZHI_DEBUG, GONGZHI_ALLOWED_HOSTS
GONGZHI_HTTPS=1   served over HTTPS behind a proxy that sets X-Forwarded-Proto: secure cookies,
                  HSTS, redirect to https (docs/admin.md, 安全设置)
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("GONGZHI_DATA_DIR", PROJECT_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEVELOPMENT_SECRET_KEY = "dev-only-not-secret-change-me-in-production"
SECRET_KEY = os.environ.get("GONGZHI_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = os.environ.get("GONGZHI_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("GONGZHI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
# The development key signs sessions and reset links with a secret everyone can read: refuse
# to start with it unless the server answers on this machine only (core/startup.py).
from gongzhi.core.startup import refuse_development_key  # noqa: E402

refuse_development_key(SECRET_KEY, DEBUG, ALLOWED_HOSTS, DEVELOPMENT_SECRET_KEY)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs' Swagger UI files offline
    "gongzhi.core",
    "gongzhi.accounts",
    "gongzhi.territory",
    "gongzhi.registry",
    "gongzhi.consultation",
    "gongzhi.cases",
    "gongzhi.requests",
    "gongzhi.mediation",
    "gongzhi.compact",
    "gongzhi.care",
    "gongzhi.civil",
    "gongzhi.organisations",
    "gongzhi.services",
    "gongzhi.legal",
    "gongzhi.campaigns",
    "gongzhi.surveys",
    "gongzhi.notices",
    "gongzhi.maps",
    "gongzhi.dashboards",
    "gongzhi.crosscheck",
    "axes",  # login lockout (docs/decisions/0004-throttling.md)
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
    "gongzhi.core.middleware.ContentSecurityPolicyMiddleware",
    "gongzhi.core.middleware.IdleSessionMiddleware",
    "gongzhi.core.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the 429 answer
]

ROOT_URLCONF = "gongzhi.urls"
WSGI_APPLICATION = "gongzhi.wsgi.application"
ASGI_APPLICATION = "gongzhi.asgi.application"

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
                "gongzhi.core.context.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'gongzhi.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_db, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at the
    # start of a transaction so two writers queue instead of failing with "database is locked".
    # mmap_size: reads of the first GiB of the file come from the shared page cache instead of a
    # read() call per 4 KiB page into each connection's 2 MiB cache; a town-wide aggregate
    # spent a third of its time in those calls (docs/decisions/0024-sqlite-mmap.md).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            f"PRAGMA mmap_size={int(os.environ.get('GONGZHI_SQLITE_MMAP_BYTES') or 1 << 30)};"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("GONGZHI_TEST_SQLITE") or None}
    # Keep each worker thread's connection between requests (Django's connections are per
    # thread, so gunicorn's threads never share one): opening a SQLite connection and running
    # the PRAGMAs above costs ~2 ms, more than most queries of a request (docs/benchmarks.md,
    # API). Health checks drop a connection that broke instead of failing the next request.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif os.environ.get("GONGZHI_TEST_DB_NAME"):
    # The suite's own test database on a shared server (scripts/test.sh names one per run), so
    # a second run at the same time cannot collide with, or drop, another run's database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["GONGZHI_TEST_DB_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out username or address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "gongzhi.accounts.backends.ScopedBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Django's four checks with Chinese messages (accounts/validators.py); every path that sets a
# password runs them (web, admin, `gongzhi createuser`, `changepassword`, the demo accounts).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "gongzhi.accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "gongzhi.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "gongzhi.accounts.validators.CommonPasswordValidator"},
    {"NAME": "gongzhi.accounts.validators.NumericPasswordValidator"},
]
# API tokens expire this many days after they are issued (accounts.services.issue_token).
GONGZHI_API_TOKEN_DAYS = int(os.environ.get("GONGZHI_API_TOKEN_DAYS", "90"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it before collectstatic
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# A refused form (stale CSRF token) gets the branded page, not the stock English one.
CSRF_FAILURE_VIEW = "gongzhi.core.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# HTTPS (docs/admin.md, 安全设置). Behind a reverse proxy that ends TLS and sets
# X-Forwarded-Proto (it must overwrite any such header a client sends).
HTTPS = os.environ.get("GONGZHI_HTTPS", "0") == "1"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("GONGZHI_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("GONGZHI_HSTS_SUBDOMAINS", "1") == "1"
    # The header alone only permits submitting the domain to the browsers' preload list.
    SECURE_HSTS_PRELOAD = os.environ.get("GONGZHI_HSTS_PRELOAD", "1") == "1"

# Sessions end after this long without a request (core/middleware.py IdleSessionMiddleware):
# staff (admin, town) sooner, everyone else after a working day's break at most.
GONGZHI_SESSION_IDLE_MINUTES_STAFF = int(os.environ.get("GONGZHI_SESSION_IDLE_MINUTES_STAFF", str(8 * 60)))
GONGZHI_SESSION_IDLE_MINUTES = int(os.environ.get("GONGZHI_SESSION_IDLE_MINUTES", str(24 * 60)))
SESSION_COOKIE_AGE = max(GONGZHI_SESSION_IDLE_MINUTES_STAFF, GONGZHI_SESSION_IDLE_MINUTES) * 60

# Content-Security-Policy of every answer (core/middleware.py, docs/decisions/0007-csp.md):
# scripts only from our own static files (no inline script, no handlers in attributes, no
# eval); inline styles allowed (see the decision for why).
GONGZHI_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Maps (gongzhi/maps): an optional background tile layer, off by default (the grids are drawn
# from their GeoJSON with no tile server). A URL template with {z}/{x}/{y} (Web Mercator tiles,
# e.g. a town's own tile server); its origin is added to the images the CSP allows.
GONGZHI_MAP_TILES = os.environ.get("GONGZHI_MAP_TILES", "")
if GONGZHI_MAP_TILES:
    from urllib.parse import urlsplit as _urlsplit

    _tiles = _urlsplit(GONGZHI_MAP_TILES)
    GONGZHI_CSP["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GONGZHI_LOG_LEVEL", "WARNING")},
}

# Import commits this many rows per all-or-nothing batch.
GONGZHI_IMPORT_BATCH = int(os.environ.get("GONGZHI_IMPORT_BATCH", "2000"))
# API list pages: default and largest page size.
GONGZHI_PAGE_SIZE = 50
# Household numbers made by the system (registry/numbering.py): {grid} the grid code, {year},
# {seq} the sequence number in the grid with its format.
GONGZHI_HOUSEHOLD_NUMBER_PATTERN = os.environ.get("GONGZHI_HOUSEHOLD_NUMBER_PATTERN", "{grid}-{seq:04d}")
GONGZHI_MAX_PAGE_SIZE = 1000
# Bytes of resident-list answers kept per SQLite connection (one per server thread) while the
# database is unchanged (core/read_cache.py, docs/decisions/0006-api-read-cache.md); 0 reads
# every request afresh.
GONGZHI_READ_CACHE_BYTES = int(os.environ.get("GONGZHI_READ_CACHE_BYTES", str(4 << 20)))

# Throttling (docs/decisions/0004-throttling.md, docs/admin.md). Counters live in the "throttle"
# cache: Redis when CACHE_URL or REDIS_URL is set, else a table in the database
# (`gongzhi createcachetable`), so every worker process sees the same counts.
_throttle_cache_url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _throttle_cache_url,
            "KEY_PREFIX": "gongzhi",
        }
        if _throttle_cache_url
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gongzhi_cache"}
    ),
}
# The request header that holds the client address; behind a reverse proxy that sets it, e.g.
# HTTP_X_REAL_IP. Both login lockout and page limits count per this address.
GONGZHI_CLIENT_IP_META = os.environ.get("GONGZHI_CLIENT_IP_META", "REMOTE_ADDR")
# Login lockout (web, admin, API token): this many failures per username, and per address,
# lock that username / address for the lock time; the count is forgotten after the same time.
GONGZHI_LOGIN_FAILURE_LIMIT = int(os.environ.get("GONGZHI_LOGIN_FAILURE_LIMIT", "5"))
GONGZHI_LOGIN_LOCK_MINUTES = int(os.environ.get("GONGZHI_LOGIN_LOCK_MINUTES", "15"))
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "throttle"
AXES_FAILURE_LIMIT = GONGZHI_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = GONGZHI_LOGIN_LOCK_MINUTES / 60  # axes reads a float as hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_RESET_ON_SUCCESS = False  # gongzhi.accounts.lockout resets the username's count only
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a fixed lock, not one that grows
AXES_USERNAME_CALLABLE = "gongzhi.accounts.lockout.username_key"
AXES_CLIENT_IP_CALLABLE = "gongzhi.core.audit.client_ip"
AXES_LOCKOUT_CALLABLE = "gongzhi.accounts.lockout.locked_out_response"
AXES_ENABLE_ADMIN = False  # the cache handler keeps no attempt rows to show
AXES_DISABLE_ACCESS_LOG = True  # logins are in the audit log already
AXES_VERBOSE = False
# Public pages without login: "count/period" per client address (s, m, h, d; e.g. 10/15m).
RATELIMIT_USE_CACHE = "throttle"
RATELIMIT_IP_META_KEY = "gongzhi.core.audit.client_ip"
GONGZHI_RATE_PUBLIC_FILE = os.environ.get("GONGZHI_RATE_PUBLIC_FILE", "10/h")  # filing a request
GONGZHI_RATE_TRACK_IP = os.environ.get("GONGZHI_RATE_TRACK_IP", "10/15m")  # failed progress checks
GONGZHI_RATE_TRACK_NUMBER = os.environ.get("GONGZHI_RATE_TRACK_NUMBER", "5/15m")  # … per tracking number
GONGZHI_RATE_OPEN311_POST = os.environ.get("GONGZHI_RATE_OPEN311_POST", "120/h")  # Open311 filings
GONGZHI_RATE_BOARD_VERIFY = os.environ.get("GONGZHI_RATE_BOARD_VERIFY", "20/m")  # disclosure verify page
GONGZHI_RATE_CONTACT = os.environ.get("GONGZHI_RATE_CONTACT", "30/h")  # 联系来电人 reveals, per user
# Staff searching residents by number, per user (docs/permissions.md, 号码脱敏): every search by
# number, and of those the look-ups by a whole ID or phone number (plus refused duplicate IDs).
GONGZHI_RATE_NUMBER_SEARCH = os.environ.get("GONGZHI_RATE_NUMBER_SEARCH", "120/10m")
GONGZHI_RATE_NUMBER_LOOKUP = os.environ.get("GONGZHI_RATE_NUMBER_LOOKUP", "60/h")
# A resident linking their account (accounts/linking.py): failed matches of phone + ID number
# per client address (the same answer whether or not the ID number exists, and a limit so the
# registry cannot be probed), and codes requested per address.
GONGZHI_RATE_LINK_FAIL = os.environ.get("GONGZHI_RATE_LINK_FAIL", "5/15m")
GONGZHI_RATE_LINK_CODE = os.environ.get("GONGZHI_RATE_LINK_CODE", "10/h")
# One-time codes: valid this many minutes, this many wrong tries each, this many per resident
# per hour.
GONGZHI_LINK_CODE_MINUTES = int(os.environ.get("GONGZHI_LINK_CODE_MINUTES", "10"))
GONGZHI_LINK_CODE_ATTEMPTS = int(os.environ.get("GONGZHI_LINK_CODE_ATTEMPTS", "5"))
GONGZHI_LINK_CODES_PER_HOUR = int(os.environ.get("GONGZHI_LINK_CODES_PER_HOUR", "3"))
# How codes reach a resident's phone (accounts/sms.py): a dotted path to a backend class. The
# console backend writes the message to the log; `...sms.CounterBackend` sends nothing (the
# code is read out by staff at the counter); a town with an SMS gateway supplies its own.
GONGZHI_SMS_BACKEND = os.environ.get("GONGZHI_SMS_BACKEND", "gongzhi.accounts.sms.ConsoleBackend")

# Signs the disclosure boards' heads (consultation/ledger.py); empty: derived from SECRET_KEY.
# Kept in the environment, never in the database or its backups (docs/admin.md).
GONGZHI_DISCLOSURE_KEY = os.environ.get("GONGZHI_DISCLOSURE_KEY", "")
