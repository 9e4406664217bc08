"""Forms of the web pages. They check what can be checked without the database (a BSN's
11-proef, a date in the future) in Dutch; everything else the services decide, and their
refusals come back as errors on these forms (errors.add_service_error)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kindzicht.core import clock
from kindzicht.people.bsn import is_valid_bsn, normalise_bsn
from kindzicht.web.input_forms import InputRulesForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


def _not_in_future(value):
    if value and value > clock.today():
        raise forms.ValidationError(_("Deze datum ligt in de toekomst."), code="future")
    return value


class PersonSearchForm(InputRulesForm):
    """Find a person by name and birth date (GET: no BSN, so safe in a URL)."""

    name = forms.CharField(label=_("Naam"), max_length=120,
                           help_text=_("Voornaam, achternaam of beide."))
    birth_date = forms.DateField(label=_("Geboortedatum"), widget=DateInput(),
                                 validators=[_not_in_future])


class BsnSearchForm(InputRulesForm):
    """Find a person by BSN. Only ever sent by POST: a BSN never appears in a URL."""

    bsn = forms.CharField(label=_("BSN"), max_length=12,
                          help_text=_("Negen cijfers."),
                          widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                        "autocomplete": "off"}))

    def clean_bsn(self) -> str:
        bsn = normalise_bsn(self.cleaned_data["bsn"])
        if not is_valid_bsn(bsn):
            raise forms.ValidationError(
                _("Dit is geen geldig BSN: het voldoet niet aan de elfproef."), code="bsn")
        return bsn


class DeathForm(InputRulesForm):
    on = forms.DateField(label=_("Datum van overlijden"), widget=DateInput(),
                         validators=[_not_in_future])
    confirm = forms.BooleanField(
        label=_("Ik heb het overlijden gecontroleerd. De signalen van deze persoon in de "
                "verwijsindex worden beëindigd."))

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on and on < self.person.birth_date:
            raise forms.ValidationError(_("De datum van overlijden ligt vóór de geboortedatum."),
                                        code="before_birth")
        return on


# --- continuity of care (issue 3) ---------------------------------------------------------

class InvolvementStartForm(InputRulesForm):
    service = forms.CharField(label=_("Welke hulp of dienst biedt uw organisatie?"),
                              max_length=300)
    intensive = forms.BooleanField(label=_("Dit is intensieve hulp"), required=False)


class InvolvementEndForm(InputRulesForm):
    reason = forms.CharField(label=_("Reden van beëindigen"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    aftercare = forms.CharField(
        label=_("Nazorg"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wie doet wat, en hoe lang? Verplicht als intensieve hulp stopt bij een "
                    "kind met open risico."))


class ResponsibilityTakeForm(InputRulesForm):
    basis = forms.ChoiceField(label=_("Op welke grond neemt u de veiligheidsregie?"),
                              widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        from kindzicht.continuity.models import Basis

        super().__init__(*args, **kwargs)
        self.fields["basis"].choices = Basis.choices


class HandoverOfferForm(InputRulesForm):
    receiver = forms.TypedChoiceField(label=_("Aan welke organisatie draagt u over?"),
                                      coerce=int, empty_value=None)
    factors = forms.MultipleChoiceField(
        label=_("Risicofactoren die met de overdracht meegaan"), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De ontvanger accepteert elke factor uitdrukkelijk."))
    note = forms.CharField(label=_("Toelichting voor de ontvanger"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, sender, factor_choices: list[tuple[str, str]], **kwargs):
        from kindzicht.people.models import Organisation

        super().__init__(*args, **kwargs)
        # Every other active organisation, grouped by sector (a region has dozens).
        self.organisations = {o.pk: o for o in Organisation.objects.filter(active=True)
                              .exclude(pk=sender.pk).order_by("name")}
        groups: dict[str, list[tuple[int, str]]] = {}
        for org in self.organisations.values():
            groups.setdefault(str(org.get_sector_display()), []).append((org.pk, org.name))
        self.fields["receiver"].choices = [("", _("Kies een organisatie"))] + sorted(
            groups.items(), key=lambda group: group[0].casefold())
        self.fields["factors"].choices = factor_choices
        if not self.is_bound:
            self.initial.setdefault("factors", [c for c, _ in factor_choices])

    def clean_receiver(self):
        return self.organisations[self.cleaned_data["receiver"]]


class HandoverAcceptForm(InputRulesForm):
    factors = forms.MultipleChoiceField(
        label=_("Welke risicofactoren neemt u over?"), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("U wordt eigenaar van de factoren die u aanvinkt."))

    def __init__(self, *args, factor_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factors"].choices = factor_choices
        if not self.is_bound:
            self.initial.setdefault("factors", [c for c, _ in factor_choices])


class ReasonForm(InputRulesForm):
    reason = forms.CharField(label=_("Reden"), widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Geef een reden.")})

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Geef een reden."), code="required")
        return reason


class DecisionForm(InputRulesForm):
    decision = forms.ChoiceField(label=_("Besluit"), widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Een besluit heeft een motivering nodig.")},
        help_text=_("Verplicht. De motivering gaat met het besluit naar de organisatie die "
                    "het verzoek deed."))

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices

    def clean_reasons(self) -> str:
        reasons = self.cleaned_data["reasons"].strip()
        if not reasons:
            raise forms.ValidationError(_("Een besluit heeft een motivering nodig."),
                                        code="required")
        return reasons


class RequestForm(InputRulesForm):
    kind = forms.ChoiceField(label=_("Soort verzoek"), widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Onderbouwing"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = choices


class TaskAnswerForm(InputRulesForm):
    status = forms.ChoiceField(label=_("Antwoord"), widget=forms.RadioSelect, choices=[
        ("done", _("Afgehandeld")), ("not_applicable", _("Niet van toepassing"))])
    answer = forms.CharField(
        label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij ‘niet van toepassing’: zeg waarom. Uw antwoord blijft "
                    "bewaard naast de bevinding."))

    def clean(self):
        data = super().clean()
        if data.get("status") == "not_applicable" and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Zeg waarom deze taak niet van toepassing is."))
        return data


class BreakGlassForm(InputRulesForm):
    """Break the glass: the reason is mandatory and must say what is acute."""

    reason = forms.CharField(
        label=_("Reden"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wat is er acuut, en waarom moet u dit dossier nu inzien? De reden wordt "
                    "vastgelegd en de verantwoordelijke organisatie beoordeelt het openbreken."))


class BreakGlassReviewForm(InputRulesForm):
    verdict = forms.ChoiceField(label=_("Oordeel"), widget=forms.RadioSelect, choices=[
        ("ok", _("Terecht")), ("improper", _("Onterecht"))])
    note = forms.CharField(label=_("Toelichting"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Verplicht bij onterecht."))
