"""The family of a child on a given day, exactly as findings.md defines it — the heart of
family-level matching: parents and guardians, step-parents (a parent's partner, or an adult
in the child's household), siblings and half-siblings (a shared parent), and every member of
the child's household that day (a new partner counts from the day they join).

Set-based: :func:`families_of` answers for many children in one statement, and
:func:`children_and_families_of` finds whom a fact about some people concerns together with
those children's families in one statement too (a registration reads its family once).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import date, timedelta

from django.db import connection
from django.db.models import Q

from kindzicht.core import planning, prepared
from kindzicht.core.rows import among_sql

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
    if not child_ids:
        return {}
    sql = _Sql()
    sql.add(f"kids AS (SELECT id FROM {_PERSON} WHERE {sql.among('id', child_ids)})")
    return _families(child_ids, _family_rows(sql, day), day)


def _families(child_ids: Iterable[int], rows: list[tuple], day: date
              ) -> dict[int, dict[int, str]]:
    """The families of these children from :func:`_family_rows`' rows."""
    fam: dict[int, dict[int, str]] = {c: {} for c in child_ids}
    rank = {PARENT: 0, GUARDIAN: 1, STEP_PARENT: 2, SIBLING: 3, HOUSEHOLD: 4}

    def add(child: int, member: int, role: str) -> None:
        if member == child:
            return
        current = fam[child].get(member)
        if current is None or rank[role] < rank[current]:
            fam[child][member] = role

    parents_of: dict[int, set[int]] = defaultdict(set)
    partners: dict[int, set[int]] = defaultdict(set)
    children_of: dict[int, set[int]] = defaultdict(set)
    homes: dict[int, set[int]] = defaultdict(set)
    members_by_home: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for what, a, b, kind, adult in rows:
        if what == "parent" and b in fam:
            add(b, a, PARENT if kind == RelationKind.PARENT_OF else GUARDIAN)
            if kind == RelationKind.PARENT_OF:
                parents_of[b].add(a)
        elif what == "partner":
            partners[a].add(b)
            partners[b].add(a)
        elif what == "child":
            children_of[a].add(b)
        elif what == "home":
            members_by_home[a].append((b, bool(adult)))
            if b in fam:
                homes[b].add(a)
    # A parent's partner is a step-parent (findings.md: a guardian's partner is not, unless
    # they live in the child's household); siblings and half-siblings share a parent.
    for child in fam:
        for member, role in list(fam[child].items()):
            if role == PARENT:
                for partner in partners.get(member, ()):
                    if partner not in fam[child] or fam[child][partner] != PARENT:
                        add(child, partner, STEP_PARENT)
        for parent in parents_of.get(child, ()):
            for sib in children_of.get(parent, ()):
                add(child, sib, SIBLING)
    # Everyone living in the child's household that day; an adult there is a step-parent
    # unless they are already a closer relative.
    for child in fam:
        for hid in homes.get(child, ()):
            for pid, adult in members_by_home[hid]:
                add(child, pid, STEP_PARENT if adult else HOUSEHOLD)
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
    caller that needs both — a registration's matching — reads them once: the candidate
    children and their families come in one statement."""
    person_ids = set(person_ids)
    if not person_ids:
        return {}
    sql = _Sql()
    sql.add(f"me AS (SELECT id FROM {_PERSON} WHERE {sql.among('id', person_ids)})")
    sql.add(_candidate_children(sql, day))
    return _in_family(person_ids, _family_rows(sql, day), day)


def _in_family(person_ids: set[int], rows: list[tuple], day: date
               ) -> dict[int, dict[int, str]]:
    """:func:`children_and_families_of` from the family statement's rows."""
    kids = {a for what, a, *_ in rows if what == "kid"}
    fams = _families(kids, rows, day)
    return {c: fams[c] for c in kids if c in person_ids or person_ids & set(fams[c])}


