"""Proximity settings: twelve-factor, read once from the environment.

Development defaults are safe and convenient (a SQLite file, Celery in eager mode); production secrets have
no default and fail loudly. With DJANGO_DEBUG off the settings are the production ones, and
`manage.py check --deploy --fail-level WARNING` passes on them (tests/config/test_settings.py runs it).
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env, env_at_least_one, env_some_of, env_viewbox, env_web_address

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me" if DEBUG else "")
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 50 characters when DJANGO_DEBUG is off."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "leaflet",
    "axes",
    "csp",
    "corsheaders",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "beats",
    "officers",
    "contacts",
    "outreach",
    "calls",
    "reports",
    "public",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware, so that its redirects carry the CORS headers too (/api/ only).
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.StaffSessionLifetimeMiddleware",
    # request.user.is_verified() from the session, then no staff page without it (accounts/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.StaffSecondFactorMiddleware",
    "config.middleware.DatabaseOutageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    # Last, so that it sees authentication failures raised by everything above.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "public.context_processors.service",
            ],
        },
    },
]

# Widgets render with the project's templates too (the sector map widget lives in templates/beats/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------------------
# The embedded default is a SQLite file so that `make demo` needs no server; the test suite and production
# use PostgreSQL through DATABASE_URL.
DEMO_DATABASE = BASE_DIR / "var" / "proximity.sqlite3"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DEMO_DATABASE}")}
if DATABASES["default"]["NAME"] == str(DEMO_DATABASE):
    DEMO_DATABASE.parent.mkdir(exist_ok=True)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    # The cache gets the next Redis database: clearing it must never wipe queued tasks.
    _redis = urlsplit(REDIS_URL)
    _cache_db = int(_redis.path.strip("/") or 0) + 1
    CACHES = {
        "default": {
            # Redis down must not take pages down: the cache only saves work (config/cache.py).
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": env("REDIS_CACHE_URL", default=urlunsplit(_redis._replace(path=f"/{_cache_db}"))),
            "TIMEOUT": 300,
            "KEY_PREFIX": "proximity",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without Redis (the embedded demo) tasks run inline, in the calling process.
# A host in the URL: without one kombu warns "No hostname was supplied" on the demo terminal.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=30 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=35 * 60)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis re-delivers an unacknowledged task after the visibility timeout: it must outlast the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 10 * 60}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Authentication -------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Five failed attempts lock the account (from any address), and five from one address lock that address,
# for 15 minutes; stored in the database.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
# Behind the TLS proxy every request comes from the proxy's address: read the client's from X-Forwarded-For,
# or one bad actor would lock every staff member out.
# Without a proxy, X-Forwarded-For is whatever the client wrote: ignore it.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1 if BEHIND_TLS_PROXY else 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR"] if BEHIND_TLS_PROXY else ["REMOTE_ADDR"]

# Staff sessions end after 30 idle minutes and, whatever the activity, 12 hours after login.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- Staff second factor --------------------------------------------------------------------------------
# After the password, staff give a code from an authenticator app (TOTP, django-otp) or a one-time recovery
# code; until then no admin or staff page opens (accounts/). On by default in production; off by default with
# DJANGO_DEBUG so that `make demo` stays one command.
STAFF_REQUIRE_TWO_FACTOR = env.bool("STAFF_REQUIRE_TWO_FACTOR", default=not DEBUG)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Proximity"
# No administrator reads another person's secret key or recovery codes in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A wrong code is a failed login for django-axes, which keeps the POST data of failures: never the code.
AXES_SENSITIVE_PARAMETERS = ["code"]

# --- HTTP security --------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

MAP_TILES_URL = env("MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env(
    "MAP_TILES_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)


def _origin(url: str) -> str:
    """scheme://host of a tile URL template, for the CSP's img-src."""
    scheme, _sep, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].replace('{s}', '*')}"


# Every script is a static file: no inline script, no eval, nowhere. Later pages must keep it so.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", _origin(MAP_TILES_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation -------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# America/Toronto is the IANA zone that Quebec follows.
TIME_ZONE = env("TIME_ZONE", default="America/Toronto")

# --- Static and media files ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and a fresh checkout may run without `collectstatic`; WhiteNoise then serves from the finders.
WHITENOISE_USE_FINDERS = DEBUG or env.bool("WHITENOISE_USE_FINDERS", default=False)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Maps ------------------------------------------------------------------------------------------------
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (45.52, -73.45),
    "DEFAULT_ZOOM": 11,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 19,
    "TILES": [("OpenStreetMap", MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION, "maxZoom": 19})],
    "RESET_VIEW": False,
    "SCALE": "metric",
}

