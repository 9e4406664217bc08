"""The reference index at family level (findings.md 2.2, issue 4): register a signal (by BSN,
or from a person's page; on behalf for coordinators, the observer shielded), my organisation's
signals (withdraw, renew, inform the family), and the match inbox — who else is involved and
how to reach them, never content. Every write goes through kindzicht.index.services; every
read through kindzicht.index.selectors (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindzicht.core import clock
from kindzicht.core.errors import KindzichtError
from kindzicht.index import selectors
from kindzicht.index.duplicates import likely_duplicates
from kindzicht.index.services import (
    COORDINATOR_ROLES,
    inform_duties,
    informing_state,
    person_for_bsn,
    signal_get,
    signal_inform,
    signal_register,
    signal_renew,
    signal_withdraw,
)
from kindzicht.people.models import Person

from .access import actor, case_access
from .errors import add_service_error
from .index_forms import InformingForm, SignalRegisterForm


@case_access
def signals(request: HttpRequest) -> HttpResponse:
    """My organisation's signals: active (withdraw, renew, inform the family) or ended."""
    ended = request.GET.get("beeindigd") == "1"
    rows = selectors.own_signals(actor(request, "index_own_signals"), active=not ended)
    return render(request, "web/index/signals.html", {"rows": rows, "ended": ended,
                                                      "today": clock.today()})


def _register(request: HttpRequest, person: Person | None) -> HttpResponse:
    coordinator = request.user.role in COORDINATOR_ROLES
    form = SignalRegisterForm(request.POST or None, by_bsn=person is None,
                              coordinator=coordinator)
    act = actor(request, "index_register")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = person or person_for_bsn(data["bsn"])
            sig = signal_register(act, person=target, contact=data["contact"],
                                  on_behalf_of=data.get("on_behalf_of", ""))
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Het signaal op %(name)s staat in de verwijsindex. "
                                        "Informeer het gezin binnen de termijn.")
                             % {"name": target.name})
            doubles = likely_duplicates(target)
            if doubles:
                messages.warning(request, _(
                    "Let op: %(names)s is mogelijk dezelfde persoon. Vraag de beheerder de "
                    "gegevens samen te voegen, anders kan een match worden gemist.")
                    % {"names": ", ".join(f"{p.name} ({p.birth_date:%d-%m-%Y})"
                                          for p in doubles)})
            return redirect("web:person", pk=sig.person_id)
    return render(request, "web/index/register.html", {
        "person": person, "form": form, "coordinator": coordinator,
        "duplicates": likely_duplicates(person) if person is not None else [],
    }, status=400 if form.errors else 200)


@case_access
def signal_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a signal on this person (from their page)."""
    person = selectors.person_get(actor(request, "index_register"), pk)
    if person is None:
        raise Http404
    return _register(request, person)


@case_access
def signal_new_bsn(request: HttpRequest) -> HttpResponse:
    """Register a signal by BSN (posted: a BSN never appears in a URL)."""
    return _register(request, None)


def _own(request: HttpRequest, pk: int, purpose: str):
    try:
        return signal_get(actor(request, purpose), pk)
    except KindzichtError:
        raise Http404 from None


@case_access
def signal_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw: the risk is gone or was unfounded (asks to confirm first)."""
    sig = _own(request, pk, "index_withdraw")
    error = None
    if request.method == "POST":
        try:
            signal_withdraw(actor(request, "index_withdraw"), person=sig.person)
        except KindzichtError as exc:
            error = exc.message
        else:
            messages.success(request, _("Het signaal op %(name)s is ingetrokken; het staat niet "
                                        "meer in de verwijsindex.") % {"name": sig.person.name})
            return redirect("web:index_signals")
    return render(request, "web/index/withdraw.html", {"signal": sig, "error": error},
                  status=409 if error else 200)


@require_POST
@case_access
def signal_renew_view(request: HttpRequest, pk: int) -> HttpResponse:
    sig = _own(request, pk, "index_renew")
    try:
        sig = signal_renew(actor(request, "index_renew"), signal=sig)
    except KindzichtError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Het signaal op %(name)s is verlengd tot %(d)s.")
                         % {"name": sig.person.name, "d": f"{sig.expires_on:%d-%m-%Y}"})
    return redirect("web:index_signals")


@case_access
def signal_inform_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record informing the young person or the parents, or postponing it with the reason."""
    sig = _own(request, pk, "index_inform")
    duties = inform_duties(sig.person, sig.on)
    form = InformingForm(request.POST or None, duties=duties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            signal_inform(actor(request, "index_inform"), signal=sig, whom=data["whom"],
                          outcome=data["outcome"], reason=data["reason"],
                          review_on=data["review_on"])
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Vastgelegd bij het signaal op %(name)s.")
                             % {"name": sig.person.name})
            return redirect("web:index_signals")
    return render(request, "web/index/inform.html", {
        "signal": sig, "form": form, "state": informing_state(sig),
    }, status=400 if form.errors else 200)


@case_access
def matches(request: HttpRequest) -> HttpResponse:
    """The match inbox: who else is involved, and how to reach them."""
    act = actor(request, "index_matches")
    return render(request, "web/index/matches.html", {
        "matches": selectors.match_inbox(act),
        "notifications": selectors.match_notifications(act),
    })