def concerned_and_families_of(person_ids: Iterable[int], day: date, *, lock: bool = False
                              ) -> tuple[set[int], dict[int, dict[int, str]]]:
    """:func:`children_and_families_of`, and from the same statement the children a fact
    about these people opens risk for — exactly ``continuity.risk.children_concerned``: the
    person itself if a child, the children they are parent or guardian of, the children in
    their household that day, living and under 18. A registration needs both; read apart
    they cost four statements, together one (issue 4).

    ``lock``: the same statement also locks every child it considered — the children
    concerned and every child whose family it returns among them — as
    ``continuity.risk.lock_children`` does, in id order (PostgreSQL; a registration's lock
    on its family cost a round trip of its own). What the caller reads after it sees what
    an earlier writer in the family committed."""
    by_person, families = concerned_by_and_families_of(person_ids, day, lock=lock)
    return set().union(*by_person.values()), families


def concerned_by_and_families_of(person_ids: Iterable[int], day: date, *, lock: bool = False
                                 ) -> tuple[dict[int, set[int]], dict[int, dict[int, str]]]:
    """:func:`concerned_and_families_of` per person — ``children_concerned_by`` —, which
    that function unites for a registration (a bulk import asks the database instead:
    :func:`signalled_families`).

    Every child concerned is one of the statement's candidate children, and its parent rows
    and its households' member rows are in the rows, so nothing is read twice."""
    person_ids = set(person_ids)
    if not person_ids:
        return {}, {}
    sql = _Sql()
    sql.add(f"me AS (SELECT id FROM {_PERSON} WHERE {sql.among('id', person_ids)})")
    sql.add(_candidate_children(sql, day))
    rows = _family_rows(sql, day, lock=lock)
    living = {a for what, a, _b, _kind, dead in rows if what == "kid" and not dead}
    near = {p: {p} for p in person_ids}
    homes: dict[int, set[int]] = defaultdict(set)    # household -> its members of person_ids
    members: dict[int, set[int]] = defaultdict(set)
    for what, a, b, _kind, _adult in rows:
        if what == "parent" and a in person_ids:
            near[a].add(b)
        elif what == "home":
            members[a].add(b)
            if b in person_ids:
                homes[a].add(b)
    for household, ours in homes.items():
        for p in ours:
            near[p] |= members[household]
    return ({p: children & living for p, children in near.items()},
            _in_family(person_ids, rows, day))


# --- the family as SQL: one statement on both backends -------------------------------------

_PERSON = Person._meta.db_table
_RELATION = Relation._meta.db_table
_MEMBERSHIP = HouseholdMembership._meta.db_table
_PARENT_OF, _GUARDIAN_OF = RelationKind.PARENT_OF.value, RelationKind.GUARDIAN_OF.value
_PARTNER_OF = RelationKind.PARTNER_OF.value
_KINDS = f"('{_PARENT_OF}', '{_GUARDIAN_OF}')"
#: typed NULLs: PostgreSQL resolves a UNION's column types branch by branch
_NO_ID, _NO_KIND = "CAST(NULL AS INTEGER)", "CAST(NULL AS VARCHAR(20))"


class _Sql:
    """A statement of common table expressions built with its parameters in order."""

    def __init__(self) -> None:
        self.ctes: list[str] = []
        self.params: list = []
        self.largest = 0   # the most ids asked about in one place: prepared while small

    @property
    def small(self) -> bool:
        """Few enough ids for a prepared statement's generic plan (``core.prepared``)."""
        return self.largest <= prepared.SMALL

    def add(self, cte: str) -> None:
        self.ctes.append(cte)

    def among(self, column: str, values: Iterable[int]) -> str:
        """``column`` is one of ``values``: one array parameter on PostgreSQL (a bulk import
        asks about 100,000 people; as many placeholders took seconds to bind), ``IN``
        elsewhere — the same SQL as the ``__among`` lookup (``core.rows.among_sql``)."""
        values = sorted(set(values))
        self.largest = max(self.largest, len(values))
        sql, params = among_sql(column, values, connection.vendor)
        self.params += params
        return sql

    def valid(self, t: str, day: date) -> str:
        """As :func:`_valid_on`, for the relation ``t``."""
        self.params += [day, day]
        return (f"({t}.valid_from IS NULL OR {t}.valid_from <= %s) AND "
                f"({t}.valid_to IS NULL OR {t}.valid_to > %s)")

    def member(self, t: str, day: date) -> str:
        """As :func:`_member_on`, for the membership ``t``."""
        self.params += [day, day]
        return (f"({t}.joined_on IS NULL OR {t}.joined_on <= %s) AND "
                f"({t}.left_on IS NULL OR {t}.left_on > %s)")

    def one(self, value) -> str:
        self.params.append(value)
        return "%s"


