"""2.5 Continuity of care — C1 to C5: nobody lets go until the follow-up has really started."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from kindzicht.continuity.models import (
    REJECTING_DECISIONS,
    Decision,
    Handover,
    HandoverStatus,
    InvolvementEnd,
    ResponsibilityPeriod,
    ResponsibilityTaking,
)

from .engine import Context, Occurrence, Rule, day_after, register


def _scoped(qs, ctx: Context, field: str = "child_id"):
    """Everyone's rows for a full sweep, the scoped children's for an incremental one."""
    return qs if ctx.scope is None else qs.filter(**{f"{field}__any": ctx.scope})


def _by(rows, key) -> dict:
    """Rows read once per evaluation, grouped for look-ups in memory (not a query a row)."""
    out: dict = defaultdict(list)
    for row in rows:
        out[key(row)].append(row)
    return out


def _org_names(ids) -> dict[int, str]:
    from kindzicht.people.models import Organisation

    return dict(Organisation.objects.filter(pk__any=list(ids)).values_list("pk", "name"))


@register
class C1NobodyResponsible(Rule):
    code = "C1"
    improvement_point = "2.5"
    title = "Niemand verantwoordelijk"
    defaults = {"days": 7}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        gaps = ResponsibilityPeriod.objects.filter(organisation__isnull=True, on__lte=ctx.as_of)
        if ctx.scope is not None:
            gaps = gaps.filter(child_id__any=ctx.scope)
        found = []
        for gap in gaps:
            n = self.days(ctx, child=gap.child_id)
            fires = day_after(gap.on, n)
            if gap.ended_on is not None and gap.ended_on <= fires:
                continue
            if not ctx.facts.risk_held_through(gap.child_id, gap.on, fires):
                continue
            before = [p for p in ctx.facts.responsibility.get(gap.child_id, ())
                      if p.organisation_id and p.at < gap.at]
            found.append((gap, n, fires, before[-1] if before else None))
        # names and municipalities for all gaps at once, not three queries a gap (issue 3)
        names = _org_names({last.organisation_id for *_r, last in found if last})
        municipality = ctx.facts.municipalities_on((gap.child_id, gap.on) for gap, *_r in found)
        for gap, n, fires, last in found:
            yield Occurrence(
                code=self.code, child_id=gap.child_id, at=fires, key=f"gap:{gap.pk}",
                text=(f"Dit kind loopt een open risico en heeft sinds {gap.on:%d-%m-%Y} geen "
                      f"organisatie met de veiligheidsregie ({n} dagen)."),
                recipients=[last.organisation_id] if last else [],
                municipality_code=municipality[(gap.child_id, gap.on)],
                evidence=[e for e in (gap.event_id, last.event_id if last else None) if e],
                facts=[f"{gap.on}: veiligheidsregie losgelaten"
                       + (f" door {names.get(last.organisation_id)}" if last else "")],
                resolved_on=gap.ended_on,
            )


def _pending_handovers_at(end: InvolvementEnd, handovers=None) -> list[Handover]:
    """The handovers the ending organisation had offered and not seen start by then;
    ``handovers`` (child, sender) -> handovers, read in bulk by a rule, else read here."""
    if handovers is None:
        mine = Handover.objects.filter(child_id=end.person_id, sender_id=end.organisation_id)
    else:
        mine = handovers.get((end.person_id, end.organisation_id), ())
    return [h for h in mine if h.at <= end.at
            and not (h.confirmed_at and h.confirmed_at <= end.at)
            and not (h.declined_on and h.declined_on < end.on)
            and not (h.withdrawn_on and h.withdrawn_on < end.on)
            and not (h.status in (HandoverStatus.DECLINED, HandoverStatus.WITHDRAWN)
                     and h.close_event_id and end.event_id and h.close_event_id < end.event_id)]


@register
class C2ClosedBeforeFollowUp(Rule):
    code = "C2"
    improvement_point = "2.5"
    title = "Afgesloten voordat het vervolg gestart was"

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        ends = InvolvementEnd.objects.filter(at_open_risk=True, on__lte=ctx.as_of)
        if ctx.scope is not None:
            ends = ends.filter(person_id__any=ctx.scope)
        ends = list(ends.select_related("organisation"))
        handovers = _by(_scoped(Handover.objects.order_by("pk"), ctx),
                        lambda h: (h.child_id, h.sender_id))
        for end in ends:
            pending = _pending_handovers_at(end, handovers)
            if not (end.held_responsibility or pending):
                continue
            facts = [f"{end.on}: {end.organisation.name} beëindigt de betrokkenheid"]
            if end.held_responsibility:
                facts.append("had de veiligheidsregie, zonder bevestigde opvolger")
            for h in pending:
                facts.append(f"overdracht van {h.on} niet bevestigd gestart")
            yield Occurrence(
                code=self.code, child_id=end.person_id, at=end.on, key=f"end:{end.pk}",
                text=("De organisatie sloot af terwijl het kind een open risico liep en het "
                      "vervolg niet bevestigd gestart was."),
                recipients=[end.organisation_id],
                evidence=[e for e in [end.event_id, *[h.event_id for h in pending]] if e],
                facts=facts,
            )


@register
class C3RejectedMeasureNoAnswer(Rule):
    code = "C3"
    improvement_point = "2.5"
    title = "Afgewezen maatregel, geen antwoord"
    defaults = {"days": 14}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        decisions = Decision.objects.filter(decision__in=REJECTING_DECISIONS, on__lte=ctx.as_of)
        if ctx.scope is not None:
            decisions = decisions.filter(child_id__any=ctx.scope)
        decisions = list(decisions.select_related("request"))
        takings = _by(_scoped(ResponsibilityTaking.objects.values_list("child_id", "at", "on"),
                              ctx), lambda r: r[0])
        moved = _by(_scoped(Handover.objects.filter(
            moved_responsibility=True, confirmed_at__isnull=False).values_list(
            "child_id", "confirmed_at", "confirmed_on"), ctx), lambda r: r[0])
        for d in decisions:
            n = self.days(ctx, child=d.child_id)
            if not ctx.facts.at_risk(d.child_id, d.on):
                continue
            until = day_after(d.on, n)
            answered = any(at >= d.at and on <= until
                           for _c, at, on in takings.get(d.child_id, ())) or \
                any(at >= d.at and on is not None and on <= until
                    for _c, at, on in moved.get(d.child_id, ()))
            if answered:
                continue
            recipients = {d.request.requester_id} if d.request else set()
            holder = ctx.facts.holder_on(d.child_id, d.on)
            if holder:
                recipients.add(holder)
            yield Occurrence(
                code=self.code, child_id=d.child_id, at=day_after(until, 1),
                key=f"decision:{d.pk}",
                text=(f"Na het besluit '{d.get_decision_display()}' van {d.on:%d-%m-%Y} heeft "
                      f"binnen {n} dagen geen organisatie expliciet de veiligheidsregie genomen."),
                recipients=sorted(recipients), evidence=[d.event_id] if d.event_id else [],
                facts=[f"{d.on}: besluit {d.decision}"],
            )


@register
class C4IntensiveEndedWithoutAftercare(Rule):
    code = "C4"
    improvement_point = "2.5"
    title = "Intensieve zorg beëindigd zonder nazorg"

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        ends = InvolvementEnd.objects.filter(at_open_risk=True, intensive=True, aftercare="",
                                             on__lte=ctx.as_of)
        if ctx.scope is not None:
            ends = ends.filter(person_id__any=ctx.scope)
        for end in ends:
            yield Occurrence(
                code=self.code, child_id=end.person_id, at=end.on, key=f"end:{end.pk}",
                text="Intensieve hulp aan een kind met een open risico eindigde zonder nazorg.",
                recipients=[end.organisation_id],
                evidence=[end.event_id] if end.event_id else [],
                facts=[f"{end.on}: intensieve betrokkenheid beëindigd, geen nazorg vastgelegd"],
            )


@register
class C5HandoverStalled(Rule):
    code = "C5"
    improvement_point = "2.5"
    title = "Overdracht blijft hangen"
    defaults = {"days": 30, "declined_days": 7}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        handovers = Handover.objects.filter(on__lte=ctx.as_of)
        if ctx.scope is not None:
            handovers = handovers.filter(child_id__any=ctx.scope)
        handovers = list(handovers)
        by_child = _by(_scoped(Handover.objects.values_list("child_id", "pk", "on"), ctx),
                       lambda r: r[0])
        taken = _by(_scoped(ResponsibilityPeriod.objects.filter(
            how__in=["taken", "handover", "transfer"], organisation__isnull=False).values_list(
            "child_id", "on"), ctx), lambda r: r[0])
        for h in handovers:
            n = self.days(ctx, child=h.child_id)
            m = self.days(ctx, "declined_days", child=h.child_id)
            if not ctx.facts.at_risk(h.child_id, h.on):
                continue
            until = day_after(h.on, n)
            confirmed_in_time = h.confirmed_on is not None and h.confirmed_on <= until
            closed_in_time = any(d is not None and d <= until
                                 for d in (h.declined_on, h.withdrawn_on))
            if not confirmed_in_time and not closed_in_time:
                yield Occurrence(
                    code=self.code, child_id=h.child_id, at=day_after(until, 1),
                    key=f"handover:{h.pk}",
                    text=(f"De overdracht van {h.on:%d-%m-%Y} is na {n} dagen niet bevestigd "
                          f"gestart."),
                    recipients=[h.sender_id, h.receiver_id],
                    evidence=[e for e in (h.event_id, h.accept_event_id) if e],
                    facts=[f"{h.on}: overdracht aangeboden", f"status: {h.status}"],
                    resolved_on=h.confirmed_on,
                )
            if h.declined_on is not None:
                limit = day_after(h.declined_on, m)
                followed = any(pk != h.pk and h.declined_on <= on <= limit
                               for _c, pk, on in by_child.get(h.child_id, ())) or any(
                    h.declined_on <= on <= limit for _c, on in taken.get(h.child_id, ()))
                if not followed:
                    yield Occurrence(
                        code=self.code, child_id=h.child_id, at=day_after(limit, 1),
                        key=f"declined:{h.pk}",
                        text=(f"De overdracht werd op {h.declined_on:%d-%m-%Y} afgewezen en "
                              f"binnen {m} dagen volgde geen andere overdracht of nieuwe "
                              f"verantwoordelijke."),
                        recipients=[h.sender_id],
                        evidence=[e for e in (h.event_id, h.close_event_id) if e],
                        facts=[f"{h.declined_on}: overdracht afgewezen: {h.reason}"],
                    )
