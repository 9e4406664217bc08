"""Likely duplicate person records (issue 4): BSN is optional, so the same child can be
registered twice and a match silently missed. Registration warns; an administrator decides
and merges (``merge.person_merge``)."""

from __future__ import annotations

from django.db.models import Q

from kindzicht.core import clock
from kindzicht.people.family import _member_on, _valid_on
from kindzicht.people.models import HouseholdAddress, HouseholdMembership, Person

from .models import PersonMerge


def _postcodes(person_ids: list[int]) -> dict[int, set[str]]:
    day = clock.today()
    homes: dict[int, set[int]] = {}
    for pid, hid in HouseholdMembership.objects.filter(
            _member_on(day), person_id__in=person_ids).values_list("person_id", "household_id"):
        homes.setdefault(hid, set()).add(pid)
    out: dict[int, set[str]] = {}
    for hid, pc in HouseholdAddress.objects.filter(_valid_on(day), household_id__in=list(homes)) \
            .values_list("household_id", "postcode"):
        for pid in homes[hid]:
            out.setdefault(pid, set()).add(pc)
    return out


def likely_duplicates(person: Person) -> list[Person]:
    """Other records probably of the same person: the same name and birth date, or the same
    birth date, given name and address (a family name spelled otherwise, or the other
    parent's). Records already merged away are left out; a BSN that differs rules it out."""
    merged = PersonMerge.objects.values("merged_id")
    same_day = Person.objects.filter(birth_date=person.birth_date).exclude(pk=person.pk).exclude(
        pk__in=merged)
    if person.bsn:
        same_day = same_day.filter(Q(bsn__isnull=True) | Q(bsn=""))
    candidates = list(same_day.filter(given_name__iexact=person.given_name)
                      if person.given_name else same_day.none())
    if not candidates:
        return []
    exact = [p for p in candidates if p.family_name.casefold() == person.family_name.casefold()]
    rest = [p for p in candidates if p not in exact]
    if rest:
        codes = _postcodes([person.pk] + [p.pk for p in rest])
        mine = codes.get(person.pk, set())
        rest = [p for p in rest if mine & codes.get(p.pk, set())]
    return sorted(exact + rest, key=lambda p: p.pk)
