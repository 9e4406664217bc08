"""The admin shows who has an authenticator, never the secret, and changes nothing: linking is
the user's own (the enrolment screen), removing goes through the audited service
(``kindzicht reset_second_factor``). django-otp's own admin would show and edit keys. Likewise
django-axes' lockout records: viewed here, lifted only through the audited service."""

from __future__ import annotations

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindzicht.core.admin import ReadOnlyAdmin, admin_actor

from .services import lockout_reset

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


def _device_column(field: str, description, **options):
    """A column showing the device's ``field`` under a Dutch name, sorted by that field
    unless ``ordering`` says otherwise."""

    @admin.display(description=description, **{"ordering": field, **options})
    def column(self, device: TOTPDevice):
        return getattr(device, field)

    return column


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadOnlyAdmin):
    """django-otp names the fields in English, not marked for translation: the columns are
    named here."""

    device_user = _device_column("user", _l("gebruiker"), ordering="user__username")
    device_name = _device_column("name", _l("naam"))
    device_confirmed = _device_column("confirmed", _l("bevestigd"), boolean=True)
    device_created_at = _device_column("created_at", _l("gekoppeld op"))
    device_last_used_at = _device_column("last_used_at", _l("laatst gebruikt op"))

    list_display = ("device_user", "device_name", "device_confirmed", "device_created_at",
                    "device_last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    fields = list_display


# --------------------------------------------------------------------------------------------
# django-axes: lifting a lockout is an audited act, and the login log is history
# --------------------------------------------------------------------------------------------
#
# Axes' own admin deletes lockout records (and login logs) without a trace; here the only way
# to lift a lockout is the action below, which goes through the same audited service as
# ``kindzicht unlock``.

for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    actions = ["unlock"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Blokkade opheffen (wordt vastgelegd)"),
                  permissions=["view"])
    def unlock(self, request, queryset) -> None:
        actor = admin_actor(request)
        names = sorted(set(queryset.values_list("username", flat=True)) - {None, ""})
        for username in names:
            lockout_reset(actor, username=username)
        self.message_user(request, _("Blokkade opgeheven voor: %(names)s.")
                          % {"names": ", ".join(names) or "-"})


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin, axes_admin.AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(ReadOnlyAdmin, axes_admin.AccessFailureLogAdmin):
    pass
