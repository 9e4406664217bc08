"""The family of a child on a given day, exactly as findings.md defines it — the heart of
family-level matching: parents and guardians, step-parents (a parent's partner, or an adult
in the child's household), siblings and half-siblings (a shared parent), and every member of
the child's household that day (a new partner counts from the day they join).

Set-based: :func:`families_of` answers for many children with a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Q, Value

from .models import HouseholdMembership, Person, Relation, RelationKind

PARENT = "parent"
GUARDIAN = "guardian"
STEP_PARENT = "step_parent"
SIBLING = "sibling"
HOUSEHOLD = "household_member"


def _valid_on(day: date, start: str = "valid_from", end: str = "valid_to") -> Q:
    """Valid on ``day``: from its first day up to, not including, its end date — the same
    convention as a household membership's ``left_on``."""
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": day})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def _member_on(day: date) -> Q:
    return (Q(joined_on__isnull=True) | Q(joined_on__lte=day)) & (
        Q(left_on__isnull=True) | Q(left_on__gt=day))


def households_on(person_ids: Iterable[int], day: date) -> dict[int, set[int]]:
    """person id -> the households they live in on ``day``."""
    out: dict[int, set[int]] = defaultdict(set)
    for pid, hid in HouseholdMembership.objects.filter(
            _member_on(day), person_id__in=list(person_ids)).values_list("person_id",
                                                                         "household_id"):
        out[pid].add(hid)
    return out


def families_of(child_ids: Iterable[int], day: date) -> dict[int, dict[int, str]]:
    """For each child id: {member person id: role} on ``day`` (the child itself excluded).

    A member with several roles gets the closest one (parent before step-parent before
    sibling before household member)."""
    child_ids = list(set(child_ids))
    fam: dict[int, dict[int, str]] = {c: {} for c in child_ids}
    rank = {PARENT: 0, GUARDIAN: 1, STEP_PARENT: 2, SIBLING: 3, HOUSEHOLD: 4}

    def add(child: int, member: int, role: str) -> None:
        if member == child:
            return
        current = fam[child].get(member)
        if current is None or rank[role] < rank[current]:
            fam[child][member] = role

    valid = _valid_on(day)
    parents_of: dict[int, set[int]] = defaultdict(set)
    for parent, kind, child in Relation.objects.filter(
            valid, kind__in=[RelationKind.PARENT_OF, RelationKind.GUARDIAN_OF],
            other_id__in=child_ids).values_list("person_id", "kind", "other_id"):
        add(child, parent, PARENT if kind == RelationKind.PARENT_OF else GUARDIAN)
        if kind == RelationKind.PARENT_OF:
            parents_of[child].add(parent)
    all_parents = {p for ps in parents_of.values() for p in ps} | {
        m for c in child_ids for m, r in fam[c].items() if r == GUARDIAN}

    # A parent's (or guardian's) partner is a step-parent; siblings and half-siblings share a
    # parent. Both in one statement (a tagged UNION), as they start from the same parents.
    partners: dict[int, set[int]] = defaultdict(set)
    children_of: dict[int, set[int]] = defaultdict(set)
    for a, b, what in _partners_and_children(all_parents, valid):
        if what == "partner":
            partners[a].add(b)
            partners[b].add(a)
        else:
            children_of[a].add(b)
    for child in child_ids:
        for member, role in list(fam[child].items()):
            if role in (PARENT, GUARDIAN):
                for partner in partners.get(member, ()):
                    if partner not in fam[child] or fam[child][partner] != PARENT:
                        add(child, partner, STEP_PARENT)
        for parent in parents_of.get(child, ()):
            for sib in children_of.get(parent, ()):
                add(child, sib, SIBLING)

    # Everyone living in the child's household that day; an adult there is a step-parent
    # unless they are already a closer relative. One statement: the members of the children's
    # households, whose rows include the children's own memberships (their homes).
    homes: dict[int, set[int]] = defaultdict(set)
    members_by_home: dict[int, list[tuple[int, date]]] = defaultdict(list)
    wanted = set(child_ids)
    for hid, pid, birth in HouseholdMembership.objects.filter(
            _member_on(day), household_id__in=HouseholdMembership.objects.filter(
                _member_on(day), person_id__in=child_ids).values("household_id")).values_list(
            "household_id", "person_id", "person__birth_date"):
        members_by_home[hid].append((pid, birth))
        if pid in wanted:
            homes[pid].add(hid)
    adult_born_before = _years_before(day, 18)
    for child in child_ids:
        for hid in homes.get(child, ()):
            for pid, birth in members_by_home[hid]:
                add(child, pid, STEP_PARENT if birth <= adult_born_before else HOUSEHOLD)
    return fam


