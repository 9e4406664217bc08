"""Concerns and the five Meldcode steps, and reports to Veilig Thuis.

A niet-pluis feeling is a concern like any other: it opens a Meldcode procedure owned by the
recording organisation, and second-hand or non-professional information is recorded with its
source and never silently dropped.
"""

from __future__ import annotations

from django.db import transaction

from kindzicht.core import clock
from kindzicht.core.actions import Actor, notify, record
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.people.models import Organisation, Person

from . import afwegingskader
from .models import Concern, ConcernKind, MeldcodeStep, Outcome, Report, ReportStatus

NOT_OWN = {ConcernKind.SECOND_HAND, ConcernKind.NON_PROFESSIONAL}



def _require_child(person: Person) -> None:
    from kindzicht.people.services import is_child

    if not is_child(person, clock.today()):
        raise ValidationError(f"{person.name} is not a child (under 18).", field="child")


MAX_OBSERVATIONS = 30
MAX_OBSERVATION_LENGTH = 300


def clean_observations(observations: object, *, required: bool = False) -> list[str]:
    """Structured observations: a list of short texts (what was seen or heard, no
    attachments). Blank items are dropped; anything else that is not a short text is refused."""
    if observations is None:
        observations = []
    if not isinstance(observations, list | tuple):
        raise ValidationError("Observations are a list of short texts.", field="observations")
    clean = []
    for i, item in enumerate(observations):
        if not isinstance(item, str):
            raise ValidationError("Each observation is a short text.",
                                  field=f"observations.{i}")
        item = " ".join(item.split())
        if len(item) > MAX_OBSERVATION_LENGTH:
            raise ValidationError(f"An observation is at most {MAX_OBSERVATION_LENGTH} "
                                  f"characters.", field=f"observations.{i}")
        if item:
            clean.append(item)
    if len(clean) > MAX_OBSERVATIONS:
        raise ValidationError(f"At most {MAX_OBSERVATIONS} observations.", field="observations")
    if required and not clean:
        raise ValidationError("Name at least one signal you observed or heard.",
                              field="observations")
    return clean


def concern_record(actor: Actor, *, child: Person, kind: str, source: str = "", text: str = "",
                   observations: list | None = None) -> Concern:
    """A non-professional's information is recorded with its source (a relative, a neighbour,
    a sports coach, anonymous …), so it can never be dropped as hearsay without a trace."""
    from kindzicht.continuity import risk

    if actor.organisation is None:
        raise Forbidden("Only a professional of an organisation can record a concern.")
    if kind not in ConcernKind.values:
        raise ValidationError(f"Unknown kind of concern {kind!r}.", field="kind")
    source = (source or "").strip()
    if kind == ConcernKind.NON_PROFESSIONAL and not source:
        raise ValidationError("Say who the information comes from (a relative, a neighbour, a "
                              "sports coach, anonymous …).", field="source")
    clean = clean_observations(observations)
    _require_child(child)
    with transaction.atomic():
        c = Concern.objects.create(child=child, organisation=actor.organisation,
                                   professional=actor.professional, kind=kind, source=source,
                                   text=text or "", observations=clean, **clock.stamp())
        c.event = record(actor, "concern_recorded", subjects=[child.pk], obj=c,
                         payload={"kind": kind})
        c.save(update_fields=["event"])
        risk.open_for(actor, [child.pk], opener=actor.organisation, event_id=c.event_id)
    return c


def _own(actor: Actor, concern: Concern) -> None:
    if actor.organisation is None or concern.organisation_id != actor.organisation.pk:
        raise Forbidden("This concern belongs to another organisation.", field="concern")


def _step(actor: Actor, concern: Concern, step: str, **fields) -> MeldcodeStep:
    _own(actor, concern)
    if concern.decided_at is not None and step != "decide":
        raise Refused("This concern is already decided.", field="concern")
    with transaction.atomic():
        s = MeldcodeStep.objects.create(concern=concern, step=step, **fields, **clock.stamp())
        s.event = record(actor, f"meldcode_{step}", subjects=[concern.child_id], obj=s,
                         payload={"concern": concern.pk, "with": fields.get("with_whom", "")})
        s.save(update_fields=["event"])
    return s


def concern_map(actor: Actor, *, concern: Concern, observations: list,
                note: str = "") -> MeldcodeStep:
    """Step 1, map the signals: the observations as they stand now. Mapping again replaces the
    concern's list; every mapping stays in the steps."""
    clean = clean_observations(observations, required=True)
    with transaction.atomic():
        step = _step(actor, concern, "map", answers={"observations": clean}, note=note)
        Concern.objects.filter(pk=concern.pk).update(observations=clean)
    concern.observations = clean
    return step


