"""Continuity of care: involvement, safety responsibility, handovers, requests and decisions.

Each function is one action (Zulip's ``do_*``): the acting professional and organisation are
required, the change, its domain event and its audit entry commit together, and a refusal
writes nothing. The continuity guards refuse live and record the fact in reconstruct mode.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kindzicht.core import clock
from kindzicht.core.actions import Actor, notify, record
from kindzicht.core.errors import Forbidden, GuardRefused, NotFound, Refused, ValidationError
from kindzicht.people.models import Organisation, Person
from kindzicht.people.sectors import SECTORS

from . import risk
from .involvement import is_involved
from .models import (
    DECIDING_SECTOR,
    Correction,
    REJECTING_DECISIONS,
    REQUESTING_SECTORS,
    Basis,
    Decision,
    DecisionKind,
    Handover,
    HandoverFactor,
    HandoverStatus,
    Involvement,
    InvolvementEnd,
    Request,
    RequestKind,
    ResponsibilityTaking,
)


def _org(actor: Actor) -> Organisation:
    if actor.organisation is None:
        raise Forbidden(_("Alleen een professional van een organisatie kan dit doen."))
    return actor.organisation



def _require_child(person: Person, field: str = "child") -> None:
    from kindzicht.people.services import is_child

    if not is_child(person, clock.today()):
        raise ValidationError(_("%(name)s is op deze datum geen kind (jonger dan 18).")
                              % {"name": person.name}, field=field)


def _sectors(codes) -> str:
    """Sector codes as the user reads them: their labels, in alphabetical order."""
    return ", ".join(sorted(str(SECTORS.get(c, c)) for c in codes))


def involvement_start(actor: Actor, *, person: Person, service: str,
                      intensive: bool = False) -> Involvement:
    org = _org(actor)
    if not (service or "").strip():
        raise ValidationError(_("Beschrijf de dienst: wat doet de organisatie?"),
                              field="service")
    with transaction.atomic():
        if Involvement.objects.filter(organisation=org, person=person,
                                      ended_at__isnull=True).exists():
            raise Refused(_("%(org)s is al betrokken bij %(name)s.")
                          % {"org": org.name, "name": person.name}, field="person")
        inv = Involvement.objects.create(organisation=org, person=person, service=service.strip(),
                                         intensive=bool(intensive),
                                         professional=actor.professional, **clock.stamp())
        inv.event = record(actor, "involvement_started", subjects=[person.pk], obj=inv,
                           payload={"intensive": bool(intensive)})
        inv.save(update_fields=["event"])
    return inv


def _guard_message(org: Organisation, child: Person) -> str:
    """What the user must do before the organisation can let go — the same words on the
    screen, in the API and in a replay's refusal (Dutch first, English through i18n)."""
    pending = (Handover.objects.filter(child=child, sender=org, status__in=[
        HandoverStatus.OFFERED, HandoverStatus.ACCEPTED]).select_related("receiver")
        .order_by("-at").first())
    base = _("%(org)s heeft de veiligheidsregie voor %(child)s, die open risico heeft.") % {
        "org": org.name, "child": child.name}
    if pending is None:
        return base + " " + _(
            "Niemand heeft de overname nog bevestigd. Bied eerst een overdracht aan en laat "
            "de ontvanger de start bevestigen, of laat een andere organisatie de "
            "veiligheidsregie nemen. Daarna kunt u de betrokkenheid beëindigen.")
    if pending.status == HandoverStatus.OFFERED:
        step = _("%(receiver)s moet de overdracht accepteren en de start bevestigen") % {
            "receiver": pending.receiver.name}
    else:
        step = _("%(receiver)s moet de start bevestigen") % {"receiver": pending.receiver.name}
    return base + " " + _(
        "Rond eerst de overdracht aan %(receiver)s af: %(step)s. Pas daarna kan %(org)s de "
        "betrokkenheid beëindigen.") % {"receiver": pending.receiver.name, "step": step,
                                        "org": org.name}


