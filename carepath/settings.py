"""Carepath settings: one module, read from the environment (see README, "Configuration").

Production fails closed: with ``DEBUG`` off the app refuses to start without a secret key, and HTTPS (redirect,
secure cookies, HSTS) is on unless turned off. Every variable is read through one typed helper below (text,
lists, whole numbers, booleans, rates, secrets), the environment being the only source; a blank variable counts
as unset, and a value a helper cannot read stops the start with a message naming the variable. Secrets may come
from a file instead (``SECRET_KEY_FILE``, ``DATABASE_URL_FILE``, ``DATABASE_REPLICA_URL_FILE``,
``EMAIL_HOST_PASSWORD_FILE``).
"""

import datetime
import ipaddress
import os
import re
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")
RATE = re.compile(r"^\d+/(second|minute|hour|day)$")


def _raw(name: str) -> str | None:
    """The variable's value, or None when it is unset or blank."""
    value = os.getenv(name, "").strip()
    return value or None


def envbool(name: str, default: bool) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not understood: use one of {', '.join(TRUE)} (on) or {', '.join(FALSE)} (off)."
    )


def envint(name: str, default: int, *, minimum: int = 0) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} is too small: the least is {minimum}.")
    return value


def envstr(name: str, default: str) -> str:
    """Text, trimmed; ``default`` when the variable is unset or blank."""
    return _raw(name) or default


def envlist(name: str, default: str) -> list[str]:
    """Comma-separated text, each item trimmed, empty items dropped; ``default`` when unset or blank."""
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


def envsecret(name: str) -> str | None:
    """A secret: the variable ``name``, or the contents of the file ``name_FILE`` names (a container secret,
    say), trimmed; not both. None when neither is set. A file that cannot be read, or holds nothing, stops the
    start: a secret named but missing is never replaced by a default."""
    value, path = _raw(name), _raw(f"{name}_FILE")
    if value and path:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if path is None:
        return value
    try:
        value = Path(path).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ImproperlyConfigured(
            f"{name}_FILE={path!r} cannot be read: {error.strerror or error}."
        ) from None
    except UnicodeDecodeError:
        raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: it is not UTF-8 text.") from None
    if not value:
        raise ImproperlyConfigured(f"{name}_FILE={path!r} is empty.")
    return value


def envrate(name: str, default: str) -> str:
    """A rate limit in Django REST framework's syntax: a count per second, minute, hour or day."""
    raw = _raw(name) or default
    if not RATE.match(raw):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate: write a count per second, minute, hour or day, e.g. 120/minute."
        )
    return raw


DEVELOPMENT_KEY = "carepath-development-key-not-for-production-use-0123456789abcdef"


def _secret_key(debug: bool) -> str:
    key = envsecret("SECRET_KEY")
    if key == DEVELOPMENT_KEY and not debug:
        raise ImproperlyConfigured(
            "SECRET_KEY is the development key published in Carepath's repository: give the site a key of its "
            "own, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    if key:
        return key
    if debug:  # development only: this key is public, so nothing signed with it can be trusted
        return DEVELOPMENT_KEY
    raise ImproperlyConfigured(
        "SECRET_KEY (or SECRET_KEY_FILE, the path of a file holding it) must be set when DEBUG is off. "
        "For development, set DEBUG=true (make run does)."
    )


DATA_DIR = Path(envstr("CAREPATH_DATA_DIR", str(BASE_DIR / "data"))).resolve()
DEBUG = envbool("DEBUG", False)
SECRET_KEY = _secret_key(DEBUG)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "modeltranslation",  # before admin, so the admin shows both languages
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # full-text and trigram search on PostgreSQL; its lookups do nothing elsewhere
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from here, not from a CDN
    "django_htmx",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",  # the tasks' database backend: its table, and the `carepath db_worker` command
    "carepath",
    "carepath.accounts",
    "carepath.directory",
    "carepath.communities",
    "carepath.pathways",
    "carepath.navigator",
    "carepath.practices",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # above WhiteNoise, so static files get the policy too
    "carepath.staticfiles.StaticFilesMiddleware",  # WhiteNoise
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout page
]

ROOT_URLCONF = "carepath.urls"
WSGI_APPLICATION = "carepath.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "carepath" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    }
]

