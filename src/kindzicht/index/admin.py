"""Django admin: signals, matches and informing are domain facts written by the index's
services only, so the admin shows them view only (reads of person data are audited). The
index policy per region — who may register, the coordinator priority, the periods — is
configuration, changed here like any action: recorded and audited (RecordedAdmin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kindzicht.core.actions import Actor
from kindzicht.core.admin import RecordedAdmin, ServiceCreateMixin, register_read_only
from kindzicht.people.sectors import SECTOR_CHOICES, SECTORS

from .models import IndexPolicy, PersonMerge
from .policy import DEFAULT_AUTHORISED, DEFAULT_COORDINATOR_PRIORITY


class IndexPolicyForm(forms.ModelForm):
    authorised_sectors = forms.MultipleChoiceField(
        label=_("meldingsbevoegde sectoren"), choices=SECTOR_CHOICES,
        widget=forms.CheckboxSelectMultiple, initial=list(DEFAULT_AUTHORISED),
        help_text=_("Standaard elke sector behalve de gemeente als toezichthouder en de "
                    "kinderrechter."))
    coordinator_priority = forms.CharField(
        label=_("volgorde voor de voorgestelde matchregisseur"), required=False,
        initial=", ".join(DEFAULT_COORDINATOR_PRIORITY),
        help_text=_("Sectorcodes, gescheiden door komma's; de eerste betrokken sector in deze "
                    "volgorde wordt voorgesteld."))

    class Meta:
        model = IndexPolicy
        fields = ["region", "authorised_sectors", "coordinator_priority", "signal_months",
                  "inform_days", "archive_years"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["coordinator_priority"] = ", ".join(self.instance.coordinator_priority)
        self.fields["region"].help_text = _("Leeg: landelijk, voor elke regio zonder eigen rij.")

    def clean_authorised_sectors(self) -> list[str]:
        chosen = self.cleaned_data["authorised_sectors"]
        if "municipality" in chosen or "juvenile_court" in chosen:
            raise forms.ValidationError(_("De gemeente als toezichthouder en de kinderrechter "
                                          "registreren geen signalen."))
        return list(chosen)

    def clean_coordinator_priority(self) -> list[str]:
        codes = [c.strip() for c in (self.cleaned_data.get("coordinator_priority") or "")
                 .split(",") if c.strip()]
        unknown = [c for c in codes if c not in SECTORS]
        if unknown:
            raise forms.ValidationError(_("Onbekende sectorcode: %(codes)s.")
                                        % {"codes": ", ".join(unknown)})
        if len(set(codes)) != len(codes):
            raise forms.ValidationError(_("Noem elke sector één keer."))
        return codes

    def clean_signal_months(self) -> int:
        months = self.cleaned_data["signal_months"]
        if not 1 <= months <= 24:
            raise forms.ValidationError(_("Een signaal loopt 1 tot 24 maanden (de Jeugdwet "
                                          "staat ten hoogste twee jaar toe)."))
        return months

    def clean_archive_years(self) -> int:
        years = self.cleaned_data["archive_years"]
        if years < 1:
            raise forms.ValidationError(_("Bewaar de geschiedenis ten minste één jaar."))
        return years


@admin.register(IndexPolicy)
class IndexPolicyAdmin(RecordedAdmin):
    form = IndexPolicyForm
    list_display = ["__str__", "signal_months", "inform_days", "archive_years"]


class PersonMergeForm(forms.ModelForm):
    class Meta:
        model = PersonMerge
        fields = ["kept", "merged", "reason"]
        labels = {"kept": _("bewaren"), "merged": _("samenvoegen in het bewaarde record"),
                  "reason": _("reden")}
        help_texts = {"reason": _("Waarom is dit dezelfde persoon? (bijvoorbeeld: zelfde naam, "
                                  "geboortedatum en adres; bevestigd door de school)")}


@admin.register(PersonMerge)
class PersonMergeAdmin(ServiceCreateMixin, RecordedAdmin):
    """Two records of one person merged by an administrator, through ``person_merge``: both
    histories kept, the matches re-evaluated. A merge is history: it is never edited."""

    form = PersonMergeForm
    raw_id_fields = ["kept", "merged"]
    list_display = ["on", "kept", "merged", "reason"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def create_via_service(self, actor: Actor, data: dict[str, Any]) -> PersonMerge:
        from .merge import person_merge

        return person_merge(actor, keep=data["kept"], merge=data["merged"],
                            reason=data.get("reason") or "")


register_read_only("refindex")
