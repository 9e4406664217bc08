"""Signalling and the Meldcode (findings.md 2.3, issue 5): recording a concern (a niet-pluis
feeling, an observation, information from second hand or from a non-professional), the five
steps as a guided workflow with their deadlines, the afwegingskader's outcome shown before the
professional decides, Veilig Thuis's inbox (accept or decline), and the chain-partner
knowledge base. Every write goes through kindzicht.meldcode.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindzicht.core import clock
from kindzicht.core.errors import KindzichtError
from kindzicht.core.workdays import add_working_days
from kindzicht.meldcode import afwegingskader, selectors, services
from kindzicht.meldcode.models import Outcome, ReportStatus
from kindzicht.meldcode.progress import concern_progress, policy_context
from kindzicht.people.services import is_child

from ..access import actor, case_access
from ..errors import add_service_error
from ..meldcode_forms import (
    SOURCE_SUGGESTIONS,
    ConcernForm,
    ConsultForm,
    DecideForm,
    MapForm,
    ReportDeclineForm,
    TalkForm,
    WeighForm,
)
from ..selectors import person_get

#: Knowledge-base entries shown in context, per place (issue 5).
KNOWLEDGE_ON_CONCERN = ["safe_at_home", "child_protection_board"]
KNOWLEDGE_AT_STEP = {
    "consult": ["safe_at_home"],
    "decide": ["safe_at_home", "district_team", "child_protection_board"],
}
STEP_FORMS = {"map": MapForm, "consult": ConsultForm, "talk": TalkForm, "weigh": WeighForm,
              "decide": DecideForm}
OUTCOME_LABELS = dict(Outcome.choices)


def person_context(request: HttpRequest, person) -> dict:
    """What the person page of a child adds: my organisation's concerns about the child."""
    if not is_child(person):
        return {}
    return {"my_concerns": selectors.concerns_of(actor(request, "view_person"),
                                                 child_id=person.pk)}


@case_access
def concern_list(request: HttpRequest) -> HttpResponse:
    """My organisation's concerns, open first, each with its next step."""
    found = selectors.concerns_of(actor(request, "my_concerns"))
    ctx = policy_context(clock.today())
    rows = [concern_progress(c, ctx=ctx) for c in found]
    return render(request, "web/meldcode/concern_list.html", {
        "open_rows": [r for r in rows if not r.decided],
        "decided_rows": [r for r in rows if r.decided],
    })


@case_access
def concern_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = person_get(actor(request, "record_concern"), pk, reach=False)
    if child is None:
        raise Http404
    form = ConcernForm(request.POST or None, initial={"kind": request.GET.get("soort", "")})
    if request.method == "POST" and not is_child(child):
        form.is_valid()
        form.add_error(None, _("Een zorg in de Meldcode gaat over een kind; %(name)s is 18 jaar "
                               "of ouder.") % {"name": child.name})
    elif request.method == "POST" and form.is_valid():
        try:
            concern = services.concern_record(actor(request, "record_concern"), child=child,
                                              **form.cleaned_data)
        except KindzichtError as exc:
            add_service_error(form, _field_alias(exc))
        else:
            messages.success(request, _("De zorg is vastgelegd. Uw organisatie doorloopt nu de "
                                        "Meldcode; hieronder ziet u de stappen en termijnen."))
            return redirect("web:concern", pk=concern.pk)
    return render(request, "web/meldcode/concern_new.html", {
        "person": child, "form": form, "is_child": is_child(child),
        "suggestions": SOURCE_SUGGESTIONS,
    }, status=400 if form.errors else 200)


def _concern_or_404(request: HttpRequest, pk: int, purpose: str, *, audit: bool = True):
    concern = selectors.concern_get(actor(request, purpose), pk, audit=audit)
    if concern is None:
        raise Http404
    return concern


