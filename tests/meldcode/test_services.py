"""The Meldcode services (issue 5): concerns with their source and structured observations,
the five steps (step 1 explicit), the afwegingskader, reports on behalf of a joint
consultation, Veilig Thuis accepting (with its safety assessment due in five working days) and
declining; and the bad input of the issue — each a specific error that writes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from kindzicht.continuity.models import Involvement, ResponsibilityPeriod
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.core.models import DomainEvent
from kindzicht.meldcode import services
from kindzicht.meldcode.models import Concern, MeldcodeStep, Report
from kindzicht.rules.engine import Context, evaluate
from kindzicht.rules.models import Task

from .conftest import DAY, Writes

YES_REPORT = {"q1": "ja", "q2": "ja", "q3": "ja", "q4": "ja", "q5": "ja"}
HELP = {"q1": True, "q2": False, "q3": True, "q4": True, "q5": True}


def niet_pluis(world, **kw):
    return services.concern_record(world.teacher, child=world.child, kind="niet_pluis",
                                   text="Mila is stil en schrikt", **kw)


# --- concerns -----------------------------------------------------------------------------

def test_a_non_professionals_information_is_recorded_with_its_source(world):
    c = services.concern_record(world.teacher, child=world.child, kind="non_professional",
                                source="sporttrainer", observations=["  blauwe plek  op arm", ""])
    c.refresh_from_db()
    assert (c.kind, c.source, c.observations) == ("non_professional", "sporttrainer",
                                                  ["blauwe plek op arm"])
    assert c.organisation == world.school


def test_a_non_professionals_information_needs_its_source(world):
    writes = Writes(Concern)
    with pytest.raises(ValidationError) as exc:
        services.concern_record(world.teacher, child=world.child, kind="non_professional",
                                source="  ")
    assert exc.value.field == "source"
    assert writes.none()


@pytest.mark.parametrize("observations, field", [
    ("blauwe plek", "observations"),
    (["ok", 3], "observations.1"),
    (["x" * 301], "observations.0"),
    ([f"signaal {i}" for i in range(31)], "observations"),
])
def test_observations_are_a_list_of_short_texts(world, observations, field):
    writes = Writes(Concern)
    with pytest.raises(ValidationError) as exc:
        niet_pluis(world, observations=observations)
    assert exc.value.field == field
    assert writes.none()


def test_step_one_maps_the_signals_and_can_be_revisited(world):
    c = niet_pluis(world)
    first = services.concern_map(world.teacher, concern=c, observations=["stil in de klas"])
    second = services.concern_map(world.teacher, concern=c,
                                  observations=["stil in de klas", "schrikt bij aanraking"])
    c.refresh_from_db()
    assert c.observations == ["stil in de klas", "schrikt bij aanraking"]
    assert [s.step for s in c.steps.order_by("id")] == ["map", "map"]
    assert first.answers == {"observations": ["stil in de klas"]}
    assert DomainEvent.objects.filter(type="meldcode_map").count() == 2
    # The event log holds no case content: the observations stay in the step.
    assert "stil" not in str(DomainEvent.objects.get(pk=second.event_id).payload)


def test_mapping_nothing_is_refused(world):
    c = niet_pluis(world)
    writes = Writes(MeldcodeStep)
    with pytest.raises(ValidationError) as exc:
        services.concern_map(world.teacher, concern=c, observations=["  "])
    assert exc.value.field == "observations"
    assert writes.none()


def test_another_organisation_cannot_work_the_concern(world):
    c = niet_pluis(world)
    writes = Writes(MeldcodeStep)
    with pytest.raises(Forbidden):
        services.concern_map(world.vt_pro, concern=c, observations=["iets"])
    assert writes.none()


# --- bad input of the issue -----------------------------------------------------------------

@pytest.mark.parametrize("answers, field", [
    ({"q1": "ja", "q2": "nee", "q4": "ja", "q5": "ja"}, "answers.q3"),
    ({}, "answers.q1"),
    ({"q1": "misschien", "q2": "nee", "q3": "ja", "q4": "ja", "q5": "ja"}, "answers.q1"),
])
def test_weighing_with_missing_answers_writes_nothing(world, answers, field):
    c = niet_pluis(world)
    writes = Writes(MeldcodeStep)
    with pytest.raises(ValidationError) as exc:
        services.concern_weigh(world.teacher, concern=c, answers=answers)
    assert exc.value.field == field
    assert writes.none()
    c.refresh_from_db()
    assert c.weighing_outcome == ""


def test_a_report_about_an_adult_writes_nothing(world):
    writes = Writes(Report)
    with pytest.raises(ValidationError) as exc:
        services.report_make(world.teacher, child=world.mother, safe_at_home=world.vt)
    assert exc.value.field == "child"
    assert writes.none()


def test_a_concern_about_an_adult_writes_nothing(world):
    writes = Writes(Concern)
    with pytest.raises(ValidationError) as exc:
        services.concern_record(world.teacher, child=world.mother, kind="niet_pluis")
    assert exc.value.field == "child"
    assert writes.none()


def test_a_second_decision_writes_nothing(world):
    c = niet_pluis(world)
    services.concern_decide(world.teacher, concern=c, outcome="organise_help")
    writes = Writes(Report, MeldcodeStep)
    with pytest.raises(Refused) as exc:
        services.concern_decide(world.teacher, concern=c, outcome="report")
    assert exc.value.field == "concern"
    assert writes.none()
    # And a step on a decided concern is refused too.
    with pytest.raises(Refused):
        services.concern_talk(world.teacher, concern=c, with_whom="parents")
    assert writes.none()


@pytest.mark.parametrize("reason, text, field", [("", "", "reason"), ("because", "", "reason"),
                                                 ("other", "  ", "text")])
def test_a_decline_without_a_reason_writes_nothing(world, reason, text, field):
    r = services.report_make(world.teacher, child=world.child, safe_at_home=world.vt)
    writes = Writes(Report, Task)
    with pytest.raises(ValidationError) as exc:
        services.report_decline(world.vt_pro, report=r, reason=reason, text=text)
    assert exc.value.field == field
    assert writes.none()
    r.refresh_from_db()
    assert r.status == "received"


# --- the five steps and the afwegingskader ----------------------------------------------------

def test_departing_from_the_afwegingskader_needs_a_reason(world):
    c = niet_pluis(world)
    services.concern_weigh(world.teacher, concern=c, answers=YES_REPORT)
    assert c.weighing_outcome == "report"
    writes = Writes(MeldcodeStep)
    with pytest.raises(ValidationError) as exc:
        services.concern_decide(world.teacher, concern=c, outcome="organise_help", reason=" ")
    assert exc.value.field == "reason"
    assert writes.none()
    services.concern_decide(world.teacher, concern=c, outcome="organise_help",
                            reason="Ouders werken mee; hulp start morgen")
    c.refresh_from_db()
    assert c.outcome == "organise_help" and c.decision_reason.startswith("Ouders")


def test_steps_can_be_revisited_and_each_is_an_event(world):
    c = niet_pluis(world)
    services.concern_consult(world.teacher, concern=c, with_whom="colleague")
    services.concern_consult(world.teacher, concern=c, with_whom="safe_at_home")
    services.concern_weigh(world.teacher, concern=c, answers=HELP)
    services.concern_weigh(world.teacher, concern=c, answers=YES_REPORT)
    c.refresh_from_db()
    assert c.weighing_outcome == "report"
    types = list(DomainEvent.objects.filter(type__startswith="meldcode_")
                 .order_by("id").values_list("type", flat=True))
    assert types == ["meldcode_consult", "meldcode_consult", "meldcode_weigh", "meldcode_weigh"]


def test_deciding_to_report_makes_the_report(world):
    c = niet_pluis(world)
    services.concern_weigh(world.teacher, concern=c, answers=YES_REPORT)
    services.concern_decide(world.teacher, concern=c, outcome="report", safe_at_home=world.vt)
    report = Report.objects.get()
    assert (report.concern, report.safe_at_home, report.own_observation) == (c, world.vt, True)


# --- reports: on behalf of a joint consultation, accept, decline --------------------------------

def test_a_coordinator_reports_on_behalf_of_a_joint_consultation(world):
    r = services.report_make(world.ib, child=world.child, safe_at_home=world.vt,
                             on_behalf_of_group="  ZAT   De Regenboog ")
    assert r.on_behalf_of_group == "ZAT De Regenboog"
    assert DomainEvent.objects.get(pk=r.event_id).payload["on_behalf_of_group"] == \
        "ZAT De Regenboog"


def test_only_a_coordinator_reports_on_behalf_of_a_group(world):
    writes = Writes(Report)
    with pytest.raises(Forbidden) as exc:
        services.report_make(world.teacher, child=world.child, safe_at_home=world.vt,
                             on_behalf_of_group="ZAT De Regenboog")
    assert exc.value.field == "on_behalf_of_group"
    assert writes.none()


def test_a_report_goes_to_a_veilig_thuis_only(world):
    writes = Writes(Report)
    with pytest.raises(ValidationError) as exc:
        services.report_make(world.teacher, child=world.child, safe_at_home=world.school)
    assert exc.value.field == "safe_at_home"
    assert writes.none()


def test_accepting_makes_veilig_thuis_involved_responsible_and_due_in_five_working_days(world):
    r = services.report_make(world.teacher, child=world.child, safe_at_home=world.vt)
    services.report_accept(world.vt_pro, report=r)
    r.refresh_from_db()
    assert r.status == "accepted" and r.handled_on == DAY
    assert Involvement.objects.filter(organisation=world.vt, person=world.child,
                                      ended_at__isnull=True).exists()
    holder = ResponsibilityPeriod.objects.get(child=world.child, ended_at__isnull=True)
    assert (holder.organisation, holder.basis) == (world.vt, "investigation")
    task = Task.objects.get(code="safety_assessment")
    # Thursday 2 May 2024: Fri 3, Mon 6, Tue 7, Wed 8, (Ascension Day 9 May), Fri 10.
    assert task.due_on == date(2024, 5, 10)
    assert task.organisation == world.vt and task.key == f"report:{r.pk}"
    with pytest.raises(Refused):
        services.report_accept(world.vt_pro, report=r)
    assert Task.objects.filter(code="safety_assessment").count() == 1


def test_only_the_addressed_veilig_thuis_handles_a_report(world):
    r = services.report_make(world.teacher, child=world.child, safe_at_home=world.vt)
    writes = Writes(Report, Task)
    with pytest.raises(Forbidden):
        services.report_accept(world.teacher, report=r)
    with pytest.raises(Forbidden):
        services.report_decline(world.teacher, report=r, reason="no_grounds")
    assert writes.none()


def test_declining_a_second_hand_report_as_not_own_observation_raises_k2(world):
    c = services.concern_record(world.teacher, child=world.child, kind="second_hand",
                                source="moeder van een klasgenoot")
    services.concern_decide(world.teacher, concern=c, outcome="report", safe_at_home=world.vt)
    r = Report.objects.get()
    assert r.own_observation is False
    services.report_decline(world.vt_pro, report=r, reason="not_own_observation")
    r.refresh_from_db()
    assert r.status == "declined" and r.decline_reason == "not_own_observation"
    k2 = [o for o in evaluate(Context(as_of=DAY), ["K2"])]
    assert [(o.code, o.child_id, o.key) for o in k2] == [("K2", world.child.pk, f"report:{r.pk}")]
    with pytest.raises(Refused):
        services.report_decline(world.vt_pro, report=r, reason="no_grounds")


def test_declining_by_child_still_works_for_the_replay(world):
    services.report_make(world.teacher, child=world.child, safe_at_home=world.vt)
    r = services.report_decline(world.vt_pro, child=world.child, reason="other",
                                text="Melding dubbel ontvangen")
    assert r.status == "declined" and r.decline_text == "Melding dubbel ontvangen"
