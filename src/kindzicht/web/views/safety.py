"""Re-assessment at every change (findings.md 2.4): record an assessment with the previous one
beside it, accept the factors named to my organisation, record a life event, and the child's
risk history over time. Every write goes through kindzicht.safety.services; kindzicht never
computes a verdict — the professional decides, the form only walks through the domains.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindzicht.core import clock
from kindzicht.core.errors import KindzichtError
from kindzicht.people.models import Person
from kindzicht.people.services import is_child
from kindzicht.safety import reads
from kindzicht.safety.life_events import life_event_label, life_event_record_on
from kindzicht.safety.reassessment import open_tasks_of
from kindzicht.safety.regional import factor_label, factors_for_child
from kindzicht.safety.services import assessment_record, factors_accept

from ..access import actor, case_access
from ..errors import add_service_error
from ..safety_forms import AcceptFactorsForm, AssessmentForm, LifeEventForm
from ..safety_timeline import risk_timeline, what_labels
from ..selectors import person_get


def _person_or_404(request: HttpRequest, pk: int, purpose: str) -> Person:
    person = person_get(actor(request, purpose), pk)
    if person is None:
        raise Http404
    return person


def safety_context(request: HttpRequest, person: Person) -> dict:
    """What the person page shows of safety: open re-assessment tasks, the latest assessment
    (for those who may see it), and the links. The page has audited the read already."""
    org = request.user.organisation
    child = is_child(person, clock.today())
    visible = child and reads.may_see_assessments(org, person.pk)
    return {
        "safety": {
            "is_child": child,
            "tasks": open_tasks_of(person.pk) if child else [],
            "latest": reads.latest_assessment(person.pk) if visible else None,
            "may_see": visible,
            "awaiting": reads.factors_awaiting(actor(request, "view_person"), child=person)
            if child else [],
        },
    }


@case_access
def assessment_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an assessment: the four domains, an owner per factor, agreements when
    conditionally safe — and the previous assessment beside it."""
    child = _person_or_404(request, pk, "assess")
    org = request.user.organisation
    today = clock.today()
    if not is_child(child, today):
        return render(request, "web/safety/assessment_form.html", {
            "person": child, "not_a_child": True}, status=400)
    factors = factors_for_child(child.pk, today)
    form = AssessmentForm(request.POST or None, factors=factors, organisation=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment_record(actor(request, "assess"), child=child, safety=data["safety"],
                              risk=data["risk"], factors=form.factors_data(),
                              agreements=data["agreements"].strip())
        except KindzichtError as exc:
            add_service_error(form, _factor_field(exc, form))
        else:
            messages.success(request, _("De risicotaxatie is vastgelegd."))
            return redirect("web:person", pk=child.pk)
    visible = reads.may_see_assessments(org, child.pk)
    previous = reads.latest_assessment(child.pk) if visible else None
    return render(request, "web/safety/assessment_form.html", {
        "person": child, "form": form, "previous": previous, "may_see": visible,
        "has_previous": reads.latest_assessment(child.pk) is not None,
        "tasks": open_tasks_of(child.pk),
    }, status=400 if form.errors else 200)


def _factor_field(exc: KindzichtError, form: AssessmentForm) -> KindzichtError:
    """The service names ``factors[i].owner``; on the form that is the owner select of the
    i-th chosen factor."""
    if exc.field and exc.field.startswith("factors["):
        index, _sep, part = exc.field[len("factors["):].partition("].")
        chosen = [c["code"] for c in form.factors_data()]
        if index.isdigit() and int(index) < len(chosen):
            prefix = "owner_" if part == "owner" else "factor_"
            exc.field = f"{prefix}{chosen[int(index)]}"
    return exc


@case_access
def factors_awaiting(request: HttpRequest) -> HttpResponse:
    """The factors named to my organisation as owner that it has not accepted yet, per child."""
    act = actor(request, "factors_awaiting")
    awaiting = reads.factors_awaiting(act)
    children: dict[int, dict] = {}
    for a in awaiting:
        entry = children.setdefault(a.child.pk, {"child": a.child, "assessment": a.assessment,
                                                 "codes": []})
        entry["codes"].append(a.code)
    for entry in children.values():
        entry["form"] = AcceptFactorsForm(
            factor_choices=[(c, factor_label(c)) for c in entry["codes"]],
            prefix=f"c{entry['child'].pk}")
    return render(request, "web/safety/factors_awaiting.html", {
        "children": list(children.values()),
    })


@require_POST
@case_access
def factors_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept some or all factors named to my organisation for one child."""
    child = _person_or_404(request, pk, "accept_factors")
    act = actor(request, "accept_factors")
    codes = [a.code for a in reads.factors_awaiting(act, child=child)]
    # The posted codes are checked by the service (a code not named to us is refused); the
    # choices therefore hold whatever was posted, so that the refusal, not the form, answers.
    posted = request.POST.getlist(f"c{child.pk}-factors")
    choices = [(c, factor_label(c)) for c in dict.fromkeys(codes + posted)]
    form = AcceptFactorsForm(request.POST, factor_choices=choices, prefix=f"c{child.pk}")
    status = 400
    if form.is_valid():
        try:
            factors_accept(act, child=child, factors=list(form.cleaned_data["factors"]))
        except KindzichtError as exc:
            add_service_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("Uw organisatie is nu eigenaar van de geaccepteerde "
                                        "risicofactoren van %(name)s.") % {"name": child.name})
            return redirect("web:factors_awaiting")
    return render(request, "web/safety/factors_accept.html", {"person": child, "form": form},
                  status=status)


@case_access
def life_event_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk, "life_event")
    form = LifeEventForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            ev = life_event_record_on(actor(request, "life_event"), kind=form.cleaned_data["kind"],
                                      on=form.cleaned_data["on"], person=person)
        except KindzichtError as exc:
            if exc.field == "at":
                exc.field = "on"
            add_service_error(form, exc)
        else:
            if ev is None:
                messages.success(request, _("Deze gebeurtenis was op die dag al vastgelegd."))
            else:
                messages.success(request, _("De gebeurtenis ‘%(kind)s’ is vastgelegd.") % {
                    "kind": life_event_label(ev.kind)})
            return redirect("web:person", pk=person.pk)
    return render(request, "web/safety/life_event_form.html", {"person": person, "form": form},
                  status=400 if form.errors else 200)


@case_access
def risk_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The record follows the child: addresses with municipalities, organisations involved
    over time (schools, GPs …), assessments and life events — across every move."""
    child = _person_or_404(request, pk, "risk_history")
    try:
        history = reads.risk_history(actor(request, "risk_history"), child)
    except KindzichtError:
        raise Http404 from None
    return render(request, "web/safety/risk_history.html", {
        "person": child, "history": history, "timeline": risk_timeline(history),
        "what_labels": what_labels(),
    })
