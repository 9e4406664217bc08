"""Assessments with owned risk factors, and life events that ask for re-assessment.

The form guides the professional through the four domains; kindzicht never computes a verdict.
Each factor has an owner that must accept it (R3): the assessor owns the factors it names no
other owner for.
"""

from __future__ import annotations

from django.db import transaction

from kindzicht.core import clock
from kindzicht.core.actions import Actor, record
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.people.models import Household, Organisation, Person

from . import reassessment
from .factors import DOMAINS
from .models import Assessment, AssessmentFactor, FactorOwnership, LifeEvent, RiskLevel, Safety



def assessment_record(actor: Actor, *, child: Person, safety: str, risk: str,
                      factors: list[dict] | None = None, agreements: str = "") -> Assessment:
    from kindzicht.continuity import risk as open_risk
    from kindzicht.people.services import is_child

    org = actor.organisation
    if org is None:
        raise Forbidden("Only a professional of an organisation can assess.")
    if not is_child(child, clock.today()):
        raise ValidationError(f"{child.name} is not a child; only children are assessed.",
                              field="child")
    if safety not in Safety.values:
        raise ValidationError(f"Unknown safety decision {safety!r}.", field="safety")
    if risk not in RiskLevel.values:
        raise ValidationError(f"Unknown risk level {risk!r}.", field="risk")
    clean: list[tuple[str, str, Organisation]] = []
    # The standard codes, and the codes of the region the child lives in (RegionalFactor).
    known = _factor_list(child)
    for i, f in enumerate(factors or []):
        code, domain = f.get("code"), f.get("domain")
        if code not in known:
            raise ValidationError(f"Unknown factor code {code!r}.", field=f"factors[{i}].code")
        if domain not in DOMAINS or known[code] != domain:
            raise ValidationError(f"Factor {code} belongs to domain {known[code]}, not "
                                  f"{domain!r}.", field=f"factors[{i}].domain")
        owner = f.get("owner") or org
        if not isinstance(owner, Organisation):
            owner = Organisation.objects.filter(pk=owner).first()
            if owner is None:
                raise ValidationError("The factor's owner organisation does not exist.",
                                      field=f"factors[{i}].owner")
        clean.append((domain, code, owner))
    if len({c for _, c, _ in clean}) != len(clean):
        raise ValidationError("A factor is named twice.", field="factors")
    with transaction.atomic():
        a = Assessment.objects.create(child=child, organisation=org, safety=safety, risk=risk,
                                      agreements=agreements, **clock.stamp())
        AssessmentFactor.objects.bulk_create(
            [AssessmentFactor(assessment=a, domain=d, code=c, owner=o) for d, c, o in clean])
        a.event = record(actor, "assessment_recorded", subjects=[child.pk], obj=a,
                         payload={"safety": safety, "risk": risk,
                                  "factors": [c for _, c, _ in clean]})
        a.save(update_fields=["event"])
        for _d, code, owner in clean:
            if owner.pk == org.pk:
                _own(child, code, org, "assessment", a.event_id)
        if a.opens_risk:
            open_risk.open_for(actor, [child.pk], opener=org, event_id=a.event_id)
        else:
            open_risk.reevaluate(actor, [child.pk], event_id=a.event_id)
        # The child is re-assessed: its open re-assessment tasks (herbeoordeling) are done.
        reassessment.close_for_assessment(a)
    return a


def _factor_list(child: Person) -> dict[str, str]:
    """{code: domain} an assessment of this child may name today (standard + regional)."""
    from .regional import factors_for_child

    return {code: f.domain for code, f in factors_for_child(child.pk, clock.today()).items()}


def _own(child: Person, code: str, org: Organisation, via: str, event_id: int | None) -> None:
    if FactorOwnership.objects.filter(child=child, code=code, organisation=org,
                                      ended_on__isnull=True).exists():
        return
    FactorOwnership.objects.create(child=child, code=code, organisation=org, via=via,
                                   event_id=event_id, **clock.stamp())


