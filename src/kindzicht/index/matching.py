"""Matching at child and family level (findings.md 2.2).

Per child: the child-level match (two or more organisations with active signals on the child)
and the family-level match (active signals on two or more people among the child and its
family, by two or more organisations). A match is stored each time it arises or grows, and
closed when it falls apart; every organisation in it is notified of who else is involved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kindzicht.core import clock
from kindzicht.core.actions import Actor, notify
from kindzicht.people.family import children_in_family_of, families_of
from kindzicht.people.models import Organisation

from .models import Match, Signal

#: Sector priority for the proposed match coordinator (a region may configure its own).
COORDINATOR_PRIORITY = ["youth_protection", "safe_at_home", "district_team", "youth_care",
                        "youth_mental_health", "youth_health", "school", "social_work"]


def _state(child_ids: Iterable[int], day) -> dict[tuple[int, str], tuple[set[int], set[int]]]:
    child_ids = list(child_ids)
    fams = families_of(child_ids, day)
    everyone = set(child_ids) | {m for f in fams.values() for m in f}
    by_person: dict[int, set[int]] = defaultdict(set)
    for pid, oid in Signal.objects.filter(person_id__in=everyone, ended_at__isnull=True) \
            .values_list("person_id", "organisation_id"):
        by_person[pid].add(oid)
    out = {}
    for c in child_ids:
        child_orgs = by_person.get(c, set())
        out[(c, "child")] = ({c}, set(child_orgs)) if len(child_orgs) >= 2 else (set(), set())
        people = {p for p in [c, *fams[c]] if by_person.get(p)}
        orgs = {o for p in people for o in by_person[p]}
        out[(c, "family")] = (people, orgs) if len(people) >= 2 and len(orgs) >= 2 else (
            set(), set())
    return out


def _proposed(org_ids: set[int]) -> Organisation | None:
    orgs = list(Organisation.objects.filter(pk__in=org_ids))
    orgs.sort(key=lambda o: (COORDINATOR_PRIORITY.index(o.sector)
                             if o.sector in COORDINATOR_PRIORITY else 99, o.pk))
    return orgs[0] if orgs else None


def rematch(actor: Actor, person_ids: Iterable[int]) -> list[Match]:
    """Re-evaluate the matches of every child these people's signals can concern."""
    day = clock.today()
    children = children_in_family_of(person_ids, day)
    if not children:
        return []
    state = _state(children, day)
    current = {(m.child_id, m.level): m for m in Match.objects.filter(
        child_id__in=children, ended_on__isnull=True)}
    new: list[Match] = []
    now = clock.now()
    for (child, level), (people, orgs) in state.items():
        existing = current.get((child, level))
        if not orgs:
            if existing is not None:
                existing.ended_on = day
                existing.save(update_fields=["ended_on"])
            continue
        if existing is not None and set(existing.person_ids) >= people and set(
                existing.organisation_ids) >= orgs:
            if set(existing.person_ids) != people or set(existing.organisation_ids) != orgs:
                # shrank but still a match: keep it open with what it now covers
                existing.person_ids = sorted(people)
                existing.organisation_ids = sorted(orgs)
                existing.save(update_fields=["person_ids", "organisation_ids"])
            continue
        if existing is not None:
            existing.ended_on = day
            existing.save(update_fields=["ended_on"])
        proposed = _proposed(orgs)
        m = Match.objects.create(child_id=child, level=level, person_ids=sorted(people),
                                 organisation_ids=sorted(orgs), proposed_coordinator=proposed,
                                 at=now, on=day)
        new.append(m)
        others = Organisation.objects.filter(pk__in=orgs)
        listing = "\n".join(f"- {o.name} ({o.get_sector_display()}): {o.phone or o.email}"
                            for o in others)
        for org in others:
            notify(org, "match", "Match in de verwijsindex",
                   f"Ook betrokken bij dit {'kind' if level == 'child' else 'gezin'}:\n"
                   f"{listing}\nVoorgestelde matchregisseur: "
                   f"{proposed.name if proposed else '-'}", person_id=child)
    return new
