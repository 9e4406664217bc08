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


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadOnlyAdmin):
    """django-otp names the fields in English, not marked for translation: the columns are
    named here."""

    list_display = ("device_user", "device_name", "device_confirmed", "device_created_at",
                    "device_last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    fields = list_display

    @admin.display(description=_l("gebruiker"), ordering="user__username")
    def device_user(self, device: TOTPDevice):
        return device.user

    @admin.display(description=_l("naam"), ordering="name")
    def device_name(self, device: TOTPDevice) -> str:
        return device.name

    @admin.display(description=_l("bevestigd"), boolean=True, ordering="confirmed")
    def device_confirmed(self, device: TOTPDevice) -> bool:
        return device.confirmed

    @admin.display(description=_l("gekoppeld op"), ordering="created_at")
    def device_created_at(self, device: TOTPDevice):
        return device.created_at

    @admin.display(description=_l("laatst gebruikt op"), ordering="last_used_at")
    def device_last_used_at(self, device: TOTPDevice):
        return device.last_used_at


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
