"""Issue 6, bad input on the service level: an assessment of an adult, an unknown factor code,
a factor owner that does not exist, a life event dated before the person's birth, accepting a
factor one does not own — each a specific error, and nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kindzicht.core import clock
from kindzicht.core.errors import Refused, ValidationError
from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.rules.models import Task
from kindzicht.safety.life_events import life_event_record_on
from kindzicht.safety.models import Assessment, AssessmentFactor, FactorOwnership, LifeEvent
from kindzicht.safety.services import assessment_record, factors_accept, life_event_record


def counts():
    return (Assessment.objects.count(), AssessmentFactor.objects.count(),
            FactorOwnership.objects.count(), LifeEvent.objects.count(), Task.objects.count(),
            DomainEvent.objects.count(), AuditEntry.objects.filter(kind="write").count())


@pytest.fixture
def before(world):
    world.assess("wt", factors=[{"domain": "parent", "code": "parent_mental_health",
                                 "owner": world.orgs["ggz"]}])
    return counts()


def test_an_adult_is_not_assessed(world, before):
    with pytest.raises(ValidationError) as exc:
        assessment_record(world.actors["wt"], child=world.mother, safety="unsafe", risk="high")
    assert exc.value.field == "child"
    assert counts() == before


def test_an_unknown_factor_code(world, before):
    with pytest.raises(ValidationError) as exc:
        world.assess("wt", factors=[{"domain": "family", "code": "new_partner"},
                                    {"domain": "family", "code": "bad_vibes"}])
    assert (exc.value.field, "bad_vibes" in exc.value.message) == ("factors[1].code", True)
    assert counts() == before


def test_a_factor_owner_that_does_not_exist(world, before):
    with pytest.raises(ValidationError) as exc:
        world.assess("wt", factors=[{"domain": "family", "code": "new_partner", "owner": 99999}])
    assert exc.value.field == "factors[0].owner"
    assert counts() == before


def test_a_life_event_before_the_persons_birth(world, before):
    with clock.frozen(world.child.birth_date - timedelta(days=3)), \
            pytest.raises(ValidationError) as exc:
        life_event_record(world.actors["wt"], kind="moved", person=world.child)
    assert exc.value.field == "at"
    with pytest.raises(ValidationError) as exc:
        life_event_record_on(world.actors["wt"], kind="moved", person=world.child,
                             on=world.child.birth_date - timedelta(days=1))
    assert exc.value.field == "at"
    assert counts() == before


def test_a_life_event_in_the_future(world, before):
    with pytest.raises(ValidationError) as exc:
        life_event_record_on(world.actors["wt"], kind="job_loss", person=world.mother,
                             on=clock.today() + timedelta(days=1))
    assert exc.value.field == "on"
    assert counts() == before


def test_accepting_a_factor_one_does_not_own(world, before):
    with pytest.raises(Refused) as exc:
        factors_accept(world.actors["school"], child=world.child,
                       factors=["parent_mental_health"])
    assert exc.value.field == "factors"
    with pytest.raises(Refused):
        factors_accept(world.actors["ggz"], child=world.child,
                       factors=["parent_mental_health", "debts"])
    assert counts() == before


def test_the_owner_accepts_what_was_named_to_it(world, before):
    assert factors_accept(world.actors["ggz"], child=world.child,
                          factors=["parent_mental_health"]) == ["parent_mental_health"]
    assert FactorOwnership.objects.filter(organisation=world.orgs["ggz"],
                                          code="parent_mental_health").exists()
