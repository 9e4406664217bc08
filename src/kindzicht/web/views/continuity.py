"""Continuity of care (findings.md 2.5): my organisation's children, the child's
responsibility band, involvement, handovers (offer → accept → confirmed start, decline,
withdraw), requests and decisions of the Raad and the kinderrechter, and taking safety
responsibility. Every write goes through kindzicht.continuity.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindzicht.continuity import services
from kindzicht.continuity.models import (
    DECIDING_SECTOR,
    REQUESTING_SECTORS,
    DecisionKind,
    HandoverStatus,
    RequestKind,
)
from kindzicht.continuity.selectors import handover_get
from kindzicht.core.errors import GuardRefused, KindzichtError
from kindzicht.people.models import Person
from kindzicht.people.selectors import person_get
from kindzicht.people.services import is_child

from ..access import actor, case_access
from ..errors import add_service_error
from ..forms import (
    DecisionForm,
    HandoverAcceptForm,
    HandoverOfferForm,
    InvolvementEndForm,
    InvolvementStartForm,
    ReasonForm,
    RequestForm,
    ResponsibilityTakeForm,
)
from ..labels import factor_label
from ..selectors import child_continuity, my_children


def child_context(request: HttpRequest, child: Person) -> dict:
    """What the person page of a child adds: responsibility band, handovers, decisions."""
    org = request.user.organisation
    cont = child_continuity(actor(request, "view_person"), child)
    return {
        "cont": cont,
        "may_decide": org.sector in set(DECIDING_SECTOR.values()),
        "may_request": bool(_request_choices(org.sector)),
        "factor_label": factor_label,
    }


@case_access
def children(request: HttpRequest) -> HttpResponse:
    rows = my_children(actor(request, "my_children"))
    return render(request, "web/my_children.html", {"rows": rows})


def _person_or_404(request: HttpRequest, pk: int, purpose: str, *,
                   reach: bool = True) -> Person:
    """The person in the URL; outside reach the "buiten uw bereik" page, except for the
    writes that bring an organisation into reach (``reach=False``: identity only)."""
    person = person_get(actor(request, purpose), pk, reach=reach)
    if person is None:
        raise Http404
    return person


def _form_page(request: HttpRequest, template: str, context: dict, status: int = 200):
    form = context.get("form")
    if form is not None and form.errors and status == 200:
        status = 400
    return render(request, template, context, status=status)


@case_access
def involvement_start(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk, "start_involvement", reach=False)
    form = InvolvementStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.involvement_start(actor(request, "start_involvement"), person=person,
                                       **form.cleaned_data)
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("De betrokkenheid van uw organisatie is vastgelegd."))
            return redirect("web:person", pk=person.pk)
    return _form_page(request, "web/involvement_start.html", {"person": person, "form": form})


@case_access
def involvement_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Ending involvement. A continuity guard may refuse it; the page then says why and what
    to do first (which handover to complete, who must take over)."""
    person = _person_or_404(request, pk, "end_involvement")
    form = InvolvementEndForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        act = actor(request, "end_involvement")
        try:
            services.involvement_end(act, person=person, **form.cleaned_data)
        except GuardRefused as exc:
            refusal = exc.message  # the service's own words, in the user's language
            if exc.field == "aftercare":
                form.add_error("aftercare", refusal)
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("De betrokkenheid van uw organisatie is beëindigd."))
            return redirect("web:person", pk=person.pk)
    cont = child_continuity(actor(request, "end_involvement"), person) if is_child(person) \
        else None
    return render(request, "web/involvement_end.html", {
        "person": person, "form": form, "refusal": refusal, "cont": cont,
    }, status=409 if refusal else (400 if form.errors else 200))


@case_access
def responsibility_take(request: HttpRequest, pk: int) -> HttpResponse:
    child = _person_or_404(request, pk, "take_responsibility", reach=False)
    # from the match inbox: "Regie nemen" comes with its ground (coordination) chosen
    form = ResponsibilityTakeForm(request.POST or None,
                                  initial={"basis": request.GET.get("grond")})
    if request.method == "POST" and form.is_valid():
        try:
            services.responsibility_take(actor(request, "take_responsibility"), child=child,
                                         basis=form.cleaned_data["basis"])
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Uw organisatie heeft de veiligheidsregie genomen."))
            return redirect("web:person", pk=child.pk)
    return _form_page(request, "web/responsibility_take.html", {"person": child, "form": form})


def _offer_factor_choices(child: Person, org) -> list[tuple[str, str]]:
    """Factors of the child's latest assessment that the sender owns or assessed."""
    from kindzicht.safety.models import Assessment
    from kindzicht.safety.selectors import owned_factors

    latest = Assessment.objects.filter(child=child).order_by("-at", "-id").first()
    if latest is None:
        return []
    owned = owned_factors(child.pk, org.pk)
    return [(f.code, factor_label(f.code)) for f in latest.factors.order_by("domain", "code")
            if f.code in owned or latest.organisation_id == org.pk]


@case_access
def handover_offer(request: HttpRequest, pk: int) -> HttpResponse:
    child = _person_or_404(request, pk, "handover")
    org = request.user.organisation
    choices = _offer_factor_choices(child, org)
    form = HandoverOfferForm(request.POST or None, sender=org, factor_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            h = services.handover_offer(
                actor(request, "handover"), child=child, receiver=data["receiver"],
                factors=list(data["factors"]) if choices else None, note=data["note"])
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("De overdracht is aangeboden. U blijft verantwoordelijk "
                                        "tot de ontvanger de start bevestigt."))
            return redirect("web:handover", pk=h.pk)
    return _form_page(request, "web/handover_offer.html", {"person": child, "form": form})