@case_access
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _concern_or_404(request, pk, "view_concern")
    progress = concern_progress(concern)
    return render(request, "web/meldcode/concern_detail.html", {
        "concern": concern, "person": concern.child, "p": progress,
        "outcome_label": OUTCOME_LABELS.get(progress.weighing_outcome, ""),
        "knowledge": selectors.knowledge(KNOWLEDGE_ON_CONCERN),
        "reports": list(concern.reports.all()),
        "questions": _answered_questions(progress.weighing_answers),
    })


def _answered_questions(answers: dict) -> list[tuple[str, str, bool | None]]:
    return [(q, text, answers.get(q)) for q, text in afwegingskader.QUESTIONS.items()]


def _field_alias(exc: KindzichtError) -> KindzichtError:
    """The services name ``answers.q3`` and ``with``; the forms call them ``q3``, ``with_whom``."""
    if exc.field and exc.field.startswith("answers."):
        exc.field = exc.field.split(".", 1)[1]
    elif exc.field == "with":
        exc.field = "with_whom"
    elif exc.field and exc.field.startswith("observations."):
        exc.field = "observations"
    return exc


def _run_step(act, concern, step: str, form) -> None:
    data = form.cleaned_data
    if step == "map":
        services.concern_map(act, concern=concern, observations=data["observations"],
                             note=data["note"])
    elif step == "consult":
        services.concern_consult(act, concern=concern, with_whom=data["with_whom"],
                                 note=data["note"])
    elif step == "talk":
        services.concern_talk(act, concern=concern, with_whom=data["with_whom"],
                              note=data["note"])
    elif step == "weigh":
        services.concern_weigh(act, concern=concern, answers=form.answers())
    elif step == "decide":
        services.concern_decide(act, concern=concern, outcome=data["outcome"],
                                reason=data["reason"].strip(),
                                safe_at_home=data.get("safe_at_home"),
                                on_behalf_of_group=data.get("on_behalf_of_group", ""))


def _step_message(concern, step: str) -> str:
    if step == "weigh":
        return _("De weging is vastgelegd. Het afwegingskader leidt tot: %(outcome)s. U beslist "
                 "zelf in stap 5.") % {"outcome": OUTCOME_LABELS[concern.weighing_outcome]}
    if step == "decide":
        if concern.outcome == Outcome.REPORT:
            return _("Uw besluit is vastgelegd en de melding is bij Veilig Thuis binnen.")
        return _("Uw besluit is vastgelegd.")
    return _("Stap %(n)s is vastgelegd.") % {"n": ["map", "consult", "talk"].index(step) + 1}


def _initial(concern, step: str) -> dict:
    if step == "map":
        return {"observations": concern.observations}
    if step == "decide" and concern.weighing_outcome:
        return {"outcome": concern.weighing_outcome}
    if step == "weigh":
        last = concern.steps.filter(step="weigh").order_by("-at", "-id").first()
        if last is not None:
            return {q: "ja" if v else "nee" for q, v in last.answers.items()}
    return {}