_database_url = envsecret("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'carepath.sqlite3'}"
# Seconds a worker keeps its connection to a database server: connecting costs more than a navigator match
# (a match every worker makes 100 times a second at 100,000 services without it, 230 with). Checked before
# reuse, so a connection the server dropped is replaced, not failed on. 0 behind PgBouncer in transaction mode.
DATABASE_CONN_MAX_AGE = envint("DATABASE_CONN_MAX_AGE", 0 if _database_url.startswith("sqlite") else 60)


def _database(url: str) -> dict[str, Any]:
    """A database from its URL; PostgreSQL through carepath.backends.postgresql (a health check that costs no
    round trip while the connection is quiet)."""
    found = dj_database_url.parse(
        url, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=DATABASE_CONN_MAX_AGE > 0
    )
    if found["ENGINE"] == "django.db.backends.postgresql":
        found["ENGINE"] = "carepath.backends.postgresql"
    return dict(found)


DATABASES = {"default": _database(_database_url)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
# A read replica (README, "Production"; carepath/routers.py): when DATABASE_REPLICA_URL (or its _FILE) is set,
# anonymous GET requests read the public directory from it; everything else, and every write, uses the primary.
_replica_url = envsecret("DATABASE_REPLICA_URL")
if _replica_url:
    DATABASES["replica"] = {
        **_database(_replica_url),
        "TEST": {"MIRROR": "default"},  # a test run reads the test database through it
    }
    DATABASE_ROUTERS = ["carepath.routers.ReplicaRouter"]
    MIDDLEWARE.insert(  # after authentication: whoever is signed in reads the primary
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "carepath.routers.ReplicaReadsMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "carepath.accounts.backends.LoginAttemptsBackend",  # django-axes, first: refuses locked-out sign-ins
    "rules.permissions.ObjectPermissionBackend",
    "carepath.accounts.backends.EmailOrUsernameBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Languages: English and French everywhere; URLs are prefixed /en/ and /fr/.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [Path(envstr("CAREPATH_LOCALE_DIR", str(BASE_DIR / "locale")))]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/Toronto"
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "fr")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "fr")}

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # made by collectstatic; until then the finders serve every file
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("CAREPATH_MANIFEST_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# How long a saved plan link lasts.
CAREPATH_PLAN_DAYS = envint("CAREPATH_PLAN_DAYS", 90, minimum=1)
# The most a saved plan keeps (its answers as compact JSON, in bytes); a larger posted answers field is refused.
CAREPATH_PLAN_MAX_BYTES = envint("CAREPATH_PLAN_MAX_BYTES", 4096, minimum=256)
# What an import may hold (README, "Security"): the upload as sent, then the file once expanded.
CAREPATH_MAX_IMPORT_BYTES = envint("CAREPATH_MAX_IMPORT_BYTES", 50 * 1024 * 1024, minimum=1)
CAREPATH_IMPORT_MAX_UNCOMPRESSED_BYTES = envint(
    "CAREPATH_IMPORT_MAX_UNCOMPRESSED_BYTES", 256 * 1024 * 1024, minimum=1
)
CAREPATH_IMPORT_MAX_FILES = envint("CAREPATH_IMPORT_MAX_FILES", 100, minimum=1)
CAREPATH_IMPORT_MAX_RATIO = envint("CAREPATH_IMPORT_MAX_RATIO", 100, minimum=1)
CAREPATH_IMPORT_MAX_FIELD_BYTES = envint("CAREPATH_IMPORT_MAX_FIELD_BYTES", 1024 * 1024, minimum=1)
CAREPATH_IMPORT_MAX_COLUMNS = envint("CAREPATH_IMPORT_MAX_COLUMNS", 100, minimum=1)
# How long an import waits for another import into the same community before it says so (PostgreSQL;
# SQLite waits its busy timeout, 5 seconds).
CAREPATH_IMPORT_WAIT_SECONDS = envint("CAREPATH_IMPORT_WAIT_SECONDS", 5, minimum=1)
# Long work (imports from the web) runs as background tasks, queued in the database and run by
# `carepath db_worker` (django-tasks' database backend: the same on SQLite and PostgreSQL).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Where uploads wait for their job (never served; each file is removed when its job ends). The web workers and
# `carepath db_worker` must see the same folder.
CAREPATH_UPLOADS_DIR = Path(envstr("CAREPATH_UPLOADS_DIR", str(DATA_DIR / "uploads"))).resolve()
# Where to report a security problem (a mailto: or https: URI), published at /.well-known/security.txt.
CAREPATH_SECURITY_CONTACT = envstr("CAREPATH_SECURITY_CONTACT", "")
if CAREPATH_SECURITY_CONTACT and not CAREPATH_SECURITY_CONTACT.startswith(("mailto:", "https://")):
    raise ImproperlyConfigured("CAREPATH_SECURITY_CONTACT must be a mailto: or https:// URI.")
# Survey instrument files editors upload.
CAREPATH_INSTRUMENT_MAX_BYTES = envint("CAREPATH_INSTRUMENT_MAX_BYTES", 2 * 1024 * 1024, minimum=1)
# Nesting depth of any JSON read from outside (uploads, API bodies, posted answers).
CAREPATH_JSON_MAX_DEPTH = envint("CAREPATH_JSON_MAX_DEPTH", 32, minimum=2)

# Services each web worker keeps in memory for the navigator, all communities together (about 1 KB each):
# past it, the copies of the communities least recently built go first, to be built again when asked.
CAREPATH_NAVIGATOR_KEEP_SERVICES = envint("CAREPATH_NAVIGATOR_KEEP_SERVICES", 2_000_000, minimum=1)

# Rate limits, counted per client address (carepath/clients.py) in a database table every worker shares
# (carepath/limits.py).
# The navigator (the API, the family and provider questions, print): requests per client address.
CAREPATH_NAVIGATOR_RATE = envrate("CAREPATH_NAVIGATOR_RATE", "120/minute")
# Saved plans: saves per client address.
CAREPATH_PLAN_SAVE_RATE = envrate("CAREPATH_PLAN_SAVE_RATE", "10/hour")
# Password reset e-mails: asked for one e-mail address, and asked from one client address.
CAREPATH_PASSWORD_RESET_RATE = envrate("CAREPATH_PASSWORD_RESET_RATE", "3/hour")
CAREPATH_PASSWORD_RESET_CLIENT_RATE = envrate("CAREPATH_PASSWORD_RESET_CLIENT_RATE", "10/hour")
# Sign-in attempts from one client address, whatever the account (the site's form and the admin's).
CAREPATH_LOGIN_CLIENT_RATE = envrate("CAREPATH_LOGIN_CLIENT_RATE", "60/hour")
# Reports of a problem with a service's listing ("Report a problem with this listing"): per client address.
CAREPATH_REPORT_RATE = envrate("CAREPATH_REPORT_RATE", "10/hour")
CAREPATH_FEEDBACK_RATE = envrate("CAREPATH_FEEDBACK_RATE", "10/hour")
# The proxies in front of Carepath, whose X-Forwarded-For header says who the client is: a number of proxies
# (each appends the address it saw), or their addresses and networks (comma-separated). Empty: no proxy, the
# header is ignored and the client is the address connecting.
CAREPATH_TRUSTED_PROXIES = envstr("CAREPATH_TRUSTED_PROXIES", "")
for _proxy in [] if CAREPATH_TRUSTED_PROXIES.isdigit() else CAREPATH_TRUSTED_PROXIES.split(","):
    try:
        if _proxy.strip():
            ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"CAREPATH_TRUSTED_PROXIES: {_proxy.strip()!r} is neither an address nor a network; give the number "
            "of proxies in front of Carepath, or their addresses and networks separated by commas."
        ) from None
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sign-in: django-axes counts failed sign-ins per user name (an e-mail address counts as its account's user
# name) and client address, in the database, and locks that pair out for a while.
AXES_FAILURE_LIMIT = envint("CAREPATH_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("CAREPATH_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "carepath.accounts.backends.login_name"
AXES_CLIENT_IP_CALLABLE = "carepath.clients.address"
AXES_LOCKOUT_CALLABLE = "carepath.accounts.views.locked_out"
AXES_VERBOSE = False

_email_host = envstr("EMAIL_HOST", "")
# E-mail goes out through EMAIL_HOST when it is set; without one it is printed on the console (development).
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if _email_host
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Carepath <no-reply@carepath.localhost>")
if _email_host:  # else Django's own defaults, which the console backend never reads
    EMAIL_HOST = _email_host
    EMAIL_PORT = envint("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD") or ""
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["carepath.api.JSONParser"],
    "EXCEPTION_HANDLER": "carepath.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Carepath API",
    "DESCRIPTION": (
        "Open API of Carepath. `/api/hsds/` is an Open Referral HSDS 3.0 read API over the community "
        "service inventories; content is returned in the language asked for with `Accept-Language` "
        "(en or fr)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS: on by default when DEBUG is off (the redirect, secure cookies, HSTS).
CAREPATH_HTTPS = envbool("CAREPATH_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = CAREPATH_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # health checks often come over plain HTTP from inside the network
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000) if CAREPATH_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Only for a proxy that terminates TLS and always sets this header (e.g. X-Forwarded-Proto) to "https" or "http":
# Django then trusts it to tell HTTPS requests. Never set it without such a proxy: clients could send it.
_proxy_ssl_header = _raw("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header:
    if not re.fullmatch(r"[A-Za-z0-9-]+", _proxy_ssl_header):
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER={_proxy_ssl_header!r} is not a header name, e.g. X-Forwarded-Proto."
        )
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
# includeSubDomains and preload bind every subdomain and the browsers' preload lists: only when asked for. Until
# then `check --deploy` would warn about each, and those two warnings are the choice, not an oversight.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]

# Content-Security-Policy on every response (django-csp): scripts and styles from this site only, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # the Swagger UI's icons are data: URLs in its stylesheet
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}
