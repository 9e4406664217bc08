"""2.5 Continuity of care — C1 to C5: nobody lets go until the follow-up has really started."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q

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


def _org_names(ids) -> dict[int, str]:
    from kindzicht.people.models import Organisation

    return dict(Organisation.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


@register
class C1NobodyResponsible(Rule):
    code = "C1"
    improvement_point = "2.5"
    title = "Niemand verantwoordelijk"
    defaults = {"days": 7}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        gaps = ResponsibilityPeriod.objects.filter(organisation__isnull=True, on__lte=ctx.as_of)
        if ctx.scope is not None:
            gaps = gaps.filter(child_id__in=ctx.scope)
        for gap in gaps:
            n = self.days(ctx, child=gap.child_id)
            fires = day_after(gap.on, n)
            if gap.ended_on is not None and gap.ended_on <= fires:
                continue
            if not ctx.facts.risk_held_through(gap.child_id, gap.on, fires):
                continue
            before = [p for p in ctx.facts.responsibility.get(gap.child_id, ())
                      if p.organisation_id and p.at < gap.at]
            last = before[-1] if before else None
            names = _org_names([last.organisation_id]) if last else {}
            yield Occurrence(
                code=self.code, child_id=gap.child_id, at=fires, key=f"gap:{gap.pk}",
                text=(f"Dit kind loopt een open risico en heeft sinds {gap.on:%d-%m-%Y} geen "
                      f"organisatie met de veiligheidsregie ({n} dagen)."),
                recipients=[last.organisation_id] if last else [],
                municipality_code=ctx.facts.municipality_of(gap.child_id, gap.on),
                evidence=[e for e in (gap.event_id, last.event_id if last else None) if e],
                facts=[f"{gap.on}: veiligheidsregie losgelaten"
                       + (f" door {names.get(last.organisation_id)}" if last else "")],
                resolved_on=gap.ended_on,
            )


def _pending_handovers_at(end: InvolvementEnd) -> list[Handover]:
    return [h for h in Handover.objects.filter(child_id=end.person_id,
                                               sender_id=end.organisation_id, at__lte=end.at)
            if not (h.confirmed_at and h.confirmed_at <= end.at)
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
            ends = ends.filter(person_id__in=ctx.scope)
        for end in ends.select_related("organisation"):
            pending = _pending_handovers_at(end)
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
            decisions = decisions.filter(child_id__in=ctx.scope)
        for d in decisions.select_related("request"):
            n = self.days(ctx, child=d.child_id)
            if not ctx.facts.at_risk(d.child_id, d.on):
                continue
            until = day_after(d.on, n)
            answered = ResponsibilityTaking.objects.filter(
                child_id=d.child_id, at__gte=d.at, on__lte=until).exists() or \
                Handover.objects.filter(child_id=d.child_id, moved_responsibility=True,
                                        confirmed_at__gte=d.at, confirmed_on__lte=until).exists()
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
            ends = ends.filter(person_id__in=ctx.scope)
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
            handovers = handovers.filter(child_id__in=ctx.scope)
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
                followed = Handover.objects.filter(
                    child_id=h.child_id, on__gte=h.declined_on, on__lte=limit).exclude(
                    pk=h.pk).exists() or ResponsibilityPeriod.objects.filter(
                    Q(how__in=["taken", "handover", "transfer"]), child_id=h.child_id,
                    organisation__isnull=False, on__gte=h.declined_on, on__lte=limit).exists()
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