def involvement_end(actor: Actor, *, person: Person, reason: str = "",
                    aftercare: str = "") -> InvolvementEnd:
    """End this organisation's involvement (and withdraw its own signal on the person).

    Live, the continuity guards refuse it while the organisation holds responsibility for a
    child at open risk with no confirmed successor, and when intensive involvement with such a
    child would end without aftercare. In reconstruct mode the fact is recorded and ending
    releases responsibility — the child is then without anyone (C1, C2, C4 report it)."""
    from kindzicht.index.services import signal_end

    org = _org(actor)
    with transaction.atomic():
        risk.lock_child(person.pk)
        if not is_involved(org.pk, person.pk):
            raise Refused(_("%(org)s is niet betrokken bij %(name)s.")
                          % {"org": org.name, "name": person.name}, field="person")
        at_risk = risk.is_at_open_risk(person.pk)
        current = risk.current_period(person.pk)
        holds = at_risk and current is not None and current.organisation_id == org.pk
        open_inv = Involvement.objects.filter(organisation=org, person=person,
                                              ended_at__isnull=True).first()
        intensive = bool(open_inv and open_inv.intensive)
        if actor.is_live and holds:
            raise GuardRefused(_guard_message(org, person), field="person")
        if actor.is_live and at_risk and intensive and not (aftercare or "").strip():
            raise GuardRefused(
                _("Intensieve hulp aan %(child)s, die open risico heeft, kan niet stoppen "
                  "zonder nazorg. Beschrijf de nazorg: wie doet wat, en hoe lang.")
                % {"child": person.name}, field="aftercare")
        stamp = clock.stamp()
        fact = InvolvementEnd.objects.create(person=person, organisation=org,
                                             at_open_risk=at_risk, held_responsibility=holds,
                                             intensive=intensive, aftercare=aftercare or "",
                                             reason=reason or "", **stamp)
        event = record(actor, "involvement_ended", subjects=[person.pk], obj=fact,
                       payload={"at_open_risk": at_risk, "held_responsibility": holds,
                                "intensive": intensive, "aftercare": bool(aftercare)})
        fact.event = event
        fact.save(update_fields=["event"])
        if open_inv is not None:
            open_inv.ended_at = stamp["at"]
            open_inv.ended_on = stamp["on"]
            open_inv.aftercare = aftercare or ""
            open_inv.end_reason = reason or ""
            open_inv.end_event_id = event.pk
            open_inv.save(update_fields=["ended_at", "ended_on", "aftercare", "end_reason",
                                         "end_event_id"])
        from kindzicht.safety.services import factors_release

        factors_release(actor, child=person, organisation=org, reason="ended_involvement")
        if holds:
            risk.release(actor, person.pk, event_id=event.pk)
        signal_end(actor, organisation=org, person=person, reason="ended_involvement",
                   missing_ok=True)
    return fact


def responsibility_take(actor: Actor, *, child: Person, basis: str) -> ResponsibilityTaking:
    """Take safety responsibility explicitly (veiligheidsregie); the previous holder is
    notified. Taken before risk opens, it holds as soon as risk opens."""
    org = _org(actor)
    if basis not in Basis.values:
        raise ValidationError(_("Onbekende grondslag '%(basis)s'; kies uit: %(choices)s.")
                              % {"basis": basis, "choices": ", ".join(Basis.values)},
                              field="basis")
    _require_child(child)
    with transaction.atomic():
        taking = ResponsibilityTaking.objects.create(child=child, organisation=org, basis=basis,
                                                     **clock.stamp())
        event = record(actor, "responsibility_taken", subjects=[child.pk], obj=taking,
                       payload={"basis": basis})
        taking.event = event
        taking.save(update_fields=["event"])
        risk.take(actor, child.pk, basis=basis, event_id=event.pk)
    return taking


def _latest_assessment(child: Person):
    from kindzicht.safety.models import Assessment

    return Assessment.objects.filter(child=child).order_by("-at", "-id").first()


def _require_reach(actor: Actor, child: Person) -> None:
    """Need to know: handovers, requests and decisions are about a child in the acting
    organisation's reach (kindzicht.access.reach); replays reconstruct without it."""
    from kindzicht.access.reach import require_reach

    require_reach(actor, child.pk)


