"""The synthetic data generator: deterministic, realistic, written through the services."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from kindzicht.core.models import DomainEvent
from kindzicht.people.bsn import is_valid_bsn
from kindzicht.people.data import by_code, municipality_rows, regions
from kindzicht.people.family import SIBLING, STEP_PARENT, family_of, households_on
from kindzicht.people.models import (
    Household,
    HouseholdAddress,
    HouseholdMembership,
    Municipality,
    Organisation,
    Person,
    Professional,
    Relation,
    Role,
)
from kindzicht.people.sectors import SECTORS
from kindzicht.people.seed import _Planner, generate

AS_OF = date(2025, 6, 1)
FAMILIES = 10
pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def snapshot() -> dict:
    """The generated world by content (ids differ between runs): people, relations,
    household memberships and addresses."""
    key = {p.pk: (p.given_name, p.family_name, p.birth_date, p.bsn)
           for p in Person.objects.all()}
    return {
        "persons": sorted(key.values(), key=repr),
        "relations": sorted((key[r.person_id], r.kind, key[r.other_id], r.valid_from, r.valid_to)
                            for r in Relation.objects.all()),
        "memberships": sorted(
            (m.household_id - Household.objects.order_by("pk").first().pk, key[m.person_id],
             m.joined_on, m.left_on) for m in HouseholdMembership.objects.all()),
        "addresses": sorted(
            (a.household_id - Household.objects.order_by("pk").first().pk, a.municipality_code,
             a.postcode, a.valid_from, a.valid_to) for a in HouseholdAddress.objects.all()),
    }


def generated(families: int, seed: int, **kwargs) -> dict:
    """Generate in a savepoint, take the snapshot, and roll everything back."""
    out: dict = {}
    try:
        with transaction.atomic():
            generate(families, seed, as_of=AS_OF, with_organisations=False, **kwargs)
            out = snapshot()
            raise _Rollback
    except _Rollback:
        pass
    return out


def test_the_plan_is_a_pure_function_of_the_seed():
    def plan(seed):
        return [(s.on, s.kind, s.data) for s in
                _Planner(seed, AS_OF, ["Lekstroom"], 6).plan(25).steps]

    assert plan(7) == plan(7)
    assert plan(7) != plan(8)


def test_same_seed_same_data():
    first = generated(5, seed=11)
    second = generated(5, seed=11)
    assert first["persons"] and first == second
    assert Person.objects.count() == 0  # both rolled back
    assert generated(5, seed=12)["persons"] != first["persons"]


@pytest.fixture
def world():
    result = generate(FAMILIES, seed=3, as_of=AS_OF)
    return result


def test_persons_have_valid_unique_bsns_and_realistic_ages(world):
    persons = list(Person.objects.all())
    assert len(persons) == world.persons > FAMILIES * 2
    bsns = [p.bsn for p in persons if p.bsn]
    assert len(bsns) > 0.85 * len(persons)
    assert all(is_valid_bsn(b) for b in bsns)
    assert len(set(bsns)) == len(bsns)
    assert all(p.birth_date <= AS_OF for p in persons)
    ages = [(AS_OF - p.birth_date).days // 365 for p in persons]
    assert min(ages) < 18 and max(ages) < 80


def test_real_municipality_codes_and_plausible_postcodes(world):
    known = by_code()
    for a in HouseholdAddress.objects.all():
        row = known[a.municipality_code]
        assert row.pc4_from <= int(a.postcode[:4]) <= row.pc4_to
        assert a.postcode[4:].isalpha() and len(a.postcode) == 6
    lekstroom = {r.code for r in regions()["Lekstroom"]}
    first = HouseholdAddress.objects.filter(valid_from__lte=AS_OF).values_list(
        "municipality_code", flat=True)
    assert Counter(c in lekstroom for c in first)[True] > 0.6 * len(first)


def test_region_organisations_cover_every_sector_with_a_login_per_role(world):
    sectors = set(Organisation.objects.values_list("sector", flat=True))
    assert sectors == set(SECTORS)
    assert Organisation.objects.filter(name="Veilig Thuis Utrecht",
                                       sector="safe_at_home").exists()
    assert Organisation.objects.filter(sector="school").count() >= 2
    assert set(Professional.objects.values_list("role", flat=True)) == set(Role.values)
    for login in world.logins:
        user = Professional.objects.get(username=login.username)
        assert user.check_password(login.password)
        assert user.role == login.role
    assert {lg.role for lg in world.logins} == set(Role.values)
    # Organisations and people were all written through the services: one event each.
    assert DomainEvent.objects.filter(type="organisation_created").count() == \
        Organisation.objects.count()
    assert DomainEvent.objects.filter(type="person_created").count() == Person.objects.count()


def test_families_are_varied(world):
    kinds = Counter(r.kind for r in Relation.objects.all())
    assert kinds["parent_of"] > FAMILIES and kinds["partner_of"] > 5
    # someone moved, someone left a household, someone joined one
    assert HouseholdAddress.objects.filter(valid_to__isnull=False).exists() or \
        DomainEvent.objects.filter(type="household_moved").exists()
    assert HouseholdMembership.objects.filter(left_on__isnull=False).exists()
    assert DomainEvent.objects.filter(type="household_joined").exists()


def test_showcase_child_has_a_blended_family(world):
    [show] = world.showcase
    child = Person.objects.get(pk=show.person_id)
    assert child.name == show.name and (AS_OF - child.birth_date).days < 18 * 365
    fam = family_of(child.pk, AS_OF)
    roles = Counter(fam.values())
    assert roles["parent"] == 2
    assert roles[STEP_PARENT] >= 2  # the mother's partner living in, the father's partner
    homes = households_on(list(fam) + [child.pk], AS_OF)
    mine = homes[child.pk]
    siblings = [pid for pid, role in fam.items() if role == SIBLING]
    assert any(homes[s] & mine for s in siblings), "a half-sibling in the same household"
    assert any(not (homes[s] & mine) for s in siblings), "a half-sibling elsewhere"
    step_in_house = [pid for pid, role in fam.items() if role == STEP_PARENT and
                     homes[pid] & mine]
    assert step_in_house, "a step-parent living in"


def test_history_is_dated_on_the_clock(world):
    """Moves and partners who moved in years ago carry their own dates."""
    days = set(DomainEvent.objects.filter(type__in=["household_joined", "household_left",
                                                    "household_moved"])
               .values_list("occurred_on", flat=True))
    assert len(days) > 3
    assert min(days) < date(2022, 1, 1) and max(days) <= AS_OF


def test_national_scale_spreads_over_regions():
    generate(12, seed=5, as_of=AS_OF, region=None, with_organisations=False)
    codes = set(HouseholdAddress.objects.values_list("municipality_code", flat=True))
    regions_used = {by_code()[c].region for c in codes}
    assert len(regions_used) >= 3


def test_unknown_region_is_refused():
    with pytest.raises(ValueError, match="Unknown region"):
        generate(1, seed=1, region="Atlantis")
    with pytest.raises(CommandError, match="Unknown region"):
        call_command("seed", "--families", "1", "--region", "Atlantis")
    assert Person.objects.count() == 0


def test_municipality_data_is_loaded_by_the_migration():
    assert Municipality.objects.count() == len(municipality_rows()) >= 60
    for code, name in [("0363", "Amsterdam"), ("0344", "Utrecht"), ("0599", "Rotterdam"),
                       ("0518", "'s-Gravenhage"), ("0772", "Eindhoven"), ("0014", "Groningen"),
                       ("0307", "Amersfoort"), ("0355", "Zeist"), ("0356", "Nieuwegein"),
                       ("0202", "Arnhem"), ("0268", "Nijmegen"), ("0193", "Zwolle"),
                       ("0855", "Tilburg"), ("0758", "Breda"), ("0935", "Maastricht")]:
        m = Municipality.objects.get(code=code)
        assert m.name == name and m.region is not None
    assert len(regions()) >= 4


def test_seed_command_prints_what_it_made(capsys):
    from io import StringIO

    out = StringIO()
    call_command("seed", "--families", "2", "--seed", "9", "--as-of", "2025-06-01", stdout=out)
    text = out.getvalue()
    assert "2 gezinnen" in text and "Lekstroom" in text
    assert "professional" in text and "kindzicht-demo" in text
    assert "Probeer: zoek" in text
