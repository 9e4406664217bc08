"""Django admin: signals, matches and informing are domain facts written by the index's
services only, so the admin shows them view only (reads of person data are audited). The
index policy per region — who may register, the coordinator priority, the periods — is
configuration, changed here like any action: recorded and audited (RecordedAdmin). The
signals' list offers an administrator the import of a regional index (``SignalAdmin``),
through the same service as the command line."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from kindzicht.core.actions import Actor
from kindzicht.core.admin import (
    ReadOnlyAdmin,
    RecordedAdmin,
    ServiceCreateMixin,
    admin_actor,
    register_read_only,
    value_fields,
)
from kindzicht.core.errors import KindzichtError
from kindzicht.people.models import Role
from kindzicht.people.sectors import SECTOR_CHOICES, SECTORS
from kindzicht.web.input_forms import InputRulesForm

from .models import IndexPolicy, PersonMerge, Signal
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
                  "inform_days", "renew_notice_days", "archive_years"]

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

    def clean_renew_notice_days(self) -> int:
        days = self.cleaned_data["renew_notice_days"]
        if not 1 <= days <= 180:
            raise forms.ValidationError(_("Herinner 1 tot 180 dagen voordat een signaal "
                                          "verloopt."))
        return days

    def clean_archive_years(self) -> int:
        years = self.cleaned_data["archive_years"]
        if years < 1:
            raise forms.ValidationError(_("Bewaar de geschiedenis ten minste één jaar."))
        return years


@admin.register(IndexPolicy)
class IndexPolicyAdmin(RecordedAdmin):
    form = IndexPolicyForm
    list_display = ["__str__", "signal_months", "inform_days", "renew_notice_days",
                    "archive_years"]


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


#: the most rejected rows the report lists on the page (the count says how many more)
REPORT_SHOWN = 500


class SignalImportForm(InputRulesForm):
    """The file and whether to skip rejected rows. Its cells meet the same input rules in the
    service (``bulk._text_rules``), row by row, as the command line's do."""

    text = ""

    file = forms.FileField(
        label=_("CSV-bestand"),
        help_text=_("Met een kopregel; kolommen gescheiden door ; of , (UTF-8)."))
    skip_rejected = forms.BooleanField(
        label=_("Geldige regels importeren en afgewezen regels overslaan"), required=False,
        help_text=_("Zonder dit vinkje importeert één afgewezen regel niets: verbeter het "
                    "bestand en importeer het opnieuw."))

    def clean_file(self):
        """The file, read as text (``self.text``) within a web request's limits — the same
        as the API's (``bulk.online_text``); its size is checked before it is read."""
        from .bulk import online_text, refuse_too_large

        upload = self.cleaned_data["file"]
        try:
            refuse_too_large(upload.size)
            self.text = online_text(upload.read())
        except KindzichtError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload


@admin.register(Signal)
class SignalAdmin(ReadOnlyAdmin):
    """Signals, view only (the services write them), and the import of a regional index's
    registrations (``bulk.signals_import``, the same service as ``kindzicht index_import``):
    check a file first, then import it — the rejected rows reported with their line and
    reasons, nothing half-imported."""

    list_display = value_fields(Signal)

    def get_urls(self):
        return [path("importeren/", self.admin_site.admin_view(self.import_view),
                     name="refindex_signal_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if request.user.role != Role.ADMIN:
            raise PermissionDenied
        from .bulk import ONLINE_MAX_ROWS, signals_import

        form = SignalImportForm(request.POST or None, request.FILES or None)
        report = checked = None
        if request.method == "POST" and form.is_valid():
            checked = "_import" not in request.POST
            actor = replace(admin_actor(request), purpose=f"import van registraties uit "
                                                          f"{form.cleaned_data['file'].name}")
            try:
                report = signals_import(actor, source=form.text,
                                        partial=form.cleaned_data["skip_rejected"],
                                        dry_run=checked)
            except KindzichtError as exc:
                form.add_error("file", exc.message)
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": _("Registraties importeren"), "form": form, "report": report,
            "checked": checked,
            "max_rows": number_format(ONLINE_MAX_ROWS, force_grouping=True),
            "shown": report.rejected[:REPORT_SHOWN] if report else [],
            "more": max(0, len(report.rejected) - REPORT_SHOWN) if report else 0,
        }
        return TemplateResponse(request, "admin/refindex/signal/import.html", context,
                                status=400 if form.errors else 200)


register_read_only("refindex")
