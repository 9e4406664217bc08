"""2.4 Re-assessment at every change — R1 to R3: re-assess after a life event, keep the record
following a family that moves, and give every risk factor an owner who accepted it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from kindzicht.continuity.models import Handover, HandoverFactor, InvolvementEnd
from kindzicht.people.family import _years_before
from kindzicht.people.models import HouseholdMembership, Person
from kindzicht.safety.models import Assessment, AssessmentFactor, FactorOwnership, LifeEvent

from .engine import Context, Occurrence, Rule, day_after, register
from .facts import _chunks, records

R1_EVENTS = ["moved", "new_partner", "partner_left", "job_loss", "mental_health_admission",
             "mental_health_treatment", "addiction", "birth", "detention_release", "eviction",
             "separation"]


def _scoped(ctx: Context, events):
    """An incremental sweep reads only the life events of the scoped families."""
    if ctx.scope is None:
        return events
    return events.filter(Q(person_id__any=ctx.scope_people)
                         | Q(household_id__any=ctx.scope_households))


@register
class R1NoReassessment(Rule):
    code = "R1"
    improvement_point = "2.4"
    title = "Geen herbeoordeling na een verandering"
    defaults = {"days": 14}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        events = list(_scoped(ctx, LifeEvent.objects.filter(kind__in=R1_EVENTS,
                                                             on__lte=ctx.as_of)).order_by("id"))
        if not events:
            return
        # Families and assessments read once, in memory (issue 3): everyone for a full sweep,
        # the events' people and their neighbourhood for an incremental one.
        if ctx.scope is None:
            graph = ctx.facts.family_graph
            assessments = Assessment.objects.all()
        else:
            people = {ev.person_id for ev in events if ev.person_id} | set(
                HouseholdMembership.objects.filter(
                    household_id__any={ev.household_id for ev in events if ev.household_id})
                .values_list("person_id", flat=True))
            graph = ctx.facts.graph_around(people)
            assessments = Assessment.objects.filter(child_id__any=ctx.scope)
        assessed: dict[int, list[date]] = defaultdict(list)
        for child, on in assessments.values_list("child_id", "on"):
            assessed[child].append(on)

        def concerned(ev):
            people = ([ev.person_id] if ev.person_id
                      else graph.members_on(ev.household_id, ev.on))
            return graph.children_in_family_of(people, ev.on)

        def reassessed(child, start, until):
            return any(start <= on <= until for on in assessed.get(child, ()))

        for ev in events:
            for child in sorted(concerned(ev)):
                if not ctx.in_scope(child) or not ctx.facts.at_risk(child, ev.on):
                    continue
                n = self.days(ctx, child=child)
                until = day_after(ev.on, n)
                if reassessed(child, ev.on, until):
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
        events = list(_scoped(ctx, LifeEvent.objects.filter(
            kind__in=["moved", "school_change"], on__lte=ctx.as_of)).order_by("at", "id"))
        # the moving households' members and their birth dates, once (not per event)
        members: dict[int, list[tuple]] = defaultdict(list)
        for chunk in _chunks({ev.household_id for ev in events
                              if ev.kind == "moved" and ev.household_id}):
            for row in HouseholdMembership.objects.filter(household_id__any=chunk).order_by(
                    "pk").values_list("household_id", "person_id", "joined_on", "left_on",
                                      "person__birth_date"):
                members[row[0]].append(row[1:])
        births = {}
        for chunk in _chunks({ev.person_id for ev in events
                              if ev.kind == "moved" and ev.person_id}):
            births.update(Person.objects.filter(pk__any=chunk).values_list("pk", "birth_date"))
        for ev in events:
            if ev.kind == "school_change":
                if ev.person_id:
                    per_child[(ev.person_id, ev.kind)].append(ev)
                continue
            born_after = _years_before(ev.on, 18)
            people = ([(ev.person_id, None, None, births[ev.person_id])] if ev.person_id
                      else members.get(ev.household_id, ()))
            for pid, joined, left, birth in people:
                if (joined is None or joined <= ev.on) and (left is None or left > ev.on) \
                        and birth > born_after:
                    per_child[(pid, ev.kind)].append(ev)
        ctx.facts.prefetch_involvement(c for c, _k in per_child if ctx.in_scope(c))
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


@dataclass
class _R3Reads:
    """What one R3 evaluation read in bulk, keyed for its loop."""

    factors: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    owned: dict[int, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    ends: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    handovers: dict[tuple[int, int], list[tuple]] = field(
        default_factory=lambda: defaultdict(list))
    accepted_codes: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))


@register
class R3FactorWithoutOwner(Rule):
    code = "R3"
    improvement_point = "2.4"
    title = "Risicofactor zonder eigenaar"
    defaults = {"days": 14}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        # Set-based: six bulk reads per sweep (assessments, their factors, accepted
        # ownerships, ended involvements, handovers and their factors), then pure Python —
        # the per-assessment queries made the sweep grow with the population (issue 3).
        assessments = Assessment.objects.filter(on__lte=ctx.as_of).order_by("child_id", "at", "id")
        if ctx.scope is not None:
            assessments = assessments.filter(child_id__any=ctx.scope)
        by_child: dict[int, list] = defaultdict(list)
        for a in records(assessments, "pk", "child_id", "on", "at", "organisation_id",
                         "event_id"):
            by_child[a.child_id].append(a)
        if not by_child:
            return
        read = self._load(ctx)
        for child, items in by_child.items():
            n = self.days(ctx, child=child)
            for i, a in enumerate(items):
                next_on = items[i + 1].on if i + 1 < len(items) else None
                factors = read.factors.get(a.pk, [])
                yield from self._unaccepted(ctx, read, n, a, factors, next_on)
                yield from self._abandoned(ctx, read, a, factors, next_on)

    @staticmethod
    def _load(ctx: Context) -> _R3Reads:
        """The facts R3 reads, for every child in the sweep, keyed for the loop — in a value
        of this evaluation, not on the rule object the whole process shares."""
        read = _R3Reads()

        def scoped(qs, field):
            return qs if ctx.scope is None else qs.filter(**{f"{field}__any": ctx.scope})

        for f in records(scoped(AssessmentFactor.objects.filter(assessment__on__lte=ctx.as_of),
                                "assessment__child_id").order_by("id"),
                         "assessment_id", "code", "owner_id"):
            read.factors[f.assessment_id].append(f)
        for row in scoped(FactorOwnership.objects.all(), "child_id").order_by("id").values_list(
                "child_id", "code", "organisation_id", "at", "on", "ended_on"):
            read.owned[row[0]].append(row[1:])
        for end in records(scoped(InvolvementEnd.objects.filter(on__lte=ctx.as_of),
                                  "person_id").order_by("id"),
                           "pk", "person_id", "organisation_id", "at", "on", "event_id"):
            read.ends[end.person_id].append(end)
        handovers = scoped(Handover.objects.all(), "child_id").order_by("id")
        for pk, child, sender, accepted_on, at, confirmed_at in handovers.values_list(
                "pk", "child_id", "sender_id", "accepted_on", "at", "confirmed_at"):
            read.handovers[(child, sender)].append((pk, accepted_on, at, confirmed_at))
        for hid, code in HandoverFactor.objects.filter(
                handover__in=handovers, accepted=True).values_list("handover_id", "code"):
            read.accepted_codes[hid].add(code)
        return read

    def _unaccepted(self, ctx, read, n, a, factors, next_on):
        until = day_after(a.on, n)
        if next_on is not None and next_on <= until:
            return  # no longer the latest assessment when the deadline passed
        if not ctx.facts.at_risk(a.child_id, a.on):
            return
        for f in factors:
            if f.owner_id == a.organisation_id:
                continue
            accepted = any(code == f.code and org == f.owner_id and at >= a.at and on <= until
                           for code, org, at, on, _ended in read.owned.get(a.child_id, ()))
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

    def _abandoned(self, ctx, read, a, factors, next_on):
        codes = {f.code for f in factors}
        if not codes:
            return
        ends = [e for e in read.ends.get(a.child_id, ())
                if e.at >= a.at and (next_on is None or e.on < next_on)]
        for end in ends:
            org = end.organisation_id
            owned = {code for code, o, at, _on, ended in read.owned.get(a.child_id, ())
                     if o == org and code in codes and at <= end.at
                     and not (ended is not None and ended < end.on)}
            answerable: set[str] = set()
            confirmed: set[str] = set()
            for pk, accepted_on, at, confirmed_at in read.handovers.get((a.child_id, org), ()):
                accepted = read.accepted_codes.get(pk, set())
                if accepted_on is not None and at <= end.at and not (
                        confirmed_at and confirmed_at <= end.at):
                    answerable |= accepted & codes
                if confirmed_at is not None and confirmed_at <= end.at:
                    confirmed |= accepted
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
