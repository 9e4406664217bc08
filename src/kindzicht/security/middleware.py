"""Middleware of login security: the session's expiry, the second factor before anything
else, and the Permissions-Policy header (Django has no setting for it)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from . import expiry
from .policy import has_device, role_requires_second_factor, session_is_verified

#: Views an authenticated but not yet verified user may reach: the way to the second factor
#: and out again. Everything else — web, admin — waits until the second factor is given.
OPEN_BEFORE_SECOND_FACTOR = frozenset({
    "web:login", "web:logout", "web:set_language", "web:second_factor", "web:totp_enrol",
    "web:oidc_login", "web:oidc_callback",
})


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


class SessionExpiryMiddleware:
    """Log out a session past its idle timeout or absolute lifetime, and say why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            why = expiry.expired(request.session)
            if why is not None:
                auth.logout(request)
                messages.info(request, _(
                    "U bent uitgelogd omdat u een tijd niets hebt gedaan. Log opnieuw in."
                ) if why == "idle" else _(
                    "Uw sessie is verlopen (ten hoogste %(hours)s uur). Log opnieuw in."
                ) % {"hours": round(settings.SESSION_COOKIE_AGE / 3600, 1)})
        return self.get_response(request)


def _url_name(request: HttpRequest) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.view_name


class SecondFactorMiddleware:
    """A logged-in user who needs a second factor and has not given one this session reaches
    only the second-factor screen (with a device) or the enrolment screen (a mandatory role or
    staff without one). The API is guarded by its own authentication classes (api/auth.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (user.is_authenticated and not request.path_info.startswith("/api/")
                and not session_is_verified(request)):
            name = _url_name(request)
            if name is not None and name not in OPEN_BEFORE_SECOND_FACTOR:
                target = None
                if has_device(user):
                    target = "web:second_factor"
                elif role_requires_second_factor(user):
                    target = "web:totp_enrol"
                if target is not None:
                    query = urlencode({"next": request.get_full_path()})
                    return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)
