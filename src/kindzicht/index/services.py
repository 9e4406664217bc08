"""Registering, renewing and ending signals in the reference index (verwijsindex), and
informing the family of them.

A signal says only *that* an organisation is involved because of concerns — never why. It may
be on a child or on an adult member of a child's family; family-level matching
(``matching.rematch``) runs inside the same registration and is part of its one audit entry.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kindzicht.core import audit, clock, prepared, rows
from kindzicht.core.actions import Actor, record
from kindzicht.core.errors import Forbidden, NotFound, Refused, ValidationError
from kindzicht.people.bsn import is_valid_bsn, normalise_bsn
from kindzicht.people.family import (
    _years_before,
    children_and_families_of,
    concerned_and_families_of,
)
from kindzicht.people.models import Organisation, Person
from kindzicht.people.services import age_on

from .matching import read_ahead, rematch
from .models import Informing, Signal
from .policy import Policy, months_later, policy_for_organisation

MAX_AGE = 23
#: Task.code of the duty to inform the family of a signal (and of a postponement's review).
INFORM_TASK = "index_inform"
#: the registering organisation's task before its signal expires (index.retention)
RENEW_TASK = "index_renew"
#: whom -> label, in the order a form asks
WHOM_LABELS = {"person": "de persoon zelf", "parents": "de ouders"}
COORDINATOR_ROLES = ("coordinator", "admin")


def _expiry(person: Person, day: date, months: int) -> date:
    """The configured period (default two years), and for a young person at the latest the
    day they turn 23."""
    limit = months_later(day, months)
    if person.birth_date > _years_before(day, MAX_AGE):
        return min(limit, turns_23_on(person))
    return limit


def turns_23_on(person: Person) -> date:
    """The day a young person turns 23 (:data:`MAX_AGE`): their signals end then at the
    latest, and cannot be renewed past it."""
    return months_later(person.birth_date, 12 * MAX_AGE)


def inform_duties(person: Person, day: date) -> list[str]:
    """Whom the registering organisation must inform: the person from 12, the parents of a
    young person under 16 (Jeugdwet; an adult family member is informed themself)."""
    age = age_on(person, day)
    return [w for w, due in (("person", age >= 12), ("parents", age < 16)) if due]


def person_for_bsn(bsn: str, *, field: str = "bsn") -> Person:
    """The person with this BSN: the 11-proef first, then it must be known."""
    value = normalise_bsn(bsn or "")
    if not is_valid_bsn(value):
        raise ValidationError(_("Dit BSN is niet geldig (het voldoet niet aan de elfproef)."),
                              field=field)
    person = Person.objects.filter(bsn=value).first()
    if person is None:
        raise ValidationError(_("Er is geen persoon met dit BSN bekend; leg de persoon eerst "
                                "vast."), field=field, code="unknown_bsn")
    return person


def _check_text(value: str, field: str, limit: int = 200) -> str:
    value = (value or "").strip()
    if len(value) > limit or any(ord(c) < 32 for c in value):
        raise ValidationError(_("Gebruik hier ten hoogste %(n)s leesbare tekens.") % {"n": limit},
                              field=field)
    return value


def check_may_register(actor: Actor) -> Organisation:
    """Who may register: a professional of an organisation in the region's circle of
    authorised sectors (meldingsbevoegd)."""
    return _may_register(actor)[0]


def _may_register(actor: Actor) -> tuple[Organisation, Policy]:
    """:func:`check_may_register`, also giving the policy it read (a registration needs it
    again for the expiry and the informing days)."""
    org = actor.organisation
    if org is None:
        raise Forbidden(_("Alleen een professional van een organisatie kan een signaal "
                          "registreren."), field="organisation")
    policy = policy_for_organisation(org)
    if org.sector not in policy.authorised_sectors:
        where = _("in deze regio") if policy.configured else _("in de verwijsindex")
        raise Forbidden(
            _("%(sector)s is %(where)s niet meldingsbevoegd: %(org)s kan geen signalen "
              "registreren. De gemeente als toezichthouder en de kinderrechter registreren nooit; "
              "de beheerder van de regio bepaalt welke sectoren verder mogen.")
            % {"sector": org.get_sector_display(), "where": where, "org": org.name},
            field="organisation", code="not_authorised")
    return org, policy


def signal_register(actor: Actor, *, person: Person, contact: str = "",
                    on_behalf_of: str = "") -> Signal:
    """Register that this organisation is involved with ``person`` because of concerns."""
    from kindzicht.continuity import risk

    org, policy = _may_register(actor)
    contact = _check_text(contact, "contact")
    on_behalf_of = _check_text(on_behalf_of, "on_behalf_of")
    if on_behalf_of and actor.role not in COORDINATOR_ROLES:
        raise Forbidden(_("Alleen een coördinator (gezinsregisseur, casemanager, intern "
                          "begeleider) kan namens een collega registreren."),
                        field="on_behalf_of", code="not_a_coordinator")
    day = clock.today()
    if person.death_date:
        raise Refused(_("%(name)s is overleden; er kan geen signaal worden geregistreerd.")
                      % {"name": person.name}, field="person")
    if person.birth_date > day:
        raise ValidationError(_("%(name)s is nog niet geboren.") % {"name": person.name},
                              field="person")
    young = person.birth_date > _years_before(day, MAX_AGE)
    with transaction.atomic():
        # who the signal concerns and their families, once, with those children locked: the
        # scope check, matching and open risk all use it (a refusal here has written nothing)
        concerned, families = concerned_and_families_of([person.pk], day, lock=True)
        if not young and not families:
            raise ValidationError(
                _("%(name)s is ouder dan 23 en hoort niet bij het gezin van een kind: de "
                  "verwijsindex registreert alleen jongeren tot 23 en gezinsleden van een "
                  "kind.") % {"name": person.name}, field="person", code="not_in_scope")
        # what the matching and the risk opening read, under the family's locks, at once —
        # on PostgreSQL with the signal's id, the audit chain's head and the event's id
        ahead = read_ahead(families, concerned, also=[
            rows.next_id_query(Signal), audit.head_query(audit.chain_for_this_writer())])
        now = clock.now()
        sig = Signal(person=person, organisation=org, professional=actor.professional,
                     contact=contact or _default_contact(actor, org), observer=on_behalf_of,
                     at=now, on=day, expires_on=_expiry(person, day, policy.signal_months))
        head = None
        if ahead is not None:
            ids, heads = ahead.also
            sig.pk = ids[0][0]
            if heads:  # none on a chain never used: record() makes and locks its head
                head = heads[0]  # (last position, last hash, the event's id)
                sig.event_id = head[2]
        # the constraint one_active_signal_per_org_person is the duplicate check: no read
        # before, and it holds even where no child is locked (a young adult alone)
        if ahead is None:  # the matching reads the signal from its table: written first
            try:
                prepared.insert([sig])
            except IntegrityError:
                raise _duplicate(org, person) from None
        read: set[int] = set()
        try:
            # the signal, match, notifications, event and task: one statement (PostgreSQL)
            with prepared.together():
                if ahead is not None:  # written with the rest: the matching counts it
                    prepared.insert([sig])
                    ahead.signals.add(sig)
                # matching first, so that the family members whose signals it read are named
                # in the registration's one audit entry
                rematch(actor, [person.pk], read=read, families=families, ahead=ahead)
                record(actor, "signal_registered", subjects=[person.pk], obj=sig,
                       link="" if sig.event_id else "event", head=head,
                       payload={"on_behalf": bool(on_behalf_of)}, read=read)
                _inform_task(sig, person, day, policy.inform_days)
        except IntegrityError as exc:
            if ahead is not None and _breaks(exc, "one_active_signal_per_org_person"):
                raise _duplicate(org, person) from None
            raise
        risk.open_for(actor, [person.pk], opener=org, event_id=sig.event_id,
                      concerned=concerned, locked=True,
                      at_risk=ahead.at_risk if ahead else None)
    return sig


def _duplicate(org: Organisation, person: Person) -> Refused:
    return Refused(_("%(org)s heeft al een actief signaal op %(name)s; verleng dat signaal in "
                     "plaats van een nieuw te registreren.")
                   % {"org": org.name, "name": person.name}, field="person",
                   code="duplicate_signal")


def _breaks(exc: IntegrityError, constraint: str) -> bool:
    """Whether PostgreSQL refused the statement because of this constraint."""
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == constraint


def _default_contact(actor: Actor, org: Organisation) -> str:
    """The responsible professional and how to reach them — on behalf, that is the
    coordinator, never the observer."""
    pro = actor.professional
    if pro is None:
        return ", ".join(x for x in (org.phone, org.email) if x)
    name = pro.get_full_name() or pro.username
    reach = pro.phone or pro.email or org.phone or org.email
    return f"{name}, {reach}" if reach else name


def _inform_task(sig: Signal, person: Person, day: date, days: int) -> None:
    from kindzicht.rules.tasks import task_create

    whom = " en ".join(WHOM_LABELS[w] for w in inform_duties(person, day))
    task_create(
        organisation=sig.organisation, code=INFORM_TASK, key=f"signal:{sig.pk}",
        child=person, kind="task", raised_on=day, due_in_days=days,
        assignee=sig.professional if sig.professional_id else None,
        text=(f"Informeer {whom} over het signaal in de verwijsindex op {person.name} "
              f"(geregistreerd {day:%d-%m-%Y}), of leg vast waarom u dat uitstelt."),
        facts=[f"{day}: signaal geregistreerd"], evidence=[sig.event_id] if sig.event_id else [],
        new_key=True)  # the key names the signal just made


def _own_active_signal(actor: Actor, signal: Signal) -> Signal:
    if actor.organisation is None or signal.organisation_id != actor.organisation.pk:
        raise Forbidden(_("Dit signaal is van een andere organisatie."), field="signal")
    if signal.ended_at is not None:
        raise Refused(_("Dit signaal is al beëindigd."), field="signal")
    return signal


def signal_get(actor: Actor, pk: int) -> Signal:
    """One of my organisation's signals (another organisation's is not found)."""
    sig = Signal.objects.select_related("person", "organisation").filter(pk=pk).first()
    if sig is None or actor.organisation is None or sig.organisation_id != actor.organisation.pk:
        raise NotFound(_("Uw organisatie heeft geen signaal met nummer %(pk)s.") % {"pk": pk},
                       field="signal")
    return sig


def signal_renew(actor: Actor, *, signal: Signal) -> Signal:
    """The concerns last: the signal runs another full period from today (still ending at
    the latest when the young person turns 23)."""
    sig = _own_active_signal(actor, signal)
    day = clock.today()
    policy = policy_for_organisation(sig.organisation)
    expires = _expiry(sig.person, day, policy.signal_months)
    if sig.person.birth_date > _years_before(day, MAX_AGE) and expires <= sig.expires_on:
        raise Refused(_("Dit signaal loopt al tot %(d)s, de dag waarop %(name)s 23 wordt; het "
                        "kan niet verder worden verlengd.")
                      % {"d": f"{sig.expires_on:%d-%m-%Y}", "name": sig.person.name},
                      field="signal")
    with transaction.atomic():
        previous = sig.expires_on
        sig.expires_on = expires
        sig.save(update_fields=["expires_on"])
        record(actor, "signal_renewed", subjects=[sig.person_id], obj=sig,
               payload={"previous": previous.isoformat() if previous else None,
                        "expires_on": expires.isoformat()})
        _close_signal_tasks(sig, status="done", answer="signaal verlengd", codes=[RENEW_TASK])
    return sig


def signal_end(actor: Actor, *, organisation: Organisation, person: Person, reason: str,
               missing_ok: bool = False) -> Signal | None:
    """End an organisation's active signal (withdrawn, expired, ended with the involvement …):
    it leaves the index, its matches are re-evaluated, its informing tasks close."""
    from kindzicht.continuity import risk

    with transaction.atomic():
        families = children_and_families_of([person.pk], clock.today())
        risk.lock_children(families)
        sig = Signal.objects.filter(organisation=organisation, person=person,
                                    ended_at__isnull=True).first()
        if sig is None:
            if missing_ok:
                return None
            raise Refused(_("%(org)s heeft geen actief signaal op %(name)s.")
                          % {"org": organisation.name, "name": person.name}, field="person")
        now = clock.now()
        sig.ended_at = now
        sig.ended_on = clock.local_date(now)
        sig.end_reason = reason
        sig.save(update_fields=["ended_at", "ended_on", "end_reason"])
        read: set[int] = set()
        rematch(actor, [person.pk], read=read, families=families)  # its reads: this entry's
        event = record(actor, "signal_ended", subjects=[person.pk], obj=sig,
                       payload={"reason": reason}, read=read)
        sig.end_event_id = event.pk
        sig.save(update_fields=["end_event_id"])
        _close_signal_tasks(sig, status="not_applicable", answer="signaal beëindigd",
                            codes=[INFORM_TASK, RENEW_TASK])
        risk.reevaluate(actor, [person.pk], event_id=event.pk)
    return sig


def signal_withdraw(actor: Actor, *, person: Person) -> Signal:
    """The risk is gone or was unfounded: the registering organisation withdraws its signal."""
    if actor.organisation is None:
        raise Forbidden(_("Alleen een professional van een organisatie kan een signaal "
                          "intrekken."), field="organisation")
    sig = signal_end(actor, organisation=actor.organisation, person=person, reason="withdrawn")
    assert sig is not None
    return sig


def signals_end_for_person(actor: Actor, *, person: Person, reason: str) -> int:
    n = 0
    for sig in Signal.objects.filter(person=person, ended_at__isnull=True).select_related(
            "organisation"):
        signal_end(actor, organisation=sig.organisation, person=person, reason=reason)
        n += 1
    return n


# --- informing the family ----------------------------------------------------------------------


def signal_inform(actor: Actor, *, signal: Signal, whom: str, outcome: str, reason: str = "",
                  review_on: date | None = None) -> Informing:
    """Record that the organisation informed ``whom`` of its signal, or postponed it because
    informing would endanger the child (the reason is required; a review date sets a new
    task). When every duty is met, the informing task closes."""
    sig = _own_active_signal(actor, signal)
    day = clock.today()
    duties = inform_duties(sig.person, sig.on)
    if whom not in WHOM_LABELS:
        raise ValidationError(_("Kies wie u informeerde: de persoon zelf of de ouders."),
                              field="whom")
    if whom not in duties:
        raise ValidationError(
            _("Bij dit signaal hoeft u %(whom)s niet te informeren: de persoon zelf vanaf 12 "
              "jaar, de ouders van een jongere onder 16.") % {"whom": WHOM_LABELS[whom]},
            field="whom")
    if outcome not in ("informed", "postponed"):
        raise ValidationError(_("Kies: geïnformeerd of uitgesteld."), field="outcome")
    reason = (reason or "").strip()
    if outcome == "postponed" and not reason:
        raise ValidationError(_("Leg vast waarom informeren het kind in gevaar zou brengen."),
                              field="reason")
    if review_on is not None and (outcome != "postponed" or review_on <= day):
        raise ValidationError(_("Een datum om opnieuw af te wegen ligt na vandaag, en hoort "
                                "bij uitstel."), field="review_on")
    with transaction.atomic():
        now = clock.now()
        inf = Informing.objects.create(signal=sig, whom=whom, outcome=outcome, reason=reason,
                                       review_on=review_on, professional=actor.professional,
                                       at=now, on=day)
        inf.event = record(actor, "signal_informing_recorded", subjects=[sig.person_id], obj=inf,
                           payload={"signal": sig.pk, "whom": whom, "outcome": outcome})
        inf.save(update_fields=["event"])
        _settle_inform_tasks(sig, duties, inf)
    return inf


def informing_state(signal: Signal) -> dict[str, Informing | None]:
    """For each duty of the signal: its latest record (or None: still to do)."""
    duties = inform_duties(signal.person, signal.on)
    latest: dict[str, Informing | None] = dict.fromkeys(duties)
    for inf in signal.informings.order_by("at", "id"):
        if inf.whom in latest:
            latest[inf.whom] = inf
    return latest


def _settle_inform_tasks(sig: Signal, duties: list[str], inf: Informing) -> None:
    from kindzicht.rules.tasks import task_create

    state = informing_state(sig)
    if all(state.get(w) is not None for w in duties):
        _close_signal_tasks(sig, status="done", answer="familie geïnformeerd of uitgesteld "
                            "met reden", keys=[f"signal:{sig.pk}"], exact=True)
    if inf.outcome == "informed":
        # an earlier postponement of this duty is answered now
        _close_signal_tasks(sig, status="done", answer=f"geïnformeerd op {inf.on:%d-%m-%Y}",
                            keys=[f"signal:{sig.pk}:review:{inf.whom}"])
    elif inf.review_on is not None:
        days = (inf.review_on - inf.on).days
        _close_signal_tasks(sig, status="done", answer="opnieuw uitgesteld",
                            keys=[f"signal:{sig.pk}:review:{inf.whom}"])
        task_create(organisation=sig.organisation, code=INFORM_TASK,
                    key=f"signal:{sig.pk}:review:{inf.whom}:{inf.review_on}",
                    child=sig.person, kind="task", raised_on=inf.on, due_in_days=days,
                    text=(f"Weeg opnieuw af of u {WHOM_LABELS[inf.whom]} kunt informeren over "
                          f"het signaal op {sig.person.name} (uitgesteld op {inf.on:%d-%m-%Y})."),
                    facts=[f"{inf.on}: informeren uitgesteld"],
                    evidence=[inf.event_id] if inf.event_id else [])


def _close_signal_tasks(sig: Signal, *, status: str, answer: str,
                        keys: list[str] | None = None, exact: bool = False,
                        codes: list[str] | tuple[str, ...] = (INFORM_TASK,)) -> int:
    """Close the signal's open tasks of ``codes`` (its informing tasks unless told): all of
    them, or those with these keys (and, unless ``exact``, the review tasks under them)."""
    from django.db.models import Q

    from kindzicht.rules.models import Task

    which = Q(key=f"signal:{sig.pk}") | Q(key__startswith=f"signal:{sig.pk}:")
    if keys is not None:
        which = Q(key__in=keys)
        for k in keys if not exact else ():
            which |= Q(key__startswith=f"{k}:")
    return Task.objects.filter(which, code__in=codes, kind="task", status="open").update(
        status=status, answered_on=clock.today(), answer=answer)
