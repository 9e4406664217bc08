"""Who needs a second factor, and whether this session has given one.

The second factor is TOTP (django-otp). It is mandatory for the roles in
``settings.SECOND_FACTOR_ROLES`` (administrators, inspectors, coordinators and the FG), and for
anyone who enrolled an authenticator of their own accord: once a user has a device, a password
alone no longer logs them in. A session is *verified* when django-otp verified a device in it,
or when the region's identity provider asserted a second factor at an OIDC login (``amr`` or
``acr``, see ``security/oidc.py``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_otp import user_has_device

#: Session key: the identity provider asserted a second factor at this session's login.
IDP_MFA_SESSION_KEY = "kindzicht_idp_mfa"


def role_requires_second_factor(user: Any) -> bool:
    return getattr(user, "role", None) in settings.SECOND_FACTOR_ROLES or bool(
        getattr(user, "is_staff", False))


def needs_second_factor(user: Any) -> bool:
    """This user may not work on a password alone (mandatory role, staff, or enrolled)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return role_requires_second_factor(user) or has_device(user)


def has_device(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user_has_device(user, confirmed=True)


def session_is_verified(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    if callable(is_verified) and is_verified():
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(IDP_MFA_SESSION_KEY))


def session_may_work(request: HttpRequest) -> bool:
    """Logged in, and either verified or not in need of a second factor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return session_is_verified(request) or not needs_second_factor(user)
