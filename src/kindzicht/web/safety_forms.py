"""Forms of the safety screens (issue 6): an assessment that guides through the four domains
with an owner per factor, accepting factors, and a life event. They check what can be checked
without the database; the services decide the rest (errors.add_service_error)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kindzicht.people.models import Organisation
from kindzicht.safety.factors import DOMAINS
from kindzicht.safety.models import RiskLevel, Safety
from kindzicht.safety.regional import Factor
from kindzicht.web.input_forms import InputRulesForm

from .forms import DateInput, _not_in_future

DOMAIN_LABELS = {
    "child": _("Kind"),
    "parent": _("Ouder"),
    "family": _("Gezin"),
    "context": _("Sociaal-economisch en cultureel"),
}
DOMAIN_HINTS = {
    "child": _("Wat speelt er bij het kind zelf: ontwikkeling, gedrag, letsel, verzuim?"),
    "parent": _("Wat speelt er bij de ouders of verzorgers?"),
    "family": _("Hoe gaat het in het gezin: relaties, geweld, belasting, wie woont er?"),
    "context": _("Omstandigheden: geld, wonen, werk, migratie, verhuizingen."),
}


def owner_choices(own: Organisation) -> list:
    """My organisation first; the others grouped by sector (a region has dozens)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for org in Organisation.objects.filter(active=True).exclude(pk=own.pk).order_by("name"):
        groups.setdefault(str(org.get_sector_display()), []).append((org.pk, org.name))
    return [(own.pk, _("%(org)s (uw organisatie)") % {"org": own.name})] + sorted(
        groups.items(), key=lambda g: g[0].casefold())


class AssessmentForm(InputRulesForm):
    """The decision and the risk level are the professional's; the factors are what they
    found, each with the organisation that will own it (by default their own)."""

    safety = forms.ChoiceField(label=_("Veiligheid: hoe veilig is het kind nu?"),
                               widget=forms.RadioSelect, choices=Safety.choices)
    risk = forms.ChoiceField(label=_("Risico: hoe groot is het risico op onveiligheid later?"),
                             widget=forms.RadioSelect, choices=RiskLevel.choices)
    agreements = forms.CharField(
        label=_("Veiligheidsafspraken"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Verplicht bij ‘voorwaardelijk veilig’: wat is afgesproken, met wie, en "
                    "wanneer kijkt u opnieuw?"))

    def __init__(self, *args, factors: dict[str, Factor], organisation: Organisation,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.factor_list = factors
        self.organisation = organisation
        choices = owner_choices(organisation)
        for code, factor in factors.items():
            self.fields[f"factor_{code}"] = forms.BooleanField(label=factor.label,
                                                               required=False)
            self.fields[f"owner_{code}"] = forms.TypedChoiceField(
                label=_("Eigenaar van ‘%(factor)s’") % {"factor": factor.label}, coerce=int,
                choices=choices, initial=organisation.pk, required=False, empty_value=None)

    def domains(self) -> list[dict]:
        """The factor rows per domain, in the order the form walks through them."""
        out = []
        for domain in DOMAINS:
            rows = [{"factor": f, "check": self[f"factor_{code}"], "owner": self[f"owner_{code}"]}
                    for code, f in self.factor_list.items() if f.domain == domain]
            out.append({"key": domain, "label": DOMAIN_LABELS[domain],
                        "hint": DOMAIN_HINTS[domain], "rows": rows})
        return out

    def clean(self):
        data = super().clean()
        if data.get("safety") == Safety.CONDITIONALLY_SAFE and not (
                data.get("agreements") or "").strip():
            self.add_error("agreements", _("Leg bij ‘voorwaardelijk veilig’ de "
                                           "veiligheidsafspraken vast."))
        return data

    def factors_data(self) -> list[dict]:
        """The factors for ``assessment_record``: {domain, code, owner id}."""
        return [{"domain": f.domain, "code": code,
                 "owner": self.cleaned_data.get(f"owner_{code}") or self.organisation.pk}
                for code, f in self.factor_list.items() if self.cleaned_data.get(f"factor_{code}")]


class AcceptFactorsForm(InputRulesForm):
    factors = forms.MultipleChoiceField(
        label=_("Welke risicofactoren neemt uw organisatie als eigenaar aan?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies ten minste één risicofactor.")})

    def __init__(self, *args, factor_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factors"].choices = factor_choices
        if not self.is_bound:
            self.initial.setdefault("factors", [c for c, _label in factor_choices])


class LifeEventForm(InputRulesForm):
    kind = forms.ChoiceField(label=_("Wat is er veranderd?"))
    on = forms.DateField(label=_("Wanneer?"), widget=DateInput(), validators=[_not_in_future],
                         help_text=_("De dag van de verandering; niet in de toekomst."))

    def __init__(self, *args, person, **kwargs):
        from kindzicht.core import clock
        from kindzicht.safety.life_events import kind_choices

        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["kind"].choices = [("", _("Kies een gebeurtenis"))] + kind_choices()
        self.fields["on"].initial = clock.today()

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on and on < self.person.birth_date:
            raise forms.ValidationError(_("Deze datum ligt vóór de geboortedatum van "
                                          "%(name)s.") % {"name": self.person.name},
                                        code="before_birth")
        return on
