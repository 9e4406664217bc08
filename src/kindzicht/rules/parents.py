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
from kindzicht.people.family import _years_before
from kindzicht.people.models import HouseholdMembership
from kindzicht.people.sectors import ADULT_SECTORS
from kindzicht.plans.models import Cooperation, FamilyPlan, Goal, GoalUpdate, Share

from .engine import Context, Occurrence, Rule, day_after, register
from .facts import _chunks, covers


@register
class P1ParentsProblemsHidden(Rule):
    code = "P1"
    improvement_point = "2.1"
    title = "Problemen van ouders blijven verborgen"
    defaults = {"days": 30}
    needs_open_risk = False

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        """Set-based (issue 3): involvement, signals, shares, households and families are read
        in bulk once per evaluation; the rule's logic then runs over those tuples in memory,
        in the same order and with the same answers as the rule read per adult-service pair."""
        adult_orgs = [o for o, s in ctx.facts.sector.items() if s in ADULT_SECTORS]
        if not adult_orgs:
            return
        from kindzicht.continuity.models import Involvement

        involvements = Involvement.objects.filter(organisation_id__any=adult_orgs,
                                                  on__lte=ctx.as_of)
        signals = Signal.objects.filter(organisation_id__any=adult_orgs)
        if ctx.scope_people is not None:
            involvements = involvements.filter(person_id__any=ctx.scope_people)
            signals = signals.filter(person_id__any=ctx.scope_people)
        pairs = set(involvements.values_list("organisation_id", "person_id"))
        signalled: dict[tuple[int, int], list[tuple[date, date | None]]] = defaultdict(list)
        for org, person, on, ended in signals.values_list("organisation_id", "person_id", "on",
                                                          "ended_on"):
            signalled[(org, person)].append((on, ended))
            if on <= ctx.as_of:
                pairs.add((org, person))
        if not pairs:
            return
        adults = {adult for _org, adult in pairs}
        inv = ctx.facts.involvement(list(adults))  # one batch, not five queries per adult
        graph = ctx.facts.graph_around(adults)
        joined: dict[int, set[date]] = defaultdict(set)
        for person, on in HouseholdMembership.objects.filter(
                person_id__any=adults, joined_on__isnull=False).values_list("person_id",
                                                                           "joined_on"):
            joined[person].add(on)
        # First the (service, adult, interval, child) candidates, in the rule's order …
        candidates: list[tuple[int, int, tuple, int]] = []
        for org, adult in sorted(pairs):
            for start, end in inv[adult].get(org, []):
                if _is_child_on(graph, adult, start):
                    continue
                days = {start, min(end, ctx.as_of) if end else ctx.as_of}
                days |= joined.get(adult, set())
                kids: set[int] = set()
                for d in days:
                    if d >= start and (end is None or d < end or d == start):
                        kids |= graph.children_in_family_of([adult], d) - {adult}
                candidates += [(org, adult, (start, end), child) for child in sorted(kids)]
        # … then what the checks read, for all of them at once …
        kids = {child for *_rest, child in candidates}
        ctx.facts.prefetch_involvement(kids)
        ctx.prefetch_regions(kids)
        shares: dict[tuple[int, int], list[tuple[date, int]]] = defaultdict(list)
        for chunk in _chunks(adults | kids):
            for org, person, on, to in Share.objects.filter(
                    from_organisation_id__any=adult_orgs, person_id__any=chunk).values_list(
                    "from_organisation_id", "person_id", "on", "to_organisation_id"):
                shares[(org, person)].append((on, to))
        seen: set[tuple[int, int, int]] = set()
        for org, adult, adult_iv, child in candidates:
            if (org, adult, child) in seen:
                continue
            yield from self._check(ctx, graph, self.days(ctx, child=child), org, adult, child,
                                   adult_iv, seen, signalled, shares)

    def _check(self, ctx, graph, n, org, adult, child, adult_iv, seen, signals, shares):
        child_orgs = ctx.facts.involvement([child])[child]
        both_since: date | None = None
        for other, ivs in child_orgs.items():
            if other == org:
                continue
            for s, e in ivs:
                t = max(s, adult_iv[0])
                if covers(adult_iv, t) and covers((s, e), t) and t <= ctx.as_of and \
                        adult in graph.family(child, t) and _is_child_on(graph, child, t):
                    both_since = t if both_since is None else min(both_since, t)
        if both_since is None:
            return
        t = both_since
        until = day_after(t, n)
        if any(on <= until and not (ended is not None and ended < t)
               for on, ended in signals.get((org, adult), ())):
            return
        for person in (adult, child):
            for on, to in shares.get((org, person), ()):
                if adult_iv[0] <= on <= until and (
                        to in ctx.facts.involved_on(child, on)
                        or to in ctx.facts.involved_between([child], on, until)):
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


