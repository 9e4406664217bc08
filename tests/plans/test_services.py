"""The family plan's services: a plan with goals, agreements with the parents and evaluation
moments; every change is one domain event; bad input gets a specific error and writes
nothing; the plan's history is its events."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kindzicht.core import clock
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.core.models import DomainEvent
from kindzicht.plans import services
from kindzicht.plans.models import (
    Cooperation,
    FamilyPlan,
    Goal,
    GoalUpdate,
    PlanAgreement,
    PlanEvaluation,
    Share,
)
from kindzicht.plans.selectors import (
    children_involvement,
    cooperation_log,
    plan_get,
    plan_history,
    shares_seen_by,
)

from .conftest import DAY, Writes

LATER = DAY + timedelta(days=30)


def make_plan(world, **extra):
    return services.plan_make(
        world.actors["wt"], child=world.child,
        goals=[{"text": "Dagelijks naar school", "owner": world.orgs["school"], "due": LATER}],
        **extra)


@pytest.fixture
def plan(world):
    with clock.frozen(DAY):
        return make_plan(world, parent_agreements=[
            {"text": "Moeder brengt Mila elke dag", "consequence": "Gesprek met leerplicht"}],
            evaluations=[DAY + timedelta(days=42)])


def test_a_plan_with_agreements_evaluations_and_its_regisseur(world, plan):
    assert plan.coordinator == world.orgs["wt"]
    assert plan.regisseur == world.actors["wt"].professional
    a = plan.parent_agreements.get()
    assert (a.text, a.consequence) == ("Moeder brengt Mila elke dag", "Gesprek met leerplicht")
    assert plan.evaluations.get().due == DAY + timedelta(days=42)
    event = DomainEvent.objects.get(pk=plan.event_id)
    assert event.type == "plan_made"
    assert event.payload == {"goals": 1, "household": None, "agreements": 1, "evaluations": 1}
    assert a.event_id == plan.event_id


def test_every_change_is_an_event_and_the_history_shows_it(world, plan):
    goal = plan.goals.get()
    with clock.frozen(DAY + timedelta(days=1)):
        services.goal_add(world.actors["wt"], plan=plan, text="Moeder start behandeling",
                          owner=world.orgs["ggz"], due=LATER)
        services.agreement_add(world.actors["wt"], plan=plan, text="Afspraken nakomen",
                               consequence="Verzoek aan de Raad")
        ev = services.evaluation_plan(world.actors["wt"], plan=plan, due=LATER)
        services.goal_update(world.actors["school"], goal=goal, status="postponed",
                             due=LATER + timedelta(days=14))
        services.evaluation_hold(world.actors["wt"], evaluation=ev, note="Loopt goed.")
    labels = [h.label for h in plan_history(plan)]
    assert labels == ["Gezinsplan gemaakt", "Doel toegevoegd", "Afspraak met ouders vastgelegd",
                      "Evaluatiemoment gepland", "Stand van een doel", "Evaluatie gehouden"]
    postponed = [h for h in plan_history(plan) if h.label == "Stand van een doel"][0]
    assert "uitgesteld" in postponed.detail and postponed.organisation == "Org school"
    ev.refresh_from_db()
    assert ev.held_on == DAY + timedelta(days=1) and ev.note == "Loopt goed."


@pytest.mark.parametrize("goal, field", [
    ({"text": "x", "due": LATER}, "goals[0].owner"),
    ({"text": "x", "owner": None, "due": LATER}, "goals[0].owner"),
    ({"text": "x", "owner": "school"}, "goals[0].due"),
    ({"text": "x", "owner": "school", "due": DAY - timedelta(days=1)}, "goals[0].due"),
    ({"text": " ", "owner": "school", "due": LATER}, "goals[0].text"),
])
def test_bad_goals_are_refused_and_nothing_is_written(world, goal, field):
    if goal.get("owner") == "school":
        goal = {**goal, "owner": world.orgs["school"]}
    writes = Writes(FamilyPlan, Goal, PlanAgreement, PlanEvaluation)
    with clock.frozen(DAY), pytest.raises(ValidationError) as exc:
        services.plan_make(world.actors["wt"], child=world.child, goals=[goal])
    assert exc.value.field == field
    assert writes.none()


@pytest.mark.parametrize("extra, field", [
    ({"parent_agreements": [{"text": "Afspraak", "consequence": ""}]},
     "parent_agreements[0].consequence"),
    ({"parent_agreements": [{"text": "", "consequence": "Raad"}]}, "parent_agreements[0].text"),
    ({"evaluations": [DAY - timedelta(days=2)]}, "evaluations[0]"),
    ({"evaluations": [None]}, "evaluations[0]"),
])
def test_bad_agreements_and_evaluations_are_refused(world, extra, field):
    writes = Writes(FamilyPlan, Goal, PlanAgreement, PlanEvaluation)
    with clock.frozen(DAY), pytest.raises(ValidationError) as exc:
        make_plan(world, **extra)
    assert exc.value.field == field
    assert writes.none()


def test_goal_add_refuses_a_missing_owner_or_date_and_a_date_before_the_plan(world, plan):
    writes = Writes(Goal)
    a = world.actors["wt"]
    with clock.frozen(DAY + timedelta(days=3)):
        for kwargs, field in [({"owner": None, "due": LATER}, "owner"),
                              ({"owner": world.orgs["school"], "due": None}, "due"),
                              ({"owner": world.orgs["school"], "due": DAY - timedelta(days=1)},
                               "due")]:
            with pytest.raises(ValidationError) as exc:
                services.goal_add(a, plan=plan, text="Nieuw", **kwargs)
            assert exc.value.field == field
        with pytest.raises(Forbidden):
            services.goal_add(world.actors["school"], plan=plan, text="Nieuw",
                              owner=world.orgs["school"], due=LATER)
    assert writes.none()


def test_a_postponement_needs_a_new_date(world, plan):
    goal = plan.goals.get()
    writes = Writes(GoalUpdate)
    with clock.frozen(DAY), pytest.raises(ValidationError) as exc:
        services.goal_update(world.actors["wt"], goal=goal, status="postponed")
    assert exc.value.field == "due"
    with clock.frozen(DAY), pytest.raises(Forbidden) as exc:
        services.goal_update(world.actors["ggz"], goal=goal, status="met")
    assert exc.value.field == "goal"
    assert writes.none()
    goal.refresh_from_db()
    assert goal.status == "open"


def test_evaluation_needs_a_note_and_is_held_once(world, plan):
    ev = plan.evaluations.get()
    with clock.frozen(DAY + timedelta(days=42)):
        with pytest.raises(ValidationError) as exc:
            services.evaluation_hold(world.actors["wt"], evaluation=ev, note=" ")
        assert exc.value.field == "note"
        services.evaluation_hold(world.actors["wt"], evaluation=ev, note="Doelen bijgesteld")
        with pytest.raises(Refused):
            services.evaluation_hold(world.actors["wt"], evaluation=ev, note="Nog eens")


def test_a_replaced_plan_is_not_changed(world, plan):
    with clock.frozen(DAY + timedelta(days=1)):
        make_plan(world)
        plan.refresh_from_db()
        with pytest.raises(Refused):
            services.agreement_add(world.actors["wt"], plan=plan, text="a", consequence="b")


def test_plan_is_read_by_who_needs_to_know(world, plan, make_stranger):
    assert plan_get(world.actors["school"], plan.pk) == plan  # owner of a goal, involved
    assert plan_get(world.actors["wt"], plan.pk) == plan
    assert plan_get(make_stranger, plan.pk) is None


@pytest.fixture
def make_stranger(db):
    from factories import OrganisationFactory, ProfessionalFactory, actor_of

    return actor_of(ProfessionalFactory(organisation=OrganisationFactory(name="Elders")))


# --- cooperation ---------------------------------------------------------------------------

def test_refusals_postponements_and_missed_appointments_with_who_recorded_them(world):
    with clock.frozen(DAY):
        services.cooperation_record(world.actors["wt"], child=world.child,
                                    kind="parent_declines", help="opvoedcursus")
        services.cooperation_record(world.actors["wt"], child=world.child,
                                    kind="parent_declines", help="dagbehandeling",
                                    postponed=True)
        services.cooperation_record(world.actors["school"], child=world.child,
                                    kind="missed_appointment", help="JGZ-afspraak")
    log = cooperation_log(world.actors["wt"], world.child)
    assert [e.label for e in log] == ["Niet gebracht / niet verschenen",
                                      "Ouder stelt aangeboden hulp uit",
                                      "Ouder weigert aangeboden hulp"]
    assert log[0].organisation == "Org school"
    assert log[0].professional == world.actors["school"].professional.get_full_name()
    with pytest.raises(ValidationError) as exc:
        services.cooperation_record(world.actors["wt"], child=world.child,
                                    kind="missed_appointment", postponed=True)
    assert exc.value.field == "postponed"
    assert Cooperation.objects.count() == 3


# --- parents' problems made visible ---------------------------------------------------------

def test_the_adult_service_sees_who_works_with_the_children_never_content(world):
    with clock.frozen(DAY):
        view = children_involvement(world.actors["ggz"], world.mother)
        assert {c.child.given_name: [o.name for o in c.organisations] for c in view} == {
            "Mila": ["Org school", "Org wt"], "Jip": ["Org wt"]}  # wt holds Jip's safety too
        # an organisation not involved with the mother sees nothing
        assert children_involvement(world.actors["vt"], world.mother) is None


def test_sharing_on_a_legal_basis_is_recorded_and_shown_to_both_sides(world):
    with clock.frozen(DAY):
        share = services.share_make(world.actors["ggz"], person=world.mother,
                                    to=world.orgs["wt"], topic="Moeder in behandeling voor "
                                    "verslaving", basis="consent")
        assert shares_seen_by(world.actors["ggz"], world.mother) == [share]
        assert shares_seen_by(world.actors["wt"], world.child) == [share]
        assert shares_seen_by(world.actors["school"], world.child) == []
    event = DomainEvent.objects.get(pk=share.event_id)
    assert event.type == "shared" and event.payload == {"to": world.orgs["wt"].pk,
                                                        "basis": "consent"}


@pytest.mark.parametrize("basis", ["", "gut_feeling"])
def test_sharing_without_a_basis_is_refused(world, basis):
    writes = Writes(Share)
    with clock.frozen(DAY), pytest.raises(ValidationError) as exc:
        services.share_make(world.actors["ggz"], person=world.mother, to=world.orgs["wt"],
                            topic="x", basis=basis)
    assert exc.value.field == "basis"
    assert writes.none()


def test_sharing_about_a_person_one_is_not_involved_with_is_refused(world):
    writes = Writes(Share)
    with clock.frozen(DAY), pytest.raises(Refused) as exc:
        services.share_make(world.actors["vt"], person=world.mother, to=world.orgs["wt"],
                            topic="x", basis="legal_duty")
    assert exc.value.field == "person"
    assert writes.none()


def test_household_plan_covers_every_child(world):
    with clock.frozen(DAY):
        plan = services.plan_make(world.actors["wt"], household=world.home, goals=[
            {"text": "Rust in huis", "owner": world.orgs["wt"], "due": LATER}])
    assert set(DomainEvent.objects.get(pk=plan.event_id).subjects.values_list(
        "person_id", flat=True)) == {world.mother.pk, world.child.pk, world.sibling.pk}
