"""The family plan (findings.md 2.1, issue 7): make a plan for a child or a household, follow its
goals (met, missed, postponed to a new date), agreements with the parents and what happens if
they are not kept, evaluation moments, its history and its PDF; the escalation screen
("doorpakken") where the coordinator decides the follow-up of a drifting goal, with what each
chain partner can do; parents' cooperation on record; sharing on a legal basis.

Every write goes through kindzicht.plans.services; every read of person data through
kindzicht.plans.selectors or web.selectors (audited).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from kindzicht.core import clock
from kindzicht.core.errors import KindzichtError
from kindzicht.people.models import Person
from kindzicht.plans import follow_up, selectors, services
from kindzicht.plans.models import FamilyPlan, Goal, PlanEvaluation

from ..access import actor, case_access
from ..errors import add_service_error
from ..plan_forms import (
    SERVICE_FIELDS,
    AgreementForm,
    CooperationForm,
    EvaluationForm,
    EvaluationHoldForm,
    GoalForm,
    GoalStatusForm,
    NewDateForm,
    PlanForm,
    ShareForm,
)
from ..selectors import person_get, task_of


def _page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    forms_ = [f for f in context.values() if hasattr(f, "errors") and hasattr(f, "is_bound")]
    status = 400 if any(f.is_bound and f.errors for f in forms_) else 200
    return render(request, template, context, status=status)


def _service_error(form, exc: KindzichtError) -> None:
    field = SERVICE_FIELDS.get(exc.field or "", exc.field)
    exc = type(exc)(exc.message, field=field)
    add_service_error(form, exc)


def _person(request: HttpRequest, pk: int, purpose: str) -> Person:
    person = person_get(actor(request, purpose), pk)
    if person is None:
        raise Http404
    return person


def _plan(request: HttpRequest, pk: int, purpose: str) -> FamilyPlan:
    plan = selectors.plan_get(actor(request, purpose), pk)
    if plan is None:
        raise Http404
    return plan


def _home_of(child: Person):
    m = child.memberships.filter(left_on__isnull=True).select_related("household").first()
    return m.household if m else None


# --- the person page ----------------------------------------------------------------------

def person_context(request: HttpRequest, person: Person, is_child: bool) -> dict:
    """What the person page shows of issue 7: the child's plan and its cooperation log, or —
    for a parent — who works with the children; what was shared, for both sides."""
    act = actor(request, "view_person")
    org_id = request.user.organisation_id
    ctx: dict = {"shares": selectors.shares_seen_by(act, person)}
    if is_child:
        plan = selectors.current_plan_of(person.pk)
        ctx["plan"] = plan
        if plan is not None:
            ctx["plan_overdue"] = plan.goals.filter(
                status__in=["open", "postponed"], due__lt=clock.today()).count()
            ctx["plan_readable"] = selectors.may_read_plan(org_id, plan)
        ctx["cooperation"] = selectors.cooperation_log(act, person)
        ctx["may_plan"] = selectors.is_involved(org_id, person.pk)
    else:
        ctx["children_involvement"] = selectors.children_involvement(act, person)
    ctx["may_share"] = selectors.is_involved(org_id, person.pk)
    return ctx


# --- the plan -----------------------------------------------------------------------------

@case_access
def plan_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = _person(request, pk, "make_plan")
    household = _home_of(child)
    form = PlanForm(request.POST or None, child=child, household=household)
    if request.method == "POST" and form.is_valid():
        scope = form.cleaned_data["scope"]
        try:
            plan = services.plan_make(
                actor(request, "make_plan"), goals=form.goals(),
                child=child if scope == "child" else None,
                household=household if scope == "household" else None,
                parent_agreements=form.agreements(),
                evaluations=[form.cleaned_data["evaluation"]]
                if form.cleaned_data.get("evaluation") else [])
        except KindzichtError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Het gezinsplan is gemaakt. Uw organisatie is de "
                                        "regisseur."))
            return redirect("web:plan", pk=plan.pk)
    return _page(request, "web/plans/plan_new.html", {"person": child, "form": form,
                                                       "current": selectors.current_plan_of(
                                                           child.pk)})


@case_access
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    act = actor(request, "view_plan")
    plan = _plan(request, pk, "view_plan")
    view = selectors.plan_view(act, plan)
    person = view.children[0] if view.children else plan.child
    return render(request, "web/plans/plan_detail.html", {
        "view": view, "plan": plan, "person": person,
        "history": selectors.plan_history(plan),
        "editable": set() if plan.replaced_on else {
            g.pk for g in view.goals if g.status != "met" and (
                view.is_coordinator or g.owner_id == request.user.organisation_id)},
    })


@case_access
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from kindzicht.plans.pdf import plan_pdf as render_pdf

    act = actor(request, "print_plan")
    plan = _plan(request, pk, "print_plan")
    response = HttpResponse(render_pdf(selectors.plan_view(act, plan)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="gezinsplan-{plan.pk}.pdf"'
    return response


def _plan_form_page(request, pk: int, purpose: str, form_class, template: str, save,
                    done: str, **form_kwargs) -> HttpResponse:
    plan = _plan(request, pk, purpose)
    form = form_class(request.POST or None, **form_kwargs,
                      **({"plan": plan} if form_class is GoalForm else {}))
    if request.method == "POST" and form.is_valid():
        try:
            save(actor(request, purpose), plan, form.cleaned_data)
        except KindzichtError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("web:plan", pk=plan.pk)
    return _page(request, template, {"plan": plan, "form": form,
                                     "person": plan.child or _first_child(plan)})


def _first_child(plan: FamilyPlan) -> Person | None:
    kids = selectors.covered_children(plan)
    return Person.objects.filter(pk__in=kids).order_by("birth_date").first()


@case_access
def goal_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_form_page(
        request, pk, "add_goal", GoalForm, "web/plans/goal_new.html",
        lambda act, plan, d: services.goal_add(act, plan=plan, **d),
        _("Het doel is toegevoegd."))


@case_access
def agreement_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_form_page(
        request, pk, "add_agreement", AgreementForm, "web/plans/agreement_new.html",
        lambda act, plan, d: services.agreement_add(act, plan=plan, **d),
        _("De afspraak met de ouders is vastgelegd."))


@case_access
def evaluation_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_form_page(
        request, pk, "plan_evaluation", EvaluationForm, "web/plans/evaluation_new.html",
        lambda act, plan, d: services.evaluation_plan(act, plan=plan, **d),
        _("Het evaluatiemoment is gepland."))


@case_access
def evaluation_hold(request: HttpRequest, pk: int) -> HttpResponse:
    ev = PlanEvaluation.objects.filter(pk=pk).first()
    if ev is None:
        raise Http404
    plan = _plan(request, ev.plan_id, "hold_evaluation")
    form = EvaluationHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_hold(actor(request, "hold_evaluation"), evaluation=ev,
                                     note=form.cleaned_data["note"])
        except KindzichtError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("De evaluatie is vastgelegd."))
            return redirect("web:plan", pk=plan.pk)
    return _page(request, "web/plans/evaluation_hold.html", {
        "plan": plan, "evaluation": ev, "form": form,
        "person": plan.child or _first_child(plan)})


@case_access
def goal_status(request: HttpRequest, pk: int) -> HttpResponse:
    goal = Goal.objects.filter(pk=pk).select_related("owner").first()
    if goal is None:
        raise Http404
    plan = _plan(request, goal.plan_id, "update_goal")
    form = GoalStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(actor(request, "update_goal"), goal=goal,
                                 status=form.cleaned_data["status"],
                                 due=form.cleaned_data["due"])
        except KindzichtError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("De stand van het doel is vastgelegd."))
            return redirect("web:plan", pk=plan.pk)
    return _page(request, "web/plans/goal_status.html", {
        "plan": plan, "goal": goal, "form": form,
        "person": plan.child or _first_child(plan)})


# --- doorpakken: the escalation screen ----------------------------------------------------

#: What a chain partner can do when a plan drifts, when the knowledge base has no text.
STATIC_KNOWLEDGE = {
    "child_protection_board": (
        "De Raad onderzoekt of een kinderbeschermingsmaatregel nodig is, zoals een "
        "ondertoezichtstelling, en vraagt die aan bij de kinderrechter. U kunt een verzoek tot "
        "onderzoek doen als vrijwillige hulp niet (meer) werkt — ook als het kind zelf (nog) "
        "geen signalen laat zien."),
    "safe_at_home": (
        "Veilig Thuis geeft advies en neemt meldingen aan. Na een melding beoordeelt het binnen "
        "vijf werkdagen de veiligheid, kan onderzoek doen, voorwaarden stellen aan de hulp en "
        "de Raad om onderzoek vragen. Melden is geen afscheid: u blijft hulp bieden."),
    "youth_protection": (
        "De gecertificeerde instelling voert een ondertoezichtstelling of voogdij uit en kan "
        "daarbij aanwijzingen geven aan de ouders."),
}
HANDOVER_TEXT = (
    "Een overdracht naar een andere organisatie telt pas als vervolg als de ontvanger de start "
    "bevestigt. Tot dan blijft uw organisatie verantwoordelijk.")


def partner_knowledge() -> list[tuple[str, str, list[str]]]:
    """(sector code, title, paragraphs) for the Raad, Veilig Thuis and the gecertificeerde
    instelling — from the chain-partner knowledge base (meldcode.PartnerKnowledge) where it
    has the sector, else a short fixed text — and what a handover counts for."""
    from kindzicht.people.sectors import SECTORS

    try:
        from kindzicht.meldcode.models import PartnerKnowledge

        known = {k.sector: k for k in PartnerKnowledge.objects.filter(
            sector__in=list(STATIC_KNOWLEDGE))}
    except ImportError:  # an installation without the knowledge base: the fixed texts
        known = {}
    out = []
    for sector, text in STATIC_KNOWLEDGE.items():
        k = known.get(sector)
        paras = [text] if k is None else [
            _("Kan: %(text)s") % {"text": k.can_do}, _("Moet: %(text)s") % {"text": k.must_do},
            *(_("Misverstand: ‘%(myth)s’ — %(fact)s") % {"myth": myth, "fact": fact}
              for myth, fact in k.misconception_list)]
        out.append((sector, str(SECTORS[sector]), paras))
    out.append(("handover", _("Overdracht"), [HANDOVER_TEXT]))
    return out


def _url(name: str, pk: int) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


@case_access
def follow_up_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The escalation task's screen: the goal that drifted, and the follow-ups to choose from
    — a new date or a new goal here; a request to the Raad, a report to Veilig Thuis or a
    handover on their own screens — with what each chain partner can do."""
    act = actor(request, "goal_follow_up")
    task = task_of(act, pk)
    parsed = follow_up.parse_key(task.key) if task and task.code == follow_up.CODE else None
    if task is None or parsed is None:
        raise Http404
    goal = Goal.objects.filter(pk=parsed[0]).select_related("plan", "owner").first()
    if goal is None:
        raise Http404
    plan = goal.plan
    child = task.child
    action = request.POST.get("action") if request.method == "POST" else None
    date_form = NewDateForm(request.POST if action == "date" else None, prefix="date")
    goal_form = GoalForm(request.POST if action == "goal" else None, prefix="goal", plan=plan)
    if action in ("date", "goal"):
        form = date_form if action == "date" else goal_form
        if form.is_valid():
            try:
                if action == "date":
                    services.goal_update(act, goal=goal, status="postponed",
                                         due=form.cleaned_data["due"])
                else:
                    services.goal_add(act, plan=plan, **form.cleaned_data)
            except KindzichtError as exc:
                _service_error(form, exc)
            else:
                task.refresh_from_db()
                messages.success(request, _("Het vervolg is vastgelegd en de taak is "
                                            "afgehandeld.") if task.status == "done" else
                                 _("Het vervolg is vastgelegd."))
                return redirect("web:tasks")
    links = []
    if child is not None:
        for name, label in (("web:request_make", _("Verzoek aan de Raad doen")),
                            ("web:concern_new", _("Melden bij Veilig Thuis (via de Meldcode)")),
                            ("web:handover_offer", _("Overdracht aanbieden"))):
            url = _url(name, child.pk)
            if url:
                links.append((url, label))
    return _page(request, "web/plans/follow_up.html", {
        "task": task, "goal": goal, "plan": plan, "person": child, "moment": parsed[1],
        "date_form": date_form, "goal_form": goal_form, "links": links,
        "knowledge": partner_knowledge(), "is_coordinator":
            request.user.organisation_id == plan.coordinator_id,
    })


