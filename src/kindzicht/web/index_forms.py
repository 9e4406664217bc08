"""Forms of the reference-index screens (issue 4): registering a signal (by BSN or from a
person's page; on behalf for coordinators) and informing the family. They check what can be
checked without the database; the services decide the rest (errors.add_service_error)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kindzicht.people.bsn import is_valid_bsn, normalise_bsn
from kindzicht.web.input_forms import InputRulesForm

from .forms import DateInput

WHOM_CHOICES = {"person": _("De persoon zelf (vanaf 12 jaar)"),
                "parents": _("De ouders (van een jongere onder 16)")}
OUTCOME_CHOICES = [("informed", _("Geïnformeerd")),
                   ("postponed", _("Uitgesteld: informeren brengt het kind in gevaar"))]


class SignalRegisterForm(InputRulesForm):
    """The VIR's threshold, the contact others will see, and — for a coordinator — the
    observing colleague on whose behalf it is registered (shielded)."""

    bsn = forms.CharField(label=_("BSN"), max_length=12, help_text=_("Negen cijfers."),
                          widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                        "autocomplete": "off"}))
    contact = forms.CharField(
        label=_("Contactgegevens voor andere organisaties"), required=False, max_length=200,
        help_text=_("Hoe bereiken andere betrokkenen de verantwoordelijke professional? "
                    "Leeg: uw naam en telefoonnummer."))
    on_behalf_of = forms.CharField(
        label=_("Namens (waarnemend professional)"), required=False, max_length=200,
        help_text=_("Registreert u als coördinator namens een collega die de zorgen zag? Die "
                    "collega wordt vastgelegd voor de verantwoording, maar nooit getoond aan "
                    "andere organisaties of aan het gezin: zij zien u."))
    threshold = forms.BooleanField(
        label=_("Er is een redelijk vermoeden dat de gezonde en veilige ontwikkeling van het "
                "kind wordt bedreigd. Ik registreer alleen dát wij betrokken zijn, niet "
                "waarom."),
        error_messages={"required": _("Bevestig dat u de drempel van de verwijsindex "
                                      "toepast.")})

    def __init__(self, *args, by_bsn: bool, coordinator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not by_bsn:
            del self.fields["bsn"]
        posted_on_behalf = bool(self.data.get("on_behalf_of")) if self.is_bound else False
        if not coordinator and not posted_on_behalf:
            # Only coordinators register on behalf; a posted value still reaches the service,
            # which refuses it with the reason.
            del self.fields["on_behalf_of"]

    def clean_bsn(self) -> str:
        bsn = normalise_bsn(self.cleaned_data["bsn"])
        if not is_valid_bsn(bsn):
            raise forms.ValidationError(
                _("Dit is geen geldig BSN: het voldoet niet aan de elfproef."), code="bsn")
        return bsn


class InformingForm(InputRulesForm):
    whom = forms.ChoiceField(label=_("Wie?"), widget=forms.RadioSelect)
    outcome = forms.ChoiceField(label=_("Wat is er gebeurd?"), widget=forms.RadioSelect,
                                choices=OUTCOME_CHOICES)
    reason = forms.CharField(
        label=_("Waarom stelt u het informeren uit?"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij uitstel. Alleen uw organisatie ziet dit."))
    review_on = forms.DateField(
        label=_("Wanneer weegt u het opnieuw af?"), required=False, widget=DateInput(),
        help_text=_("Bij uitstel: u krijgt op die dag een taak."))

    def __init__(self, *args, duties: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["whom"].choices = [(w, WHOM_CHOICES[w]) for w in duties]
        if len(duties) == 1:
            self.fields["whom"].initial = duties[0]

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "postponed" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Leg vast waarom informeren het kind in gevaar zou "
                                       "brengen."))
        return data