def _candidate_children(sql: _Sql, day: date) -> str:
    """``kids``: the children (under 18 on ``day``) who may have someone of ``me`` in their
    family — themselves, their children (also as guardian), their partners' and their
    parents' children (step-children and siblings), their housemates."""
    young = _years_before(day, 18)
    return (
        f"kids AS (SELECT id FROM {_PERSON} WHERE id IN (SELECT id FROM me) "
        f"AND birth_date > {sql.one(young)} "
        f"UNION SELECT r.other_id FROM {_RELATION} r JOIN {_PERSON} k ON k.id = r.other_id "
        f"WHERE {sql.valid('r', day)} AND k.birth_date > {sql.one(young)} "
        f"AND r.kind IN {_KINDS} AND r.person_id IN (SELECT id FROM me) "
        f"UNION SELECT r.other_id FROM {_RELATION} r JOIN {_PERSON} k ON k.id = r.other_id "
        f"WHERE {sql.valid('r', day)} AND k.birth_date > {sql.one(young)} "
        f"AND r.kind = '{_PARENT_OF}' AND r.person_id IN ("
        f"SELECT p.other_id FROM {_RELATION} p WHERE {sql.valid('p', day)} "
        f"AND p.kind = '{_PARTNER_OF}' AND p.person_id IN (SELECT id FROM me) "
        f"UNION SELECT p.person_id FROM {_RELATION} p WHERE {sql.valid('p', day)} "
        f"AND p.kind = '{_PARTNER_OF}' AND p.other_id IN (SELECT id FROM me) "
        f"UNION SELECT p.person_id FROM {_RELATION} p WHERE {sql.valid('p', day)} "
        f"AND p.kind = '{_PARENT_OF}' AND p.other_id IN (SELECT id FROM me)) "
        f"UNION SELECT m.person_id FROM {_MEMBERSHIP} m JOIN {_PERSON} k ON k.id = m.person_id "
        f"WHERE {sql.member('m', day)} AND k.birth_date > {sql.one(young)} "
        f"AND m.household_id IN (SELECT h.household_id FROM {_MEMBERSHIP} h "
        f"WHERE {sql.member('h', day)} AND h.person_id IN (SELECT id FROM me)))")


