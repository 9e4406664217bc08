"""How API callers authenticate, without a way around the login hardening (issue 8).

- **HTTP Basic** counts towards django-axes' lockout like the web login (Django's
  ``authenticate`` gets the request), and a locked-out account gets ``429`` problem+json with
  ``Retry-After`` — even with the right password. Basic is *refused* (``403``,
  ``second_factor_required``) for users who need a second factor: a mandatory role
  (administrator, inspector, coordinator, FG), staff, or anyone with an authenticator. A
  password alone cannot carry a second factor, so those users call the API with the web
  session after logging in with their code.
- **The web session** counts only once it is verified (policy.session_may_work): a session
  that gave its password but not yet its code is refused the same way.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.authentication import BasicScheme, SessionScheme
from rest_framework import authentication, exceptions, status

from kindzicht.security.policy import needs_second_factor, session_may_work


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self) -> None:
        from kindzicht.security.lockout import api_problem

        super().__init__(api_problem()["detail"])
        minutes = settings.AXES_COOLOFF_TIME
        self.wait = int(minutes.total_seconds()) if minutes else None


class SecondFactorRequired(exceptions.PermissionDenied):
    default_code = "second_factor_required"
    default_detail = ("This account needs a second factor: HTTP Basic is refused for it. Log in "
                      "on the web UI with your authenticator code and call the API with that "
                      "session (send the CSRF token on writes).")


class GuardedBasicAuthentication(authentication.BasicAuthentication):
    def authenticate_credentials(self, userid, password, request=None):
        """The credentials checked (and counted by django-axes) on Django's request, not
        DRF's: on DRF's, axes' record of a failure reads ``request.POST``, which parses the
        body — so wrong credentials got the body's 400 or 415 instead of their 401."""
        from axes.handlers.proxy import AxesProxyHandler

        request = getattr(request, "_request", request)
        credentials = {"username": userid}
        if settings.AXES_ENABLED and AxesProxyHandler.is_locked(request, credentials):
            raise LockedOut()
        try:
            user, auth = super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            if getattr(request, "axes_locked_out", False):  # this failure locked it out
                raise LockedOut() from None
            raise
        if needs_second_factor(user):
            raise SecondFactorRequired()
        return user, auth


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and not session_may_work(request._request):
            raise SecondFactorRequired(
                "This session has not given its second factor yet: enter the code from your "
                "authenticator app on the web UI first.")
        return result


class GuardedBasicScheme(BasicScheme):
    """The schema names the guarded classes as the plain schemes they are on the wire."""

    target_class = "kindzicht.api.auth.GuardedBasicAuthentication"


class VerifiedSessionScheme(SessionScheme):
    target_class = "kindzicht.api.auth.VerifiedSessionAuthentication"
