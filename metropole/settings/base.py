"""Settings shared by every environment, read from the environment (django-environ)."""

import datetime
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",  # Bootstrap 5 CSS/JS from the django-bootstrap-static package: no CDN
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files: no CDN
    "simple_history",
    "axes",  # lockout of repeated login failures (per account and address)
    "django_otp",  # second factor: an authenticator app (TOTP) and backup codes (static)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",  # Content-Security-Policy (django-csp 4): see CONTENT_SECURITY_POLICY below
    "core",
    "subventions",
    "deliberations",
    "conventions",
    "pilotage",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # `?exercice=` and `?annee=` of old links → `?year=`, the one name of every page.
    "core.middleware.YearParameterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "subventions.twofactor.TwoFactorMiddleware",
    # Association accounts (pilotage.portail) get a 403 on the admin.
    "pilotage.portail.middleware.PortalAccountIsolationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a locked-out login into the French lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "metropole.urls"
WSGI_APPLICATION = "metropole.wsgi.application"

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
            ],
        },
    },
]

# No DATABASE_URL: the embedded SQLite file, so that `make run` needs nothing installed.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # A web application's queries are short: PostgreSQL's JIT compilation, started on
    # estimated costs, spends more than it saves (450 ms compiling a 100 ms list count).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The API's throttles count in the cache: point it at Redis in production (redis://…/1) so
# that every process counts together; one process's memory otherwise.
CACHES = {"default": env.cache("DJANGO_CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
# Our wording over the installed apps' catalogues (locale/fr: Django's « courriel »).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Signed agreements, scans and reports: outside MEDIA_ROOT, served only by permission-checked views.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
# "private": signed acts and agreements, scans, reports, generated exports (core.files),
# never a public URL. By default two folders on this server; with SUBVENTIONS_S3_BUCKET,
# an S3-compatible object store (django-storages) shared by every application server and
# worker: "media/" and "private/" in the bucket. The keys come from the environment
# (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), read by boto3 itself.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "core.files.PrivateStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
S3_BUCKET = env("SUBVENTIONS_S3_BUCKET", default="")
if S3_BUCKET:
    S3_OPTIONS = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
        "region_name": env("AWS_S3_REGION_NAME", default=None),
        "default_acl": None,  # the bucket's own (private) policy
        "file_overwrite": False,  # as on disk: a name taken gets a suffix, nothing replaced
        "querystring_expire": 300,  # the logo's signed URL, if ever shown
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**S3_OPTIONS, "location": "media"},
    }
    STORAGES["private"] = {
        "BACKEND": "core.files.PrivateS3Storage",
        "OPTIONS": {**S3_OPTIONS, "location": "private"},
    }
