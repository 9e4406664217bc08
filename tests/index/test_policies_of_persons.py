"""The policy of the region a child lives in, read in one statement for a match's proposed
coordinator (``policy.policies_of_persons``, or its two queries read with a registration's
other reads), is what the two reads it replaced give:
``policies_for_regions(regions_of_persons(...))`` — for children without an address, in a
region with its own row, in a region that follows the national row, after a move, and with
and without a national row."""

from __future__ import annotations

from datetime import date

from django.db import connection
from factories import PersonFactory

from kindzicht.core import clock
from kindzicht.index.models import IndexPolicy
from kindzicht.index.policy import (
    DEFAULT,
    policies_for_regions,
    policies_from,
    policies_of_persons,
    policies_of_persons_queries,
    regions_of_persons,
)
from kindzicht.people import services as people
from kindzicht.people.models import Municipality

from .conftest import SYSTEM


def _queried(ids, day):
    """The same through the two queries a registration reads with its others
    (``policies_of_persons_queries``, ``index.matching.read_ahead``), run one by one."""
    found = []
    for columns, rest, params in policies_of_persons_queries(ids, day):
        with connection.cursor() as cur:
            cur.execute(f"SELECT {', '.join(columns)} {rest}", params)
            found.append(cur.fetchall())
    return policies_from(ids, *found)


def _two_reads(ids, day):
    regions = regions_of_persons(ids, day)
    policies = policies_for_regions(regions.values())
    return {p: policies[regions[p]] for p in ids}


def test_one_statement_gives_each_child_the_policy_the_two_reads_gave(db):
    utrecht = Municipality.objects.get(code="0344").region_id
    with clock.frozen(date(2024, 1, 1)):
        kids = [PersonFactory(birth_date=date(2015, 1, 1 + i)) for i in range(4)]
        people.household_create(SYSTEM, members=[kids[0]], municipality_code="0344",
                                postcode="3511AB")
        moving = people.household_create(SYSTEM, members=[kids[1]], municipality_code="0344",
                                          postcode="3511AB")
        people.household_create(SYSTEM, members=[kids[2]], municipality_code="0363",
                                postcode="1011AB")
    with clock.frozen(date(2024, 6, 1)):
        people.household_move(SYSTEM, household=moving, municipality_code="0363",
                              postcode="1012AB")
    ids = [k.pk for k in kids]   # kids[3] has no address
    days = [date(2024, 3, 1), date(2024, 6, 1)]
    seen = []
    for rows in ("none", "region", "region and national"):
        if rows == "region":
            IndexPolicy.objects.create(region_id=utrecht, coordinator_priority=["school"],
                                       authorised_sectors=["school", "gp"], inform_days=14)
        if rows == "region and national":
            IndexPolicy.objects.create(region=None, coordinator_priority=["gp"],
                                       signal_months=12)
        for day in days:
            got = policies_of_persons(ids, day)
            assert got == _two_reads(ids, day) == _queried(ids, day), (rows, day)
            seen.append(got)
    # the cases differ: the defaults, Utrecht's own row, the national row elsewhere
    assert seen[0][ids[0]] == DEFAULT
    assert seen[2][ids[0]].coordinator_priority == ("school",)
    assert seen[2][ids[1]].coordinator_priority == ("school",)   # before the move
    assert seen[3][ids[1]] == DEFAULT                            # after it, no row there
    assert seen[5][ids[1]].coordinator_priority == ("gp",)
    assert seen[5][ids[3]].signal_months == 12                   # no address: national
