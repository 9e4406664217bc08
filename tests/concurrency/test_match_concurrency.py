"""Two organisations registering signals on members of one family at the same moment make
exactly one family-level match containing both — no duplicate, no miss (PostgreSQL, real
concurrent transactions)."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest
from pg_support import run_concurrently

from factories import OrganisationFactory, PersonFactory, ProfessionalFactory, actor_of
from kindzicht.core.actions import Actor
from kindzicht.index.models import Match
from kindzicht.index.services import signal_register
from kindzicht.people import services as people

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("attempt", range(5))
def test_simultaneous_signals_on_a_stepfather_and_his_stepdaughter_make_one_match(attempt):
    system = Actor.system("test")
    mother = PersonFactory(birth_date=date(1987, 3, 3))
    stepfather = PersonFactory(birth_date=date(1982, 8, 8))
    daughter = PersonFactory(birth_date=date(2013, 5, 5))
    people.relation_add(system, person=mother, kind="parent_of", other=daughter)
    people.relation_add(system, person=stepfather, kind="partner_of", other=mother)
    people.household_create(system, members=[mother, stepfather, daughter],
                            municipality_code="0344", postcode="3511AB")
    probation = actor_of(ProfessionalFactory(
        organisation=OrganisationFactory(sector="probation"), role="coordinator"))
    school = actor_of(ProfessionalFactory(
        organisation=OrganisationFactory(sector="school"), role="coordinator"))

    run_concurrently([partial(signal_register, probation, person=stepfather),
                      partial(signal_register, school, person=daughter)])

    family = list(Match.objects.filter(child=daughter, level="family"))
    assert len(family) == 1, [(m.person_ids, m.organisation_ids) for m in family]
    assert set(family[0].person_ids) == {daughter.pk, stepfather.pk}
    assert set(family[0].organisation_ids) == {probation.organisation.pk,
                                               school.organisation.pk}


@pytest.mark.parametrize("attempt", range(5))
def test_simultaneous_signals_on_half_siblings_in_two_households_make_one_match(attempt):
    """No household in common: only the family (a shared father) ties the two signals."""
    system = Actor.system("test")
    father = PersonFactory(birth_date=date(1980, 1, 1))
    mother_a = PersonFactory(birth_date=date(1984, 2, 2))
    mother_b = PersonFactory(birth_date=date(1986, 4, 4))
    lisa = PersonFactory(birth_date=date(2012, 6, 6))
    tom = PersonFactory(birth_date=date(2016, 9, 9))
    for parent, kid in [(father, lisa), (father, tom), (mother_a, lisa), (mother_b, tom)]:
        people.relation_add(system, person=parent, kind="parent_of", other=kid)
    people.household_create(system, members=[mother_a, lisa], municipality_code="0344",
                            postcode="3511AB")
    people.household_create(system, members=[father, mother_b, tom], municipality_code="0363",
                            postcode="1012AB")
    school = actor_of(ProfessionalFactory(
        organisation=OrganisationFactory(sector="school"), role="coordinator"))
    jgz = actor_of(ProfessionalFactory(
        organisation=OrganisationFactory(sector="youth_health"), role="coordinator"))

    run_concurrently([partial(signal_register, school, person=lisa),
                      partial(signal_register, jgz, person=tom)])

    for child in (lisa, tom):
        family = list(Match.objects.filter(child=child, level="family"))
        assert len(family) == 1, (child, [(m.person_ids, m.organisation_ids) for m in family])
        assert set(family[0].person_ids) == {lisa.pk, tom.pk}


@pytest.mark.parametrize("attempt", range(3))
@pytest.mark.parametrize("who", ["child", "young adult alone"])
def test_the_same_signal_registered_twice_at_once_is_one_signal_and_one_refusal(attempt, who):
    """The unique constraint is the duplicate check, now inside the registration's one
    writing statement: the second of two simultaneous registrations by the same organisation
    is refused as a duplicate — also where no child's lock orders them (a young adult with
    no family recorded) — and writes nothing."""
    from kindzicht.core.errors import Refused
    from kindzicht.core.models import AuditEntry
    from kindzicht.index.models import Signal

    system = Actor.system("test")
    if who == "child":
        mother = PersonFactory(birth_date=date(1987, 3, 3))
        person = PersonFactory(birth_date=date(2013, 5, 5))
        people.relation_add(system, person=mother, kind="parent_of", other=person)
    else:
        person = PersonFactory(birth_date=date(2005, 5, 5))
    org = OrganisationFactory(sector="school")
    one, two = (actor_of(ProfessionalFactory(organisation=org)) for _ in range(2))
    entries = AuditEntry.objects.filter(action="signal_registered").count()

    results = run_concurrently([partial(signal_register, one, person=person),
                                partial(signal_register, two, person=person)],
                               return_exceptions=True)

    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], Refused), results
    assert refused[0].code == "duplicate_signal"
    assert Signal.objects.filter(person=person, ended_at__isnull=True).count() == 1
    assert AuditEntry.objects.filter(action="signal_registered").count() == entries + 1