# --- cooperation and sharing --------------------------------------------------------------

@case_access
def cooperation_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = _person(request, pk, "record_cooperation")
    form = CooperationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cooperation_record(actor(request, "record_cooperation"), child=child,
                                        **form.service_kwargs())
        except KindzichtError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Vastgelegd. Het staat op de tijdlijn van het kind."))
            return redirect("web:person", pk=child.pk)
    return _page(request, "web/plans/cooperation_new.html", {"person": child, "form": form})


@case_access
def share_new(request: HttpRequest, pk: int) -> HttpResponse:
    act = actor(request, "share")
    person = _person(request, pk, "share")
    form = ShareForm(request.POST or None, targets=selectors.share_targets(act, person))
    if request.method == "POST" and form.is_valid():
        try:
            services.share_make(act, person=person, **form.cleaned_data)
        except KindzichtError as exc:
            if exc.field == "person":  # the service's refusal, told in Dutch
                exc = type(exc)(_("Uw organisatie is niet betrokken bij %(name)s en kan niet "
                                  "over deze persoon delen.") % {"name": person.name})
            _service_error(form, exc)
        else:
            messages.success(request, _("Gedeeld en vastgelegd: wat, met wie en op welke "
                                        "grondslag. De ontvanger ziet hetzelfde."))
            return redirect("web:person", pk=person.pk)
    return _page(request, "web/plans/share_new.html", {
        "person": person, "form": form,
        "involved": selectors.is_involved(request.user.organisation_id, person.pk)})
