"""2.4 Re-assessment at every change — R1 to R3: re-assess after a life event, keep the record
following a family that moves, and give every risk factor an owner who accepted it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.db.models import Q

from kindzicht.continuity.models import Handover, InvolvementEnd
from kindzicht.people.family import _member_on, children_in_family_of
from kindzicht.people.models import HouseholdMembership
from kindzicht.safety.models import Assessment, AssessmentFactor, FactorOwnership, LifeEvent

from .engine import Context, Occurrence, Rule, day_after, register

R1_EVENTS = ["moved", "new_partner", "partner_left", "job_loss", "mental_health_admission",
             "mental_health_treatment", "addiction", "birth", "detention_release", "eviction",
             "separation"]


def _scoped(ctx: Context, events):
    """An incremental sweep reads only the life events of the scoped families."""
    if ctx.scope is None:
        return events
    return events.filter(Q(person_id__in=ctx.scope_people)
                         | Q(household_id__in=ctx.scope_households))


def _people_of(ev: LifeEvent) -> list[int]:
    if ev.person_id:
        return [ev.person_id]
    return list(HouseholdMembership.objects.filter(_member_on(ev.on), household_id=ev.household_id)
                .values_list("person_id", flat=True))


@register
class R1NoReassessment(Rule):
    code = "R1"
    improvement_point = "2.4"
    title = "Geen herbeoordeling na een verandering"
    defaults = {"days": 14}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        for ev in _scoped(ctx, LifeEvent.objects.filter(kind__in=R1_EVENTS, on__lte=ctx.as_of)):
            children = children_in_family_of(_people_of(ev), ev.on)
            for child in sorted(children):
                if not ctx.in_scope(child) or not ctx.facts.at_risk(child, ev.on):
                    continue
                n = self.days(ctx, child=child)
                until = day_after(ev.on, n)
                if Assessment.objects.filter(child_id=child, on__gte=ev.on,
                                             on__lte=until).exists():
                    continue
                holder = ctx.facts.holder_on(child, ev.on)
                yield Occurrence(
                    code=self.code, child_id=child, at=day_after(until, 1),
                    key=f"event:{ev.pk}:{child}",
                    text=(f"Na een verandering in het gezin ({ev.kind}, {ev.on:%d-%m-%Y}) is de "
                          f"veiligheid van het kind niet binnen {n} dagen opnieuw beoordeeld."),
                    recipients=[holder] if holder else [],
                    evidence=[ev.event_id] if ev.event_id else [],
                    facts=[f"{ev.on}: {ev.kind}"],
                )


def _months_before(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 - months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    return date(year, month, 28)


@register
class R2OutOfSightByMoving(Rule):
    code = "R2"
    improvement_point = "2.4"
    title = "Gezin uit beeld door verhuizen"
    defaults = {"count": 3, "months": 24}
    needs_open_risk = False

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        per_child: dict[tuple[int, str], list[LifeEvent]] = defaultdict(list)
        for ev in _scoped(ctx, LifeEvent.objects.filter(kind__in=["moved", "school_change"],
                                                        on__lte=ctx.as_of)).order_by("at", "id"):
            if ev.kind == "school_change":
                if ev.person_id:
                    per_child[(ev.person_id, ev.kind)].append(ev)
                continue
            for pid in _people_of(ev):
                if ctx.facts.is_child_on(pid, ev.on):
                    per_child[(pid, ev.kind)].append(ev)
        for (child, kind), events in per_child.items():
            if not ctx.in_scope(child):
                continue
            count = self.days(ctx, "count", child=child)
            months = self.days(ctx, "months", child=child)
            fired_until: date | None = None
            for i, ev in enumerate(events):
                window = [e for e in events[: i + 1] if e.on > _months_before(ev.on, months)]
                if len(window) < count or (fired_until and ev.on <= fired_until):
                    continue
                fired_until = day_after(ev.on, 0)
                what = "verhuisd" if kind == "moved" else "van school veranderd"
                yield Occurrence(
                    code=self.code, child_id=child, at=ev.on, key=f"{kind}:{ev.pk}:{child}",
                    recipients=sorted(ctx.facts.involved_on(child, ev.on)),
                    text=(f"Dit kind is binnen {months} maanden {len(window)} keer {what}. Zorg "
                          f"dat het dossier het kind volgt (school, huisarts, gemeente). Een "
                          f"vraag aan de professionals, geen oordeel over het gezin."),
                    evidence=[e.event_id for e in window if e.event_id],
                    facts=[f"{e.on}: {e.kind}" for e in window],
                )


@register
class R3FactorWithoutOwner(Rule):
    code = "R3"
    improvement_point = "2.4"
    title = "Risicofactor zonder eigenaar"
    defaults = {"days": 14}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        assessments = Assessment.objects.filter(on__lte=ctx.as_of).order_by("child_id", "at", "id")
        if ctx.scope is not None:
            assessments = assessments.filter(child_id__in=ctx.scope)
        by_child: dict[int, list[Assessment]] = defaultdict(list)
        for a in assessments:
            by_child[a.child_id].append(a)
        for child, items in by_child.items():
            n = self.days(ctx, child=child)
            for i, a in enumerate(items):
                next_on = items[i + 1].on if i + 1 < len(items) else None
                factors = list(AssessmentFactor.objects.filter(assessment=a))
                yield from self._unaccepted(ctx, n, a, factors, next_on)
                yield from self._abandoned(ctx, a, factors, next_on)

    def _unaccepted(self, ctx, n, a, factors, next_on):
        until = day_after(a.on, n)
        if next_on is not None and next_on <= until:
            return  # no longer the latest assessment when the deadline passed
        if not ctx.facts.at_risk(a.child_id, a.on):
            return
        for f in factors:
            if f.owner_id == a.organisation_id:
                continue
            accepted = FactorOwnership.objects.filter(
                child_id=a.child_id, code=f.code, organisation_id=f.owner_id, at__gte=a.at,
                on__lte=until).exists()
            if accepted:
                continue
            yield Occurrence(
                code=self.code, child_id=a.child_id, at=day_after(until, 1),
                key=f"unaccepted:{a.pk}:{f.code}",
                text=(f"De risicofactor '{f.code}' heeft een eigenaar die hem niet binnen {n} "
                      f"dagen heeft geaccepteerd."),
                recipients=[f.owner_id, a.organisation_id],
                evidence=[a.event_id] if a.event_id else [],
                facts=[f"{a.on}: factor {f.code} toegewezen"],
            )

    def _abandoned(self, ctx, a, factors, next_on):
        codes = {f.code for f in factors}
        if not codes:
            return
        ends = InvolvementEnd.objects.filter(person_id=a.child_id, at__gte=a.at, on__lte=ctx.as_of)
        if next_on is not None:
            ends = ends.filter(on__lt=next_on)
        for end in ends:
            owned = set(FactorOwnership.objects.filter(
                child_id=a.child_id, organisation_id=end.organisation_id, code__in=codes,
                at__lte=end.at).exclude(ended_on__lt=end.on).values_list("code", flat=True))
            answerable = set()
            for h in Handover.objects.filter(child_id=a.child_id, sender_id=end.organisation_id,
                                             accepted_on__isnull=False, at__lte=end.at):
                if h.confirmed_at and h.confirmed_at <= end.at:
                    continue
                answerable |= set(h.factors.filter(accepted=True, code__in=codes)
                                  .values_list("code", flat=True))
            confirmed = set()
            for h in Handover.objects.filter(child_id=a.child_id, sender_id=end.organisation_id,
                                             confirmed_at__lte=end.at):
                confirmed |= set(h.factors.filter(accepted=True).values_list("code", flat=True))
            lost = (owned - confirmed) | answerable
            for code in sorted(lost):
                if not ctx.facts.at_risk(a.child_id, end.on):
                    continue
                yield Occurrence(
                    code=self.code, child_id=a.child_id, at=end.on,
                    key=f"abandoned:{end.pk}:{code}",
                    text=(f"De eigenaar van risicofactor '{code}' beëindigde de betrokkenheid "
                          f"zonder bevestigde overdracht van die factor."),
                    recipients=[end.organisation_id],
                    evidence=[e for e in (a.event_id, end.event_id) if e],
                    facts=[f"{end.on}: betrokkenheid beëindigd"],
                )
