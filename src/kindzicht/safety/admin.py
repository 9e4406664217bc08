"""Django admin: this app's records are domain facts written by its services only, so the
admin shows them view only (reads of person data are audited). The regional factor list is
configuration: administrators add codes through ``regional_factor_add``."""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kindzicht.core.actions import Actor
from kindzicht.core.admin import RecordedAdmin, ServiceCreateMixin, register_read_only
from kindzicht.people.sectors import SECTOR_CHOICES

from .models import RegionalFactor
from .regional import regional_factor_add


class RegionalFactorForm(forms.ModelForm):
    specialist_sector = forms.ChoiceField(label=_("specialistische sector"),
                                          choices=[("", "—"), *SECTOR_CHOICES], required=False)

    class Meta:
        model = RegionalFactor
        fields = ["region", "code", "domain", "label", "specialist_sector"]


@admin.register(RegionalFactor)
class RegionalFactorAdmin(ServiceCreateMixin, RecordedAdmin):
    form = RegionalFactorForm
    list_display = ["code", "label", "domain", "specialist_sector", "region"]
    list_filter = ["region", "domain"]

    def get_readonly_fields(self, request, obj=None):
        # Assessments name the code: once added, its region and code stay.
        return ["region", "code"] if obj is not None else []

    def create_via_service(self, actor: Actor, data: dict[str, Any]) -> RegionalFactor:
        return regional_factor_add(actor, region=data["region"], code=data.get("code") or "",
                                   domain=data.get("domain") or "", label=data.get("label") or "",
                                   specialist_sector=data.get("specialist_sector") or None)


register_read_only("safety")