def _is_child_on(graph, person: int, day: date) -> bool:
    birth = graph.birth.get(person)
    return birth is not None and birth > _years_before(day, 18)


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
            qs = qs.filter(child_id__any=ctx.scope)
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
        """Set-based (issue 3): goals, their updates, the households' children and every kind
        of follow-up are read in bulk once per evaluation (a few queries, whatever the number
        of goals); the rule's logic runs over those tuples in memory."""
        plans = FamilyPlan.objects.all()
        if ctx.scope is not None:
            plans = plans.filter(Q(child_id__any=ctx.scope)
                                 | Q(household_id__any=ctx.scope_households))
        fields = ("pk", "child_id", "household_id", "coordinator_id")
        plan_of = {pk: rest for pk, *rest in plans.values_list(*fields)}
        if ctx.scope is not None:  # a new goal in another plan of the household follows up too
            households = {h for _c, h, _o in plan_of.values() if h}
            plan_of.update({pk: rest for pk, *rest in FamilyPlan.objects.filter(
                household_id__any=households).exclude(pk__any=list(plan_of)).values_list(*fields)})
        # every goal of these plans (a later one may be the follow-up of an earlier one)
        goals: list[tuple] = []
        for chunk in _chunks(plan_of):
            goals += Goal.objects.filter(plan_id__any=chunk).values_list(
                "pk", "plan_id", "on", "due", "original_due", "event_id", "text")
        goals.sort()
        # goal -> (pk, on, status, new_due, event) of its updates by then, in recorded order
        updates: dict[int, list[tuple]] = defaultdict(list)
        postponed: dict[int, list[date]] = defaultdict(list)  # (a follow-up: any day)
        rows: list[tuple] = []
        for chunk in _chunks(g[0] for g in goals if g[2] <= ctx.as_of):
            rows += GoalUpdate.objects.filter(goal_id__any=chunk).values_list(
                "at", "pk", "goal_id", "on", "status", "new_due", "event_id")
        for _at, pk, goal, on, status, new_due, event in sorted(rows):
            if status == "postponed":
                postponed[goal].append(on)
            if on <= ctx.as_of:
                updates[goal].append((pk, on, status, new_due, event))
        members = self._members({h for _c, h, _o in plan_of.values() if h})
        followed = _FollowUps(
            None if ctx.scope is None else set(ctx.scope),
            {h for _c, h, _o in plan_of.values() if h}, postponed)
        for pk, plan, on, due, original_due, goal_event, text in goals:
            if on > ctx.as_of:
                continue
            child_of_plan, household, coordinator = plan_of[plan]
            ups = updates.get(pk, [])
            moments: list[tuple[date, str, int | None]] = [
                (u_on, "missed", event) for _u, u_on, status, _d, event in ups
                if status == "missed"]
            # each due date in force (the first, then every postponement's new date) that
            # passed without any status
            dues = [(original_due or due, on, None)] + [
                (new_due, u_on, u) for u, u_on, status, new_due, _e in ups
                if status == "postponed" and new_due]
            for d, since, creator in dues:
                status_given = any(u != creator and since <= u_on <= d
                                   for u, u_on, *_rest in ups)
                if not status_given:  # overdue, or (pending) will be if nothing happens
                    moments.append((day_after(d, 1), "overdue", goal_event))
            for t, why, event in moments:
                if child_of_plan:
                    children = [child_of_plan]
                else:
                    born_after = _years_before(t, 18)
                    children = [p for p, birth in members.get(household, ()) if birth > born_after]
                for child in children:
                    if ctx.scope is not None and child not in ctx.scope:
                        continue
                    n = self.days(ctx, child=child)
                    until = day_after(t, n)
                    if not ctx.facts.at_risk(child, t) or followed(pk, household, child, t,
                                                                   until):
                        continue
                    state = "niet behaald" if why == "missed" else "over de datum"
                    yield Occurrence(
                        code=self.code, child_id=child, at=day_after(until, 1),
                        key=f"goal:{pk}:{t}",
                        text=(f"Een doel uit het gezinsplan is {state} ({t:%d-%m-%Y}) en binnen "
                              f"{n} dagen volgde geen vervolg."),
                        recipients=[coordinator], evidence=[event] if event else [],
                        facts=[f"doel: {text}", f"{t}: {why}"],
                    )

    @staticmethod
    def _children(plan, day) -> list[int]:
        """The children a plan covers on ``day``: its child, or the household's under-18s."""
        if plan.child_id:
            return [plan.child_id]
        born_after = _years_before(day, 18)
        return [p for p, birth in P3PlanDrifts._members({plan.household_id}).get(
            plan.household_id, ()) if birth > born_after]

    @staticmethod
    def _followed_up(goal, child, start, until) -> bool:
        """Is a follow-up of ``goal`` on record for ``child`` between ``start`` and
        ``until``? The same test as the rule's, for one goal."""
        household = goal.plan.household_id
        postponed = {goal.pk: list(GoalUpdate.objects.filter(
            goal=goal, status="postponed").values_list("on", flat=True))}
        return _FollowUps({child}, {household} if household else set(), postponed)(
            goal.pk, household, child, start, until)

    @staticmethod
    def _members(households: set[int]) -> dict[int, list[tuple[int, date]]]:
        """household -> (person, birth date) of everyone ever a member, by person id."""
        out: dict[int, list[tuple[int, date]]] = defaultdict(list)
        for chunk in _chunks(households):
            for household, person, birth in HouseholdMembership.objects.filter(
                    household_id__any=chunk).values_list("household_id", "person_id",
                                                        "person__birth_date"):
                out[household].append((person, birth))
        return {h: sorted(set(ms)) for h, ms in out.items()}


