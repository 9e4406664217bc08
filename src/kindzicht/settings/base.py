"""Settings shared by every environment; environment-specific modules import from here."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from .config import config

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(
    config("KINDZICHT_DATA_DIR", str(Path.cwd() / "var"), help="Directory for the SQLite file, "
           "static files and exports.")
)
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = config(
    "KINDZICHT_SECRET_KEY",
    "insecure-development-key-change-me",
    help="Django secret key. Production refuses to start with the default.",
)
DEFAULT_SECRET_KEY = "insecure-development-key-change-me"
DEBUG = config("KINDZICHT_DEBUG", False, help="Django debug mode (never in production).", cast=bool)
ALLOWED_HOSTS = config(
    "KINDZICHT_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"],
    help="Comma-separated host names this server answers to.", cast=list,
)

DATABASES = {
    "default": dj_database_url.parse(
        config(
            "KINDZICHT_DATABASE_URL",
            f"sqlite:///{DATA_DIR / 'kindzicht.sqlite3'}",
            help="Database URL: sqlite:///path (default, embedded) or "
            "postgresql://user:password@host:5432/name (production).",
        ),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "kindzicht.core",
    "kindzicht.people",
    "kindzicht.continuity",
    "kindzicht.index",
    "kindzicht.meldcode",
    "kindzicht.safety",
    "kindzicht.plans",
    "kindzicht.rules",
    "kindzicht.learning",
    "kindzicht.access",
    "kindzicht.api",
    "kindzicht.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kindzicht.web.middleware.ChosenLanguageMiddleware",  # Dutch unless the user chose
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kindzicht.api.middleware.ApiVersionMiddleware",
]

ROOT_URLCONF = "kindzicht.urls"
WSGI_APPLICATION = "kindzicht.wsgi.application"
AUTH_USER_MODEL = "people.Professional"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = config("KINDZICHT_TIME_ZONE", "Europe/Amsterdam", help="Time zone of domain dates.")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = config(
    "KINDZICHT_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
    help="Django e-mail backend (console in the demo; smtp in production).",
)
EMAIL_HOST = config("KINDZICHT_EMAIL_HOST", "localhost", help="SMTP host.")
EMAIL_PORT = config("KINDZICHT_EMAIL_PORT", 25, help="SMTP port.", cast=int)
EMAIL_HOST_USER = config("KINDZICHT_EMAIL_USER", "", help="SMTP user name (empty: no login).")
EMAIL_HOST_PASSWORD = config("KINDZICHT_EMAIL_PASSWORD", "", help="SMTP password.")
EMAIL_USE_TLS = config("KINDZICHT_EMAIL_TLS", False, help="Use STARTTLS for SMTP.", cast=bool)
DEFAULT_FROM_EMAIL = config(
    "KINDZICHT_EMAIL_FROM", "kindzicht@localhost", help="Sender of notifications and digests."
)

SESSION_COOKIE_AGE = config(
    "KINDZICHT_SESSION_SECONDS", 8 * 3600, help="Session lifetime in seconds.", cast=int
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
BREAK_GLASS_HOURS = config(
    "KINDZICHT_BREAK_GLASS_HOURS", 24, cast=int,
    help="How long a break-the-glass grant lets a professional open a record outside reach.",
)

CSRF_TRUSTED_ORIGINS = config(
    "KINDZICHT_CSRF_TRUSTED_ORIGINS", [],
    help="Comma-separated origins (https://kindzicht.example.nl) allowed to post forms, needed "
    "behind an HTTPS reverse proxy.", cast=list,
)
if config("KINDZICHT_BEHIND_HTTPS_PROXY", False, cast=bool,
          help="Trust X-Forwarded-Proto from the reverse proxy (set only behind one)."):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": config(
        "KINDZICHT_LOG_LEVEL", "WARNING", help="Log level of the server's stderr log.")},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR",
                                   "propagate": False}},
}

AUDIT_CHAINS = config(
    "KINDZICHT_AUDIT_CHAINS", 16,
    help="Number of parallel audit hash chains (writers spread over them; sealed together).",
    cast=int,
)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "kindzicht.api.errors.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
API_VERSION = "1.0.0"
SPECTACULAR_SETTINGS = {
    "TITLE": "kindzicht API",
    "DESCRIPTION": "Child-safety coordination for the Dutch youth-care chain. Authenticate with "
    "a session (log in on the web UI; send the CSRF token on writes) or HTTP Basic; errors are "
    "RFC 9457 problem+json. docs/api.md explains conventions.",
    "VERSION": API_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,  # paths are relative to the server URL below
    "SERVERS": [{"url": "https://{host}/api/v1", "description": "A kindzicht installation "
                 "(production serves HTTPS only).",
                 "variables": {"host": {"default": "localhost:8000",
                                        "description": "Host name and port."}}}],
    "CONTACT": {"name": "kindzicht", "email": "api@kindzicht.example",
                "url": "https://kindzicht.example/"},
    "LICENSE": {"name": "EUPL-1.2"},
    "ENUM_NAME_OVERRIDES": {  # one name per choice set, stable across schema generations
        "RelationKindEnum": "kindzicht.people.models.RelationKind",
        "RequestKindEnum": "kindzicht.continuity.models.RequestKind",
        "DecisionKindEnum": "kindzicht.continuity.models.DecisionKind",
        "BasisEnum": "kindzicht.continuity.models.Basis",
        "HandoverStatusEnum": "kindzicht.continuity.models.HandoverStatus",
        "TaskStatusEnum": "kindzicht.rules.models.TaskStatus",
        "TaskKindEnum": "kindzicht.rules.models.Task.KIND_CHOICES",
        "SectorEnum": "kindzicht.people.sectors.SECTOR_CHOICES",
        "FamilyRoleEnum": "kindzicht.api.views.persons.FAMILY_ROLES",
        "ConcernKindEnum": "kindzicht.meldcode.models.ConcernKind",
        "MeldcodeOutcomeEnum": "kindzicht.meldcode.models.Outcome",
        "MeldcodeStepEnum": "kindzicht.meldcode.models.StepKind",
        "ReportStatusEnum": "kindzicht.meldcode.models.ReportStatus",
        "GoalStatusEnum": "kindzicht.plans.models.GoalStatus",
        "ShareBasisEnum": "kindzicht.plans.models.ShareBasis",
        "CooperationKindEnum": "kindzicht.plans.models.Cooperation.KINDS",
        "SafetyEnum": "kindzicht.safety.models.Safety",
        "RiskLevelEnum": "kindzicht.safety.models.RiskLevel",
        "FactorDomainEnum": "kindzicht.safety.factors.DOMAINS",
        "LifeEventKindEnum": "kindzicht.safety.models.LifeEvent.KINDS",
        "InformingOutcomeEnum": "kindzicht.index.models.Informing.OUTCOMES",
        "InformingWhomEnum": "kindzicht.index.models.Informing.WHOM",
    },
    "TAGS": [
        {"name": "organisations", "description": "The organisations of the chain."},
        {"name": "persons", "description": "Children and adults; never a BSN in a URL."},
        {"name": "relations", "description": "parent_of, partner_of, guardian_of."},
        {"name": "households", "description": "Who lives together where, over time."},
        {"name": "involvement", "description": "Organisations starting and ending their work "
         "with a person."},
        {"name": "responsibility", "description": "Safety responsibility (veiligheidsregie): "
         "who holds it for each child, over time."},
        {"name": "handovers", "description": "Warm handovers: offer, accept, confirm start."},
        {"name": "decisions", "description": "Requests to and decisions of the Raad and the "
         "kinderrechter."},
        {"name": "concerns", "description": "Concerns about a child (a niet-pluis feeling, "
         "second-hand or non-professional information …) and the five Meldcode steps."},
        {"name": "reports", "description": "Reports to Veilig Thuis: its inbox, accept, "
         "decline."},
        {"name": "chain-partners", "description": "What each sector can and must do, whom it "
         "reports to, known misconceptions."},
        {"name": "assessments", "description": "Safety and risk assessments with owned "
         "risk factors, accepting factors, and a child's risk history over time."},
        {"name": "life-events", "description": "Changes in a family that ask for a new "
         "assessment of its children at open risk."},
        {"name": "family-plans", "description": "Family plans (1 gezin, 1 plan, 1 regisseur): "
         "goals with an owner and a date, agreements with the parents, evaluations, history."},
        {"name": "parents", "description": "Parents' cooperation on record, who works with a "
         "parent's children, and sharing on a legal basis."},
        {"name": "reference-index", "description": "The reference index at family level "
         "(verwijsindex): signals, matches, who else is involved — never content."},
        {"name": "tasks", "description": "Tasks and alerts of my organisation."},
    ],
}
