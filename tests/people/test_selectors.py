"""The person selectors shared by the web pages and the API: who may read, what a search or a
lookup finds, the family of a child on a day, the person page — each read audited exactly once,
in a fixed number of queries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from factories import (
    OrganisationFactory,
    PersonFactory,
    ProfessionalFactory,
    actor_of,
    involve,
    make_family,
    relate,
)

from kindzicht.core.errors import Forbidden, ValidationError
from kindzicht.core.models import AuditEntry
from kindzicht.people import selectors
from kindzicht.people import services as people
from kindzicht.people.family import PARENT, SIBLING, STEP_PARENT

BIRTH = date(2015, 6, 1)


class Reads:
    """The audit entries of reads written since it was made."""

    def __init__(self) -> None:
        self.last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def entries(self) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(kind="read", id__gt=self.last).order_by("id"))


@pytest.fixture
def officer(db, frozen_today):
    """A municipality's policy officer: sees aggregates, never person data."""
    gemeente = OrganisationFactory(sector="municipality")
    return actor_of(ProfessionalFactory(organisation=gemeente, role="municipality_officer"))


class TestSearch:
    def test_a_word_of_name_matches_either_name_and_every_word_must_match(self, actor):
        mila = PersonFactory(birth_date=BIRTH, given_name="Mila", family_name="de Vries")
        PersonFactory(birth_date=BIRTH, given_name="Vries", family_name="Bakker")  # given
        PersonFactory(birth_date=date(2015, 6, 2), given_name="Mila", family_name="de Vries")
        assert selectors.person_search(actor, birth_date=BIRTH, name="mila vries") == [mila]
        assert len(selectors.person_search(actor, birth_date=BIRTH, name="vries")) == 2

    def test_family_and_given_name_match_only_their_own_name(self, actor):
        mila = PersonFactory(birth_date=BIRTH, given_name="Mila", family_name="de Vries")
        PersonFactory(birth_date=BIRTH, given_name="Vries", family_name="Bakker")
        assert selectors.person_search(actor, birth_date=BIRTH, family_name="vries") == [mila]
        assert selectors.person_search(actor, birth_date=BIRTH, family_name="vries",
                                       given_name="sem") == []

    def test_one_audit_entry_naming_who_was_found_even_when_nobody(self, actor):
        mila = PersonFactory(birth_date=BIRTH, given_name="Mila", family_name="de Vries")
        reads = Reads()
        selectors.person_search(actor, birth_date=BIRTH, name="Mila")
        selectors.person_search(actor, birth_date=BIRTH, name="Niemand")
        found, nobody = reads.entries()
        assert (found.action, found.person_ids) == ("person_searched", [mila.pk])
        assert (nobody.action, nobody.person_ids) == ("person_searched", [])
        assert found.actor_id == actor.professional.pk and found.purpose == actor.purpose

    def test_no_browsing_by_birth_date_alone(self, actor):
        PersonFactory(birth_date=BIRTH)
        reads = Reads()
        with pytest.raises(ValidationError):
            selectors.person_search(actor, birth_date=BIRTH, name="  ")
        assert reads.entries() == []

    def test_at_most_the_limit_in_a_fixed_number_of_queries(self, actor,
                                                            django_assert_max_num_queries):
        for i in range(selectors.SEARCH_LIMIT + 2):
            PersonFactory(birth_date=BIRTH, given_name=f"Kind{i}", family_name="Jansen")
        with django_assert_max_num_queries(6):  # the search, and the audit entry
            found = selectors.person_search(actor, birth_date=BIRTH, name="Jansen")
        assert len(found) == selectors.SEARCH_LIMIT

    def test_a_municipality_officer_reads_no_person_data(self, officer):
        PersonFactory(birth_date=BIRTH, given_name="Mila")
        reads = Reads()
        with pytest.raises(Forbidden):
            selectors.person_search(officer, birth_date=BIRTH, name="Mila")
        assert reads.entries() == []


class TestLookupByBsn:
    def test_finds_by_a_normalised_bsn_and_audits_once(self, actor):
        person = PersonFactory(bsn="111222333")
        reads = Reads()
        assert selectors.person_find_by_bsn(actor, bsn="111 222 333") == person
        [entry] = reads.entries()
        assert (entry.action, entry.person_ids) == ("person_searched_by_bsn", [person.pk])

    def test_an_unknown_bsn_is_audited_without_the_number(self, actor):
        reads = Reads()
        assert selectors.person_find_by_bsn(actor, bsn="123456782") is None
        [entry] = reads.entries()
        assert entry.person_ids == [] and "123456782" not in str(entry.__dict__)

    def test_an_invalid_bsn_is_refused_and_reads_nothing(self, actor):
        reads = Reads()
        with pytest.raises(ValidationError) as exc:
            selectors.person_find_by_bsn(actor, bsn="123456789")
        assert exc.value.field == "bsn" and "elfproef" in exc.value.message
        assert reads.entries() == []

    def test_a_municipality_officer_looks_nobody_up(self, officer):
        PersonFactory(bsn="111222333")
        with pytest.raises(Forbidden):
            selectors.person_find_by_bsn(officer, bsn="111222333")


