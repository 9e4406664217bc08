"""The write path of login security: enrolling and removing an authenticator (TOTP device),
unlocking an account, and the lockout itself. Each writes the change, a domain event and an
audit entry in one transaction (core.actions.record); the TOTP secret never goes into either.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindzicht.core.actions import Actor, record
from kindzicht.core.errors import Forbidden, NotFound, ValidationError
from kindzicht.people.models import Professional

#: The name of a device enrolled through the enrolment screen.
DEFAULT_DEVICE_NAME = "Authenticator-app"


def _own(actor: Actor) -> Professional:
    if actor.professional is None:
        raise Forbidden(_("Alleen een ingelogde gebruiker koppelt een authenticator."))
    return actor.professional


def totp_enrolment_start(actor: Actor) -> TOTPDevice:
    """The unconfirmed device of the actor's enrolment in progress (made once, then reused, so
    that reloading the page keeps the secret the user is typing over). It counts for nothing
    until confirmed with a first code."""
    user = _own(actor)
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update()
                  .filter(user=user, confirmed=False).order_by("pk").first())
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEFAULT_DEVICE_NAME,
                                               confirmed=False)
            record(actor, "totp_enrolment_started", obj=device)
    return device


def totp_enrolment_confirm(actor: Actor, *, device_id: int, token: str) -> TOTPDevice:
    """Confirm the actor's pending device with a first code from the app: from now on the
    account asks for a code at every login."""
    user = _own(actor)
    token = (token or "").replace(" ", "")
    if not token.isdigit() or len(token) != 6:
        raise ValidationError(_("Vul de zes cijfers uit uw authenticator-app in."),
                              field="token")
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update()
                  .filter(pk=device_id, user=user, confirmed=False).first())
        if device is None:
            raise NotFound(_("Deze koppeling bestaat niet (meer); begin opnieuw."))
        if not device.verify_token(token):
            raise ValidationError(_("Deze code klopt niet. Controleer of de tijd op uw telefoon "
                                    "goed staat en vul de code in die nu in de app staat."),
                                  field="token")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(actor, "totp_device_enrolled", obj=device, payload={"name": device.name})
    return device


def totp_device_remove(actor: Actor, *, device_id: int, user: Professional | None = None,
                       reason: str = "") -> None:
    """Remove an authenticator: one's own, or — by an administrator, e.g. for a lost phone —
    another user's (``user``). A mandatory role must enrol anew at its next step."""
    acting = actor.professional
    owner = user or acting
    if owner is None:
        raise Forbidden(_("Geef aan van wie de authenticator is."))
    if acting is not None and owner.pk != acting.pk and acting.role != "admin":
        raise Forbidden(_("Alleen een beheerder verwijdert de authenticator van een ander."))
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=owner).first()
        if device is None:
            raise NotFound(_("Deze authenticator bestaat niet (meer)."))
        record(actor, "totp_device_removed", obj=device,
               payload={"user": owner.username, "name": device.name, "reason": reason})
        device.delete()


def password_change(actor: Actor, *, new_password: str) -> None:
    """The actor changes their own password (Django's validators first). Every other session of
    the account ends with it (Django checks a session's password hash on each request)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError as DjangoValidationError

    user = _own(actor)
    try:
        validate_password(new_password, user=user)
    except DjangoValidationError as exc:
        raise ValidationError(" ".join(exc.messages), field="new_password1") from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        record(actor, "password_changed", obj=user)


def lockout_record(*, username: str, ip_address: str | None) -> None:
    """Audit a lockout (django-axes' ``user_locked_out``): who, from where. The actor is the
    system — the person trying may not be the account's owner."""
    user = Professional.objects.filter(username=username).first() if username else None
    with transaction.atomic():
        record(Actor.system("login lockout"), "login_locked_out", obj=user,
               payload={"username": username or "", "ip_address": ip_address or ""})


def lockout_reset(actor: Actor, *, username: str) -> int:
    """Lift a lockout before its cool-off ends (the administrator's `kindzicht unlock`).
    Returns how many lockout records were removed; 0 means the account was not locked."""
    from axes.models import AccessAttempt

    if not username:
        raise ValidationError(_("Geef een gebruikersnaam."), field="username")
    with transaction.atomic():
        attempts = AccessAttempt.objects.filter(username=username)
        count = attempts.count()
        attempts.delete()
        user = Professional.objects.filter(username=username).first()
        record(actor, "login_lockout_reset", obj=user,
               payload={"username": username, "attempts_removed": count})
    return count


def totp_device_provision(actor: Actor, *, user: Professional) -> TOTPDevice:
    """A confirmed authenticator made *for* a user, whose secret the caller hands over — only
    the demo does this (``kindzicht demo`` prints each demo account's secret, so that a
    newcomer can put it in an app). Real users enrol themselves on the enrolment screen."""
    with transaction.atomic():
        device = TOTPDevice.objects.create(user=user, name=DEFAULT_DEVICE_NAME, confirmed=True)
        record(actor, "totp_device_provisioned", obj=device, payload={"user": user.username})
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it: base32, in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode("ascii")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
