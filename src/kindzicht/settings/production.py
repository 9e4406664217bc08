"""Production settings: refuse to start with the development secret key."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import CONTENT_SECURITY_POLICY, DEFAULT_SECRET_KEY, SECRET_KEY
from .config import config

DEBUG = False
if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured(
        "KINDZICHT_SECRET_KEY must be set to a random value of at least 32 characters in production."
    )
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = config(
    "KINDZICHT_HSTS_SECONDS", 31536000, cast=int,
    help="Production: Strict-Transport-Security max-age (0 turns HSTS off).")
SECURE_HSTS_INCLUDE_SUBDOMAINS = config(
    "KINDZICHT_HSTS_INCLUDE_SUBDOMAINS", False, cast=bool,
    help="Production: add includeSubDomains to HSTS (only if every subdomain serves HTTPS).")
SECURE_CONTENT_TYPE_NOSNIFF = True
CONTENT_SECURITY_POLICY = {  # and browsers upgrade any stray http: reference
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True},
}
