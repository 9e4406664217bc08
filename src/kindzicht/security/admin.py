"""The admin shows who has an authenticator, never the secret, and changes nothing: linking is
the user's own (the enrolment screen), removing goes through the audited service
(``kindzicht reset_second_factor``). django-otp's own admin would show and edit keys."""

from __future__ import annotations

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindzicht.core.admin import ReadOnlyAdmin

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