@case_access
def concern_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step's form. Saving records the step (each save is an event; a step may be done
    again) and returns to the concern page; step 4 then shows where the answers lead."""
    if step not in STEP_FORMS:
        raise Http404
    act = actor(request, f"meldcode_{step}")
    concern = _concern_or_404(request, pk, f"meldcode_{step}")
    progress = concern_progress(concern)
    kwargs = {"coordinator": request.user.role == "coordinator",
              "weighing_outcome": concern.weighing_outcome} if step == "decide" else {}
    form = STEP_FORMS[step](request.POST or None, initial=_initial(concern, step), **kwargs)
    if progress.decided and request.method == "POST":
        form.is_valid()
        form.add_error(None, _("Over deze zorg is al besloten; een tweede besluit of een "
                               "nieuwe stap is niet mogelijk."))
    elif request.method == "POST" and form.is_valid():
        try:
            _run_step(act, concern, step, form)
        except KindzichtError as exc:
            add_service_error(form, _field_alias(exc))
        else:
            messages.success(request, _step_message(concern, step))
            anchor = "#afweging" if step == "weigh" else ""
            return redirect(reverse("web:concern", kwargs={"pk": concern.pk}) + anchor)
    number = ["map", "consult", "talk", "weigh", "decide"].index(step) + 1
    return render(request, f"web/meldcode/step_{step}.html", {
        "concern": concern, "person": concern.child, "p": progress, "form": form,
        "step": step, "number": number, "decided": progress.decided,
        "outcome_label": OUTCOME_LABELS.get(progress.weighing_outcome, ""),
        "knowledge": selectors.knowledge(KNOWLEDGE_AT_STEP.get(step, [])),
        "questions": _answered_questions(progress.weighing_answers),
        "not_before_decision": [s for s in progress.steps
                                if s.kind != "decide" and not s.done],
    }, status=400 if form.errors else 200)


# --- Veilig Thuis ---------------------------------------------------------------------------

@case_access
def report_list(request: HttpRequest) -> HttpResponse:
    """Veilig Thuis's inbox; for every organisation also the reports it made."""
    act = actor(request, "reports")
    is_vt = request.user.organisation.sector == "safe_at_home"
    inbox = selectors.reports_of(act, direction="received") if is_vt else []
    return render(request, "web/meldcode/report_list.html", {
        "is_vt": is_vt,
        "to_handle": [r for r in inbox if r.status == ReportStatus.RECEIVED],
        "handled": [r for r in inbox if r.status != ReportStatus.RECEIVED],
        "made": selectors.reports_of(act, direction="made"),
    })


REPORT_ACTIONS = ("accept", "decline")


@case_access
def report_detail(request: HttpRequest, pk: int, action: str | None = None) -> HttpResponse:
    """One report. Veilig Thuis accepts it (involvement, safety responsibility, and the
    safety assessment due in five working days) or declines it with a reason."""
    act = actor(request, "report")
    report = selectors.report_get(act, pk)
    if report is None:
        raise Http404
    is_receiver = report.safe_at_home_id == request.user.organisation_id
    decline_form = ReportDeclineForm(request.POST if action == "decline" else None,
                                     prefix="decline")
    error = None
    if request.method == "POST":
        if action not in REPORT_ACTIONS:
            raise Http404
        try:
            if action == "accept":
                services.report_accept(act, report=report)
            elif decline_form.is_valid():
                services.report_decline(act, report=report, **decline_form.cleaned_data)
        except KindzichtError as exc:
            if action == "decline":
                add_service_error(decline_form, exc)
            else:
                error = exc.message
        else:
            if action == "accept" or not decline_form.errors:
                messages.success(request, _(
                    "U heeft de melding aangenomen. Uw organisatie is betrokken en heeft de "
                    "veiligheidsregie; de veiligheidsbeoordeling staat bij uw taken.")
                    if action == "accept" else _("U heeft de melding niet aangenomen. De "
                                                 "melder is op de hoogte gebracht."))
                return redirect("web:report", pk=report.pk)
    progress = concern_progress(report.concern) if report.concern else None
    return render(request, "web/meldcode/report_detail.html", {
        "report": report, "person": report.child, "is_receiver": is_receiver,
        "can_handle": is_receiver and report.status == ReportStatus.RECEIVED,
        "decline_form": decline_form, "error": error, "p": progress,
        "assessment_due": add_working_days(report.on, services.SAFETY_ASSESSMENT_WORKING_DAYS),
        "questions": _answered_questions(progress.weighing_answers) if progress else [],
        "outcome_label": OUTCOME_LABELS.get(progress.weighing_outcome, "") if progress else "",
    }, status=400 if (error or decline_form.errors) else 200)


#: The actions post here; a GET of an action's address is refused (405), never a side effect.
report_action = require_POST(report_detail)


@case_access
def knowledge_base(request: HttpRequest) -> HttpResponse:
    """The whole chain-partner knowledge base (ketenkaart)."""
    return render(request, "web/meldcode/knowledge.html", {"knowledge": selectors.knowledge()})
