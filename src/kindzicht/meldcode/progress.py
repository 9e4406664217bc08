"""Where a concern stands in the five Meldcode steps: what was done when, what is still due,
and the Meldcode deadlines of the rules (K1 consult within 7 days of a niet-pluis feeling, K3
a decision within 28 days, K4 a report within 7 days of a weighing that says "report"), with
the day counts of the child's region. The page, the API and the user guide show the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from kindzicht.core import clock

from . import afwegingskader
from .models import Concern, ConcernKind, MeldcodeStep, Outcome, StepKind

STEP_ORDER = ["map", "consult", "talk", "weigh", "decide"]
#: Steps before the decision; deciding without them is possible (acute danger), and shown.
PREPARING = ["map", "consult", "talk", "weigh"]


@dataclass
class StepState:
    kind: str
    number: int
    label: str
    done: list[MeldcodeStep] = field(default_factory=list)
    skipped: bool = False  # decided without this step

    @property
    def last(self) -> MeldcodeStep | None:
        return self.done[-1] if self.done else None


@dataclass
class Deadline:
    code: str  # the rule that judges it (K1, K3, K4)
    label: str
    due_on: date
    met_on: date | None = None
    #: open, met, overdue, or departed (decided otherwise than the afwegingskader's "report")
    status: str = "open"


@dataclass
class ConcernProgress:
    concern: Concern
    steps: list[StepState]
    deadlines: list[Deadline]
    #: the outcome of the latest weighing before the decision (the one the decision answers)
    weighing_outcome: str
    weighing_answers: dict[str, bool]
    skipped: list[StepState]
    departs: bool

    @property
    def decided(self) -> bool:
        return self.concern.decided_at is not None

    @property
    def next_step(self) -> StepState | None:
        """The first step not done yet (None once decided)."""
        if self.decided:
            return None
        return next((s for s in self.steps if not s.done and s.kind != "decide"),
                    self.steps[-1])


def policy_context(as_of: date):
    """One rule context for many concerns: the policy values are read once."""
    from kindzicht.rules.engine import Context, _load

    _load()
    return Context(as_of=as_of)


def _days(ctx, code: str, child_id: int) -> int:
    from kindzicht.rules.engine import CATALOGUE

    return CATALOGUE[code].days(ctx, child=child_id)


def _deadline(code: str, label, due: date, met_on: date | None, today: date) -> Deadline:
    if met_on is not None and met_on <= due:
        status = "met"
    elif today > due or met_on is not None:
        status = "overdue"
    else:
        status = "open"
    return Deadline(code, str(label), due, met_on, status)


def concern_progress(concern: Concern, *, today: date | None = None,
                     ctx=None) -> ConcernProgress:
    """The five steps of ``concern`` with their dates, its deadlines, and what was skipped.
    Pass one ``ctx`` (:func:`policy_context`) when showing many concerns."""
    today = today or clock.today()
    ctx = ctx or policy_context(today)
    done: dict[str, list[MeldcodeStep]] = {k: [] for k in STEP_ORDER}
    for s in sorted(concern.steps.all(), key=lambda s: (s.at, s.pk)):
        done[s.step].append(s)
    labels = dict(StepKind.choices)
    steps = [StepState(k, i + 1, str(labels[k]), done[k]) for i, k in enumerate(STEP_ORDER)]
    decided_at = concern.decided_at
    weighs = [w for w in done["weigh"] if decided_at is None or w.at <= decided_at]
    latest = weighs[-1] if weighs else None
    answers = latest.answers if latest else {}
    outcome = afwegingskader.outcome(answers) if latest else ""
    skipped = []
    if decided_at is not None:
        for st in steps:
            if st.kind in PREPARING and not any(s.at <= decided_at for s in st.done):
                st.skipped = True
                skipped.append(st)

    deadlines = []
    on = concern.on
    if concern.kind == ConcernKind.NIET_PLUIS:
        first_consult = done["consult"][0].on if done["consult"] else None
        deadlines.append(_deadline(
            "K1", _("Niet-pluisgevoel bespreken met een collega of Veilig Thuis (stap 2)"),
            on + timedelta(days=_days(ctx, "K1", concern.child_id)), first_consult, today))
    deadlines.append(_deadline(
        "K3", _("Besluit nemen (stap 5)"),
        on + timedelta(days=_days(ctx, "K3", concern.child_id)), concern.decided_on, today))
    if latest is not None and outcome == Outcome.REPORT:
        d = _deadline("K4", _("Melden bij Veilig Thuis: het afwegingskader zegt melden"),
                      latest.on + timedelta(days=_days(ctx, "K4", concern.child_id)),
                      concern.decided_on, today)
        if concern.outcome and concern.outcome != Outcome.REPORT:
            d.status = "departed"
        deadlines.append(d)
    return ConcernProgress(
        concern=concern, steps=steps, deadlines=deadlines, weighing_outcome=outcome,
        weighing_answers=answers, skipped=skipped,
        departs=bool(concern.outcome and outcome and concern.outcome != outcome))


def preview(answers: dict[str, bool]) -> str:
    """The outcome complete answers lead to ('' while any is missing)."""
    if any(answers.get(q) is None for q in afwegingskader.QUESTIONS):
        return ""
    return afwegingskader.outcome(answers)
