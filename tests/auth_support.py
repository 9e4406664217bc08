"""Logging in tests the way the login hardening wants it (issue 8), without going around it.

Roles with a mandatory second factor (admin, inspector, coordinator, privacy_officer — and
anyone with an authenticator) get nothing but the enrolment or second-factor screen on a
password alone, and HTTP Basic is refused for them. Tests that act as such a user use:

- ``enrol_totp(user)`` — a real TOTP device, enrolled and confirmed through the service with a
  real code (``security.services``), as the enrolment screen does;
- ``totp_code(device)`` — the code an authenticator app would show now (for the screens);
- ``verify_session(client, user)`` — marks the client's logged-in session as verified exactly
  the way django-otp does after a correct code (``django_otp.login``);
- ``verified_login(client, user)`` — ``force_login`` plus ``verify_session``: the drop-in for
  ``client.force_login(user)`` when the user needs a second factor.
"""

from __future__ import annotations

import time

import django_otp
from django.http import HttpRequest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindzicht.core.actions import Actor
from kindzicht.security import services
from kindzicht.security.policy import needs_second_factor


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code for ``device`` now — or, if this time step's code was used already (django-otp
    accepts each step once), the next step's, which the device's tolerance still accepts."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    if totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol_totp(user) -> TOTPDevice:
    """The user's confirmed device, enrolled through the service if there is none yet."""
    existing = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if existing is not None:
        return existing
    actor = Actor.of(user, purpose="test set-up")
    device = services.totp_enrolment_start(actor)
    return services.totp_enrolment_confirm(actor, device_id=device.pk, token=totp_code(device))


def verify_session(client, user) -> TOTPDevice:
    """Verify the (already logged-in) client's session with the user's device."""
    device = enrol_totp(user)
    session = client.session
    request = HttpRequest()
    request.session = session
    request.user = user
    django_otp.login(request, device)
    session.save()
    return device


def verified_login(client, user):
    """``client.force_login(user)``, verified with a second factor when the user needs one."""
    client.force_login(user)
    if needs_second_factor(user):
        verify_session(client, user)
    return client
