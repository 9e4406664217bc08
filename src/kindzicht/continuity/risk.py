"""Open risk and safety responsibility, kept by the services as facts happen.

findings.md defines both: risk opens at the first concern, signal, report or not-(safe and
low) assessment about the child, a parent or guardian, or a member of the child's household,
and closes when every concern is decided, no signal on the child is active and the child is
assessed safe and low (or was never assessed and every concern was decided ``no_concern``).
While risk is open exactly one organisation holds safety responsibility; the partial unique
index on ResponsibilityPeriod makes two holders impossible, and the per-child row lock
serialises concurrent takers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from kindzicht.core import clock
from kindzicht.core.actions import Actor, notify, record
from kindzicht.people.family import _member_on, _valid_on, _years_before
from kindzicht.people.models import (
    HouseholdMembership,
    Organisation,
    Person,
    Relation,
    RelationKind,
)

from .models import ResponsibilityPeriod, ResponsibilityTaking, RiskPeriod


def children_concerned(person_ids: Iterable[int], day: date) -> set[int]:
    """Children for whom a fact about these people opens risk: the person itself if a
    child, the children they are parent or guardian of, and children in their household."""
    person_ids = set(person_ids)
    candidates = set(person_ids)
    candidates |= set(Relation.objects.filter(
        _valid_on(day), person_id__in=person_ids,
        kind__in=[RelationKind.PARENT_OF, RelationKind.GUARDIAN_OF]).values_list("other_id",
                                                                                flat=True))
    homes = HouseholdMembership.objects.filter(_member_on(day), person_id__in=person_ids)
    candidates |= set(HouseholdMembership.objects.filter(
        _member_on(day), household_id__in=homes.values("household_id")).values_list("person_id",
                                                                                    flat=True))
    return set(Person.objects.filter(pk__in=candidates, birth_date__gt=_years_before(day, 18),
                                     death_date__isnull=True).values_list("pk", flat=True))


def current_period(child_id: int) -> ResponsibilityPeriod | None:
    return ResponsibilityPeriod.objects.filter(child_id=child_id, ended_at__isnull=True).first()


def holder_of(child_id: int) -> Organisation | None:
    p = current_period(child_id)
    return p.organisation if p else None


def open_risk_period(child_id: int) -> RiskPeriod | None:
    return RiskPeriod.objects.filter(child_id=child_id, closed_at__isnull=True).first()


def is_at_open_risk(child_id: int) -> bool:
    return open_risk_period(child_id) is not None


def lock_child(child_id: int) -> None:
    """Serialise every change of a child's risk and responsibility (SELECT … FOR UPDATE)."""
    list(Person.objects.select_for_update().filter(pk=child_id).values_list("pk", flat=True))


def lock_children(child_ids: Iterable[int]) -> None:
    """Lock several children at once, always in id order, so two writers touching the same
    family wait for each other instead of deadlocking — and the second sees what the first
    committed (two signals in one family make exactly one match)."""
    ids = sorted(set(child_ids))
    if ids:
        list(Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")
             .values_list("pk", flat=True))


def _set_holder(actor: Actor, child_id: int, org: Organisation | None, *, basis: str, how: str,
                event_id: int | None, end_reason: str, at=None) -> ResponsibilityPeriod:
    now = at or clock.now()
    previous = current_period(child_id)
    if previous is not None:
        previous.ended_at = now
        previous.ended_on = clock.local_date(now)
        previous.end_reason = end_reason
        previous.save(update_fields=["ended_at", "ended_on", "end_reason"])
    period = ResponsibilityPeriod.objects.create(
        child_id=child_id, organisation=org, basis=basis, how=how, at=now,
        on=clock.local_date(now), event_id=event_id)
    if previous is not None and previous.organisation and org and previous.organisation != org:
        notify(previous.organisation, "responsibility_moved",
               f"Veiligheidsregie overgenomen door {org.name}",
               f"{org.name} heeft de veiligheidsregie overgenomen.", person_id=child_id)
    return period


def open_for(actor: Actor, person_ids: Iterable[int], *, opener: Organisation,
             event_id: int | None, concerned: Iterable[int] | None = None) -> list[int]:
    """A fact by ``opener`` about these people: open risk for every child it concerns that is
    not at open risk yet. Returns the children whose risk opened.

    ``concerned``: the children the fact concerns, when the caller has them already. The
    children are locked and their open risk read in one query each, not per child."""
    day = clock.today()
    opened: list[int] = []
    children = sorted(set(concerned) if concerned is not None
                      else children_concerned(person_ids, day))
    lock_children(children)
    at_risk = set(RiskPeriod.objects.filter(child_id__in=children, closed_at__isnull=True)
                  .values_list("child_id", flat=True)) if children else set()
    for child_id in children:
        if child_id in at_risk:
            continue
        now = clock.now()
        last = RiskPeriod.objects.filter(child_id=child_id).order_by("-closed_at").first()
        RiskPeriod.objects.create(child_id=child_id, opened_by=opener, at=now, on=day,
                                  event_id=event_id)
        claims = ResponsibilityTaking.objects.filter(child_id=child_id)
        if last is not None and last.closed_at:
            claims = claims.filter(at__gt=last.closed_at)
        claim = claims.order_by("-at", "-id").first()
        if claim is not None:
            _set_holder(actor, child_id, claim.organisation, basis=claim.basis, how="taken",
                        event_id=event_id, end_reason="", at=now)
        else:
            _set_holder(actor, child_id, opener, basis="", how="opened", event_id=event_id,
                        end_reason="", at=now)  # the same moment: no gap between the two
        record(actor, "risk_opened", subjects=[child_id],
               payload={"opened_by": opener.pk, "holder": (claim.organisation_id if claim
                                                          else opener.pk)})
        opened.append(child_id)
    return opened