def factors_accept(actor: Actor, *, child: Person, factors: list[str]) -> list[str]:
    """An organisation named as owner in the child's latest assessment accepts ownership."""
    org = actor.organisation
    if org is None:
        raise Forbidden("Only a professional of an organisation can accept factors.")
    latest = Assessment.objects.filter(child=child).order_by("-at", "-id").first()
    named = set(AssessmentFactor.objects.filter(assessment=latest, owner=org)
                .values_list("code", flat=True)) if latest else set()
    wrong = [c for c in factors if c not in named]
    if wrong or not factors:
        raise Refused(f"{org.name} is not named as owner of: {', '.join(wrong) or '(none)'} in "
                      f"the latest assessment.", field="factors")
    with transaction.atomic():
        event = record(actor, "factors_accepted", subjects=[child.pk], obj=latest,
                       payload={"factors": sorted(factors)})
        for code in factors:
            _own(child, code, org, "accept_factors", event.pk)
    return list(factors)


def factors_take_over(actor: Actor, *, child: Person, sender: Organisation, codes: list[str],
                      event_id: int | None) -> None:
    """Accepting a handover moves ownership of the accepted factors to the receiver."""
    for code in codes:
        _own(child, code, actor.organisation, "handover", event_id)
    FactorOwnership.objects.filter(child=child, organisation=sender, code__in=codes,
                                   ended_on__isnull=True).update(ended_on=clock.today(),
                                                                 end_reason="handed_over")


def factors_return(actor: Actor, *, handover) -> None:
    """A declined or withdrawn handover that was already accepted gives the factors back."""
    if not handover.accepted_on:
        return
    codes = list(handover.factors.filter(accepted=True).values_list("code", flat=True))
    FactorOwnership.objects.filter(child_id=handover.child_id, organisation=handover.receiver,
                                   code__in=codes, ended_on__isnull=True, via="handover").update(
        ended_on=clock.today(), end_reason="handover_closed")
    for code in codes:
        _own(handover.child, code, handover.sender, "returned", None)


def factors_release(actor: Actor, *, child: Person, organisation: Organisation,
                    reason: str) -> int:
    return FactorOwnership.objects.filter(child=child, organisation=organisation,
                                          ended_on__isnull=True).update(ended_on=clock.today(),
                                                                        end_reason=reason)


def _require_life_event_reach(actor: Actor, person: Person | None,
                              household: Household | None) -> None:
    """Need to know: a life event is recorded by an organisation that has the person in reach,
    or, for a household, one of its current members (kindzicht.access.reach)."""
    from kindzicht.access.reach import OutOfReach, reachable

    if person is not None:
        if not reachable(actor, [person.pk]):
            raise OutOfReach(person.pk)
        return
    members = list(household.memberships.filter(left_on__isnull=True)
                   .values_list("person_id", flat=True))
    if members and not reachable(actor, members):
        raise OutOfReach(members[0])


def life_event_record(actor: Actor, *, kind: str, person: Person | None = None,
                      household: Household | None = None, derived: bool = False) -> LifeEvent | None:
    """A change in a family. The same event for the same person or household on the same day
    counts once. Re-assessment follows from rule R1 (and its task) for children at open risk."""
    if kind not in LifeEvent.KINDS:
        raise ValidationError(f"Unknown life event {kind!r}.", field="event")
    if (person is None) == (household is None):
        raise ValidationError("A life event is about a person or a household.", field="person")
    day = clock.today()
    if person is not None and day < person.birth_date:
        raise ValidationError("The life event is dated before the person's birth.", field="at")
    if not derived:  # derived: follows from a register change (a move, a death), not a report
        _require_life_event_reach(actor, person, household)
    with transaction.atomic():
        if LifeEvent.objects.filter(person=person, household=household, kind=kind, on=day).exists():
            return None
        ev = LifeEvent.objects.create(person=person, household=household, kind=kind,
                                      derived=derived, organisation=actor.organisation,
                                      **clock.stamp())
        subjects = [person.pk] if person else list(
            household.memberships.filter(left_on__isnull=True).values_list("person_id", flat=True))
        ev.event = record(actor, "life_event_recorded", subjects=subjects, obj=ev,
                          payload={"kind": kind, "derived": derived})
        ev.save(update_fields=["event"])
        # A re-assessment task (herbeoordeling) for each child at open risk in the family.
        reassessment.tasks_for_life_event(ev)
    return ev