def concern_consult(actor: Actor, *, concern: Concern, with_whom: str, note: str = "") -> MeldcodeStep:
    if with_whom not in ("colleague", "safe_at_home"):
        raise ValidationError("Consult a colleague or Veilig Thuis.", field="with")
    return _step(actor, concern, "consult", with_whom=with_whom, note=note)


def concern_talk(actor: Actor, *, concern: Concern, with_whom: str, note: str = "") -> MeldcodeStep:
    if with_whom not in ("parents", "child"):
        raise ValidationError("Talk with the parents or the child.", field="with")
    return _step(actor, concern, "talk", with_whom=with_whom, note=note)


def concern_weigh(actor: Actor, *, concern: Concern, answers: dict) -> MeldcodeStep:
    clean: dict[str, bool] = {}
    for q in afwegingskader.QUESTIONS:
        v = answers.get(q)
        if isinstance(v, str) and v.lower() in ("yes", "no", "ja", "nee"):
            v = v.lower() in ("yes", "ja")
        if not isinstance(v, bool):
            raise ValidationError(f"Answer question {q} with yes or no.", field=f"answers.{q}")
        clean[q] = v
    result = afwegingskader.outcome(clean)
    with transaction.atomic():
        step = _step(actor, concern, "weigh", answers=clean)
        Concern.objects.filter(pk=concern.pk).update(weighing_outcome=result)
    concern.weighing_outcome = result
    return step


def concern_decide(actor: Actor, *, concern: Concern, outcome: str, reason: str = "",
                   safe_at_home: Organisation | None = None,
                   on_behalf_of_group: str = "") -> Concern:
    """Step 5. Departing from the afwegingskader needs a written reason (the replay records
    'not given in the scenario'); ``report`` also makes the report to Veilig Thuis."""
    from kindzicht.continuity import risk

    _own(actor, concern)
    if outcome not in Outcome.values:
        raise ValidationError(f"Unknown outcome {outcome!r}.", field="outcome")
    if concern.decided_at is not None:
        raise Refused("This concern is already decided; a second decision is not possible.",
                      field="concern")
    if concern.weighing_outcome and outcome != concern.weighing_outcome and not reason.strip():
        raise ValidationError("This decision departs from the afwegingskader's outcome; give "
                              "the reason.", field="reason")
    with transaction.atomic():
        stamp = clock.stamp()
        concern.outcome = outcome
        concern.decided_at = stamp["at"]
        concern.decided_on = stamp["on"]
        concern.decision_reason = reason
        _step(actor, concern, "decide", answers={"outcome": outcome}, note=reason)
        event = record(actor, "concern_decided", subjects=[concern.child_id], obj=concern,
                       payload={"outcome": outcome,
                                "weighing_outcome": concern.weighing_outcome})
        concern.decide_event_id = event.pk
        concern.save(update_fields=["outcome", "decided_at", "decided_on", "decision_reason",
                                    "decide_event_id"])
        if outcome == Outcome.REPORT:
            report_make(actor, child=concern.child, own_observation=concern.kind not in NOT_OWN,
                        concern=concern, safe_at_home=safe_at_home,
                        on_behalf_of_group=on_behalf_of_group)
        risk.reevaluate(actor, [concern.child_id], event_id=event.pk)
    return concern


def default_safe_at_home(actor: Actor) -> Organisation:
    org = Organisation.objects.filter(sector="safe_at_home", active=True).order_by("pk").first()
    if org is None:
        raise Refused("There is no Veilig Thuis organisation in the system to report to.")
    return org


def report_make(actor: Actor, *, child: Person, own_observation: bool = True,
                concern: Concern | None = None,
                safe_at_home: Organisation | None = None,
                on_behalf_of_group: str = "") -> Report:
    """A melding at Veilig Thuis. A coordinator may make it on behalf of a joint consultation
    (CJG, ZAT, Veiligheidshuis): ``on_behalf_of_group`` names the group Veilig Thuis sees."""
    from kindzicht.continuity import risk

    if actor.organisation is None:
        raise Forbidden("Only a professional of an organisation can report.")
    group = " ".join((on_behalf_of_group or "").split())
    if group and actor.role != "coordinator":
        raise Forbidden("Only a coordinator reports on behalf of a joint consultation.",
                        field="on_behalf_of_group")
    if len(group) > 200:
        raise ValidationError("The name of the consultation is at most 200 characters.",
                              field="on_behalf_of_group")
    if safe_at_home is not None and safe_at_home.sector != "safe_at_home":
        raise ValidationError(f"{safe_at_home.name} is not a Veilig Thuis organisation.",
                              field="safe_at_home")
    _require_child(child)
    vt = safe_at_home or default_safe_at_home(actor)
    with transaction.atomic():
        r = Report.objects.create(child=child, reporter=actor.organisation, safe_at_home=vt,
                                  concern=concern, own_observation=own_observation,
                                  on_behalf_of_group=group, **clock.stamp())
        r.event = record(actor, "report_made", subjects=[child.pk], obj=r,
                         payload={"own_observation": own_observation, "safe_at_home": vt.pk,
                                  "on_behalf_of_group": group})
        r.save(update_fields=["event"])
        body = f"Melding van {actor.organisation.name}" + (f" namens {group}" if group else "")
        notify(vt, "report", "Nieuwe melding", f"{body}.", person_id=child.pk)
        risk.open_for(actor, [child.pk], opener=actor.organisation, event_id=r.event_id)
    return r


