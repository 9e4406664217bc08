"""Forms of the family plan screens (issue 7): the plan with its goals, agreements with the
parents and an evaluation moment; a goal's status; the cooperation log; sharing. They check
shape in Dutch; the services decide the rest and their refusals come back on these fields
(``SERVICE_FIELDS`` maps the service's names to the form's)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kindzicht.core import clock
from kindzicht.people.models import Organisation
from kindzicht.plans.models import ShareBasis
from kindzicht.web.input_forms import InputRulesForm

from .forms import DateInput

GOAL_ROWS = 3
AGREEMENT_ROWS = 2

NEED_OWNER = _("Kies de organisatie die voor dit doel zorgt.")
NEED_DUE = _("Geef de datum waarop het doel bereikt moet zijn.")
DUE_BEFORE_PLAN = _("Deze datum ligt vóór het plan: kies vandaag of een latere datum.")
NEED_CONSEQUENCE = _("Zeg wat er gebeurt als de afspraak niet wordt nagekomen.")
NEED_NEW_DATE = _("Geef bij uitstel de nieuwe datum.")
IN_THE_PAST = _("Deze datum ligt in het verleden.")

#: plan_make's field names -> the plan form's
SERVICE_FIELDS = {
    **{f"goals[{i}].{part}": f"goal{i + 1}_{part}" for i in range(GOAL_ROWS)
       for part in ("text", "owner", "due")},
    **{f"parent_agreements[{i}].{part}": f"agreement{i + 1}_{part}"
       for i in range(AGREEMENT_ROWS) for part in ("text", "consequence")},
    "evaluations[0]": "evaluation",
    "child": "scope",
}


def organisation_choices() -> tuple[dict[int, Organisation], list]:
    """Every active organisation, grouped by sector (a region has dozens)."""
    orgs = {o.pk: o for o in Organisation.objects.filter(active=True).order_by("name")}
    groups: dict[str, list[tuple[int, str]]] = {}
    for org in orgs.values():
        groups.setdefault(str(org.get_sector_display()), []).append((org.pk, org.name))
    return orgs, [("", _("Kies een organisatie"))] + sorted(
        groups.items(), key=lambda group: group[0].casefold())


class OwnerField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(**kwargs)


class PlanForm(InputRulesForm):
    scope = forms.ChoiceField(label=_("Voor wie is het plan?"), widget=forms.RadioSelect)

    def __init__(self, *args, child, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations, choices = organisation_choices()
        scopes = [("child", _("Alleen voor %(name)s") % {"name": child.name})]
        if household is not None:
            scopes.append(("household", _("Voor het hele huishouden (alle kinderen)")))
        self.fields["scope"].choices = scopes
        self.initial.setdefault("scope", "child")
        for i in range(1, GOAL_ROWS + 1):
            first = i == 1
            self.fields[f"goal{i}_text"] = forms.CharField(
                label=_("Doel %(n)s: wat willen we bereiken?") % {"n": i}, required=first,
                max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": _("Een plan heeft minstens één doel.")})
            self.fields[f"goal{i}_owner"] = OwnerField(
                label=_("Doel %(n)s: wie zorgt ervoor?") % {"n": i}, required=first,
                choices=choices, error_messages={"required": NEED_OWNER})
            self.fields[f"goal{i}_due"] = forms.DateField(
                label=_("Doel %(n)s: uiterlijk op") % {"n": i}, required=first,
                widget=DateInput(), error_messages={"required": NEED_DUE})
        for i in range(1, AGREEMENT_ROWS + 1):
            self.fields[f"agreement{i}_text"] = forms.CharField(
                label=_("Afspraak %(n)s met de ouders") % {"n": i}, required=False,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"agreement{i}_consequence"] = forms.CharField(
                label=_("Afspraak %(n)s: wat gebeurt er als die niet wordt nagekomen?")
                % {"n": i}, required=False, widget=forms.Textarea(attrs={"rows": 2}))
        self.fields["evaluation"] = forms.DateField(
            label=_("Eerste evaluatiemoment"), required=False, widget=DateInput(),
            help_text=_("Wanneer bekijkt u het plan opnieuw met de ouders en de partners?"))

    def clean(self):
        data = super().clean()
        today = clock.today()
        for i in range(1, GOAL_ROWS + 1):
            text, owner, due = (data.get(f"goal{i}_text"), data.get(f"goal{i}_owner"),
                                data.get(f"goal{i}_due"))
            if not (text or owner or due) and f"goal{i}_due" not in self.errors:
                continue
            if not text and f"goal{i}_text" not in self.errors:
                self.add_error(f"goal{i}_text", _("Beschrijf het doel."))
            if owner is None and f"goal{i}_owner" not in self.errors:
                self.add_error(f"goal{i}_owner", NEED_OWNER)
            if due is None and f"goal{i}_due" not in self.errors:
                self.add_error(f"goal{i}_due", NEED_DUE)
            elif due is not None and due < today:
                self.add_error(f"goal{i}_due", DUE_BEFORE_PLAN)
        for i in range(1, AGREEMENT_ROWS + 1):
            text, cons = data.get(f"agreement{i}_text"), data.get(f"agreement{i}_consequence")
            if text and not cons:
                self.add_error(f"agreement{i}_consequence", NEED_CONSEQUENCE)
            if cons and not text:
                self.add_error(f"agreement{i}_text", _("Beschrijf de afspraak."))
        if data.get("evaluation") and data["evaluation"] < today:
            self.add_error("evaluation", IN_THE_PAST)
        return data

    def goal_rows(self):
        return [(self[f"goal{i}_text"], self[f"goal{i}_owner"], self[f"goal{i}_due"])
                for i in range(1, GOAL_ROWS + 1)]

    def agreement_rows(self):
        return [(self[f"agreement{i}_text"], self[f"agreement{i}_consequence"])
                for i in range(1, AGREEMENT_ROWS + 1)]

    def goals(self) -> list[dict]:
        """The filled goal rows, as plan_make takes them (it checks owner and date)."""
        data, out = self.cleaned_data, []
        for i in range(1, GOAL_ROWS + 1):
            text, owner, due = (data.get(f"goal{i}_text"), data.get(f"goal{i}_owner"),
                                data.get(f"goal{i}_due"))
            if text or owner or due:
                out.append({"text": text or "", "owner": self.organisations.get(owner),
                            "due": due})
        return out

    def agreements(self) -> list[dict]:
        data, out = self.cleaned_data, []
        for i in range(1, AGREEMENT_ROWS + 1):
            text, cons = data.get(f"agreement{i}_text"), data.get(f"agreement{i}_consequence")
            if text or cons:
                out.append({"text": text or "", "consequence": cons or ""})
        return out


class GoalForm(InputRulesForm):
    text = forms.CharField(label=_("Wat willen we bereiken?"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))
    owner = OwnerField(label=_("Wie zorgt ervoor?"), error_messages={"required": NEED_OWNER})
    due = forms.DateField(label=_("Uiterlijk op"), widget=DateInput(),
                          error_messages={"required": NEED_DUE})

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.organisations, self.fields["owner"].choices = organisation_choices()

    def clean_owner(self):
        owner = self.organisations.get(self.cleaned_data["owner"])
        if owner is None:
            raise forms.ValidationError(NEED_OWNER, code="required")
        return owner

    def clean_due(self):
        due = self.cleaned_data["due"]
        if due is None:
            raise forms.ValidationError(NEED_DUE, code="required")
        if due < clock.today() or (self.plan is not None and due < self.plan.on):
            raise forms.ValidationError(DUE_BEFORE_PLAN, code="before_plan")
        return due


class GoalStatusForm(InputRulesForm):
    status = forms.ChoiceField(label=_("Stand van het doel"), widget=forms.RadioSelect,
                               choices=[("met", _("Behaald")), ("missed", _("Niet behaald")),
                                        ("postponed", _("Uitgesteld naar een nieuwe datum"))])
    due = forms.DateField(label=_("Nieuwe datum"), required=False, widget=DateInput(),
                          help_text=_("Verplicht bij uitstel."))

    def clean(self):
        data = super().clean()
        due = data.get("due")
        if data.get("status") == "postponed" and due is None and "due" not in self.errors:
            self.add_error("due", NEED_NEW_DATE)
        if due is not None and due < clock.today():
            self.add_error("due", IN_THE_PAST)
        return data


class NewDateForm(InputRulesForm):
    due = forms.DateField(label=_("Nieuwe datum voor dit doel"), widget=DateInput(),
                          error_messages={"required": NEED_NEW_DATE})

    def clean_due(self):
        if self.cleaned_data["due"] < clock.today():
            raise forms.ValidationError(IN_THE_PAST, code="past")
        return self.cleaned_data["due"]


class AgreementForm(InputRulesForm):
    text = forms.CharField(label=_("Afspraak met de ouders"),
                           widget=forms.Textarea(attrs={"rows": 2}))
    consequence = forms.CharField(label=_("Wat gebeurt er als de afspraak niet wordt "
                                          "nagekomen?"),
                                  widget=forms.Textarea(attrs={"rows": 2}))


class EvaluationForm(InputRulesForm):
    due = forms.DateField(label=_("Datum van het evaluatiemoment"), widget=DateInput())

    def clean_due(self):
        if self.cleaned_data["due"] < clock.today():
            raise forms.ValidationError(IN_THE_PAST, code="past")
        return self.cleaned_data["due"]


class EvaluationHoldForm(InputRulesForm):
    note = forms.CharField(label=_("Wat is er bij de evaluatie besproken en besloten?"),
                           widget=forms.Textarea(attrs={"rows": 4}))


COOPERATION_CHOICES = [
    ("refused", _("Ouder weigert aangeboden hulp")),
    ("postponed", _("Ouder stelt aangeboden hulp uit")),
    ("missed_appointment", _("Niet gebracht / niet verschenen op een afspraak")),
]


class CooperationForm(InputRulesForm):
    what = forms.ChoiceField(label=_("Wat is er gebeurd?"), widget=forms.RadioSelect,
                             choices=COOPERATION_CHOICES)
    help = forms.CharField(label=_("Welke hulp of afspraak?"), max_length=300,
                           help_text=_("Bijvoorbeeld: ‘opvoedondersteuning’, "
                                       "‘afspraak consultatiebureau 12 maart’."))

    def service_kwargs(self) -> dict:
        what = self.cleaned_data["what"]
        return {"kind": "missed_appointment" if what == "missed_appointment"
                else "parent_declines", "postponed": what == "postponed",
                "help": self.cleaned_data["help"]}


class ShareForm(InputRulesForm):
    to = forms.TypedChoiceField(label=_("Met welke organisatie deelt u?"), coerce=int,
                                empty_value=None)
    topic = forms.CharField(label=_("Wat deelt u?"), widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Alleen wat de ander nodig heeft voor de veiligheid "
                                        "van de kinderen."))
    basis = forms.ChoiceField(
        label=_("Op welke grondslag deelt u?"), widget=forms.RadioSelect,
        choices=ShareBasis.choices,
        error_messages={"required": _("Kies de grondslag waarop u deelt: toestemming, "
                                      "wettelijke plicht of meldrecht.")})

    def __init__(self, *args, targets: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {o.pk: o for o in targets}
        self.fields["to"].choices = [("", _("Kies een organisatie"))] + [
            (o.pk, f"{o.name} ({o.get_sector_display()})") for o in targets]

    def clean_to(self):
        return self.targets[self.cleaned_data["to"]]
