"""Forms of the privacy screens (the FG): a request for inzage, finding a person, and a
rectification. What needs the database (is the BSN known, is the person 16) the services
decide; their refusals come back on these forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kindzicht.privacy.models import RectificationField, RequesterRelation

from .forms import DateInput
from .input_forms import InputRulesForm


class PersonLookupForm(InputRulesForm):
    bsn = forms.CharField(label=_("BSN"), required=False, max_length=20,
                          help_text=_("Of vul hieronder de achternaam en de geboortedatum in."))
    family_name = forms.CharField(label=_("Achternaam"), required=False, max_length=120)
    birth_date = forms.DateField(label=_("Geboortedatum"), required=False, widget=DateInput())


class InzageRequestForm(PersonLookupForm):
    requester_name = forms.CharField(label=_("Naam van de aanvrager"), max_length=200)
    requester_relation = forms.ChoiceField(
        label=_("De aanvrager is"), choices=RequesterRelation.choices, widget=forms.RadioSelect,
        help_text=_("Onder de 16 oefenen de ouders met gezag of de voogd dit recht uit."))
    received_on = forms.DateField(label=_("Verzoek ontvangen op"), widget=DateInput(),
                                  help_text=_("De wettelijke termijn is een maand na "
                                              "ontvangst."))
    note = forms.CharField(label=_("Toelichting"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class RectificationForm(InputRulesForm):
    OUTCOMES = [("rectified", _("Corrigeren")), ("refused", _("Weigeren, met reden"))]

    field = forms.ChoiceField(label=_("Welk gegeven"), choices=RectificationField.choices)
    value = forms.CharField(label=_("Juiste (of gevraagde) waarde"), required=False,
                            max_length=200,
                            help_text=_("Een datum als JJJJ-MM-DD, een BSN met 9 cijfers."))
    outcome = forms.ChoiceField(label=_("Besluit"), choices=OUTCOMES, initial="rectified",
                                widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reden"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    requested_by = forms.CharField(label=_("Verzoek van"), max_length=200)
    received_on = forms.DateField(label=_("Verzoek ontvangen op"), widget=DateInput())
