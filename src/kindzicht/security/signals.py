"""Receivers: a lockout is audited; a login stamps the session for its absolute lifetime and
remembers whether the identity provider asserted a second factor."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import expiry
from .policy import IDP_MFA_SESSION_KEY
from .services import lockout_record


@receiver(user_locked_out, dispatch_uid="kindzicht_lockout_audit")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    lockout_record(username=username or "", ip_address=ip_address)


@receiver(user_logged_in, dispatch_uid="kindzicht_login_session")
def _logged_in(sender, request=None, user=None, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    expiry.start(session)
    if getattr(user, "idp_mfa", False):
        session[IDP_MFA_SESSION_KEY] = True
    else:
        session.pop(IDP_MFA_SESSION_KEY, None)