def handover_offer(actor: Actor, *, child: Person, receiver: Organisation,
                   factors: list[str] | None = None, note: str = "") -> Handover:
    """Offer a warm handover. Without ``factors`` it carries every factor the sender owns for
    the child; with a list, factors of the latest assessment the sender owns or assessed."""
    from kindzicht.safety.selectors import owned_factors

    org = _org(actor)
    if receiver.pk == org.pk:
        raise ValidationError(_("Een overdracht gaat naar een andere organisatie."),
                              field="receiver")
    _require_child(child)
    latest = _latest_assessment(child)
    latest_factors = {f.code: f for f in latest.factors.all()} if latest else {}
    owned = owned_factors(child.pk, org.pk)
    if factors is None:
        carried = [(latest_factors[c].domain if c in latest_factors else d, c)
                   for c, d in owned.items()]
    else:
        carried = []
        for code in factors:
            f = latest_factors.get(code)
            if f is None or not (code in owned or latest.organisation_id == org.pk):
                raise ValidationError(
                    _("'%(code)s' is geen factor uit de laatste risicotaxatie van %(child)s "
                      "waarvan %(org)s eigenaar is of die %(org)s zelf vastlegde.")
                    % {"code": code, "child": child.name, "org": org.name}, field="factors")
            carried.append((f.domain, code))
    _require_reach(actor, child)
    with transaction.atomic():
        h = Handover.objects.create(child=child, sender=org, receiver=receiver, note=note,
                                    **clock.stamp())
        HandoverFactor.objects.bulk_create(
            [HandoverFactor(handover=h, domain=d, code=c) for d, c in sorted(set(carried))])
        h.event = record(actor, "handover_offered", subjects=[child.pk], obj=h,
                         payload={"receiver": receiver.pk, "factors": sorted(c for _, c in carried)})
        h.save(update_fields=["event"])
        notify(receiver, "handover_offered", f"Overdracht aangeboden door {org.name}",
               f"{org.name} biedt een overdracht aan. Accepteer of wijs af, en bevestig de start "
               f"zodra het traject echt begonnen is.", person_id=child.pk)
    return h


def _as_receiver(actor: Actor, handover: Handover) -> Organisation:
    org = _org(actor)
    if handover.receiver_id != org.pk:
        raise Forbidden(_("Deze overdracht is aan een andere organisatie gericht."),
                        field="handover")
    return org


def handover_accept(actor: Actor, *, handover: Handover,
                    factors: list[str] | None = None) -> Handover:
    """The receiver accepts (all or some offered factors) and takes ownership of them; the
    sender keeps responsibility until the start is confirmed."""
    from kindzicht.safety.services import factors_take_over

    _as_receiver(actor, handover)
    if handover.status != HandoverStatus.OFFERED:
        raise Refused(_("Deze overdracht is %(status)s; alleen een aangeboden overdracht kan "
                        "worden geaccepteerd.") % {"status": handover.get_status_display()},
                      field="handover")
    offered = {f.code: f for f in handover.factors.all()}
    chosen = list(offered) if factors is None else list(factors)
    not_offered = [c for c in chosen if c not in offered]
    if not_offered:
        raise Refused(_("Deze factoren zijn niet aangeboden: %(codes)s.")
                      % {"codes": ", ".join(not_offered)}, field="factors")
    with transaction.atomic():
        stamp = clock.stamp()
        handover.status = HandoverStatus.ACCEPTED
        handover.accepted_on = stamp["on"]
        HandoverFactor.objects.filter(handover=handover, code__in=chosen).update(accepted=True)
        event = record(actor, "handover_accepted", subjects=[handover.child_id], obj=handover,
                       payload={"factors": sorted(chosen)})
        handover.accept_event_id = event.pk
        handover.save(update_fields=["status", "accepted_on", "accept_event_id"])
        factors_take_over(actor, child=handover.child, sender=handover.sender, codes=chosen,
                          event_id=event.pk)
        notify(handover.sender, "handover_accepted",
               f"Overdracht geaccepteerd door {handover.receiver.name}",
               "U blijft verantwoordelijk tot de ontvanger de start bevestigt.",
               person_id=handover.child_id)
    return handover


def handover_confirm_start(actor: Actor, *, handover: Handover) -> Handover:
    """The receiver confirms the follow-up really started: only now does responsibility move
    (when the sender holds it)."""
    _as_receiver(actor, handover)
    if handover.status != HandoverStatus.ACCEPTED:
        raise Refused(_("Alleen van een geaccepteerde overdracht kunt u de start bevestigen; "
                        "deze is %(status)s.") % {"status": handover.get_status_display()},
                      field="handover")
    with transaction.atomic():
        stamp = clock.stamp()
        handover.status = HandoverStatus.CONFIRMED
        handover.confirmed_on = stamp["on"]
        handover.confirmed_at = stamp["at"]
        event = record(actor, "handover_confirmed", subjects=[handover.child_id], obj=handover)
        handover.confirm_event_id = event.pk
        handover.moved_responsibility = risk.move_by_handover(
            actor, handover.child_id, handover.sender, handover.receiver, event_id=event.pk)
        handover.save(update_fields=["status", "confirmed_on", "confirmed_at",
                                     "confirm_event_id", "moved_responsibility"])
        notify(handover.sender, "handover_confirmed",
               f"Start bevestigd door {handover.receiver.name}",
               "Het vervolgtraject is gestart." + (
                   " De veiligheidsregie is overgegaan." if handover.moved_responsibility else ""),
               person_id=handover.child_id)
    return handover


