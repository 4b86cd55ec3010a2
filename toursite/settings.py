"""toursite settings: one module, configured from the environment.

DJANGO_DEBUG          "1"/"true" turns debug on (default off).
DJANGO_SECRET_KEY     required when debug is off.
DJANGO_ALLOWED_HOSTS  comma-separated (default: localhost names when debugging).
DATABASE_URL          default: SQLite file db.sqlite3 beside manage.py.
DJANGO_DB_PREPARED_STATEMENTS  "0": no PostgreSQL prepared statements (default on).
REDIS_URL             shared cache when set; local memory otherwise.
DJANGO_STATIC_ROOT    collectstatic target (default: staticfiles/ beside manage.py).
DJANGO_SECURE_SSL_REDIRECT, DJANGO_HSTS_SECONDS  HTTPS hardening (production).
DJANGO_SITE_URL       the public address (scheme and host, e.g. https://toursite.example)
                      for absolute links built without a request's Host (the feed,
                      the sitemap). Default: https:// and the first allowed host, or
                      http://127.0.0.1:8000 when debugging.
DJANGO_PROXY_COUNT    reverse proxies in front of the site that append the client's
                      address to X-Forwarded-For (default 0: the socket's address).
DJANGO_LOGIN_RATE     sign-in POSTs allowed per client address (default "10/m").
TOURSITE_STALE_SECONDS  how long a stored page may be served when the database
                      cannot be read (default 600).
TOURSITE_VERSION_PUSH_MAX_AGE  seconds a process may use a data version it keeps
                      (with REDIS_URL) without reading it again (default 60; 0: off).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from racing.i18n import LANGUAGES as SITE_LANGUAGES
from racing.i18n import SOURCE_LANGUAGE

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production settings refuse to start "
            "with a known key: set DJANGO_SECRET_KEY "
            "(or DJANGO_DEBUG=1 for development)."
        )
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 (debug only)

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else ""
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_htmx",
    "axes",
    "django_ratelimit",
    "corsheaders",
    # Country names in every language and flag images (templates/includes/flag.html).
    "django_countries",
    "editions",
    "stages",
    "live",
    "riders",
    "teams",
    # Last: its admin module replaces the user admin of django.contrib.auth.
    "toursite",
]

MIDDLEWARE = [
    "toursite.middleware.HeadWithoutBody",
    "django.middleware.security.SecurityMiddleware",
    # The open API's CORS answer without Vary: Origin (after CorsMiddleware on the
    # response: the same headers whoever asks).
    "toursite.middleware.OpenCorsWithoutVary",
    # Before anything that answers: CORS headers on the open API (below).
    "corsheaders.middleware.CorsMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML is compressed here (static files come pre-compressed from whitenoise,
    # public pages from toursite.caching, compressed once when stored). BREACH: Django
    # masks the CSRF token per response and pads gzip output with random bytes.
    "toursite.middleware.GZipUnlessCompressed",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language comes from its address alone (toursite.languages).
    "toursite.languages.PathLanguage",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "toursite.urls"

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
                "toursite.languages.page_languages",
            ],
        },
    },
]

WSGI_APPLICATION = "toursite.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Every page asks for its data version (toursite/versions.py) before anything else:
    # prepared once per connection, that query skips planning, which costs more than
    # running it. Needs server-side parameter binding. Behind a pooler in transaction
    # mode without prepared-statement support, set DJANGO_DB_PREPARED_STATEMENTS=0.
    if env_bool("DJANGO_DB_PREPARED_STATEMENTS", True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run during writes. Connections persist like PostgreSQL's:
    # opening one and running the PRAGMAs costs more than a cached page (bench/).
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

# Pages and fragments are cached with their data version as the cache version
# (toursite/caching.py), so entries never go stale; the timeout only bounds memory.
# A cache that fails is logged and bypassed by toursite.caching: short socket
# timeouts keep a Redis that is down from stalling requests.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # In production, give Redis a memory limit and let it evict the least recently
    # used keys (README, "Redis"): stored pages are a cache, never the only copy.
    _REDIS_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "toursite",
            "TIMEOUT": 3600,
            "OPTIONS": _REDIS_OPTIONS,
        },
        # Sign-in attempts per address (django-ratelimit): shared by every worker.
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "toursite-rl",
            "OPTIONS": _REDIS_OPTIONS,
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "toursite",
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        # Per process: exact for `make run` (one process); with several workers and
        # no Redis, each worker counts on its own.
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "toursite-ratelimit",
        },
    }

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English at the unprefixed addresses, the others under /fr/, /it/, /es/
# (toursite.urls, toursite.languages). Each language's own name, as the switcher
# shows it.
# One list with the race packages' report languages (racing.i18n).
LANGUAGE_CODE = SOURCE_LANGUAGE
LANGUAGES = list(SITE_LANGUAGES)
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher's choice, remembered for a year; read only by a first visit to "/".
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", "") or BASE_DIR / "staticfiles")
# collectstatic writes hashed names plus .gz and .br (Brotli is installed) copies;
# whitenoise serves the smallest one the client accepts. Hashed names are served
# "max-age=315360000, public, immutable" (whitenoise recognises them from the
# manifest); the few unhashed URLs get WHITENOISE_MAX_AGE.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 3600

SECURE_CSP = {
    "default-src": [CSP.SELF],
    # No inline script anywhere (htmx is a same-origin file), so no nonce: pages
    # are the same bytes for everyone, which lets toursite.caching store them once.
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No page uses these browser features: deny them to the site and to any frame.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Behind a proxy that terminates TLS and redirects itself, the redirect may be
    # turned off; the cookies stay Secure whatever it says.
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
    SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

LOGIN_URL = "admin:login"
# Where a sign-in goes when its ?next= is missing or refused (another host).
LOGIN_REDIRECT_URL = "admin:index"

# The public address, for absolute links that must not come from a request's Host.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").rstrip("/") or (
    "http://127.0.0.1:8000"
    if DEBUG or not ALLOWED_HOSTS or ALLOWED_HOSTS[0].startswith((".", "*"))
    else f"https://{ALLOWED_HOSTS[0]}"
)

# Sign-in throttling (README, "Sign-in throttling").
# django-axes: a username from one address is locked after AXES_FAILURE_LIMIT
# wrong passwords for AXES_COOLOFF_TIME, refused before any password is hashed;
# other users and addresses go on. Superusers see and reset lockouts in the admin
# (Axes: access attempts).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "toursite.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "toursite.clientip.client_ip"
AXES_VERBOSE = False
# django-ratelimit: sign-in POSTs per address, counted before any hashing, so
# a flood of random usernames cannot keep the workers hashing either.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0") or 0)
LOGIN_RATE = os.environ.get("DJANGO_LOGIN_RATE", "10/m")
RATELIMIT_USE_CACHE = "ratelimit"
# A count that cannot be read lets the sign-in through: django-axes still locks.
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = "toursite.clientip.client_ip"
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit's list of supported caches predates Django's own Redis
    # backend, whose increments are atomic.
    "django_ratelimit.W001",
    # Without Redis the per-process counter is exact for `make run` (one process).
    *([] if REDIS_URL else ["django_ratelimit.E003"]),
]

# The open JSON API (README, "Open data"): any site may read the .json addresses
# with GET (django-cors-headers; no cookies, so "*"), and its scripts may read the
# ETag. Not the pages, the CSV downloads or the admin.
CORS_URLS_REGEX = r"^/(?!admin/).*\.json$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "if-none-match", "if-modified-since")
CORS_EXPOSE_HEADERS = ("etag",)

# Seconds a stored page may still be served while the database cannot be read
# (toursite.http): a restart or a failover, not a long outage.
TOURSITE_STALE_SECONDS = int(os.environ.get("TOURSITE_STALE_SECONDS", "600") or 0)

# With REDIS_URL, each process keeps the data versions it read until a write announces
# a new one on Redis (toursite/version_push.py): a stored page then needs no query. A
# kept version is read again after this many seconds anyway (0: nothing is kept).
TOURSITE_VERSION_PUSH_MAX_AGE = int(
    os.environ.get("TOURSITE_VERSION_PUSH_MAX_AGE", "60") or 0
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line": {"()": "toursite.logs.OneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # A request with a Host this site does not serve is the client's mistake
        # (or a scanner's): one line each, not a traceback.
        "one_line": {"class": "logging.StreamHandler", "filters": ["one_line"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "toursite": {"level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
        "django.security.DisallowedHost": {
            "handlers": ["one_line"],
            "level": "WARNING",
            "propagate": False,
        },
    },
}