def closing_condition_holds(child_id: int) -> bool:
    """findings.md: every concern decided, no active signal on the child, and the latest
    assessment safe and low — or never assessed and every concern decided ``no_concern``."""
    from kindzicht.index.models import Signal
    from kindzicht.meldcode.models import Concern
    from kindzicht.safety.models import Assessment

    concerns = Concern.objects.filter(child_id=child_id)
    if concerns.filter(decided_at__isnull=True).exists():
        return False
    if Signal.objects.filter(person_id=child_id, ended_at__isnull=True).exists():
        return False
    latest = Assessment.objects.filter(child_id=child_id).order_by("-at", "-id").first()
    if latest is not None:
        return not latest.opens_risk
    return concerns.exists() and not concerns.exclude(outcome="no_concern").exists()


def reevaluate(actor: Actor, child_ids: Iterable[int], *, event_id: int | None = None) -> None:
    """Close open risk (and end responsibility) where the closing condition now holds."""
    for child_id in sorted(set(child_ids)):
        lock_child(child_id)
        period = open_risk_period(child_id)
        if period is None or not closing_condition_holds(child_id):
            continue
        close(actor, period, reason="safe", event_id=event_id)


def close(actor: Actor, period: RiskPeriod, *, reason: str, event_id: int | None,
          at=None) -> None:
    now = at or clock.now()
    period.closed_at = now
    period.closed_on = clock.local_date(now)
    period.close_reason = reason
    period.save(update_fields=["closed_at", "closed_on", "close_reason"])
    current = current_period(period.child_id)
    if current is not None:
        current.ended_at = now
        current.ended_on = clock.local_date(now)
        current.end_reason = "risk_closed"
        current.save(update_fields=["ended_at", "ended_on", "end_reason"])
    record(actor, "risk_closed", subjects=[period.child_id], payload={"reason": reason})


def take(actor: Actor, child_id: int, *, basis: str, event_id: int | None) -> bool:
    """``take_responsibility``: holds at once if risk is open, otherwise as soon as it opens.
    Returns whether the organisation holds it now."""
    lock_child(child_id)
    if not is_at_open_risk(child_id):
        return False
    current = current_period(child_id)
    if current is not None and current.organisation_id == actor.organisation_id:
        if basis and current.basis != basis:
            current.basis = basis
            current.save(update_fields=["basis"])
        return True
    _set_holder(actor, child_id, actor.organisation, basis=basis, how="taken",
                event_id=event_id, end_reason="taken_over")
    return True


def move_by_handover(actor: Actor, child_id: int, sender: Organisation,
                     receiver: Organisation, *, event_id: int | None) -> bool:
    """A confirmed handover moves responsibility only when the sender holds it now."""
    lock_child(child_id)
    current = current_period(child_id)
    if current is None or current.organisation_id != sender.pk:
        return False
    _set_holder(actor, child_id, receiver, basis=current.basis, how="handover",
                event_id=event_id, end_reason="handed_over")
    return True


def release(actor: Actor, child_id: int, *, event_id: int | None) -> None:
    """Reconstruct mode: ending involvement releases responsibility; the child is then
    without anyone (a gap that C1 reports)."""
    _set_holder(actor, child_id, None, basis="", how="released", event_id=event_id,
                end_reason="released")


def transfer_all(actor: Actor, source: Organisation, target: Organisation,
                 event_id: int | None) -> int:
    """Organisations merge or close: every current responsibility moves in one operation."""
    moved = 0
    for period in ResponsibilityPeriod.objects.filter(organisation=source, ended_at__isnull=True):
        lock_child(period.child_id)
        _set_holder(actor, period.child_id, target, basis=period.basis, how="transfer",
                    event_id=event_id, end_reason="transferred")
        moved += 1
    return moved


def family_changed(actor: Actor, *, person_ids: list[int], household=None) -> None:
    """A person joined or left a family: their active signals now open risk for the children
    they live with, and every affected child's matches are re-evaluated."""
    from kindzicht.index.matching import rematch
    from kindzicht.index.models import Match, Signal

    day = clock.today()
    nearby = _neighbourhood(person_ids, household, day)
    if not (Signal.objects.filter(ended_at__isnull=True, person_id__in=nearby).exists()
            or Match.objects.filter(ended_on__isnull=True, child_id__in=nearby).exists()):
        return  # no signal within reach: no risk to open, no match to change
    for sig in Signal.objects.filter(person_id__in=person_ids, ended_at__isnull=True).select_related(
            "organisation"):
        open_for(actor, [sig.person_id], opener=sig.organisation, event_id=None)
    affected = set(person_ids)
    if household is not None:
        affected |= set(household.memberships.filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
                        .values_list("person_id", flat=True))
    rematch(actor, affected)


def _neighbourhood(person_ids: list[int], household, day: date) -> set[int]:
    """The people one relation or one household away: every family a change of these
    people can alter is made of them (parents, partners, siblings through a parent,
    household members)."""
    ids = set(person_ids)
    near = set(ids)
    near |= set(Relation.objects.filter(person_id__in=ids).values_list("other_id", flat=True))
    near |= set(Relation.objects.filter(other_id__in=ids).values_list("person_id", flat=True))
    homes = set(HouseholdMembership.objects.filter(person_id__in=ids).values_list(
        "household_id", flat=True))
    if household is not None:
        homes.add(household.pk)
    near |= set(HouseholdMembership.objects.filter(household_id__in=homes).values_list(
        "person_id", flat=True))
    return near