def _close_handover(actor: Actor, handover: Handover, status: str, reason: str,
                    event_type: str) -> Handover:
    if not (reason or "").strip():
        raise ValidationError(_("Geef een reden."), field="reason")
    if handover.status not in (HandoverStatus.OFFERED, HandoverStatus.ACCEPTED):
        raise Refused(_("Deze overdracht is al %(status)s.")
                      % {"status": handover.get_status_display()}, field="handover")
    with transaction.atomic():
        stamp = clock.stamp()
        handover.status = status
        handover.reason = reason.strip()
        if status == HandoverStatus.DECLINED:
            handover.declined_on = stamp["on"]
        else:
            handover.withdrawn_on = stamp["on"]
        event = record(actor, event_type, subjects=[handover.child_id], obj=handover)
        handover.close_event_id = event.pk
        handover.save(update_fields=["status", "reason", "declined_on", "withdrawn_on",
                                     "close_event_id"])
        from kindzicht.safety.services import factors_return

        factors_return(actor, handover=handover)
        other = handover.sender if status == HandoverStatus.DECLINED else handover.receiver
        notify(other, event_type, f"Overdracht {handover.get_status_display()}",
               reason.strip(), person_id=handover.child_id)
    return handover


def handover_decline(actor: Actor, *, handover: Handover, reason: str) -> Handover:
    _as_receiver(actor, handover)
    return _close_handover(actor, handover, HandoverStatus.DECLINED, reason, "handover_declined")


def handover_withdraw(actor: Actor, *, handover: Handover, reason: str) -> Handover:
    org = _org(actor)
    if handover.sender_id != org.pk:
        raise Forbidden(_("Alleen de organisatie die de overdracht aanbood, kan haar "
                          "intrekken."), field="handover")
    return _close_handover(actor, handover, HandoverStatus.WITHDRAWN, reason,
                           "handover_withdrawn")


def request_make(actor: Actor, *, child: Person, kind: str, reasons: str = "") -> Request:
    org = _org(actor)
    if kind not in REQUESTING_SECTORS:
        raise ValidationError(_("Onbekend soort verzoek '%(kind)s'; kies uit: %(choices)s.")
                              % {"kind": kind, "choices": ", ".join(REQUESTING_SECTORS)},
                              field="kind")
    allowed, addressee = REQUESTING_SECTORS[kind]
    if org.sector not in allowed:
        raise Refused(_("Een verzoek '%(kind)s' kan alleen komen van: %(allowed)s — niet van "
                        "%(sector)s.")
                      % {"kind": RequestKind(kind).label,
                         "allowed": _sectors(allowed), "sector": org.get_sector_display()},
                      field="kind")
    _require_child(child)
    _require_reach(actor, child)
    with transaction.atomic():
        req = Request.objects.create(child=child, kind=kind, requester=org,
                                     addressee_sector=addressee, reasons=reasons, **clock.stamp())
        req.event = record(actor, "request_made", subjects=[child.pk], obj=req,
                           payload={"kind": kind})
        req.save(update_fields=["event"])
    return req


def decision_record(actor: Actor, *, child: Person, decision: str, reasons: str) -> Decision:
    """A decision of the Raad or the kinderrechter. Its reasons reach the requester; a
    rejecting decision demands an explicit answer: who holds safety responsibility now, and
    what the agreements are for when safety is at stake."""
    from kindzicht.rules.tasks import task_create

    org = _org(actor)
    if decision not in DecisionKind.values:
        raise ValidationError(_("Onbekend besluit '%(decision)s'; kies uit: %(choices)s.")
                              % {"decision": decision,
                                 "choices": ", ".join(DecisionKind.values)}, field="decision")
    if org.sector != DECIDING_SECTOR[decision]:
        raise Refused(_("Het besluit '%(decision)s' neemt alleen een organisatie uit de "
                        "sector %(sector)s; %(org)s kan dat niet.")
                      % {"decision": DecisionKind(decision).label,
                         "sector": _sectors([DECIDING_SECTOR[decision]]), "org": org.name},
                      field="decision")
    if not (reasons or "").strip():
        raise ValidationError(_("Een besluit heeft een motivering nodig."), field="reasons")
    _require_child(child)
    _require_reach(actor, child)
    with transaction.atomic():
        request = Request.objects.filter(child=child, decisions__isnull=True).order_by(
            "-at").first()
        d = Decision.objects.create(child=child, request=request, decision=decision,
                                    organisation=org, reasons=reasons.strip(), **clock.stamp())
        d.event = record(actor, "decision_recorded", subjects=[child.pk], obj=d,
                         payload={"decision": decision})
        d.save(update_fields=["event"])
        requester = request.requester if request else None
        if requester is not None:
            notify(requester, "decision", f"Besluit: {d.get_decision_display()}",
                   f"Motivering: {d.reasons}", person_id=child.pk)
        if decision in REJECTING_DECISIONS:
            addressee = requester or risk.holder_of(child.pk) or org
            task_create(
                organisation=addressee, code="answer_rejection", key=f"decision:{d.pk}",
                child=child, due_in_days=14,
                text=(f"{d.get_decision_display()} ({org.name}). Leg vast wie nu de "
                      f"veiligheidsregie heeft en welke afspraken gelden als de veiligheid in "
                      f"het geding komt. Gaat u zelf door met het gezin, zeg dat dan expliciet."),
                facts=[f"besluit {d.on}: {decision}", f"motivering: {d.reasons}"],
            )
    return d