def _family_rows(sql: _Sql, day: date, *, lock: bool = False) -> list[tuple]:
    """(what, a, b, kind, adult) rows for the children of the ``kids`` expression: "kid"
    (a: the child; the last column 1 if they died), "parent" (a is parent or guardian of b),
    "partner" (a partnership of a parent), "child" (a child b of a parent), "home" (b lives
    in household a; adult: 18 or over on ``day``). ``lock``: the kid rows come from locking
    those children, in id order (PostgreSQL; :func:`concerned_and_families_of`).

    Partners and children are a *parent's*: a parent's partner is a step-parent and a
    parent's child a sibling, a guardian's are neither (findings.md)."""
    sql.add(f"parents AS (SELECT r.person_id AS id FROM {_RELATION} r "
            f"WHERE {sql.valid('r', day)} AND r.other_id IN (SELECT id FROM kids) "
            f"AND r.kind = '{_PARENT_OF}')")
    if lock and connection.vendor == "postgresql":
        sql.add(f"locked AS (SELECT id, death_date FROM {_PERSON} "
                "WHERE id IN (SELECT id FROM kids) ORDER BY id FOR UPDATE)")
        children = "locked p"
    else:
        children = f"kids k JOIN {_PERSON} p ON p.id = k.id"
    select = (
        f"SELECT 'kid', p.id, {_NO_ID}, {_NO_KIND}, "
        f"CASE WHEN p.death_date IS NULL THEN 0 ELSE 1 END FROM {children} "
        f"UNION ALL SELECT 'parent', r.person_id, r.other_id, r.kind, {_NO_ID} FROM {_RELATION} r "
        f"WHERE {sql.valid('r', day)} AND r.kind IN {_KINDS} "
        "AND r.other_id IN (SELECT id FROM kids) "
        f"UNION ALL SELECT 'partner', r.person_id, r.other_id, r.kind, {_NO_ID} FROM {_RELATION} r "
        f"WHERE {sql.valid('r', day)} AND r.kind = '{_PARTNER_OF}' "
        "AND r.person_id IN (SELECT id FROM parents) "
        f"UNION ALL SELECT 'partner', r.person_id, r.other_id, r.kind, {_NO_ID} FROM {_RELATION} r "
        f"WHERE {sql.valid('r', day)} AND r.kind = '{_PARTNER_OF}' "
        "AND r.other_id IN (SELECT id FROM parents) "
        f"UNION ALL SELECT 'child', r.person_id, r.other_id, r.kind, {_NO_ID} FROM {_RELATION} r "
        f"WHERE {sql.valid('r', day)} AND r.kind = '{_PARENT_OF}' "
        "AND r.person_id IN (SELECT id FROM parents) "
        f"UNION ALL SELECT 'home', m.household_id, m.person_id, {_NO_KIND}, "
        f"CASE WHEN k.birth_date <= {sql.one(_years_before(day, 18))} THEN 1 ELSE 0 END "
        f"FROM {_MEMBERSHIP} m JOIN {_PERSON} k ON k.id = m.person_id "
        f"WHERE {sql.member('m', day)} AND m.household_id IN (SELECT h.household_id "
        f"FROM {_MEMBERSHIP} h WHERE {sql.member('h', day)} "
        "AND h.person_id IN (SELECT id FROM kids))")
    # a few people: prepared, with its generic plan (core.prepared); many (an import): index
    # lookups all the same, for each person's family is a handful of rows — the planner,
    # which cannot see that through the array and the expressions, chose hash joins over
    # whole tables (100,000 people of the national bench: 28 s, as lookups 17 s)
    with (nullcontext() if sql.small else planning.settings(planning.NESTED_LOOPS),
          prepared.cursor(prepare=sql.small) as cur):
        cur.execute("WITH " + ", ".join(sql.ctes) + " " + select, sql.params)
        return cur.fetchall()


#: from this share of all persons on, an import's families are joined over the whole tables
#: (the national bench: lookups cost ~0.2 ms per person, the whole tables ~75 s)
WHOLE_TABLES_FROM = 0.04


def signalled_families(person_ids: Iterable[int], day: date, *, signalled: str,
                       kept: str, themselves: bool = False
                       ) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """For a bulk import of facts about ``person_ids``, answered in the database instead of
    family by family: (the children each person's fact opens risk for —
    ``continuity.risk.children_concerned_by`` —, and for the children whose family on ``day``
    holds one of the people or who are one of them, their family members among
    ``signalled``).

    ``signalled``: a ``SELECT`` of the ids of the people that count (the index: those with an
    active signal, the imported ones among them); ``kept``: a ``SELECT`` of child ids whose
    answer is wanted whatever it is (the index: children with an open match). Of the other
    children only those with two or more of the ``signalled`` people in or around them are
    given: for the rest nothing can follow. ``themselves``: the people count among
    ``signalled`` whatever it says (an import asking before it has written their signals).

    The family is findings.md's, as :func:`families_of` gives it, written as SQL both ways:
    from the people to the children whose family they belong to (:func:`_family_pairs`),
    and from those children to their members (:func:`_family_members`). Read family by
    family, a million people's families were 12.9 million rows for Python; here the database
    joins them with the signals and sends only what matching needs (issue 4)."""
    person_ids = set(person_ids)
    if not person_ids:
        return {}, {}
    statement, params, whole = signalled_families_statement(
        person_ids, day, signalled=signalled, kept=kept, themselves=themselves)
    with planning.settings(planning.WHOLE_TABLES) if whole else nullcontext(), \
            connection.cursor() as cur:
        cur.execute(statement, params)
        rows = cur.fetchall()
    concerned: dict[int, set[int]] = {p: set() for p in person_ids}
    families: dict[int, set[int]] = {}
    for what, a, b in rows:
        if what == "c":
            concerned[a].add(b)
        else:
            members = families.setdefault(a, set())
            if b != a:
                members.add(b)
    return concerned, families