HANDOVER_ACTIONS = ("accept", "confirm", "decline", "withdraw")


@case_access
def handover_detail(request: HttpRequest, pk: int, action: str | None = None) -> HttpResponse:
    """One handover with the steps open to the viewer: the receiver accepts (all or some
    factors), confirms the start or declines; the sender withdraws."""
    act = actor(request, "handover")
    h = handover_get(act, pk)
    if h is None:
        raise Http404
    org = act.organisation
    factor_choices = [(f.code, factor_label(f.code)) for f in h.factors.all()]
    post = request.POST if request.method == "POST" else None
    forms = {
        "accept": HandoverAcceptForm(post if action == "accept" else None,
                                     factor_choices=factor_choices, prefix="accept"),
        "decline": ReasonForm(post if action == "decline" else None, prefix="decline",
                              label=_("Waarom wijst u de overdracht af?")),
        "withdraw": ReasonForm(post if action == "withdraw" else None, prefix="withdraw",
                               label=_("Waarom trekt u de overdracht in?")),
    }
    error = None
    if request.method == "POST":
        if action not in HANDOVER_ACTIONS:
            raise Http404
        form = forms.get(action)
        if form is None or form.is_valid():
            try:
                _handover_step(act, h, action, form)
            except KindzichtError as exc:
                if form is not None:
                    add_service_error(form, exc)
                else:
                    error = exc.message
            else:
                messages.success(request, _STEP_DONE[action]())
                return redirect("web:handover", pk=h.pk)
    is_receiver, is_sender = h.receiver_id == org.pk, h.sender_id == org.pk
    pending = h.status in (HandoverStatus.OFFERED, HandoverStatus.ACCEPTED)
    status = 400 if (error or any(f.errors for f in forms.values())) else 200
    return render(request, "web/handover_detail.html", {
        "h": h, "person": h.child, "forms": forms, "error": error,
        "factors": [(f, factor_label(f.code)) for f in h.factors.all()],
        "can_accept": is_receiver and h.status == HandoverStatus.OFFERED,
        "can_confirm": is_receiver and h.status == HandoverStatus.ACCEPTED,
        "can_decline": is_receiver and pending,
        "can_withdraw": is_sender and pending,
        "is_receiver": is_receiver, "is_sender": is_sender,
    }, status=status)


_STEP_DONE = {
    "accept": lambda: _("U heeft de overdracht geaccepteerd. Bevestig de start zodra het "
                        "traject echt begonnen is."),
    "confirm": lambda: _("De start is bevestigd."),
    "decline": lambda: _("U heeft de overdracht afgewezen. De afzender is op de hoogte "
                         "gebracht."),
    "withdraw": lambda: _("U heeft de overdracht ingetrokken."),
}


def _handover_step(act, h, action: str, form) -> None:
    if action == "accept":
        chosen = list(form.cleaned_data["factors"])
        services.handover_accept(act, handover=h, factors=chosen)
    elif action == "confirm":
        services.handover_confirm_start(act, handover=h)
    elif action == "decline":
        services.handover_decline(act, handover=h, reason=form.cleaned_data["reason"])
    elif action == "withdraw":
        services.handover_withdraw(act, handover=h, reason=form.cleaned_data["reason"])


#: The steps post here; a GET of a step's address is refused (405), never a side effect.
handover_step = require_POST(handover_detail)


def _decision_choices(sector: str) -> list[tuple[str, str]]:
    own = [(k, label) for k, label in DecisionKind.choices if DECIDING_SECTOR[k] == sector]
    return own or list(DecisionKind.choices)


def _request_choices(sector: str) -> list[tuple[str, str]]:
    return [(k, label) for k, label in RequestKind.choices
            if sector in REQUESTING_SECTORS[k][0]]


@case_access
def decision_record(request: HttpRequest, pk: int) -> HttpResponse:
    child = _person_or_404(request, pk, "record_decision")
    org = request.user.organisation
    form = DecisionForm(request.POST or None, choices=_decision_choices(org.sector))
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_record(actor(request, "record_decision"), child=child,
                                     **form.cleaned_data)
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Het besluit is vastgelegd en met de motivering naar "
                                        "de verzoeker gestuurd."))
            return redirect("web:person", pk=child.pk)
    return _form_page(request, "web/decision_record.html", {
        "person": child, "form": form,
        "may_decide": org.sector in set(DECIDING_SECTOR.values()),
    })


@case_access
def request_make(request: HttpRequest, pk: int) -> HttpResponse:
    child = _person_or_404(request, pk, "make_request")
    org = request.user.organisation
    choices = _request_choices(org.sector)
    form = RequestForm(request.POST or None, choices=choices or list(RequestKind.choices))
    if request.method == "POST" and form.is_valid():
        try:
            services.request_make(actor(request, "make_request"), child=child,
                                  **form.cleaned_data)
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Het verzoek is vastgelegd."))
            return redirect("web:person", pk=child.pk)
    return _form_page(request, "web/request_make.html", {
        "person": child, "form": form, "may_request": bool(choices),
    })
