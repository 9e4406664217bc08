"""2.1 The role of parents — P1 to P4: parents' problems in sight, help not steered by the
parent, plans that escalate instead of drifting, and one plan when several organisations work
with a child. P2 is a prompt to the professionals, never a label on the parent."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.db.models import Q

from kindzicht.continuity.models import Handover, Request, ResponsibilityPeriod
from kindzicht.index.models import Signal
from kindzicht.meldcode.models import Report
from kindzicht.people.family import children_in_family_of
from kindzicht.people.models import HouseholdMembership, Person
from kindzicht.people.sectors import ADULT_SECTORS
from kindzicht.plans.models import Cooperation, Goal, GoalUpdate, Share

from .engine import Context, Occurrence, Rule, day_after, register
from .facts import covers
from .plans_cover import plan_covers_by


@register
class P1ParentsProblemsHidden(Rule):
    code = "P1"
    improvement_point = "2.1"
    title = "Problemen van ouders blijven verborgen"
    defaults = {"days": 30}
    needs_open_risk = False

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        adult_orgs = [o for o, s in ctx.facts.sector.items() if s in ADULT_SECTORS]
        if not adult_orgs:
            return
        from kindzicht.continuity.models import Involvement

        involvements = Involvement.objects.filter(organisation_id__in=adult_orgs,
                                                  on__lte=ctx.as_of)
        signals = Signal.objects.filter(organisation_id__in=adult_orgs, on__lte=ctx.as_of)
        if ctx.scope_people is not None:
            involvements = involvements.filter(person_id__in=ctx.scope_people)
            signals = signals.filter(person_id__in=ctx.scope_people)
        pairs = set(involvements.values_list("organisation_id", "person_id"))
        pairs |= set(signals.values_list("organisation_id", "person_id"))
        seen: set[tuple[int, int, int]] = set()
        adults = {adult for _org, adult in pairs}
        inv = ctx.facts.involvement(list(adults))  # one batch, not five queries per adult
        joined: dict[int, set[date]] = defaultdict(set)
        for person, on in HouseholdMembership.objects.filter(
                person_id__in=adults, joined_on__isnull=False).values_list("person_id",
                                                                           "joined_on"):
            joined[person].add(on)
        for org, adult in sorted(pairs):
            intervals = inv[adult].get(org, [])
            for start, end in intervals:
                if ctx.facts.is_child_on(adult, start):
                    continue
                days = {start, min(end, ctx.as_of) if end else ctx.as_of}
                days |= joined.get(adult, set())
                kids: set[int] = set()
                for d in days:
                    if d >= start and (end is None or d < end or d == start):
                        kids |= children_in_family_of([adult], d) - {adult}
                for child in sorted(kids):
                    if (org, adult, child) in seen:
                        continue
                    yield from self._check(ctx, self.days(ctx, child=child), org, adult,
                                           child, (start, end), seen)

    def _check(self, ctx, n, org, adult, child, adult_iv, seen):
        child_orgs = ctx.facts.involvement([child])[child]
        both_since: date | None = None
        for other, ivs in child_orgs.items():
            if other == org:
                continue
            for s, e in ivs:
                t = max(s, adult_iv[0])
                if covers(adult_iv, t) and covers((s, e), t) and t <= ctx.as_of and \
                        adult in ctx.facts.family(child, t) and ctx.facts.is_child_on(child, t):
                    both_since = t if both_since is None else min(both_since, t)
        if both_since is None:
            return
        t = both_since
        until = day_after(t, n)
        signalled = Signal.objects.filter(organisation_id=org, person_id=adult, on__lte=until) \
            .exclude(ended_on__lt=t).exists()
        shared = False
        for s in Share.objects.filter(from_organisation_id=org, person_id__in=[adult, child],
                                      on__gte=adult_iv[0], on__lte=until):
            if s.to_organisation_id in ctx.facts.involved_on(child, s.on) or \
                    s.to_organisation_id in ctx.facts.involved_between([child], s.on, until):
                shared = True
        if signalled or shared:
            return
        seen.add((org, adult, child))
        yield Occurrence(
            code=self.code, child_id=child, at=day_after(until, 1),
            key=f"adult:{org}:{adult}:{t}",
            text=(f"Een organisatie voor volwassenen is betrokken bij een gezinslid terwijl een "
                  f"andere organisatie met het kind werkt; binnen {n} dagen registreerde zij geen "
                  f"signaal op die volwassene en deelde zij niets met wie bij het kind "
                  f"betrokken is."),
            recipients=[org], evidence=[], facts=[f"{t}: beide betrokken"],
        )


@register
class P2ParentSteersHelp(Rule):
    code = "P2"
    improvement_point = "2.1"
    title = "Ouder stuurt de hulp"
    defaults = {"days": 180, "count": 2}
    needs_open_risk = False

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        qs = Cooperation.objects.filter(kind="parent_declines", on__lte=ctx.as_of).order_by(
            "child_id", "at", "id")
        if ctx.scope is not None:
            qs = qs.filter(child_id__in=ctx.scope)
        by_child: dict[int, list[Cooperation]] = defaultdict(list)
        for c in qs:
            by_child[c.child_id].append(c)
        for child, declines in by_child.items():
            window, count = self.days(ctx, child=child), self.days(ctx, "count", child=child)
            for i, c in enumerate(declines):
                recent = [d for d in declines[: i + 1] if (c.on - d.on).days <= window]
                if len(recent) < count:
                    continue
                yield Occurrence(
                    code=self.code, child_id=child, at=c.on, key=f"decline:{c.pk}",
                    text=(f"Een ouder heeft binnen {window} dagen {len(recent)} keer aangeboden "
                          f"hulp geweigerd of uitgesteld. Vraag u af: stuurt de ouder de hulp, "
                          f"of de veiligheid van het kind? (Een vraag aan de professionals, "
                          f"geen oordeel over de ouder.)"),
                    recipients=sorted({d.organisation_id for d in recent}),
                    evidence=[d.event_id for d in recent if d.event_id],
                    facts=[f"{d.on}: hulp geweigerd/uitgesteld: {d.help}" for d in recent],
                )


@register
class P3PlanDrifts(Rule):
    code = "P3"
    improvement_point = "2.1"
    title = "Plan zonder doorpakken"
    defaults = {"days": 14}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        goals = Goal.objects.filter(on__lte=ctx.as_of).select_related("plan")
        if ctx.scope is not None:
            goals = goals.filter(Q(plan__child_id__in=ctx.scope)
                                 | Q(plan__household_id__in=ctx.scope_households))
        goals = list(goals)
        all_updates: dict[int, list[GoalUpdate]] = defaultdict(list)
        for u in GoalUpdate.objects.filter(goal_id__in=[g.pk for g in goals],
                                           on__lte=ctx.as_of).order_by("at", "id"):
            all_updates[u.goal_id].append(u)
        for g in goals:
            updates = all_updates.get(g.pk, [])
            moments: list[tuple[date, str, int | None]] = [
                (u.on, "missed", u.event_id) for u in updates if u.status == "missed"]
            # each due date in force (the first, then every postponement's new date) that
            # passed without any status
            dues = [(g.original_due or g.due, g.on, None)] + [
                (u.new_due, u.on, u.pk) for u in updates if u.status == "postponed" and u.new_due]
            for due, since, creator in dues:
                status_given = any(u.pk != creator and since <= u.on <= due for u in updates)
                if not status_given:  # overdue, or (pending) will be if nothing happens
                    moments.append((day_after(due, 1), "overdue", g.event_id))
            for t, why, event in moments:
                for child in self._children(g.plan, t):
                    if ctx.scope is not None and child not in ctx.scope:
                        continue
                    n = self.days(ctx, child=child)
                    until = day_after(t, n)
                    if not ctx.facts.at_risk(child, t) or self._followed_up(g, child, t, until):
                        continue
                    state = "niet behaald" if why == "missed" else "over de datum"
                    yield Occurrence(
                        code=self.code, child_id=child, at=day_after(until, 1),
                        key=f"goal:{g.pk}:{t}",
                        text=(f"Een doel uit het gezinsplan is {state} ({t:%d-%m-%Y}) en binnen "
                              f"{n} dagen volgde geen vervolg."),
                        recipients=[g.plan.coordinator_id], evidence=[event] if event else [],
                        facts=[f"doel: {g.text}", f"{t}: {why}"],
                    )

    @staticmethod
    def _children(plan, day):
        if plan.child_id:
            return [plan.child_id]
        members = HouseholdMembership.objects.filter(household_id=plan.household_id).values_list(
            "person_id", flat=True)
        from kindzicht.people.family import _years_before

        return list(Person.objects.filter(pk__in=list(members),
                                          birth_date__gt=_years_before(day, 18))
                    .values_list("pk", flat=True))

    @staticmethod
    def _followed_up(goal, child, start, until) -> bool:
        if GoalUpdate.objects.filter(goal=goal, status="postponed", on__gte=start,
                                     on__lte=until).exists():
            return True
        if Goal.objects.filter(plan__child_id=child, on__gte=start, on__lte=until).exclude(
                pk=goal.pk).exists() or Goal.objects.filter(
                plan__household_id=goal.plan.household_id, plan__household__isnull=False,
                on__gte=start, on__lte=until).exclude(pk=goal.pk).exists():
            return True
        if Request.objects.filter(child_id=child, on__gte=start, on__lte=until).exists():
            return True
        if Report.objects.filter(child_id=child, on__gte=start, on__lte=until).exists():
            return True
        if Handover.objects.filter(child_id=child, confirmed_on__gte=start,
                                   confirmed_on__lte=until).exists():
            return True
        return ResponsibilityPeriod.objects.filter(child_id=child, organisation__isnull=False,
                                                   how__in=["taken", "handover", "transfer"],
                                                   on__gte=start, on__lte=until).exists()


@register
class P4NoFamilyPlan(Rule):
    code = "P4"
    improvement_point = "2.1"
    title = "Geen gezinsplan"
    defaults = {"days": 30, "organisations": 2}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        ctx.facts.involvement(list(ctx.facts.risk))  # one batch for every child at risk
        for child, risk_ivs in ctx.facts.risk.items():
            n = self.days(ctx, child=child)
            needed = self.days(ctx, "organisations", child=child)
            inv = ctx.facts.involvement([child])[child]
            if len(inv) < needed:
                continue
            points = sorted({d for ivs in inv.values() for s, e in ivs for d in (s, e) if d} |
                            {d for s, e in risk_ivs for d in (s, e) if d})
            start: date | None = None
            for day in points:
                count = sum(1 for ivs in inv.values() if any(covers(iv, day) for iv in ivs))
                ok = count >= needed and ctx.facts.at_risk(child, day)
                if ok and start is None:
                    start = day
                if not ok and start is not None:
                    yield from self._episode(ctx, n, child, start, day)
                    start = None
            if start is not None:
                yield from self._episode(ctx, n, child, start, None)

    def _episode(self, ctx, n, child, start, end):
        fires = day_after(start, n)
        if end is not None and end <= fires:
            return
        if plan_covers_by(child, fires):
            return
        orgs = sorted(o for o, ivs in ctx.facts.involvement([child])[child].items()
                      if any(covers(iv, start) for iv in ivs))
        yield Occurrence(
            code=self.code, child_id=child, at=fires, key=f"noplan:{child}:{start}",
            text=(f"Sinds {start:%d-%m-%Y} zijn meerdere organisaties betrokken bij dit kind met "
                  f"een open risico, en na {n} dagen is er geen gezinsplan."),
            recipients=orgs, evidence=[], facts=[f"{start}: {len(orgs)} organisaties betrokken"],
        )