def family_of(child_id: int, day: date) -> dict[int, str]:
    """{member person id: role} of one child on ``day``."""
    return families_of([child_id], day)[child_id]


def children_in_family_of(person_ids: Iterable[int], day: date) -> set[int]:
    """The children (under 18 on ``day``) whose family on ``day`` includes one of
    ``person_ids`` or who are one of them: whom a fact about these people concerns."""
    return set(children_and_families_of(person_ids, day))


def children_and_families_of(person_ids: Iterable[int], day: date) -> dict[int, dict[int, str]]:
    """:func:`children_in_family_of` with each child's family (as :func:`families_of`), so a
    caller that needs both — a registration's matching — reads the families once."""
    person_ids = set(person_ids)
    # children of, and children in the households of, these people; siblings of children —
    # every candidate in one statement, then who of them is a child.
    candidates = set(person_ids) | set(_candidate_children(person_ids, day))
    born_after = _years_before(day, 18)
    kids = set(Person.objects.filter(pk__in=candidates, birth_date__gt=born_after)
               .values_list("pk", flat=True))
    if not kids:
        return {}
    fams = families_of(kids, day)
    return {c: fams[c] for c in kids if c in person_ids or person_ids & set(fams[c])}


def _candidate_children(person_ids: set[int], day: date):
    """Who may be a child in these people's families (one UNION): their children (also as
    guardian), their partners' children, their parents' children, their housemates."""
    valid = _valid_on(day)
    rel = Relation.objects.filter(valid)
    partners_a = rel.filter(kind=RelationKind.PARTNER_OF, person_id__in=person_ids).values(
        "other_id")
    partners_b = rel.filter(kind=RelationKind.PARTNER_OF, other_id__in=person_ids).values(
        "person_id")
    parents = rel.filter(kind=RelationKind.PARENT_OF, other_id__in=person_ids).values(
        "person_id")
    homes = HouseholdMembership.objects.filter(_member_on(day), person_id__in=person_ids).values(
        "household_id")
    branches = [
        rel.filter(person_id__in=person_ids,
                   kind__in=[RelationKind.PARENT_OF, RelationKind.GUARDIAN_OF]),
        rel.filter(kind=RelationKind.PARENT_OF, person_id__in=partners_a),
        rel.filter(kind=RelationKind.PARENT_OF, person_id__in=partners_b),
        rel.filter(kind=RelationKind.PARENT_OF, person_id__in=parents),
    ]
    first, *rest = [b.values_list("other_id", flat=True) for b in branches]
    return first.union(*rest, HouseholdMembership.objects.filter(
        _member_on(day), household_id__in=homes).values_list("person_id", flat=True))


def _partners_and_children(parents: set[int], valid: Q):
    """(a, b, "partner") for each partnership of these parents, (parent, child, "child") for
    each of their children: one statement for the step-parents and the siblings."""
    if not parents:
        return []
    rel = Relation.objects.filter(valid)
    tagged = [
        rel.filter(Q(person_id__in=parents) | Q(other_id__in=parents),
                   kind=RelationKind.PARTNER_OF).annotate(what=Value("partner")),
        rel.filter(kind=RelationKind.PARENT_OF, person_id__in=parents).annotate(
            what=Value("child")),
    ]
    first, second = [q.values_list("person_id", "other_id", "what") for q in tagged]
    return first.union(second, all=True)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return (day - timedelta(days=1)).replace(year=day.year - years)
