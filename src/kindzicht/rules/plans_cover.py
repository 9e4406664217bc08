"""Whether a family plan covers a child (its own plan, or a plan of a household it lives in)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from kindzicht.people.family import _member_on
from kindzicht.people.models import HouseholdMembership
from kindzicht.plans.models import FamilyPlan


def plans_covering(child_id: int, day: date):
    homes = HouseholdMembership.objects.filter(_member_on(day), person_id=child_id).values(
        "household_id")
    return FamilyPlan.objects.filter(Q(child_id=child_id) | Q(household_id__in=homes),
                                     on__lte=day).filter(
        Q(replaced_on__isnull=True) | Q(replaced_on__gt=day))


def plan_covers_by(child_id: int, day: date) -> bool:
    return plans_covering(child_id, day).exists()
