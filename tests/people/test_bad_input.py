"""Bad input through the services: a clear error naming the field, and nothing written — no
row, no domain event, no audit entry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import adult, child, make_family

from kindzicht.core import clock
from kindzicht.core.errors import KindzichtError, ValidationError
from kindzicht.people import services
from kindzicht.people.models import RelationKind


def refused(call, field: str, snapshot) -> KindzichtError:
    before = snapshot()
    with pytest.raises(KindzichtError) as err:
        call()
    assert err.value.field == field, err.value.message
    assert err.value.message
    assert before.changes() == {}, "refused input must write nothing"
    return err.value


def test_future_birth_date(actor, snapshot, today):
    err = refused(lambda: services.person_create(actor, birth_date=today + timedelta(days=1),
                                                 given_name="Nog", family_name="Niet"),
                  "birth_date", snapshot)
    assert isinstance(err, ValidationError)


def test_birth_date_today_is_fine(actor, today):
    assert services.person_create(actor, birth_date=today).birth_date == today


def test_invalid_bsn(actor, snapshot):
    refused(lambda: services.person_create(actor, birth_date=date(2015, 3, 1), bsn="123456789"),
            "bsn", snapshot)


def test_unknown_sector(actor, snapshot):
    refused(lambda: services.organisation_create(actor, name="Sportclub", sector="sports"),
            "sector", snapshot)


def test_relation_to_oneself(actor, snapshot):
    p = adult()
    for kind in RelationKind.values:
        refused(lambda kind=kind: services.relation_add(actor, person=p, kind=kind, other=p),
                "other", snapshot)


def test_relation_ending_before_it_starts(actor, snapshot):
    a, b = adult(), adult()
    refused(lambda: services.relation_add(actor, person=a, kind=RelationKind.PARTNER_OF,
                                          other=b, valid_from=date(2020, 1, 1),
                                          valid_to=date(2019, 1, 1)),
            "valid_to", snapshot)


def test_parent_younger_than_child(actor, snapshot):
    kid, grown = child(), adult()
    refused(lambda: services.relation_add(actor, person=kid, kind=RelationKind.PARENT_OF,
                                          other=grown), "person", snapshot)


def test_membership_ending_before_it_starts(actor, snapshot, today):
    family = make_family(children=1, actor=actor)  # joined today
    with clock.frozen(today - timedelta(days=10)):
        refused(lambda: services.household_leave(actor, household=family.household,
                                                 person=family.children[0]),
                "left_on", snapshot)


def test_bad_municipality_code_and_postcode(actor, snapshot):
    p = adult()
    refused(lambda: services.household_create(actor, members=[p], municipality_code="344",
                                              postcode="3511AB"), "municipality_code", snapshot)
    refused(lambda: services.household_create(actor, members=[p], municipality_code="0344",
                                              postcode="AB3511"), "postcode", snapshot)


@pytest.mark.django_db
def test_a_newborn_given_its_parents_records_a_birth_once():
    from datetime import date

    from factories import SYSTEM, PersonFactory
    from kindzicht.core import clock
    from kindzicht.people import services
    from kindzicht.safety.models import LifeEvent

    with clock.frozen(date(2025, 3, 10)):
        mother = PersonFactory(birth_date=date(1990, 1, 1))
        father = PersonFactory(birth_date=date(1989, 1, 1))
        baby = PersonFactory(birth_date=date(2025, 3, 1))
        older = PersonFactory(birth_date=date(2020, 3, 1))
        for parent in (mother, father):
            services.relation_add(SYSTEM, person=parent, kind="parent_of", other=baby)
        services.relation_add(SYSTEM, person=mother, kind="parent_of", other=older)
    assert list(LifeEvent.objects.values_list("person_id", "kind")) == [(baby.pk, "birth")]