def organisation_transfer(actor: Actor, *, source: Organisation,
                          target: Organisation, reason: str) -> dict[str, int]:
    """Organisations merge or close (BJZ → GI, AMK → Veilig Thuis): all involvement,
    signals and responsibilities move in one audited operation."""
    from kindzicht.index.models import Signal

    if not actor.administers:
        raise Forbidden(_("Alleen een beheerder kan de zaken van een organisatie "
                          "overdragen."))
    if source.pk == target.pk:
        raise ValidationError(_("Kies een andere organisatie om de zaken naar over te "
                                "dragen."), field="target")
    if not (reason or "").strip():
        raise ValidationError(_("Geef een reden."), field="reason")
    with transaction.atomic():
        event = record(actor, "organisation_transferred", obj=source,
                       payload={"target": target.pk, "reason": reason})
        moved = risk.transfer_all(actor, source, target, event.pk)
        inv = Involvement.objects.filter(organisation=source, ended_at__isnull=True)
        n_inv = inv.update(organisation=target)
        n_sig = Signal.objects.filter(organisation=source, ended_at__isnull=True).update(
            organisation=target)
        source.active = False
        source.successor = target
        source.save(update_fields=["active", "successor"])
    return {"responsibilities": moved, "involvements": n_inv, "signals": n_sig}


def get_handover(pk: int) -> Handover:
    try:
        return Handover.objects.select_related("sender", "receiver", "child").get(pk=pk)
    except Handover.DoesNotExist as exc:
        raise NotFound(_("Deze overdracht bestaat niet."), field="handover") from exc


def entry_correct(actor: Actor, *, obj, reason: str) -> Correction:
    """Correct a mistaken entry by a correcting action with a reason — history is never
    edited. An involvement or signal entered by mistake is ended as ``corrected``; a handover
    offered by mistake is withdrawn."""
    from kindzicht.index.models import Signal

    org = _org(actor)
    if not (reason or "").strip():
        raise ValidationError(_("Een correctie heeft een reden nodig."), field="reason")
    owner = getattr(obj, "organisation_id", None) or getattr(obj, "sender_id", None)
    if owner != org.pk:
        raise Forbidden(_("Alleen de organisatie die het gegeven vastlegde, kan het "
                          "corrigeren."), field="object")
    with transaction.atomic():
        stamp = clock.stamp()
        if isinstance(obj, Involvement):
            if obj.ended_at is not None:
                raise Refused(_("Deze betrokkenheid is al beëindigd."), field="object")
            obj.ended_at, obj.ended_on = stamp["at"], stamp["on"]
            obj.end_reason = f"correction: {reason.strip()}"
            obj.save(update_fields=["ended_at", "ended_on", "end_reason"])
        elif isinstance(obj, Signal):
            if obj.ended_at is not None:
                raise Refused(_("Dit signaal is al beëindigd."), field="object")
            from kindzicht.index.services import signal_end

            signal_end(actor, organisation=org, person=obj.person, reason="corrected")
        elif isinstance(obj, Handover):
            _close_handover(actor, obj, HandoverStatus.WITHDRAWN,
                            f"correction: {reason.strip()}", "handover_withdrawn")
        else:
            raise ValidationError(_("Dit soort gegeven kan niet op deze manier worden "
                                    "gecorrigeerd."), field="object")
        c = Correction.objects.create(object_type=obj._meta.label_lower, object_id=obj.pk,
                                      reason=reason.strip(), organisation=org, **stamp)
        person = getattr(obj, "person_id", None) or getattr(obj, "child_id", None)
        c.event = record(actor, "entry_corrected", subjects=[person] if person else [], obj=c,
                         payload={"object_type": c.object_type, "object_id": obj.pk})
        c.save(update_fields=["event"])
    return c