def signalled_families_statement(person_ids: set[int], day: date, *, signalled: str,
                                 kept: str, themselves: bool = False
                                 ) -> tuple[str, list, bool]:
    """:func:`signalled_families`' one statement and its parameters — rows ``('c', member,
    child)`` and ``('f', child, member)`` —, and whether to join it over the whole tables
    (a good part of the country). The bench's plain-SQL floor of an import
    (``bench.index``) asks the database the same question."""
    sql = _Sql()
    sql.add(f"me AS (SELECT id FROM {_PERSON} WHERE {sql.among('id', person_ids)})")
    sql.add(_family_pairs(sql, day, "me"))
    sql.add("mine AS (SELECT DISTINCT child AS id FROM pairs)")
    sql.add(f"who (id) AS ({signalled}{' UNION SELECT id FROM me' if themselves else ''})")
    sql.add(_family_members(sql, day, "mine", "who"))
    # two or more members: their smallest and largest differ — a hashed aggregate, where
    # COUNT(DISTINCT) sorted a national import's 4.4 million members (6 of its 72 s)
    select = (
        "SELECT 'c', p.member, p.child FROM pairs p WHERE p.direct = 1 AND p.alive = 1 "
        "UNION ALL SELECT 'f', f.child, f.member FROM members f "
        "WHERE f.child IN (SELECT child FROM members GROUP BY child "
        "HAVING MIN(member) <> MAX(member)) "
        f"OR f.child IN ({kept}) "
        f"UNION ALL SELECT 'f', k.id, k.id FROM mine k WHERE k.id IN ({kept})")
    # a few people: each family looked up; a good part of the country (a national import):
    # hash joins over the tables — 77 s instead of 200 s of lookups for a million people
    # of the national bench, where the planner, seeing 200 children, looked up each one
    whole = planning.share_of(_PERSON, len(person_ids)) > WHOLE_TABLES_FROM
    return "WITH " + ", ".join(sql.ctes) + " " + select, sql.params, whole


def _family_pairs(sql: _Sql, day: date, who: str) -> str:
    """``pairs`` (child, member, direct, alive): each person of ``who`` (an expression with
    an ``id`` column) as a member of the family on ``day`` of each child under 18 — or as
    that child itself. ``direct``: 1 where a fact about the member opens the child's risk
    (the child itself, its parent or guardian, a member of its household); ``alive``: 1 while
    the child lives. A pair may come more than once, by more than one way."""
    branches = [
        f"SELECT w.id AS child, w.id AS member, 1 AS direct FROM {who} w",
        # a parent or guardian (a guardian of oneself makes no family)
        f"SELECT r.other_id, w.id, 1 FROM {who} w JOIN {_RELATION} r ON r.person_id = w.id "
        f"WHERE {sql.valid('r', day)} AND r.kind IN {_KINDS} AND r.other_id <> r.person_id",
        # a partner of a parent: a step-parent (a guardian's partner is not)
        f"SELECT r.other_id, w.id, 0 FROM {who} w JOIN {_RELATION} q ON q.person_id = w.id "
        f"JOIN {_RELATION} r ON r.person_id = q.other_id WHERE {sql.valid('q', day)} "
        f"AND q.kind = '{_PARTNER_OF}' AND {sql.valid('r', day)} AND r.kind = '{_PARENT_OF}' "
        "AND r.other_id <> w.id",
        f"SELECT r.other_id, w.id, 0 FROM {who} w JOIN {_RELATION} q ON q.other_id = w.id "
        f"JOIN {_RELATION} r ON r.person_id = q.person_id WHERE {sql.valid('q', day)} "
        f"AND q.kind = '{_PARTNER_OF}' AND {sql.valid('r', day)} AND r.kind = '{_PARENT_OF}' "
        "AND r.other_id <> w.id",
        # a child of one of the child's parents: a (half-)sibling
        f"SELECT r.other_id, w.id, 0 FROM {who} w JOIN {_RELATION} q ON q.other_id = w.id "
        f"JOIN {_RELATION} r ON r.person_id = q.person_id WHERE {sql.valid('q', day)} "
        f"AND q.kind = '{_PARENT_OF}' AND {sql.valid('r', day)} AND r.kind = '{_PARENT_OF}' "
        "AND r.other_id <> w.id",
        # a member of one of the child's households
        f"SELECT o.person_id, w.id, 1 FROM {who} w JOIN {_MEMBERSHIP} m ON m.person_id = w.id "
        f"JOIN {_MEMBERSHIP} o ON o.household_id = m.household_id "
        f"WHERE {sql.member('m', day)} AND {sql.member('o', day)} AND o.person_id <> w.id",
    ]
    young = sql.one(_years_before(day, 18))
    return (f"pairs AS (SELECT x.child, x.member, x.direct, "
            f"CASE WHEN k.death_date IS NULL THEN 1 ELSE 0 END AS alive "
            f"FROM ({' UNION ALL '.join(branches)}) x JOIN {_PERSON} k ON k.id = x.child "
            f"WHERE k.birth_date > {young})")