# Uploads: a file past core.files.UPLOAD_MAX_BYTES is neither kept in memory nor written
# whole to disk; the form then refuses it with its size.
FILE_UPLOAD_HANDLERS = [
    "core.files.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# django-axes first: it refuses a locked-out account before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # The association space's e-mailed login links (pilotage.portail): 15 minutes, once.
    "sesame.backends.ModelBackend",
]
SESAME_MAX_AGE = 15 * 60
SESAME_ONE_TIME = True
# Five wrong passwords for one account from one address lock that pair out for 15 minutes
# (staff login and admin login alike); the lockout page says when to retry.
AXES_FAILURE_LIMIT = env.int("SUBVENTIONS_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SUBVENTIONS_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"
# No banner on every manage.py command (lockouts are still logged).
AXES_VERBOSE = False

# Two-factor login (subventions.twofactor) for the roles that sign or pay and superusers:
# mandatory in production; elsewhere whoever enrolled gives the code.
SUBVENTIONS_2FA_REQUIRED = env.bool("SUBVENTIONS_2FA_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Subventions"

# Content-Security-Policy: nothing inline, nothing from elsewhere. Every environment sends
# production's policy, so that a page breaking it fails in development and in the browser
# tests (tests/browser/conftest.py); django-csp leaves Django's debug pages alone. Scripts
# and styles are files under static/ (an inline <script>, style="" or on…="" is refused);
# data: images are Bootstrap's icons in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="subventions@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Without a broker, tasks run in the calling process (development, tests, demo).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Batch tasks are acknowledged late (conventions.batch): a worker takes one message at a
# time, and a message a killed worker held is delivered again after the visibility
# timeout (seconds; Redis), longer than any one task.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_BEAT_SCHEDULE = {
    "conventions-fail-stale-batch-jobs": {
        "task": "conventions.fail_stale_batch_jobs",
        "schedule": 300.0,
    },
}
# A batch job without progress for this long (seconds) is marked failed, and restartable.
SUBVENTIONS_BATCH_STALE_AFTER = env.int("SUBVENTIONS_BATCH_STALE_AFTER", default=600)
# A list's XLSX export of more rows than this is built by a background task, with its
# progress on a page (subventions.exports); a smaller one is built at once. CSV streams.
SUBVENTIONS_EXPORT_SYNC_MAX_ROWS = env.int("SUBVENTIONS_EXPORT_SYNC_MAX_ROWS", default=5000)

# Above this annual amount an agreement is mandatory (loi 2000-321 art. 10, décret 2001-495).
AGREEMENT_THRESHOLD = Decimal(env("SUBVENTIONS_AGREEMENT_THRESHOLD", default="23000"))
# The self-signed demo certificate (create_demo_certificate) is refused when DEBUG is off,
# unless this is set on purpose (a training or acceptance platform).
SUBVENTIONS_ALLOW_DEMO_CERTIFICATE = env.bool("SUBVENTIONS_ALLOW_DEMO_CERTIFICATE", default=False)
# The authority's seal (PKCS#12 file and its password), which seals the simple electronic
# signature an association gives online (issue 16); without it, a demo seal where demo
# certificates are allowed, otherwise online signing is refused.
# The address of the application, for the links of the e-mails sent without a request
# (the financial reports' reminders link to the association space).
SUBVENTIONS_SITE_URL = env.str("SUBVENTIONS_SITE_URL", default="http://localhost:8000")
SUBVENTIONS_SEAL_P12 = env.str("SUBVENTIONS_SEAL_P12", default="")
SUBVENTIONS_SEAL_PASSWORD = env.str("SUBVENTIONS_SEAL_PASSWORD", default="")
# Awarding beyond what a budget line has left: "refuse" it, or "warn" (noted in the log).
SUBVENTIONS_BUDGET_OVERRUN = env.str(
    "SUBVENTIONS_BUDGET_OVERRUN", default="refuse", choices=["refuse", "warn"]
)
# From this date acts are transmitted to the prefecture and published through the
# application, which computes their executory date; an act voted before it may have its
# executory date typed, with the reason (deliberations.services.deliberation_set_executory).
ACTS_IN_APPLICATION_SINCE = datetime.date.fromisoformat(
    env.str("ACTS_IN_APPLICATION_SINCE", default="2021-01-01")
)

# Read-only API (pilotage.api): token or staff session; staff with view permissions.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.security.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    # JSON only: DRF's browsable pages have inline styles (CSP); people read /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per account (token or session) and per address; failed tokens have their own, lower,
    # limit (core.security.ThrottledTokenAuthentication). French 429 with the wait.
    "EXCEPTION_HANDLER": "core.api_errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.security.AnonymousThrottle",
        "core.security.AccountThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("SUBVENTIONS_API_ANON_RATE", default="60/min"),
        "user": env("SUBVENTIONS_API_USER_RATE", default="600/min"),
        "failed_token": env("SUBVENTIONS_API_FAILED_TOKEN_RATE", default="10/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Subventions — API en lecture",
    "DESCRIPTION": (
        "Subventions, bénéficiaires, délibérations et conventions, en lecture seule, au "
        "format JSON.\n\n"
        "**Obtenir un jeton.** Un administrateur crée le jeton d'un compte du personnel "
        "dans l'administration (« Jetons d'authentification » › « Ajouter ») ou par la "
        "commande `python manage.py drf_create_token <identifiant>`. Chaque appel porte "
        "l'en-tête `Authorization: Token <jeton>` ; le bouton « Authorize » ci-dessous "
        "l'ajoute aux essais (saisir `Token <jeton>`). Une personne connectée à "
        "l'application peut aussi essayer l'API sans jeton.\n\n"
        "Les coordonnées bancaires, les contacts et les notes internes ne sont jamais "
        "exposés. Au-delà des débits permis, l'API répond 429 avec un message en français."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No link inside each operation's button (axe-core: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "persistAuthorization": True},
}

# Logs on the standard error; SUBVENTIONS_LOG_FORMAT=json writes one JSON object a line
# (python-json-logger: time, level, logger, message and the record's extra fields), for a
# log collector gathering several servers.
LOG_FORMAT = env.str("SUBVENTIONS_LOG_FORMAT", default="text", choices=["text", "json"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_on_one_line": {"()": "core.log_filters.ClientErrorsOnOneLine"}},
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_default": "ext://core.log_filters.json_default",
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["client_errors_on_one_line"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# A history row's reason (a confirmation's motive, kept with the change) is never cut to
# 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