DECLINE_REASONS = ("not_own_observation", "no_grounds", "other")


def report_decline(actor: Actor, *, child: Person | None = None, reason: str, text: str = "",
                   report: Report | None = None) -> Report:
    """Veilig Thuis declines ``report`` (or the latest open report about ``child``) with a
    reason. Declining because it is not an own observation is possible, and raises K2."""
    if actor.organisation is None or actor.organisation.sector != "safe_at_home":
        raise Forbidden("Only Veilig Thuis handles reports.")
    if reason not in DECLINE_REASONS:
        raise ValidationError("Give the reason for declining: not_own_observation, no_grounds "
                              "or other.", field="reason")
    if reason == "other" and not (text or "").strip():
        raise ValidationError("Explain the other reason for declining.", field="text")
    if report is not None and report.safe_at_home_id != actor.organisation.pk:
        raise Forbidden("This report was made to another organisation.", field="report")
    if report is None and child is None:
        raise ValidationError("Name the report or the child.", field="report")
    with transaction.atomic():
        if report is not None:
            r = Report.objects.select_for_update().filter(pk=report.pk).first()
            if r is None or r.status != ReportStatus.RECEIVED:
                raise Refused("This report is already handled.", field="report")
        else:
            r = Report.objects.filter(child=child, safe_at_home=actor.organisation,
                                      status=ReportStatus.RECEIVED).order_by("-at").first()
        if r is None:
            raise Refused("There is no open report about this child to decline.", field="child")
        child = r.child
        stamp = clock.stamp()
        r.status = ReportStatus.DECLINED
        r.decline_reason = reason
        r.decline_text = text
        r.handled_on = stamp["on"]
        event = record(actor, "report_declined", subjects=[child.pk], obj=r,
                       payload={"reason": reason})
        r.handle_event_id = event.pk
        r.save(update_fields=["status", "decline_reason", "decline_text", "handled_on",
                              "handle_event_id"])
        notify(r.reporter, "report_declined", "Melding niet aangenomen",
               text or reason, person_id=child.pk)
    return r


SAFETY_ASSESSMENT_WORKING_DAYS = 5


def report_accept(actor: Actor, *, report: Report) -> Report:
    """Veilig Thuis accepts: it becomes involved, takes safety responsibility explicitly (its
    legal role once a report is made), and owes its safety assessment (veiligheidsbeoordeling)
    within five working days of the report."""
    from kindzicht.continuity.services import involvement_start, responsibility_take
    from kindzicht.core.workdays import add_working_days
    from kindzicht.rules.models import Task
    from kindzicht.rules.tasks import task_create

    if actor.organisation is None or report.safe_at_home_id != actor.organisation.pk:
        raise Forbidden("This report was made to another organisation.", field="report")
    if report.status != ReportStatus.RECEIVED:
        raise Refused("This report is already handled.", field="report")
    with transaction.atomic():
        report.status = ReportStatus.ACCEPTED
        report.handled_on = clock.today()
        event = record(actor, "report_accepted", subjects=[report.child_id], obj=report)
        report.handle_event_id = event.pk
        report.save(update_fields=["status", "handled_on", "handle_event_id"])
        from kindzicht.continuity.models import Involvement

        if not Involvement.objects.filter(organisation=actor.organisation, person=report.child,
                                          ended_at__isnull=True).exists():
            involvement_start(actor, person=report.child, service="onderzoek na melding")
        responsibility_take(actor, child=report.child, basis="investigation")
        due = add_working_days(report.on, SAFETY_ASSESSMENT_WORKING_DAYS)
        task = task_create(
            organisation=actor.organisation, code="safety_assessment", key=f"report:{report.pk}",
            child=report.child,
            text=(f"Veiligheidsbeoordeling na de melding van {report.reporter.name}: uiterlijk "
                  f"{SAFETY_ASSESSMENT_WORKING_DAYS} werkdagen na de melding."),
            facts=[f"melding {report.on}", f"aangenomen {report.handled_on}"],
            evidence=[e for e in (report.event_id, event.pk) if e])
        if task is not None:
            Task.objects.filter(pk=task.pk).update(due_on=due)
        notify(report.reporter, "report_accepted", "Melding aangenomen",
               f"{actor.organisation.name} heeft uw melding aangenomen.",
               person_id=report.child_id)
    return report
