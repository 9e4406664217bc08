"""Forms of the Meldcode pages (issue 5). They check the shape in Dutch; the services decide
what is right, and their refusals come back on these forms (errors.add_service_error)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kindzicht.meldcode import afwegingskader
from kindzicht.meldcode.models import ConcernKind, Outcome
from kindzicht.web.input_forms import InputRulesForm

#: Who non-professional or second-hand information may come from (a suggestion list).
SOURCE_SUGGESTIONS = [_("familielid"), _("buurman of buurvrouw"), _("sporttrainer"),
                      _("ouder van een klasgenoot"), _("anoniem"), _("collega van een andere "
                                                                     "organisatie")]

WITH_COLLEAGUE = [("colleague", _("een collega of de aandachtsfunctionaris")),
                  ("safe_at_home", _("Veilig Thuis (advies vragen)"))]
WITH_FAMILY = [("parents", _("de ouders")), ("child", _("het kind"))]
YES_NO = [("ja", _("ja")), ("nee", _("nee"))]
DECLINE_REASONS = [
    ("no_grounds", _("geen grond voor een melding")),
    ("not_own_observation", _("geen eigen waarneming van de melder")),
    ("other", _("andere reden")),
]


def observation_lines(text: str) -> list[str]:
    """One observation per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ObservationsField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 5})

    def to_python(self, value):
        return observation_lines(super().to_python(value))

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value


class ConcernForm(InputRulesForm):
    kind = forms.ChoiceField(label=_("Wat voor zorg is het?"), widget=forms.RadioSelect,
                             choices=ConcernKind.choices)
    source = forms.CharField(
        label=_("Van wie komt de informatie?"), required=False, max_length=200,
        help_text=_("Verplicht bij informatie van een niet-professional: bijvoorbeeld een "
                    "familielid, een buurvrouw, een sporttrainer of anoniem. Ook bij informatie "
                    "uit tweede hand noemt u de bron."),
        widget=forms.TextInput(attrs={"list": "bronnen"}))
    text = forms.CharField(label=_("Beschrijving"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Feitelijk: wat zag, hoorde of las u, en wanneer?"))
    observations = ObservationsField(
        label=_("Signalen"), required=False,
        help_text=_("Eén signaal per regel, kort en feitelijk. Geen bijlagen."))

    def clean(self):
        data = super().clean()
        if data.get("kind") == ConcernKind.NON_PROFESSIONAL and not (data.get("source")
                                                                    or "").strip():
            self.add_error("source", _("Noem van wie de informatie komt (of: anoniem)."))
        return data


class MapForm(InputRulesForm):
    observations = ObservationsField(
        label=_("Welke signalen ziet u?"),
        help_text=_("Eén signaal per regel, kort en feitelijk: wat zag of hoorde u, wanneer, "
                    "van wie? Ook signalen van anderen en uit tweede hand."),
        error_messages={"required": _("Noem ten minste één signaal.")})
    note = forms.CharField(label=_("Toelichting"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean_observations(self):
        value = self.cleaned_data["observations"]
        if not value:
            raise forms.ValidationError(_("Noem ten minste één signaal."), code="required")
        return value


class ConsultForm(InputRulesForm):
    with_whom = forms.ChoiceField(label=_("Met wie overlegde u?"), widget=forms.RadioSelect,
                                  choices=WITH_COLLEAGUE)
    note = forms.CharField(label=_("Wat kwam eruit?"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))


class TalkForm(InputRulesForm):
    with_whom = forms.ChoiceField(label=_("Met wie sprak u?"), widget=forms.RadioSelect,
                                  choices=WITH_FAMILY)
    note = forms.CharField(label=_("Wat kwam eruit?"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))


class WeighForm(InputRulesForm):
    """The afwegingskader's five questions, each answered yes or no."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i, (q, text) in enumerate(afwegingskader.QUESTIONS.items(), start=1):
            self.fields[q] = forms.ChoiceField(
                label=f"{i}. {_(text)}", widget=forms.RadioSelect, choices=YES_NO,
                error_messages={"required": _("Beantwoord deze vraag met ja of nee.")})

    def answers(self) -> dict[str, str]:
        return {q: self.cleaned_data[q] for q in afwegingskader.QUESTIONS}


class DecideForm(InputRulesForm):
    outcome = forms.ChoiceField(label=_("Uw besluit"), widget=forms.RadioSelect,
                                choices=Outcome.choices)
    reason = forms.CharField(
        label=_("Motivering"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Verplicht als u afwijkt van de uitkomst van het afwegingskader."))
    safe_at_home = forms.TypedChoiceField(label=_("Bij welke Veilig Thuis meldt u?"),
                                          coerce=int, required=False, empty_value=None)
    on_behalf_of_group = forms.CharField(
        label=_("Melden namens een overleg"), required=False, max_length=200,
        help_text=_("Alleen voor coördinatoren: de naam van het overleg (CJG, ZAT, "
                    "Veiligheidshuis) namens wie u meldt. Veilig Thuis ziet die naam."))

    def __init__(self, *args, coordinator: bool, weighing_outcome: str = "", **kwargs):
        from kindzicht.people.models import Organisation

        super().__init__(*args, **kwargs)
        self.weighing_outcome = weighing_outcome
        self.safe_at_homes = {o.pk: o for o in Organisation.objects.filter(
            sector="safe_at_home", active=True).order_by("name")}
        self.fields["safe_at_home"].choices = [(pk, o.name)
                                               for pk, o in self.safe_at_homes.items()]
        if len(self.safe_at_homes) < 2:
            del self.fields["safe_at_home"]
        if not coordinator:
            del self.fields["on_behalf_of_group"]

    def clean(self):
        data = super().clean()
        chosen = data.get("outcome")
        if (self.weighing_outcome and chosen and chosen != self.weighing_outcome
                and not (data.get("reason") or "").strip()):
            self.add_error("reason", _("U wijkt af van de uitkomst van het afwegingskader "
                                       "(%(outcome)s). Schrijf op waarom.")
                           % {"outcome": dict(Outcome.choices)[self.weighing_outcome]})
        return data

    def clean_safe_at_home(self):
        pk = self.cleaned_data.get("safe_at_home")
        return self.safe_at_homes.get(pk) if pk else None


class ReportDeclineForm(InputRulesForm):
    reason = forms.ChoiceField(label=_("Waarom neemt u de melding niet aan?"),
                               widget=forms.RadioSelect, choices=DECLINE_REASONS,
                               error_messages={"required": _("Kies een reden.")})
    text = forms.CharField(label=_("Toelichting voor de melder"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Verplicht bij ‘andere reden’. De melder leest dit."))

    def clean(self):
        data = super().clean()
        if data.get("reason") == "other" and not (data.get("text") or "").strip():
            self.add_error("text", _("Leg uit waarom u de melding niet aanneemt."))
        return data