def goals_followed_up(moments: list[tuple[Goal, date]], day: date) -> set[tuple[int, date]]:
    """Which (goal, moment) pairs have a follow-up on record for one of the plan's children
    between the moment and ``day`` — P3's test for many goals in a few queries (the
    watchdog's follow-up tasks open and close on it). ``goal.plan`` should be selected."""
    households = {g.plan.household_id for g, _m in moments if not g.plan.child_id}
    members = P3PlanDrifts._members(households)
    children: dict[tuple[int, date], list[int]] = {}
    for g, moment in moments:
        if g.plan.child_id:
            children[(g.pk, moment)] = [g.plan.child_id]
        else:
            born_after = _years_before(moment, 18)
            children[(g.pk, moment)] = [p for p, birth in members.get(g.plan.household_id, ())
                                        if birth > born_after]
    postponed: dict[int, list[date]] = defaultdict(list)
    for chunk in _chunks({g.pk for g, _m in moments}):
        for goal, on in GoalUpdate.objects.filter(goal_id__any=chunk, status="postponed") \
                .values_list("goal_id", "on"):
            postponed[goal].append(on)
    followed = _FollowUps({c for cs in children.values() for c in cs},
                          {g.plan.household_id for g, _m in moments if g.plan.household_id},
                          postponed)
    return {(g.pk, m) for g, m in moments
            if any(followed(g.pk, g.plan.household_id, child, m, day)
                   for child in children[(g.pk, m)])}


class _FollowUps:
    """P3's follow-up on record between a goal's moment and its deadline: a postponement, a
    new goal in the child's or the household's plan, a request, a report, a confirmed
    handover or responsibility taken — read once for every child concerned (``children``
    None: every child). The watchdog's follow-up tasks ask the same question of one goal
    (:meth:`P3PlanDrifts._followed_up`), so the task and the finding never disagree."""

    def __init__(self, children: set[int] | None, households: set[int],
                 postponed: dict[int, list[date]]):
        self.postponed = postponed
        self.by_child: dict[int, list[tuple[date, int]]] = defaultdict(list)
        self.by_household: dict[int, list[tuple[date, int]]] = defaultdict(list)
        self.other: dict[int, list[date]] = defaultdict(list)
        fields = ("on", "pk", "plan__child_id", "plan__household_id")
        if children is None:
            goals = list(Goal.objects.values_list(*fields))
        else:
            goals = []
            for chunk in _chunks(children):
                goals += Goal.objects.filter(plan__child_id__any=chunk).values_list(*fields)
            for chunk in _chunks(households):
                goals += Goal.objects.filter(plan__household_id__any=chunk).values_list(*fields)
        for on, pk, child, household in set(goals):
            if child:
                self.by_child[child].append((on, pk))
            if household:
                self.by_household[household].append((on, pk))
        for model, field, extra in (
                (Request, "on", {}), (Report, "on", {}),
                (Handover, "confirmed_on", {"confirmed_on__isnull": False}),
                (ResponsibilityPeriod, "on", {"organisation__isnull": False,
                                              "how__in": ["taken", "handover", "transfer"]})):
            qs = model.objects.filter(**extra)
            for chunk in ([None] if children is None else _chunks(children)):
                rows = qs if chunk is None else qs.filter(child_id__any=chunk)
                for child, on in rows.values_list("child_id", field):
                    self.other[child].append(on)

    def __call__(self, goal: int, household: int | None, child: int, start: date,
                 until: date) -> bool:
        def within(day):
            return start <= day <= until

        return (any(within(on) for on in self.postponed.get(goal, ()))
                or any(within(on) and pk != goal for on, pk in self.by_child.get(child, ()))
                or (household is not None and any(
                    within(on) and pk != goal for on, pk in self.by_household.get(household, ())))
                or any(within(on) for on in self.other.get(child, ())))


@register
class P4NoFamilyPlan(Rule):
    code = "P4"
    improvement_point = "2.1"
    title = "Geen gezinsplan"
    defaults = {"days": 30, "organisations": 2}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        ctx.facts.prefetch_involvement(ctx.facts.risk)  # one batch for every child at risk
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
        if ctx.facts.plan_covers_by(child, fires):
            return
        orgs = sorted(o for o, ivs in ctx.facts.involvement([child])[child].items()
                      if any(covers(iv, start) for iv in ivs))
        yield Occurrence(
            code=self.code, child_id=child, at=fires, key=f"noplan:{child}:{start}",
            text=(f"Sinds {start:%d-%m-%Y} zijn meerdere organisaties betrokken bij dit kind met "
                  f"een open risico, en na {n} dagen is er geen gezinsplan."),
            recipients=orgs, evidence=[], facts=[f"{start}: {len(orgs)} organisaties betrokken"],
        )
