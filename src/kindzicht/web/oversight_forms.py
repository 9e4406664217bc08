"""Forms of the FG's screens: the access log's filters, the unusual-access findings' filters, a
report over a period, and the review of a finding. The services and selectors decide; their
refusals come back as errors on these forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kindzicht.oversight.models import Rule
from kindzicht.oversight.selectors import LogFilter

from .forms import DateInput
from .input_forms import InputRulesForm

KINDS = [("", _("alle")), ("read", _("lezen")), ("write", _("wijzigen")),
         ("system", _("systeem"))]
STATUSES = [("open", _("nog te beoordelen")), ("reviewed", _("beoordeeld")), ("all", _("alle"))]


class LogFilterForm(InputRulesForm):
    """The access log's filters (GET: they end up in the URL, so no BSN among them)."""

    van = forms.DateField(label=_("Van"), required=False, widget=DateInput())
    tot = forms.DateField(label=_("Tot en met"), required=False, widget=DateInput())
    gebruiker = forms.CharField(label=_("Gebruikersnaam"), required=False, max_length=150)
    organisatie = forms.TypedChoiceField(label=_("Organisatie"), required=False, coerce=int,
                                         empty_value=None)
    achternaam = forms.CharField(label=_("Achternaam van de persoon"), required=False,
                                 max_length=120)
    geboortedatum = forms.DateField(label=_("Geboortedatum van de persoon"), required=False,
                                    widget=DateInput())
    persoon = forms.IntegerField(label=_("Of: intern nummer van de persoon"), required=False,
                                 min_value=1)
    soort = forms.ChoiceField(label=_("Soort"), required=False, choices=KINDS)
    actie = forms.CharField(label=_("Handeling"), required=False, max_length=80,
                            help_text=_("De naam, bijvoorbeeld person_viewed of "
                                        "handover_offered."))
    doel = forms.CharField(label=_("Doel bevat"), required=False, max_length=120)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisatie"].choices = [("", _("alle"))] + choices["organisations"]

    def to_filter(self) -> LogFilter:
        d = self.cleaned_data
        return LogFilter(period_from=d.get("van"), period_to=d.get("tot"),
                         actor_username=d.get("gebruiker") or "",
                         organisation_id=d.get("organisatie"),
                         person_id=d.get("persoon"), family_name=d.get("achternaam") or "",
                         birth_date=d.get("geboortedatum"), kind=d.get("soort") or "",
                         action=d.get("actie") or "", purpose=d.get("doel") or "")


#: service and selector argument names -> the log form's field names
LOG_FIELDS = {"period_from": "van", "period_to": "tot", "family_name": "achternaam",
              "actor_username": "gebruiker",
              "birth_date": "geboortedatum", "kind": "soort", "person_id": "persoon"}


class FindingFilterForm(InputRulesForm):
    regel = forms.ChoiceField(label=_("Regel"), required=False,
                              choices=[("", _("alle"))] + list(Rule.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUSES)
    van = forms.DateField(label=_("Van"), required=False, widget=DateInput())
    tot = forms.DateField(label=_("Tot en met"), required=False, widget=DateInput())


class ReportForm(InputRulesForm):
    """Run the report over a period now (the sweep runs it nightly for the day before)."""

    van = forms.DateField(label=_("Eerste dag"), widget=DateInput())
    tot = forms.DateField(label=_("Laatste dag"), widget=DateInput())


class ReviewForm(InputRulesForm):
    note = forms.CharField(label=_("Wat heeft u nagegaan en geconcludeerd?"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Bijvoorbeeld: navraag bij de leidinggevende; de inzage "
                                       "was nodig voor de waarneming."))
