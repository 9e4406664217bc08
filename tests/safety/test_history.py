"""The record follows the child: its history across households, municipalities and
organisations; factors awaiting acceptance; life events in the family; need to know."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import involve

from kindzicht.continuity.services import involvement_end, involvement_start
from kindzicht.core import clock
from kindzicht.core.errors import Forbidden, ValidationError
from kindzicht.core.models import AuditEntry
from kindzicht.people import services as people
from kindzicht.safety import reads
from kindzicht.safety.services import factors_accept, life_event_record

from .conftest import DAY, SYSTEM


def later(days):
    return clock.frozen(DAY + timedelta(days=days))


def test_moving_changes_the_overseeing_municipality_and_loses_nothing(world):
    involvement_start(world.actors["school"], person=world.child, service="basisschool")
    world.assess("wt")
    with later(40):
        people.household_move(SYSTEM, household=world.home, municipality_code="0363",
                              postcode="1012AB")
    with later(50):
        involvement_end(world.actors["school"], person=world.child, reason="verhuisd")
        involvement_start(world.actors["jgz"], person=world.child, service="JGZ Amsterdam")
        world.assess("jgz", safety="conditionally_safe", risk="moderate",
                     agreements="Wekelijks huisbezoek.")
        history = reads.risk_history(world.actors["jgz"], world.child)
    assert (history.municipality_code, history.municipality) == ("0363", "Amsterdam")
    assert history.municipalities == [("0344", "Utrecht"), ("0363", "Amsterdam")]
    assert [(a.municipality, a.valid_from, a.valid_to) for a in history.addresses] == [
        ("Utrecht", None, DAY + timedelta(days=40)), ("Amsterdam", DAY + timedelta(days=40), None)]
    orgs = {(o.organisation.name, o.what, o.end) for o in history.organisations}
    assert ("Org school", "involvement", DAY + timedelta(days=50)) in orgs
    assert ("Org jgz", "involvement", None) in orgs
    assert ("Org wt", "responsibility", None) in orgs
    assert [(a.organisation.name, a.safety) for a in history.assessments] == [
        ("Org wt", "unsafe"), ("Org jgz", "conditionally_safe")]
    assert [e.kind for e in history.life_events] == ["moved"]
    assert AuditEntry.objects.filter(action="risk_history_read").count() == 1


def test_assessment_content_is_for_those_involved(world):
    world.assess("wt")
    history = reads.risk_history(world.actors["school"], world.child)
    assert history.assessments is None and history.assessment_count == 1
    assert history.assessors == [(DAY, "Org wt")]
    with pytest.raises(Forbidden):
        reads.assessments_of(world.actors["school"], world.child)
    assert len(reads.assessments_of(world.actors["wt"], world.child)) == 1


def test_an_adult_has_no_risk_history(world):
    with pytest.raises(ValidationError) as exc:
        reads.risk_history(world.actors["wt"], world.mother)
    assert exc.value.field == "child"


def test_factors_awaiting_acceptance_until_accepted(world):
    world.assess("wt", factors=[
        {"domain": "parent", "code": "parent_mental_health", "owner": world.orgs["ggz"]},
        {"domain": "context", "code": "debts", "owner": world.orgs["ggz"]},
        {"domain": "family", "code": "overburdened_parent"}])
    awaiting = reads.factors_awaiting(world.actors["ggz"])
    assert [(a.child, a.code) for a in awaiting] == [(world.child, "debts"),
                                                     (world.child, "parent_mental_health")]
    assert reads.factors_awaiting(world.actors["wt"]) == []
    factors_accept(world.actors["ggz"], child=world.child, factors=["debts"])
    assert [a.code for a in reads.factors_awaiting(world.actors["ggz"])] == [
        "parent_mental_health"]


def test_only_the_latest_assessment_names_owners(world):
    world.assess("wt", factors=[{"domain": "context", "code": "debts",
                                 "owner": world.orgs["ggz"]}])
    with later(3):
        world.assess("wt", factors=[{"domain": "family", "code": "overburdened_parent"}])
    assert reads.factors_awaiting(world.actors["ggz"]) == []


def test_life_events_in_the_family(world):
    people.household_join(SYSTEM, household=world.home, person=world.partner)
    involve(world.actors["ggz"], world.mother, service="behandeling")  # GGZ treats her
    life_event_record(world.actors["ggz"], kind="job_loss", person=world.mother)
    stranger = people.person_create(SYSTEM, birth_date=world.mother.birth_date)
    life_event_record(SYSTEM, kind="job_loss", person=stranger)
    kinds = {(e.kind, e.person_id) for e in reads.life_events_of(world.actors["wt"], world.child)}
    assert kinds == {("new_partner", world.partner.pk), ("job_loss", world.mother.pk)}
