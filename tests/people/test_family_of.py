"""The family of a child on a day (findings.md, Terms): parents and guardians, step-parents (a
parent's partner, or an adult in the child's household), siblings and half-siblings (a shared
parent), and every member of the child's household that day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import SYSTEM, PersonFactory, adult, child, relate, years_ago

from kindzicht.core import clock
from kindzicht.people import services
from kindzicht.people.family import (
    GUARDIAN,
    HOUSEHOLD,
    PARENT,
    SIBLING,
    STEP_PARENT,
    children_in_family_of,
    family_of,
)
from kindzicht.people.models import RelationKind

PARENT_OF, PARTNER_OF, GUARDIAN_OF = (RelationKind.PARENT_OF, RelationKind.PARTNER_OF,
                                      RelationKind.GUARDIAN_OF)
START = date(2022, 1, 10)
DAY = timedelta(days=1)


@pytest.fixture
def actor(db):
    return SYSTEM


def home(members, since=START, code="0356", postcode="3431AB"):
    return services.household_create(SYSTEM, members=members, municipality_code=code,
                                     postcode=postcode, since=since)


@pytest.fixture
def blended(actor):
    """Mila lives with her mother Sanne and her brother; her father Mark lives elsewhere with
    his new partner Noor and their son Daan (a half-brother in another household). On
    2022-06-01 Sanne's new partner Erik moves in; on 2023-09-01 their daughter Lot is born
    (a half-sister in Mila's household). Erik has a son of his own, Tim, who lives with his
    mother."""
    with clock.frozen(START):
        sanne = adult(given_name="Sanne", family_name="Bakker")
        mark = adult(given_name="Mark", family_name="de Vries")
        mila = PersonFactory(given_name="Mila", family_name="de Vries",
                             birth_date=date(2015, 3, 1))
        bram = PersonFactory(given_name="Bram", family_name="de Vries",
                             birth_date=date(2017, 8, 20))
        for kid in (mila, bram):
            relate(sanne, PARENT_OF, kid, valid_from=kid.birth_date)
            relate(mark, PARENT_OF, kid, valid_from=kid.birth_date)
        relate(sanne, PARTNER_OF, mark, valid_from=date(2012, 1, 1), valid_to=date(2019, 5, 1))
        noor = adult(given_name="Noor", family_name="Jansen")
        daan = PersonFactory(given_name="Daan", family_name="de Vries",
                             birth_date=date(2021, 2, 2))
        relate(mark, PARENT_OF, daan, valid_from=daan.birth_date)
        relate(noor, PARENT_OF, daan, valid_from=daan.birth_date)
        relate(mark, PARTNER_OF, noor, valid_from=date(2020, 1, 1))
        erik = adult(given_name="Erik", family_name="Smit")
        tim = PersonFactory(given_name="Tim", family_name="Smit", birth_date=date(2014, 6, 6))
        tims_mother = adult(given_name="Eva", family_name="Smit")
        relate(erik, PARENT_OF, tim, valid_from=tim.birth_date)
        relate(tims_mother, PARENT_OF, tim, valid_from=tim.birth_date)
        h_sanne = home([sanne, mila, bram])
        home([mark, noor, daan], code="0344", postcode="3581KL")
        h_erik = home([erik], code="0321", postcode="3991AA")
        home([tims_mother, tim], code="0321", postcode="3992BB")
    with clock.frozen(date(2022, 6, 1)):
        relate(sanne, PARTNER_OF, erik, valid_from=date(2022, 6, 1))
        services.household_leave(actor, household=h_erik, person=erik)
        services.household_join(actor, household=h_sanne, person=erik)
    with clock.frozen(date(2023, 9, 1)):
        lot = PersonFactory(given_name="Lot", family_name="Smit", birth_date=date(2023, 9, 1))
        relate(sanne, PARENT_OF, lot, valid_from=lot.birth_date)
        relate(erik, PARENT_OF, lot, valid_from=lot.birth_date)
        services.household_join(actor, household=h_sanne, person=lot)
    return dict(sanne=sanne, mark=mark, mila=mila, bram=bram, noor=noor, daan=daan, erik=erik,
                tim=tim, eva=tims_mother, lot=lot)


@pytest.fixture
def guarded(blended):
    """The blended family, and from 2022-06-01 a guardian for Tim, Gert, whose partner Ria
    lives elsewhere (not Tim's family: findings.md's step-parent is a parent's partner); Daan
    died on 2023-08-31."""
    with clock.frozen(START):
        gert = adult(given_name="Gert", family_name="Visser")
        ria = adult(given_name="Ria", family_name="Visser")
        relate(gert, PARTNER_OF, ria, valid_from=date(2020, 1, 1))
    relate(gert, GUARDIAN_OF, blended["tim"], valid_from=date(2022, 6, 1))
    blended["daan"].death_date = date(2023, 8, 31)
    blended["daan"].save(update_fields=["death_date"])
    return {**blended, "gert": gert, "ria": ria}


def named(people: dict, fam: dict[int, str]) -> dict[str, str]:
    by_id = {p.pk: name for name, p in people.items()}
    return {by_id.get(pid, f"#{pid}"): role for pid, role in fam.items()}


def test_blended_family_today(blended):
    fam = named(blended, family_of(blended["mila"].pk, date(2024, 5, 15)))
    assert fam == {
        "sanne": PARENT, "mark": PARENT,        # both parents, in two households
        "erik": STEP_PARENT,                    # mother's partner, living in
        "noor": STEP_PARENT,                    # father's partner, living elsewhere
        "bram": SIBLING,                        # full brother
        "daan": SIBLING,                        # half-brother in the father's household
        "lot": SIBLING,                         # half-sister in Mila's own household
    }
    # Erik's son Tim shares no parent and lives elsewhere: not Mila's family.
    assert "tim" not in fam and "eva" not in fam


def test_blended_family_before_the_new_partner_moved_in(blended):
    fam = named(blended, family_of(blended["mila"].pk, date(2022, 5, 31)))
    assert "erik" not in fam and "lot" not in fam
    assert fam["daan"] == SIBLING and fam["noor"] == STEP_PARENT


def test_new_partner_counts_from_the_day_he_joins(blended):
    fam = named(blended, family_of(blended["mila"].pk, date(2022, 6, 1)))
    assert fam["erik"] == STEP_PARENT


def test_half_sibling_before_birth_is_not_family(blended):
    assert "lot" not in named(blended, family_of(blended["mila"].pk, date(2023, 8, 31)))


def test_step_child_sees_the_step_parent_side(blended):
    """Tim's family: his parents, and Sanne as his father's partner (a step-parent), his
    half-sister Lot; not Mila (no shared parent, other household)."""
    fam = named(blended, family_of(blended["tim"].pk, date(2024, 5, 15)))
    assert fam == {"erik": PARENT, "eva": PARENT, "sanne": STEP_PARENT, "lot": SIBLING}


def test_children_concerned_by_a_fact_about_the_new_partner(blended):
    """A signal on Erik concerns every child whose family he belongs to."""
    ids = children_in_family_of([blended["erik"].pk], date(2024, 5, 15))
    names = {p.pk: n for n, p in blended.items()}
    assert {names[i] for i in ids} == {"mila", "bram", "lot", "tim"}


def test_partner_who_joins_and_leaves(actor):
    """A partner living in (no relation recorded) is family from the day he joins until the
    day he leaves; the day he leaves he no longer lives there."""
    with clock.frozen(START):
        mother = adult(given_name="Fleur")
        kid = child(given_name="Sem")
        relate(mother, PARENT_OF, kid, valid_from=kid.birth_date)
        h = home([mother, kid])
        friend = adult(given_name="Rick")
    joins, leaves = date(2022, 3, 1), date(2022, 11, 15)
    with clock.frozen(joins):
        services.household_join(actor, household=h, person=friend)
    with clock.frozen(leaves):
        services.household_leave(actor, household=h, person=friend)
    assert friend.pk not in family_of(kid.pk, joins - DAY)
    assert family_of(kid.pk, joins)[friend.pk] == STEP_PARENT
    assert family_of(kid.pk, leaves - DAY)[friend.pk] == STEP_PARENT
    assert friend.pk not in family_of(kid.pk, leaves)
    assert friend.pk not in family_of(kid.pk, leaves + 200 * DAY)


def test_partner_relation_that_ends(actor):
    """A partner of a parent who never lived in: family while the relation is valid — up to,
    not including, its end date (like a household membership's leaving day)."""
    with clock.frozen(START):
        mother, kid, partner = adult(), child(), adult()
        relate(mother, PARENT_OF, kid, valid_from=kid.birth_date)
        rel = relate(mother, PARTNER_OF, partner, valid_from=date(2022, 2, 1))
    with clock.frozen(date(2023, 2, 1)):
        services.relation_end(actor, relation=rel, on=date(2023, 1, 31))
    assert partner.pk not in family_of(kid.pk, date(2022, 1, 31))
    assert family_of(kid.pk, date(2022, 2, 1))[partner.pk] == STEP_PARENT
    assert family_of(kid.pk, date(2023, 1, 30))[partner.pk] == STEP_PARENT
    assert partner.pk not in family_of(kid.pk, date(2023, 1, 31))


def test_other_children_in_the_household_are_household_members(actor):
    """A child of the step-parent who lives in is a household member (no shared parent)."""
    with clock.frozen(START):
        mother, kid = adult(), child()
        stepdad, his_kid = adult(), child(birth_date=years_ago(10))
        relate(mother, PARENT_OF, kid, valid_from=kid.birth_date)
        relate(stepdad, PARENT_OF, his_kid, valid_from=his_kid.birth_date)
        home([mother, kid, stepdad, his_kid])
    fam = family_of(kid.pk, START)
    assert fam == {mother.pk: PARENT, stepdad.pk: STEP_PARENT, his_kid.pk: HOUSEHOLD}


def test_guardian_and_parent_elsewhere(actor):
    """A grandmother as guardian (voogd) with whom the child lives; the mother lives elsewhere
    and stays a parent. Without the guardianship and the household, the grandmother would
    not be family."""
    with clock.frozen(START):
        grandma = adult(given_name="Riet", birth_date=years_ago(62))
        mother = adult(given_name="Kim", birth_date=years_ago(30))
        kid = child(given_name="Jesse", birth_date=years_ago(9))
        relate(grandma, PARENT_OF, mother, valid_from=mother.birth_date)
        relate(mother, PARENT_OF, kid, valid_from=kid.birth_date)
        relate(grandma, GUARDIAN_OF, kid, valid_from=date(2021, 6, 1),
               valid_to=date(2024, 12, 31))
        home([grandma, kid])
        home([mother], code="0344", postcode="3512CD")
    fam = family_of(kid.pk, date(2024, 5, 15))
    assert fam == {grandma.pk: GUARDIAN, mother.pk: PARENT}
    # The grandmother's own child (the mother) is not the child's sibling.
    assert family_of(kid.pk, date(2021, 5, 31)) == {mother.pk: PARENT}


def test_guardianship_ends(actor):
    with clock.frozen(START):
        guardian, kid = adult(), child()
        relate(guardian, GUARDIAN_OF, kid, valid_from=date(2022, 1, 1),
               valid_to=date(2023, 1, 1))
    assert family_of(kid.pk, date(2022, 12, 31)) == {guardian.pk: GUARDIAN}
    assert family_of(kid.pk, date(2023, 1, 2)) == {}


def test_half_siblings_in_other_households_share_one_parent_only(actor):
    """A father with children in three households: each child's family holds all of them as
    siblings, but the other mothers only when they are the father's partner."""
    with clock.frozen(START):
        dad = adult(given_name="Dennis")
        moms = [adult(given_name=n) for n in ("Anna", "Bo", "Cor")]
        kids = [child(birth_date=years_ago(a)) for a in (12, 8, 3)]
        for mom, kid in zip(moms, kids, strict=True):
            relate(dad, PARENT_OF, kid, valid_from=kid.birth_date)
            relate(mom, PARENT_OF, kid, valid_from=kid.birth_date)
        relate(dad, PARTNER_OF, moms[2], valid_from=date(2019, 1, 1))
        for i, (mom, kid) in enumerate(zip(moms, kids, strict=True)):
            home([mom, kid], postcode=f"343{i}AB")
    fam = family_of(kids[0].pk, date(2024, 5, 15))
    assert fam == {dad.pk: PARENT, moms[0].pk: PARENT, kids[1].pk: SIBLING,
                   kids[2].pk: SIBLING, moms[2].pk: STEP_PARENT}
    assert moms[1].pk not in fam


def test_child_moves_between_households(actor):
    """Household membership is dated: who lived with the child that day."""
    with clock.frozen(START):
        mother, father, kid = adult(), adult(), child()
        for p in (mother, father):
            relate(p, PARENT_OF, kid, valid_from=kid.birth_date)
        lodger = adult(given_name="Lodger")
        h1 = home([mother, kid, lodger])
        h2 = home([father], code="0344", postcode="3512AA")
    with clock.frozen(date(2023, 1, 1)):
        services.household_leave(SYSTEM, household=h1, person=kid)
        services.household_join(SYSTEM, household=h2, person=kid)
    assert family_of(kid.pk, date(2022, 12, 31))[lodger.pk] == STEP_PARENT
    assert lodger.pk not in family_of(kid.pk, date(2023, 1, 1))


AGREEMENT_DAYS = [START - DAY, START, date(2022, 5, 31), date(2022, 6, 1), date(2023, 8, 31),
                  date(2023, 9, 1), date(2024, 5, 15)]


@pytest.mark.parametrize("around", ["", "neighbourhood", "extended"])
def test_the_rules_in_memory_graph_agrees_with_families_of(guarded, around):
    """The watchdog answers families in memory (rules.facts.FamilyGraph: everyone for a full
    sweep, the neighbourhood of a few people for an incremental one — or a smaller one
    extended by the person's steps, as the rules of one evaluation share it); it must
    give exactly the answers of findings.md's definition as families_of and
    children_in_family_of give them, for every member of the blended family on every day its
    shape changes."""
    from kindzicht.people.family import families_of
    from kindzicht.rules.facts import FamilyGraph

    everyone = FamilyGraph()
    for name, person in guarded.items():
        graph = FamilyGraph(around=[person.pk]) if around == "neighbourhood" else everyone
        if around == "extended":   # the person's own relations and households already read
            graph = FamilyGraph(around=[person.pk], hops=1)
            graph.extend([person.pk])
        for day in AGREEMENT_DAYS:
            assert graph.family(person.pk, day) == families_of([person.pk], day)[person.pk], (
                name, day)
            assert graph.children_in_family_of([person.pk], day) == children_in_family_of(
                [person.pk], day), (name, day)


NOBODY = "SELECT id FROM people_person WHERE 1 = 0"


@pytest.mark.parametrize("plan", ["lookups", "whole tables"])
@pytest.mark.parametrize("counted", ["everyone", "some"])
def test_the_bulk_imports_families_in_sql_agree_with_families_of(guarded, counted, plan,
                                                                  monkeypatch):
    """A bulk import asks the database for whom its facts concern and for the children
    around the imported people with their signalled family members
    (people.family.signalled_families, SQL both ways round); for every member of the
    blended family — with a guardian who has a partner, and a child who died — alone and
    all together, on every day the family's shape changes, it must answer exactly what
    children_and_families_of and risk.children_concerned_by answer — planned as lookups (a
    few people) or as joins over the whole tables (an import of a good part of the country,
    on PostgreSQL)."""
    from kindzicht.continuity.risk import children_concerned_by
    from kindzicht.people import family
    from kindzicht.people.family import children_and_families_of, signalled_families

    monkeypatch.setattr(family, "WHOLE_TABLES_FROM", -1.0 if plan == "whole tables" else 2.0)

    people = guarded
    if counted == "everyone":
        counted_ids = {p.pk for p in people.values()}
    else:
        counted_ids = {people[n].pk for n in ("sanne", "tim", "daan", "noor", "ria", "lot")}
    signalled = ("SELECT id FROM people_person WHERE id IN ("
                 + ", ".join(map(str, sorted(counted_ids))) + ")")
    askings = [[p.pk] for p in people.values()] + [[p.pk for p in people.values()]]
    for day in AGREEMENT_DAYS:
        for ids in askings:
            expected = children_and_families_of(ids, day)
            concerned, families = signalled_families(ids, day, signalled=signalled,
                                                     kept=NOBODY)
            assert concerned == children_concerned_by(ids, day), (ids, day)
            assert families == {
                c: set(fam) & counted_ids for c, fam in expected.items()
                if len(({c} | set(fam)) & counted_ids) >= 2}, (ids, day)
            # a child whose answer is kept comes whatever it is
            _, kept = signalled_families(ids, day, signalled=signalled,
                                         kept="SELECT id FROM people_person")
            assert kept == {c: set(fam) & counted_ids for c, fam in expected.items()}, (
                ids, day)


def test_a_guardians_partner_is_not_family_either_way_round(guarded):
    """findings.md: a step-parent is a *parent's* partner (or an adult in the household). Tim's
    guardian Gert is family from the day he became guardian; Gert's partner Ria, who lives
    elsewhere, is not — neither in Tim's family nor holding Tim among the children in hers.
    Before, Tim's family held her while her children did not hold Tim: a signal on Ria made no
    match with Tim's, while one on Tim after hers did."""
    tim, gert, ria = guarded["tim"], guarded["gert"], guarded["ria"]
    day = date(2022, 6, 1)
    assert family_of(tim.pk, day)[gert.pk] == GUARDIAN
    assert ria.pk not in family_of(tim.pk, day)
    assert children_in_family_of([ria.pk], day) == set()
    assert children_in_family_of([gert.pk], day) == {tim.pk}
