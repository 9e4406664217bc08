"""2.3 Knowledge and signalling — K1 to K5: share the gut feeling, do not drop reports, finish
the Meldcode, report when the afwegingskader says so, engage the partner a factor needs."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator

from kindzicht.meldcode.models import Concern, MeldcodeStep, Report
from kindzicht.safety.factors import specialist_sector
from kindzicht.safety.models import AssessmentFactor

from .engine import Context, Occurrence, Rule, day_after, register
from .facts import records

#: an assessment as K5 reads it with its factors
_Assessment = namedtuple("_Assessment", "pk child_id on organisation_id event_id")


def _concerns(ctx: Context, **filters):
    qs = Concern.objects.filter(on__lte=ctx.as_of, **filters)
    if ctx.scope is not None:
        qs = qs.filter(child_id__any=ctx.scope)
    return qs


def _step_days(concern_ids: list[int], kinds: list[str]) -> dict[int, list]:
    """concern id -> [(day, moment)] of its steps of these kinds, in one query."""
    out: dict[int, list] = {}
    for cid, on, at in MeldcodeStep.objects.filter(concern_id__any=concern_ids,
                                                   step__in=kinds).values_list(
            "concern_id", "on", "at"):
        out.setdefault(cid, []).append((on, at))
    return out


@register
class K1GutFeelingNotShared(Rule):
    code = "K1"
    improvement_point = "2.3"
    title = "Niet-pluisgevoel niet gedeeld"
    defaults = {"days": 7}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        concerns = records(_concerns(ctx, kind="niet_pluis"), "pk", "child_id",
                           "on", "organisation_id", "event_id")
        consults = _step_days([c.pk for c in concerns], ["consult"])
        for c in concerns:
            n = self.days(ctx, child=c.child_id)
            if not ctx.facts.at_risk(c.child_id, c.on):
                continue
            until = day_after(c.on, n)
            if any(day <= until for day, _at in consults.get(c.pk, ())):
                continue
            yield Occurrence(
                code=self.code, child_id=c.child_id, at=day_after(until, 1),
                key=f"concern:{c.pk}",
                text=(f"Een niet-pluisgevoel van {c.on:%d-%m-%Y} is binnen {n} dagen niet "
                      f"besproken met een collega of Veilig Thuis."),
                recipients=[c.organisation_id], evidence=[c.event_id] if c.event_id else [],
                facts=[f"{c.on}: niet-pluisgevoel vastgelegd"],
            )


@register
class K2ReportDropped(Rule):
    code = "K2"
    improvement_point = "2.3"
    title = "Melding gedropt"

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        reports = Report.objects.filter(status="declined", decline_reason="not_own_observation",
                                        handled_on__lte=ctx.as_of)
        if ctx.scope is not None:
            reports = reports.filter(child_id__any=ctx.scope)
        for r in reports:
            yield Occurrence(
                code=self.code, child_id=r.child_id, at=r.handled_on, key=f"report:{r.pk}",
                text=("Veilig Thuis wees een melding af omdat het geen eigen waarneming was; "
                      "Veilig Thuis moet ook meldingen uit tweede hand oppakken."),
                recipients=[r.safe_at_home_id],
                evidence=[e for e in (r.event_id, r.handle_event_id) if e],
                facts=[f"{r.on}: melding", f"{r.handled_on}: afgewezen (geen eigen waarneming)"],
            )
        dropped = list(_concerns(ctx, kind__in=["second_hand", "non_professional"],
                                 outcome="no_concern", decided_on__lte=ctx.as_of))
        steps = _step_days([c.pk for c in dropped], ["consult", "talk"])
        for c in dropped:
            if any(at <= c.decided_at for _day, at in steps.get(c.pk, ())):
                continue
            yield Occurrence(
                code=self.code, child_id=c.child_id, at=c.decided_on, key=f"concern:{c.pk}",
                text=("Informatie uit tweede hand of van een niet-professional werd afgesloten "
                      "zonder overleg of gesprek."),
                recipients=[c.organisation_id],
                evidence=[e for e in (c.event_id, c.decide_event_id) if e],
                facts=[f"{c.on}: zorg ({c.kind})", f"{c.decided_on}: afgesloten zonder zorg"],
            )


@register
class K3MeldcodeStalled(Rule):
    code = "K3"
    improvement_point = "2.3"
    title = "Meldcode stokt"
    defaults = {"days": 28}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        for c in records(_concerns(ctx), "pk", "child_id", "on", "decided_on",
                         "organisation_id", "event_id"):
            n = self.days(ctx, child=c.child_id)
            until = day_after(c.on, n)
            if c.decided_on is not None and c.decided_on <= until:
                continue
            if not ctx.facts.at_risk(c.child_id, c.on):
                continue
            yield Occurrence(
                code=self.code, child_id=c.child_id, at=day_after(until, 1),
                key=f"concern:{c.pk}",
                text=(f"De zorg van {c.on:%d-%m-%Y} heeft na {n} dagen nog geen besluit "
                      f"(stap 5 van de Meldcode)."),
                recipients=[c.organisation_id], evidence=[c.event_id] if c.event_id else [],
                facts=[f"{c.on}: zorg vastgelegd"], resolved_on=c.decided_on,
            )


@register
class K4RequiredReportNotMade(Rule):
    code = "K4"
    improvement_point = "2.3"
    title = "Verplichte melding niet gedaan"
    defaults = {"days": 7}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        weighs = MeldcodeStep.objects.filter(step="weigh", on__lte=ctx.as_of).select_related(
            "concern").order_by("concern_id", "at", "id")
        if ctx.scope is not None:
            weighs = weighs.filter(concern__child_id__any=ctx.scope)
        latest: dict[int, MeldcodeStep] = {}
        for w in weighs:
            c = w.concern
            if c.decided_at is None or w.at <= c.decided_at:
                latest[c.pk] = w
        for w in latest.values():
            c = w.concern
            from kindzicht.meldcode.afwegingskader import outcome

            if outcome(w.answers) != "report":
                continue
            n = self.days(ctx, child=c.child_id)
            until = day_after(w.on, n)
            if c.decided_on is not None and c.decided_on <= until:
                if c.outcome == "report":
                    continue
                at, what = c.decided_on, f"het besluit was '{c.get_outcome_display()}'"
            else:
                at, what = day_after(until, 1), f"binnen {n} dagen volgde geen besluit"
            if not ctx.facts.at_risk(c.child_id, w.on):
                continue
            yield Occurrence(
                code=self.code, child_id=c.child_id, at=at, key=f"concern:{c.pk}",
                text=f"Het afwegingskader leidde tot 'melden', maar {what}.",
                recipients=[c.organisation_id],
                evidence=[e for e in (w.event_id, c.decide_event_id) if e],
                facts=[f"{w.on}: afwegingskader: melden"],
            )


@register
class K5PartnerNeverEngaged(Rule):
    code = "K5"
    improvement_point = "2.3"
    title = "Benodigde partner niet betrokken"
    defaults = {"days": 60}

    def occurrences(self, ctx: Context) -> Iterator[Occurrence]:
        factors = AssessmentFactor.objects.filter(assessment__on__lte=ctx.as_of).order_by("id")
        if ctx.scope is not None:
            factors = factors.filter(assessment__child_id__any=ctx.scope)
        assessments = {}
        # The families on each assessment's day first (in memory for a full sweep), then the
        # involvement of all of them at once: per factor that was a dozen queries (issue 3).
        # the families in memory: everyone's for a full sweep, the scoped children's
        # neighbourhood for an incremental one (not a few queries per assessment)
        family = ctx.facts.graph_around(ctx.scope or ()).family
        todo = []
        for f in records(factors, "code", "assessment_id", child_id="assessment__child_id",
                         on="assessment__on", organisation_id="assessment__organisation_id",
                         event_id="assessment__event_id"):
            sector = specialist_sector(f.code)
            if sector is None:
                continue
            # the factor's assessment, as a record of its own (one per assessment)
            a = assessments.setdefault(f.assessment_id, _Assessment(
                f.assessment_id, f.child_id, f.on, f.organisation_id, f.event_id))
            if not ctx.facts.at_risk(a.child_id, a.on):
                continue
            todo.append((f, a, sector, [a.child_id, *family(a.child_id, a.on)]))
        ctx.facts.prefetch_involvement(p for *_rest, people in todo for p in people)
        for f, a, sector, people in todo:
            n = self.days(ctx, child=a.child_id)
            until = day_after(a.on, n)
            orgs = ctx.facts.involved_between(people, a.on, until)
            if any(ctx.facts.sector.get(o) == sector for o in orgs):
                continue
            yield Occurrence(
                code=self.code, child_id=a.child_id, at=day_after(until, 1),
                key=f"factor:{a.pk}:{f.code}",
                text=(f"De factor '{f.code}' vraagt om {sector}, maar binnen {n} dagen was geen "
                      f"organisatie van die sector betrokken bij het kind of het gezin."),
                recipients=[a.organisation_id], evidence=[a.event_id] if a.event_id else [],
                facts=[f"{a.on}: risicofactor {f.code}"],
            )
