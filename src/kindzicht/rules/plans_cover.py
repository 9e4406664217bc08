"""Whether a family plan covers a child (its own plan, or a plan of a household it lives in)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from kindzicht.people.family import _member_on
from kindzicht.people.models import HouseholdMembership
from kindzicht.plans.models import FamilyPlan


def plans_covering(child_id: int, day: date):
    homes = HouseholdMembership.objects.filter(_member_on(day), person_id=child_id).values(
        "household_id")
    return FamilyPlan.objects.filter(Q(child_id=child_id) | Q(household_id__any=homes),
                                     on__lte=day).filter(
        Q(replaced_on__isnull=True) | Q(replaced_on__gt=day))


def plan_covers_by(child_id: int, day: date) -> bool:
    return plans_covering(child_id, day).exists()


class PlanCover:
    """:func:`plan_covers_by` for many children: their household memberships and every plan
    of them or their households read once (a few queries per evaluation, not one a check)."""

    def __init__(self, children: Iterable[int], *, everyone: bool = False):
        """``everyone``: a full sweep asks about nearly every child at open risk, so it reads
        every membership and plan at once (three queries) instead of IN lists of 5,000."""
        from .facts import _chunks

        children = list(children)

        def read(qs, field, ids):
            if everyone:
                yield from qs.values_list(field, *self._COLUMNS[field])
                return
            for chunk in _chunks(ids):
                yield from qs.filter(**{f"{field}__any": chunk}).values_list(
                    field, *self._COLUMNS[field])

        self.homes: dict[int, list[tuple]] = defaultdict(list)
        for person, household, joined, left in read(HouseholdMembership.objects, "person_id",
                                                    children):
            self.homes[person].append((household, joined, left))
        self.by_child: dict[int, list[tuple]] = defaultdict(list)
        self.by_household: dict[int, list[tuple]] = defaultdict(list)
        households = {h for hs in self.homes.values() for h, _j, _l in hs}
        for field, ids, index in (("child_id", set(self.homes) | set(children), self.by_child),
                                  ("household_id", households, self.by_household)):
            for owner, on, replaced in read(FamilyPlan.objects.filter(
                    **{f"{field}__isnull": False}), field, ids):
                index[owner].append((on, replaced))

    _COLUMNS = {"person_id": ("household_id", "joined_on", "left_on"),
                "child_id": ("on", "replaced_on"), "household_id": ("on", "replaced_on")}

    def covers_by(self, child_id: int, day: date) -> bool:
        def in_force(plans) -> bool:
            return any(on <= day and (replaced is None or replaced > day)
                       for on, replaced in plans)

        return in_force(self.by_child.get(child_id, ())) or any(
            in_force(self.by_household.get(h, ())) for h, joined, left in
            self.homes.get(child_id, ()) if (joined is None or joined <= day)
            and (left is None or left > day))
