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

from django.db.models import F, Q, Value

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

    # Parents and guardians; a parent's (or guardian's) partner is a step-parent; siblings and
    # half-siblings share a parent — all in one statement (a tagged UNION).
    parents_of: dict[int, set[int]] = defaultdict(set)
    partners: dict[int, set[int]] = defaultdict(set)
    children_of: dict[int, set[int]] = defaultdict(set)
    rows = list(_relations_around(child_ids, day))
    for parent, child, kind, what in rows:
        if what == "parent":
            add(child, parent, PARENT if kind == RelationKind.PARENT_OF else GUARDIAN)
            if kind == RelationKind.PARENT_OF:
                parents_of[child].add(parent)
    for a, b, _kind, what in rows:
        if what == "partner":
            partners[a].add(b)
            partners[b].add(a)
        elif what == "child":
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
    kids = set(_candidate_children(person_ids, day))
    if not kids:
        return {}
    fams = families_of(kids, day)
    return {c: fams[c] for c in kids if c in person_ids or person_ids & set(fams[c])}


def _candidate_children(person_ids: set[int], day: date):
    """The children (under 18 on ``day``) who may have these people in their family, in one
    statement (a UNION): the people themselves, their children (also as guardian), their
    partners' children, their parents' children (siblings), their housemates."""
    young = {"birth_date__gt": _years_before(day, 18)}
    rel = Relation.objects.filter(_valid_on(day))
    partners_a = rel.filter(kind=RelationKind.PARTNER_OF, person_id__in=person_ids).values(
        "other_id")
    partners_b = rel.filter(kind=RelationKind.PARTNER_OF, other_id__in=person_ids).values(
        "person_id")
    parents = rel.filter(kind=RelationKind.PARENT_OF, other_id__in=person_ids).values(
        "person_id")
    homes = HouseholdMembership.objects.filter(_member_on(day), person_id__in=person_ids).values(
        "household_id")
    children = rel.filter(other__birth_date__gt=young["birth_date__gt"])
    branches = [
        children.filter(person_id__in=person_ids,
                        kind__in=[RelationKind.PARENT_OF, RelationKind.GUARDIAN_OF]),
        children.filter(kind=RelationKind.PARENT_OF, person_id__in=partners_a),
        children.filter(kind=RelationKind.PARENT_OF, person_id__in=partners_b),
        children.filter(kind=RelationKind.PARENT_OF, person_id__in=parents),
    ]
    return Person.objects.filter(pk__in=person_ids, **young).values_list("pk", flat=True).union(
        *[b.values_list("other_id", flat=True) for b in branches],
        HouseholdMembership.objects.filter(
            _member_on(day), household_id__in=homes,
            person__birth_date__gt=young["birth_date__gt"]).values_list("person_id", flat=True))


def _relations_around(child_ids: list[int], day: date):
    """(person, other, kind, what) rows valid on ``day``: what="parent" for the children's
    parents and guardians, "partner" for every partnership of those parents and guardians,
    "child" for every child of theirs (their siblings and half-siblings) — one statement.

    The parents are a subquery: every parent, and every guardian who is not the child itself
    (a guardian relation to oneself makes no family, a parent relation does name a parent)."""
    rel = Relation.objects.filter(_valid_on(day))
    of_children = rel.filter(other_id__in=child_ids)
    parents = of_children.filter(Q(kind=RelationKind.PARENT_OF) | (
        Q(kind=RelationKind.GUARDIAN_OF) & ~Q(person_id=F("other_id")))).values("person_id")
    tagged = [
        (of_children.filter(kind__in=[RelationKind.PARENT_OF, RelationKind.GUARDIAN_OF]),
         "parent"),
        (rel.filter(kind=RelationKind.PARTNER_OF, person_id__in=parents), "partner"),
        (rel.filter(kind=RelationKind.PARTNER_OF, other_id__in=parents), "partner"),
        (rel.filter(kind=RelationKind.PARENT_OF, person_id__in=parents), "child"),
    ]
    first, *rest = [q.annotate(what=Value(what)).values_list("person_id", "other_id", "kind",
                                                             "what") for q, what in tagged]
    return first.union(*rest, all=True)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return (day - timedelta(days=1)).replace(year=day.year - years)
