"""Settings shared by every environment; environment-specific modules import from here."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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
KINDZICHT_DATABASE_PREPARE = config(
    "KINDZICHT_DATABASE_PREPARE", True, cast=bool,
    help="PostgreSQL: prepare the statements a registration sends every time, once per "
    "connection (core.prepared). Turn off behind a connection pooler in transaction mode "
    "that does not support prepared statements.")

INSTALLED_APPS = [
    "kindzicht.security.apps.KindzichtAdminConfig",  # the admin site asks for a second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "kindzicht.security.apps.AxesConfig",  # django-axes, named in Dutch
    "django_otp",
    "kindzicht.security.apps.TotpConfig",  # django-otp's TOTP, named in Dutch
    "mozilla_django_oidc",
    "kindzicht.core",
    "kindzicht.people",
    "kindzicht.continuity",
    "kindzicht.index",
    "kindzicht.meldcode",
    "kindzicht.safety",
    "kindzicht.plans",
    "kindzicht.rules",
    "kindzicht.learning",
    "kindzicht.oversight",
    "kindzicht.privacy",
    "kindzicht.access",
    "kindzicht.api",
    "kindzicht.web",
    "kindzicht.security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "kindzicht.security.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kindzicht.web.middleware.ChosenLanguageMiddleware",  # Dutch unless the user chose
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "django.contrib.messages.middleware.MessageMiddleware",
    "kindzicht.security.middleware.SessionExpiryMiddleware",  # idle and absolute lifetime
    "kindzicht.security.middleware.SecondFactorMiddleware",  # nothing else before the 2nd factor
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kindzicht.api.middleware.ApiVersionMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into a page
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": config(
         "KINDZICHT_PASSWORD_MIN_LENGTH", 12, cast=int,
         help="Minimum length of a password (Django's validators also refuse common, "
         "all-digit and user-name-like passwords).")}},
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
EMAIL_TIMEOUT = config("KINDZICHT_EMAIL_TIMEOUT", 10, cast=int,
                       help="Seconds to wait for the SMTP server before giving up (the "
                       "notification stays unsent; the next sweep sends it).")
OUTBOX_DELIVERY = config(
    "KINDZICHT_OUTBOX_DELIVERY", "background",
    help="How notifications are mailed after commit: background (a sender thread; the "
    "request does not wait for the mail server) or inline (before the request answers).",
)
if OUTBOX_DELIVERY not in ("background", "inline"):
    raise ImproperlyConfigured(
        f"KINDZICHT_OUTBOX_DELIVERY is {OUTBOX_DELIVERY!r}; use background or inline.")
OUTBOX_MAIL_ATTEMPTS = config(
    "KINDZICHT_MAIL_ATTEMPTS", 5, cast=int,
    help="Times a notification is offered to the mail server before the outbox gives up on "
    "it (an address that does not exist); it stays in Berichten, marked as not delivered.")
DEFAULT_FROM_EMAIL = config(
    "KINDZICHT_EMAIL_FROM", "kindzicht@localhost", help="Sender of notifications and digests."
)

SESSION_COOKIE_AGE = config(
    "KINDZICHT_SESSION_SECONDS", 8 * 3600, cast=int,
    help="Absolute session lifetime in seconds: after this long since logging in, log in again.",
)
SESSION_IDLE_SECONDS = config(
    "KINDZICHT_SESSION_IDLE_SECONDS", 30 * 60, cast=int,
    help="Idle timeout in seconds: a session unused this long ends (log in again).",
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Login hardening (docs/operations.md, "Login security") --------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out user before the rest
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = config(
    "KINDZICHT_LOGIN_FAILURE_LIMIT", 5, cast=int,
    help="Failed logins (web or API) of one user name before that account is locked out.",
)
_LOCKOUT_MINUTES = config(
    "KINDZICHT_LOGIN_LOCKOUT_MINUTES", 15, cast=int,
    help="Minutes a lockout lasts (0: until an administrator unlocks with `kindzicht unlock`).",
)
AXES_COOLOFF_TIME = timedelta(minutes=_LOCKOUT_MINUTES) if _LOCKOUT_MINUTES else None
AXES_LOCKOUT_PARAMETERS = [config(
    "KINDZICHT_LOGIN_LOCKOUT_BY", ["username"], cast=list,
    help="What a lockout is counted per: `username` (default; an attacker changing address "
    "stays locked out) or `username,ip_address` (only that user from that address).",
)]
#: axes.W006 warns that a lockout without the address can be dodged by rotating user agents or
#: cookies; ours is per user name, which neither dodges. Counting per address as well would
#: lock everyone out at once behind a reverse proxy that hides the clients' addresses.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kindzicht.security.lockout.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

#: Roles that must log in with a second factor (issue 8); other roles may enrol one.
SECOND_FACTOR_ROLES = ("admin", "inspector", "coordinator", "privacy_officer")
OTP_TOTP_ISSUER = config(
    "KINDZICHT_TOTP_ISSUER", "kindzicht",
    help="Name the authenticator app shows next to the account (e.g. `kindzicht Utrecht`).",
)
OTP_TOTP_THROTTLE_FACTOR = 1  # after a wrong code wait 1, 2, 4 … seconds (django-otp)

# OpenID Connect login through the region's identity provider: off unless a client id is set.
OIDC_RP_CLIENT_ID = config(
    "KINDZICHT_OIDC_CLIENT_ID", "",
    help="OIDC client id at the region's identity provider; empty (default) turns OIDC off.",
)
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = config("KINDZICHT_OIDC_CLIENT_SECRET", "", help="OIDC client secret.")
OIDC_PROVIDER_NAME = config(
    "KINDZICHT_OIDC_PROVIDER_NAME", "uw organisatie",
    help="Name on the login page's button: \"Inloggen via <name>\".",
)
OIDC_OP_AUTHORIZATION_ENDPOINT = config(
    "KINDZICHT_OIDC_AUTHORIZATION_ENDPOINT", "", help="The provider's authorization endpoint.")
OIDC_OP_TOKEN_ENDPOINT = config(
    "KINDZICHT_OIDC_TOKEN_ENDPOINT", "", help="The provider's token endpoint.")
OIDC_OP_USER_ENDPOINT = config(
    "KINDZICHT_OIDC_USERINFO_ENDPOINT", "", help="The provider's userinfo endpoint.")
OIDC_OP_JWKS_ENDPOINT = config(
    "KINDZICHT_OIDC_JWKS_ENDPOINT", "",
    help="The provider's JWKS endpoint (keys of RS256/ES256 id tokens).") or None
OIDC_RP_SIGN_ALGO = config(
    "KINDZICHT_OIDC_SIGN_ALGO", "RS256", help="Signature algorithm of the id token.")
OIDC_RP_SCOPES = config("KINDZICHT_OIDC_SCOPES", "openid email profile",
                        help="Scopes asked of the provider.")
OIDC_MATCH_CLAIM = config(
    "KINDZICHT_OIDC_MATCH_CLAIM", "preferred_username",
    help="The claim that names an existing kindzicht user: matched against the user name, or "
    "against the e-mail address when the claim is `email`. No user is ever created.",
)
OIDC_MFA_AMR = config(
    "KINDZICHT_OIDC_MFA_AMR", [], cast=list,
    help="`amr` values (e.g. `mfa,otp,hwk`) by which the provider asserts a second factor; "
    "empty: always ask kindzicht's own second factor.",
)
OIDC_MFA_ACR = config(
    "KINDZICHT_OIDC_MFA_ACR", [], cast=list,
    help="`acr` values that assert a second factor (e.g. an eHerkenning level `…loa3`).",
)
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "web:oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/login/"  # mozilla-django-oidc takes a path, not a name
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("kindzicht.security.oidc.RegionOIDCBackend")

# --- Security headers ------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
#: Strict: no inline or foreign scripts; inline style *attributes* only (colour swatches of the
#: responsibility band), never <style> elements; nothing may frame the pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                      "magnetometer=(), microphone=(), payment=(), usb=()")
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

OVERSIGHT_READ_FACTOR = config(
    "KINDZICHT_OVERSIGHT_READ_FACTOR", 3.0,
    help="Unusual access (FG): a user is reported when they read more distinct persons in the "
    "period than this many times the median of their peers (same role and sector) …",
    cast=float,
)
OVERSIGHT_READ_MINIMUM = config(
    "KINDZICHT_OVERSIGHT_READ_MINIMUM", 25,
    help="… and more than this many distinct persons (so that small numbers never count as "
    "unusual).",
    cast=int,
)
OVERSIGHT_GRACE_DAYS = config(
    "KINDZICHT_OVERSIGHT_GRACE_DAYS", 7,
    help="Unusual access (FG): a read counts as within involvement when the organisation's "
    "involvement, signal, concern, report, responsibility or handover with the person began at "
    "most this many days after it or ended at most this many days before it.",
    cast=int,
)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kindzicht.api.auth.VerifiedSessionAuthentication",
        "kindzicht.api.auth.GuardedBasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "kindzicht.api.errors.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
API_VERSION = "1.0.0"
SPECTACULAR_SETTINGS = {
    "TITLE": "kindzicht API",
    "DESCRIPTION": "Child-safety coordination for the Dutch youth-care chain. Authenticate with "
    "a session (log in on the web UI; send the CSRF token on writes) or HTTP Basic (refused for "
    "users who must log in with a second factor; they use the session); errors are "
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
        "UnusualAccessRuleEnum": "kindzicht.oversight.models.Rule",
        "RectificationOutcomeEnum": "kindzicht.privacy.models.RectificationOutcome",
        "RectificationFieldEnum": "kindzicht.privacy.models.RectificationField",
        "RequesterRelationEnum": "kindzicht.privacy.models.RequesterRelation",
        "InzageStatusEnum": "kindzicht.privacy.models.InzageStatus",
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
        {"name": "notifications", "description": "Berichten: my organisation's notifications "
         "(what was mailed after a change), read in the system."},
        {"name": "oversight", "description": "Oversight of access by the data protection "
         "officer (FG): the access log and unusual-access findings."},
        {"name": "access", "description": "Need to know: break the glass in an acute "
         "situation, its review, and who read a record."},
        {"name": "privacy", "description": "Privacy rights, for the data protection officer "
         "(FG) and administrators: requests for inzage and their export (AVG art. 15), "
         "rectification of person data (art. 16)."},
    ],
}