def _family_members(sql: _Sql, day: date, kids: str, among: str) -> str:
    """``members`` (child, member): the family on ``day`` of each child of ``kids`` (an
    expression with an ``id`` column), as :func:`_family_pairs` has it the other way round,
    its members limited to those of ``among`` — and the child itself, if one of them. A
    member may come more than once."""
    branches = [
        f"SELECT k.id AS child, k.id AS member FROM {kids} k",
        f"SELECT k.id, r.person_id FROM {kids} k JOIN {_RELATION} r ON r.other_id = k.id "
        f"WHERE {sql.valid('r', day)} AND r.kind IN {_KINDS} AND r.person_id <> k.id",
        f"SELECT k.id, q.other_id FROM {kids} k JOIN {_RELATION} r ON r.other_id = k.id "
        f"JOIN {_RELATION} q ON q.person_id = r.person_id WHERE {sql.valid('r', day)} "
        f"AND r.kind = '{_PARENT_OF}' AND {sql.valid('q', day)} "
        f"AND q.kind = '{_PARTNER_OF}' AND q.other_id <> k.id",
        f"SELECT k.id, q.person_id FROM {kids} k JOIN {_RELATION} r ON r.other_id = k.id "
        f"JOIN {_RELATION} q ON q.other_id = r.person_id WHERE {sql.valid('r', day)} "
        f"AND r.kind = '{_PARENT_OF}' AND {sql.valid('q', day)} "
        f"AND q.kind = '{_PARTNER_OF}' AND q.person_id <> k.id",
        f"SELECT k.id, s.other_id FROM {kids} k JOIN {_RELATION} r ON r.other_id = k.id "
        f"JOIN {_RELATION} s ON s.person_id = r.person_id WHERE {sql.valid('r', day)} "
        f"AND r.kind = '{_PARENT_OF}' AND {sql.valid('s', day)} AND s.kind = '{_PARENT_OF}' "
        "AND s.other_id <> k.id",
        f"SELECT k.id, o.person_id FROM {kids} k JOIN {_MEMBERSHIP} m ON m.person_id = k.id "
        f"JOIN {_MEMBERSHIP} o ON o.household_id = m.household_id "
        f"WHERE {sql.member('m', day)} AND {sql.member('o', day)} AND o.person_id <> k.id",
    ]
    return (f"members AS (SELECT x.child, x.member FROM ({' UNION ALL '.join(branches)}) x "
            f"WHERE x.member IN (SELECT id FROM {among}))")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return (day - timedelta(days=1)).replace(year=day.year - years)
