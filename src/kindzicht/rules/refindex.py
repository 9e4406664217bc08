"""2.2 The reference index — V1 and V2: register the signal, and let someone coordinate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import F, Q

from kindzicht.continuity.models import ResponsibilityTaking
from kindzicht.index.models import Match, Signal
from kindzicht.meldcode.models import Concern
from kindzicht.safety.models import Assessment

from .engine import Context, Occurrence, Rule, day_after, register


@register
class V1SignalNotRegistered(Rule):
    code = "V1"
    improvement_point = "2.2"
    title = "Signaal niet geregistreerd"
    defaults = {"days": 14}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        triggers = []
        concerns = Concern.objects.filter(on__lte=ctx.as_of).filter(
            Q(decided_on__isnull=True) | Q(decided_on__gt=F("on")))
        assessments = Assessment.objects.filter(on__lte=ctx.as_of,
                                                risk__in=["moderate", "high", "very_high"])
        if ctx.scope is not None:
            concerns = concerns.filter(child_id__any=ctx.scope)
            assessments = assessments.filter(child_id__any=ctx.scope)
        # rows, not model instances (issue 3)
        fields = ("pk", "child_id", "organisation_id", "on", "event_id")
        triggers += [("concern", *row) for row in concerns.values_list(*fields)]
        triggers += [("assessment", *row) for row in assessments.values_list(*fields)]
        if not triggers:
            return
        signals = defaultdict(list)
        for s in Signal.objects.filter(person_id__any={t[2] for t in triggers}).values_list(
                "person_id", "organisation_id", "on", "ended_on"):
            signals[(s[0], s[1])].append((s[2], s[3]))
        for kind, pk, child, org, t, event in triggers:
            if not ctx.facts.at_risk(child, t):
                continue
            n = self.days(ctx, child=child)
            until = day_after(t, n)
            if any(start <= until and (end is None or end >= t)
                   for start, end in signals.get((child, org), ())):
                continue
            what = "een zorg" if kind == "concern" else "een risico-inschatting (matig of hoger)"
            yield Occurrence(
                code=self.code, child_id=child, at=day_after(until, 1), key=f"{kind}:{pk}",
                text=(f"De organisatie legde op {t:%d-%m-%Y} {what} vast, maar registreerde "
                      f"binnen {n} dagen geen signaal in de verwijsindex."),
                recipients=[org], evidence=[event] if event else [],
                facts=[f"{t}: {kind}"],
            )


@register
class V2MatchWithoutCoordinator(Rule):
    code = "V2"
    improvement_point = "2.2"
    title = "Match zonder regie"
    defaults = {"days": 14}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        rows = Match.objects.filter(on__lte=ctx.as_of).order_by("child_id", "level", "on", "id")
        if ctx.scope is not None:
            rows = rows.filter(child_id__any=ctx.scope)
        episodes: list[tuple[int, str, object, object, list[Match]]] = []
        for m in rows:
            last = episodes[-1] if episodes else None
            if last and last[0] == m.child_id and last[1] == m.level and (
                    last[3] is None or last[3] >= m.on):
                episodes[-1] = (last[0], last[1], last[2], m.ended_on, last[4] + [m])
            else:
                episodes.append((m.child_id, m.level, m.on, m.ended_on, [m]))
        takings = defaultdict(list)
        qs = ResponsibilityTaking.objects.filter(basis="coordination")
        if ctx.scope is not None:
            qs = qs.filter(child_id__any=ctx.scope)
        for child, on in qs.values_list("child_id", "on"):
            takings[child].append(on)
        for child, level, start, end, members in episodes:
            n = self.days(ctx, child=child)
            fires = day_after(start, n)
            if end is not None and end <= fires:
                continue
            if not ctx.facts.at_risk(child, fires):
                continue
            coordinated = any(on <= fires for on in takings.get(child, ())) or \
                ctx.facts.plan_covers_by(child, fires)
            if coordinated:
                continue
            orgs = sorted({o for m in members for o in m.organisation_ids})
            yield Occurrence(
                code=self.code, child_id=child, at=fires, key=f"match:{level}:{child}:{start}",
                text=(f"Er is sinds {start:%d-%m-%Y} een match ({'kind' if level == 'child' else 'gezin'}"
                      f"sniveau) en na {n} dagen heeft geen organisatie de regie genomen."),
                recipients=[m for m in [members[-1].proposed_coordinator_id] if m] or orgs,
                evidence=[], facts=[f"{start}: match op {level}niveau"],
            )