class TestPersonGet:
    def test_one_entry_per_read_and_none_for_a_composing_read(self, actor):
        person = PersonFactory()
        involve(actor, person)
        reads = Reads()
        assert selectors.person_get(actor, person.pk) == person
        assert selectors.person_get(actor, person.pk, audit=False) == person
        [entry] = reads.entries()
        assert (entry.action, entry.person_ids) == ("person_viewed", [person.pk])
        assert (entry.object_type, entry.object_id) == ("people.person", person.pk)

    def test_an_unknown_person_is_none_and_audits_nothing(self, actor):
        reads = Reads()
        assert selectors.person_get(actor, 999_999) is None
        assert reads.entries() == []

    @pytest.mark.parametrize("role", ["municipality_officer", "inspector", "admin"])
    def test_only_casework_roles_read_a_person(self, actor, role):
        person = PersonFactory()
        other = replace(actor, role=role)
        with pytest.raises(Forbidden):
            selectors.person_get(other, person.pk)

    def test_a_professional_without_organisation_reads_nothing(self, actor):
        person = PersonFactory()
        with pytest.raises(Forbidden):
            selectors.person_get(replace(actor, organisation=None), person.pk)


class TestFamily:
    def test_closest_first_then_oldest_and_one_entry_naming_everyone(self, actor):
        fam = make_family(children=2, child_ages=[4, 9])
        young, older = fam.children
        partner = PersonFactory(adult=True, given_name="Karim")
        people.household_join(actor, household=fam.household, person=partner)
        involve(actor, young)
        reads = Reads()
        members = selectors.family_on(actor, young, actor_today())
        # The parents share a birth date: then the one registered first.
        assert [(m.person, m.role) for m in members] == [
            (fam.mother, PARENT), (fam.father, PARENT), (partner, STEP_PARENT), (older, SIBLING)]
        [entry] = reads.entries()
        assert entry.action == "family_read"
        assert set(entry.person_ids) == {young.pk, fam.mother.pk, fam.father.pk, partner.pk,
                                         older.pk}

    def test_on_a_day_before_a_relation_began(self, actor):
        child = PersonFactory(birth_date=BIRTH)
        guardian = PersonFactory(adult=True)
        relate(guardian, "guardian_of", child, valid_from=date(2020, 1, 1))
        assert selectors.family_on(actor, child, date(2019, 12, 31), audit=False) == []
        assert [m.role for m in selectors.family_on(actor, child, date(2020, 1, 1),
                                                    audit=False)] == ["guardian"]

    def test_a_fixed_number_of_queries(self, actor, django_assert_max_num_queries):
        fam = make_family(children=6)
        involve(actor, fam.children[0])
        with django_assert_max_num_queries(12):  # 11, and the reach check
            members = selectors.family_on(actor, fam.children[0], actor_today())
        assert len(members) == 7


class TestPersonRecord:
    def test_the_page_read_names_everyone_shown_in_one_entry(self, actor):
        fam = make_family(children=2)
        involve(actor, fam.children[0])  # the mother is in reach as the child's family
        reads = Reads()
        record = selectors.person_record(actor, fam.mother.pk)
        assert record is not None and record.person == fam.mother
        assert {p.pk for h in record.households for p in h.members_now} == {
            fam.father.pk, *(c.pk for c in fam.children)}
        [entry] = reads.entries()
        assert entry.action == "person_viewed"
        assert set(entry.person_ids) == {p.pk for p in fam.members}

    def test_who_is_involved_and_why(self, actor):
        from kindzicht.continuity.services import involvement_start
        from kindzicht.index.services import signal_register

        child = PersonFactory()
        involvement_start(actor, person=child, service="ambulante hulp")
        school = OrganisationFactory(name="Basisschool De Linde", sector="school")
        signal_register(actor_of(ProfessionalFactory(organisation=school)), person=child)
        record = selectors.person_record(actor, child.pk)
        assert [i.organisation for i in record.involvements] == [actor.organisation]
        # The signal opened risk, so the school also holds safety responsibility.
        assert ("Basisschool De Linde", ["signal", "responsibility"]) in record.also_involved
        assert all(name != actor.organisation.name for name, _ in record.also_involved)

    def test_an_unknown_person_is_none(self, actor):
        assert selectors.person_record(actor, 999_999) is None

    def test_queries_do_not_grow_with_the_family(self, actor, django_assert_max_num_queries):
        small = make_family(children=1)
        big = make_family(children=6)
        involve(actor, small.children[0])
        involve(actor, big.children[0])
        with django_assert_max_num_queries(22) as small_q:  # 21, and the reach check
            selectors.person_record(actor, small.children[0].pk)
        with django_assert_max_num_queries(22) as big_q:
            selectors.person_record(actor, big.children[0].pk)
        assert len(big_q.captured_queries) == len(small_q.captured_queries)


def actor_today() -> date:
    from kindzicht.core import clock

    return clock.today()