# --- Proximity ------------------------------------------------------------------------------------------
SERVICE_NAME = env("SERVICE_NAME", default="Service de police de l’agglomération de Longueuil")
SERVICE_NON_EMERGENCY_PHONE = env("SERVICE_NON_EMERGENCY_PHONE", default="450 463-7011")
# A point outside every sector but this close to one (metres) belongs to the nearest one.
SECTOR_BOUNDARY_TOLERANCE_M = env.float("SECTOR_BOUNDARY_TOLERANCE_M", default=30.0)
# Overlaps and gaps between active sectors smaller than this (square metres) are drawing noise, not errors.
SECTOR_TOPOLOGY_TOLERANCE_M2 = env.float("SECTOR_TOPOLOGY_TOLERANCE_M2", default=100.0)
# The largest CAD export an analyst may upload (bytes); larger ones go through `manage.py import_calls`.
CALLS_IMPORT_MAX_UPLOAD_BYTES = env.int("CALLS_IMPORT_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
# Residents' identities and the free text of contacts and referrals are destroyed after this many months (the
# nightly contacts.tasks.contacts_retention_task); the counts stay.
CONTACTS_RETENTION_MONTHS = env_at_least_one("CONTACTS_RETENTION_MONTHS", default=24)
# Counts drawn from contact data (contacts, referrals) below this are shown as "< N" in reports, so that nobody
# can be singled out; 1 shows every count.
REPORTS_SMALL_COUNT_THRESHOLD = env_at_least_one("REPORTS_SMALL_COUNT_THRESHOLD", default=5)
# The monthly schedule (reports.tasks.monthly_reports_task) builds last month's reports in these formats and
# languages (comma-separated codes).
REPORTS_SCHEDULED_FORMATS = env_some_of("REPORTS_SCHEDULED_FORMATS", choices=["csv", "xlsx", "pdf"])
REPORTS_SCHEDULED_LANGUAGES = env_some_of(
    "REPORTS_SCHEDULED_LANGUAGES", choices=[code for code, _name in LANGUAGES]
)

# --- E-mail ---------------------------------------------------------------------------------------------
# Notices (reports ready) go out through EMAIL_URL. The default prints them on the console (`make demo`);
# production sets e.g. EMAIL_URL=smtp+tls://user:password@mail.example.org:587 (django-environ's email URL).
# The tests use Django's in-memory outbox whatever this says (pytest-django).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Proximity <proximity@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where staff open the site, for the links in e-mails (no trailing slash).
SITE_URL = env_web_address("SITE_URL", default="http://localhost:8000").rstrip("/")

# --- Outside geocoder -----------------------------------------------------------------------------------
# A Nominatim-compatible search asked when our own address index finds nothing (beats/addresses/geocoder.py).
# Off unless GEOCODER_URL is set, e.g. https://nominatim.openstreetmap.org/search. The public instance allows
# one request a second and requires a User-Agent naming the app: use a private instance in production.
GEOCODER_URL = env_web_address("GEOCODER_URL", default="")
GEOCODER_TIMEOUT = env.float("GEOCODER_TIMEOUT", default=2.0)  # seconds
GEOCODER_USER_AGENT = env("GEOCODER_USER_AGENT", default="Proximity (community policing)")
GEOCODER_COUNTRY_CODES = env("GEOCODER_COUNTRY_CODES", default="ca")
# "lon1,lat1,lon2,lat2"; empty: the bounds of the active sectors.
GEOCODER_VIEWBOX = env_viewbox("GEOCODER_VIEWBOX")
# Requests from one process are spaced this far apart (seconds); Nominatim's public instance asks for 1.
GEOCODER_MIN_INTERVAL = env.float("GEOCODER_MIN_INTERVAL", default=1.0)
# Shown under an address the outside geocoder found (OpenStreetMap's licence asks for it).
GEOCODER_ATTRIBUTION = env("GEOCODER_ATTRIBUTION", default="© OpenStreetMap contributors")

# --- Public API -----------------------------------------------------------------------------------------
# /api/v1/ (public/api.py). Other sites may read it from a browser only from the origins listed here
# (comma-separated, e.g. https://ville.example); none by default. Reads only, no cookies.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = (
    "ETag",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
)
# Requests per client (its address, as for django-axes: see BEHIND_TLS_PROXY) per window: "120/m", "10/s",
# "5000/h"; empty or "0/m" turns the limit off (benchmarks from one address). Counted in the cache: with the
# cache down, nobody is limited.
API_RATE_LIMIT = env("API_RATE_LIMIT", default="120/m")

# --- Logging --------------------------------------------------------------------------------------------
# Eager tasks (no Redis: `make demo`) run inside the web or command process, where Celery's "Task … succeeded"
# line at INFO for each one would bury the server's requests: Celery logs warnings and errors only there,
# unless LOG_LEVEL is set. A worker is never eager, so `make worker`'s --loglevel is untouched.
_QUIET_CELERY = (
    {"celery": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER and "LOG_LEVEL" not in env else {}
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # The autoreloader's "Watching for file changes" is printed by runserver already.
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.utils.autoreload": {"level": "WARNING"},
        **_QUIET_CELERY,
    },
}
