"""Marginalia settings. Everything that differs between machines comes from the environment.

Development defaults are safe; with DEBUG off, missing production settings are an error
at start-up rather than a surprise later.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else "")
if not DEBUG:
    missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS") if not os.environ.get(name)]
    if missing:
        raise ImproperlyConfigured(
            "Production settings are incomplete (DEBUG is off): set " + ", ".join(missing)
        )
    # A short or published key lets anyone forge sessions, password-reset links and CSRF tokens.
    if len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production: use at least 50 random characters, e.g. from "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # intcomma: counts in the thousands read as 14,678
    "django.contrib.postgres",
    "django_htmx",
    "taggit",
    "axes",
    "reader",
    "groups",
    "access",
    "annotations",
    "discussions",
    "accounts",
    "ninja",
    "api",
    "csp",
    "versions",
    "dashboard",
    "live",
    "courses",
    # LTI 1.3 (django-lti's registrations, deployments, keys; lti maps them onto groups).
    "lti_tool",
    "lti",
]

MIDDLEWARE = [
    # Outermost, so it compresses what every other middleware has finished writing (a reading
    # page is about 250 KB, 40 KB compressed); streams pass through (config/middleware.py).
    "config.middleware.CompressPagesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A NUL character in the address or a form field, or a body declared over the limit:
    # 400/413 before anything (sessions included) touches the database.
    "config.request_guards.RequestGuardMiddleware",
    # Content-Security-Policy with a per-request nonce (request.csp_nonce in templates).
    "csp.middleware.CSPMiddleware",
    # With read replicas: reads to a replica, unless this person has just written something.
    "config.replicas.ReadYourWritesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Around the session middleware (so it sees the session cookie) and inside CSP: a browser
    # launched from an LMS may be framed by that LMS, with cookies fit for its frame (lti/framing.py).
    "lti.framing.FramedByLmsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Inside the session middleware, so a moved expiry is saved with the session.
    "accounts.sessions.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Account e-mails leave after the response (accounts/mail.py).
    "accounts.mail.MailAfterResponseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication, as django-axes asks, so it sees the outcome of it.
    "axes.middleware.AxesMiddleware",
    # A database outage answers a clear 503 page instead of a stack trace. Innermost, and
    # synchronous only, so that under ASGI Django runs the whole chain in one thread: with an
    # async-capable middleware innermost, each of Django's own would hop to a thread and
    # back on every request (tests/test_asgi_middleware.py).
    "config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "csp.context_processors.nonce",
            ],
            # Every template shows times the same way ("just now", "5 minutes ago").
            "builtins": ["accounts.templatetags.times"],
        },
    }
]

# Database: DATABASE_URL when given, otherwise the embedded server under var/.
if os.environ.get("DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.config(conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    from config.embedded_db import database_settings

    DATABASES = {"default": database_settings()}

# Concurrent test runs on one server (several work trees, CI) each get their own test database.
DATABASES["default"].setdefault("TEST", {})["NAME"] = "test_marginalia" + os.environ.get("TEST_DB_SUFFIX", "")

# Connections: checked before reuse, so after a database restart the next request opens a
# fresh connection instead of failing on a dead one (the app recovers by itself). Either
# persistent connections (DB_CONN_MAX_AGE seconds) or, with DB_POOL=true, a psycopg pool
# per process (DB_POOL_MIN_SIZE..DB_POOL_MAX_SIZE, waiting DB_POOL_TIMEOUT s for a connection).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))
if env_bool("DB_POOL", False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses pooling with persistent connections.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "2")),
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "10")),
        # Also how long a request waits before answering 503 while the database is down.
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "5")),
    }
# Parameters bound by the server, not spliced into the SQL: each connection prepares the
# statements it runs often (psycopg's prepare_threshold), and PostgreSQL stops planning them
# afresh, which was most of the database's time for a margin (planning 1.7 ms, running 0.4).
if env_bool("DB_SERVER_SIDE_BINDING", True):
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
# Under ASGI with the pool, at most DB_POOL_MAX_SIZE requests of a process run at once; the
# others wait their turn, up to this long, then run anyway (config/admission.py).
ADMISSION_WAIT_SECONDS = float(os.environ.get("ADMISSION_WAIT_SECONDS", "10"))

# Read replicas (DATABASE_REPLICA_URLS, comma-separated): reads go to a replica, writes to the
# primary, and a person's reads stay on the primary for REPLICA_PIN_SECONDS after a write of
# theirs (config/replicas.py), so they always see what they just did.
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "15"))
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    import dj_database_url

    DATABASES[f"replica{_number}"] = {
        **dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True),
        "TEST": {"MIRROR": "default"},  # tests read the primary through every alias
    }
DATABASE_ROUTERS = ["config.replicas.PrimaryReplicaRouter"] if len(DATABASES) > 1 else []

# Shared state lives in PostgreSQL so any number of processes can serve: sessions use the
# database backend (Django's default), and the cache is a database table
# (`manage.py createcachetable`, which `make migrate` runs). With REDIS_URL the cache is Redis,
# sessions are read from it (and still written to PostgreSQL, so a Redis restart signs nobody
# out), and the API's write limits are counted there (api/throttling.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "marginalia_cache",
        }
    }

# The largest paper file an instructor may upload (a long scanned PDF is tens of megabytes);
# the original is kept in the database, so this also bounds what one upload stores.
# PDF, Word and EPUB uploads are read in a background thread of the app process
# (versions/imports.py). Inline runs them within the request instead (the tests, a shell).
IMPORT_INLINE = os.environ.get("IMPORT_INLINE", "") == "1"
IMPORT_WORKERS = int(os.environ.get("IMPORT_WORKERS", "2"))
# A running import silent this long (OCR of one page is bounded by 120 s) is taken as dead.
IMPORT_STALL_SECONDS = int(os.environ.get("IMPORT_STALL_SECONDS", "300"))
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_MB", "50")) * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out login never reaches the password check.
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
LOGIN_REDIRECT_URL = "library"
LOGOUT_REDIRECT_URL = "library"

# Login throttling (django-axes): lock after AXES_FAILURE_LIMIT failures for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60  # hours
# Locks are per account only (accounts/throttling.py): an address and browser shared by a
# computer lab must not be locked by one person's guesses. One address gets its own, far
# higher hourly limit, counted from axes' failure log.
AXES_LOCKOUT_PARAMETERS = [["username"]]
AXES_HANDLER = "accounts.throttling.AccountAndAddressHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LOGIN_FAILURES_PER_ADDRESS_PER_HOUR = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS_PER_HOUR", "300"))
# axes warns that without ip_address in the lockout parameters rotating browsers walks
# around the limit: the per-address limit above is ours, counted by address alone.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_address"
AXES_USERNAME_CALLABLE = "accounts.throttling.username_of"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Proxies (addresses or networks) whose X-Forwarded-For is believed, for the client's address;
# gunicorn.conf.py gives uvicorn the same list. A TLS proxy on the same machine by default.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
# Failures per username are summed over every IP and browser (axes' database handler), so
# at most AXES_FAILURE_LIMIT failed passwords reach the check per cool-off period, whoever
# sends them. The issue caps that at 100 an hour per account; refuse settings that allow more.
_AXES_MAX_FAILURES_PER_HOUR = AXES_FAILURE_LIMIT * (1 / AXES_COOLOFF_TIME + 1)
if AXES_COOLOFF_TIME <= 0 or _AXES_MAX_FAILURES_PER_HOUR > 100:
    raise ImproperlyConfigured(
        "AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES would let more than 100 failed logins an hour "
        "through for one account; raise the cool-off or lower the limit"
    )

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # STATIC_MANIFEST=false lets tests serve production settings without collectstatic.
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Email: the console in development, SMTP when EMAIL_HOST is set.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Marginalia <marginalia@localhost>")
# Where links in e-mails point: the notification outbox is sent outside any request.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# A signed-in session ends after SESSION_COOKIE_AGE at the latest, and after SESSION_IDLE_SECONDS
# without a request (accounts/sessions.py); ASVS L2 suggests 30 minutes to a few hours idle.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(2 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Every cookie HttpOnly: scripts take the CSRF token from the page ({% csrf_token %}, or
# hx-headers for htmx), never from the cookie.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# No referrer leaves the site; same-origin (not no-referrer) because Django's CSRF check
# over HTTPS needs the Referer of our own pages.
SECURE_REFERRER_POLICY = "same-origin"
# Load balancers probe /healthz over plain HTTP; everything else is redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp 4). Scripts and styles come from our own origin;
# an inline <script> or <style> needs nonce="{{ request.csp_nonce }}". No framing at all.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if not DEBUG:
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
    "filters": {"refusals_on_one_line": {"()": "config.log_filters.RefusalsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # A 403 is one line, not a traceback; a 500 keeps its traceback.
    "loggers": {"django.request": {"filters": ["refusals_on_one_line"]}},
}

# Tags: "Energy" and "energy" are one tag (the first spelling used is kept).
TAGGIT_CASE_INSENSITIVE = True

# JSON API (api/): writes per user and window (rate as "N/s|min|hour|day"), and the largest
# request body the API accepts before answering 413.
API_WRITE_RATE = os.environ.get("API_WRITE_RATE", "120/min")
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(64 * 1024)))
# Every other request's body (a paper's upload is at most 2 MB, checked by its form) and all
# of a request's headers together; counted on the bytes received (config/request_guards.py).
MAX_REQUEST_BODY_BYTES = int(os.environ.get("MAX_REQUEST_BODY_BYTES", str(4 * 1024 * 1024)))
MAX_REQUEST_HEADER_BYTES = int(os.environ.get("MAX_REQUEST_HEADER_BYTES", str(32 * 1024)))

# Live updates (live/): threads per process for the database work of open event streams.
LIVE_DB_THREADS = int(os.environ.get("LIVE_DB_THREADS", "4"))
