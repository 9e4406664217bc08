"""Recorded facts as the rules read them: periods of open risk, responsibility and
involvement as half-open date intervals [start, end), loaded set-based once per evaluation."""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Iterable
from datetime import date
from functools import cache, cached_property
from typing import TYPE_CHECKING

from kindzicht.continuity.models import (
    Handover,
    Involvement,
    ResponsibilityPeriod,
    RiskPeriod,
)
from kindzicht.people.family import _years_before, families_of
from kindzicht.people.models import HouseholdAddress, HouseholdMembership, Organisation, Person

if TYPE_CHECKING:
    from .engine import Context

Interval = tuple[date, date | None]


def covers(interval: Interval, day: date) -> bool:
    start, end = interval
    return start <= day and (end is None or day < end)


def overlaps(interval: Interval, start: date, end: date) -> bool:
    """Does the interval share a day with the closed range [start, end]?"""
    s, e = interval
    return s <= end and (e is None or e > start)


def _eighteenth(birth: date) -> date:
    try:
        return birth.replace(year=birth.year + 18)
    except ValueError:
        return date(birth.year + 18, 3, 1)


class Facts:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._families: dict[tuple[int, date], dict[int, str]] = {}
        self._involved: dict[int, dict[int, list[Interval]]] = {}
        self._around: tuple[set[int], FamilyGraph] | None = None
        self._everyone_involved = False

    # -- children and open risk -------------------------------------------------------------
    @cached_property
    def risk(self) -> dict[int, list[Interval]]:
        qs = RiskPeriod.objects.filter(on__lte=self.ctx.as_of)
        if self.ctx.scope is not None:
            qs = qs.filter(child_id__any=self.ctx.scope)
        out: dict[int, list[Interval]] = defaultdict(list)
        for child, start, end, birth in qs.values_list("child_id", "on", "closed_on",
                                                       "child__birth_date"):
            adult = _eighteenth(birth)
            end = min(end, adult) if end else adult
            if start < end:
                out[child].append((start, end))
        return out

    def at_risk(self, child_id: int, day: date) -> bool:
        return any(covers(iv, day) for iv in self.risk.get(child_id, ()))

    def risk_held_through(self, child_id: int, start: date, end: date) -> bool:
        return any(s <= start and (e is None or e > end) for s, e in self.risk.get(child_id, ()))

    @cached_property
    def birth(self) -> dict[int, date]:
        return dict(Person.objects.filter(pk__any=self.risk.keys()).values_list("pk", "birth_date"))

    def is_child_on(self, person_id: int, day: date) -> bool:
        birth = self.birth.get(person_id) or Person.objects.filter(pk=person_id).values_list(
            "birth_date", flat=True).first()
        return birth is not None and birth > _years_before(day, 18)

    @cached_property
    def plan_cover(self):
        """Family plans covering the children at open risk (:class:`PlanCover`)."""
        from .plans_cover import PlanCover

        return PlanCover(list(self.risk), everyone=self.ctx.scope is None)

    def plan_covers_by(self, child_id: int, day: date) -> bool:
        if child_id in self.risk:
            return self.plan_cover.covers_by(child_id, day)
        from .plans_cover import plan_covers_by

        return plan_covers_by(child_id, day)

    # -- organisations ------------------------------------------------------------------------
    @cached_property
    def sector(self) -> dict[int, str]:
        return dict(Organisation.objects.values_list("pk", "sector"))

    # -- families -------------------------------------------------------------------------------
    @cached_property
    def family_graph(self) -> FamilyGraph:
        """Every relation and household membership, for a full sweep's many family days."""
        return FamilyGraph()

    def graph_around(self, people: Iterable[int]) -> FamilyGraph:
        """The families a rule needs: a full sweep's graph of everyone (read once), an
        incremental sweep's neighbourhood of ``people`` (a few queries, not a few per day).

        The neighbourhood is read once per evaluation and shared by the rules (P1, R1 and K5
        each read their own before, the same people mostly): it is drawn around the scoped
        children and ``people`` (``ctx.scope_people`` is read from it), and extended by the
        steps from anyone a later rule asks about outside it. A graph around more people answers the
        same for the people it was asked about: their four steps are all in it."""
        if self.ctx.scope is None:
            return self.family_graph
        people = set(people)
        if self._around is None:
            around = people | set(self.ctx.scope)
            self._around = (around, FamilyGraph(around=around))
        elif not people <= self._around[0]:
            self._around[1].extend(people - self._around[0])
            self._around[0].update(people)
        return self._around[1]

    def family(self, child_id: int, day: date) -> dict[int, str]:
        key = (child_id, day)
        if key not in self._families:
            self._families[key] = families_of([child_id], day)[child_id]
        return self._families[key]

    def municipalities_of(self, person_ids: Iterable[int], day: date) -> dict[int, str]:
        """:meth:`municipality_of` for many people on one day, in a few queries."""
        person_ids = list(person_ids)
        found = self.municipalities_on([(p, day) for p in person_ids])
        return {p: found[(p, day)] for p in person_ids}

    def municipalities_on(self, pairs: Iterable[tuple[int, date]]) -> dict[tuple[int, date], str]:
        """:meth:`municipality_of` for many (person, day) pairs in a few queries: the address
        (the latest dated on or before the day, else the latest undated one) of the
        households the person is a member of."""
        pairs = list(pairs)
        households: dict[int, set[int]] = defaultdict(set)
        for chunk in _chunks({p for p, _d in pairs}):
            for person, household in HouseholdMembership.objects.filter(
                    person_id__any=chunk).values_list("person_id", "household_id"):
                households[person].add(household)
        addresses: dict[int, list[tuple]] = defaultdict(list)  # household -> (from, id, code)
        for chunk in _chunks({h for hs in households.values() for h in hs}):
            for pk, household, valid_from, code in HouseholdAddress.objects.filter(
                    household_id__any=chunk).values_list("pk", "household_id", "valid_from",
                                                        "municipality_code"):
                addresses[household].append((valid_from, pk, code))
        out: dict[tuple[int, date], str] = {}
        for person, day in pairs:
            mine = [a for h in households.get(person, ()) for a in addresses.get(h, ())]
            dated = max(((f, pk, c) for f, pk, c in mine if f is not None and f <= day),
                        default=None)
            undated = max(((pk, c) for f, pk, c in mine if f is None), default=None)
            chosen = dated or undated
            out[(person, day)] = chosen[-1] if chosen else ""
        return out

    def municipality_of(self, person_id: int, day: date) -> str:
        hh = HouseholdMembership.objects.filter(person_id=person_id).order_by("-id").values_list(
            "household_id", flat=True)
        addr = HouseholdAddress.objects.filter(household_id__any=list(hh)).filter(
            valid_from__isnull=True).order_by("-id").first()
        dated = HouseholdAddress.objects.filter(household_id__any=list(hh),
                                                valid_from__lte=day).order_by("-valid_from",
                                                                              "-id").first()
        chosen = dated or addr
        return chosen.municipality_code if chosen else ""

    # -- responsibility -----------------------------------------------------------------------
    @cached_property
    def responsibility(self) -> dict[int, list]:
        """child -> its responsibility periods (records: pk, child_id, organisation_id, at,
        on, ended_on, event_id), in the order they began."""
        qs = ResponsibilityPeriod.objects.filter(on__lte=self.ctx.as_of).order_by("at", "id")
        if self.ctx.scope is not None:
            qs = qs.filter(child_id__any=self.ctx.scope)
        out: dict[int, list] = defaultdict(list)
        for p in records(qs, "pk", "child_id", "organisation_id", "at", "on", "ended_on",
                         "event_id"):
            out[p.child_id].append(p)
        return out

    def holder_on(self, child_id: int, day: date) -> int | None:
        holder = None
        for p in self.responsibility.get(child_id, ()):
            if p.on <= day and (p.ended_on is None or p.ended_on >= day):
                holder = p.organisation_id
        return holder

    # -- involvement (findings.md 'Involved') ---------------------------------------------------
    def involvement(self, person_ids: Iterable[int]) -> dict[int, dict[int, list[Interval]]]:
        """person -> organisation -> intervals during which it was involved."""
        person_ids = list(person_ids)
        self.prefetch_involvement(person_ids)
        return {p: self._involved.get(p, {}) for p in person_ids}

    def prefetch_involvement(self, person_ids: Iterable[int]) -> None:
        """Read the involvement of many people in one batch (five queries per 5,000 people)
        before a rule's loop asks for it one person at a time. A full sweep reads everyone's
        at once, with five queries in all: its rules ask for most people anyway, and bounded
        IN lists of 5,000 cost a query per list and table."""
        if self._everyone_involved:
            return
        if self.ctx.scope is None:
            self._load_involvement(None)
            self._everyone_involved = True
            return
        missing = [p for p in set(person_ids) if p not in self._involved]
        for start in range(0, len(missing), 5000):  # bounded IN lists
            self._load_involvement(missing[start:start + 5000])

    def _load_involvement(self, missing: list[int] | None) -> None:
        """The involvement of ``missing`` (None: of everyone)."""
        from kindzicht.index.models import Signal
        from kindzicht.meldcode.models import Concern

        def of(qs, field):
            return qs if missing is None else qs.filter(**{f"{field}__any": missing})

        if missing is None or missing:
            got: dict[int, dict[int, list[Interval]]] = defaultdict(lambda: defaultdict(list))
            got.update({p: defaultdict(list) for p in missing or ()})  # asked: known, if empty

            def add(person: int, org: int | None, start: date, end: date | None) -> None:
                if org is None:
                    return
                if end is not None and end <= start:
                    end = date.fromordinal(start.toordinal() + 1)
                got[person][org].append((start, end))

            for p, o, s, e in of(Involvement.objects, "person_id").values_list(
                    "person_id", "organisation_id", "on", "ended_on"):
                add(p, o, s, e)
            for p, o, s, e in of(Signal.objects, "person_id").values_list(
                    "person_id", "organisation_id", "on", "ended_on"):
                add(p, o, s, e)
            for p, o, s, e in of(Concern.objects, "child_id").values_list(
                    "child_id", "organisation_id", "on", "decided_on"):
                add(p, o, s, e)
            for p, o, s, e in of(ResponsibilityPeriod.objects.filter(
                    organisation__isnull=False), "child_id").values_list(
                    "child_id", "organisation_id", "on", "ended_on"):
                add(p, o, s, e)
            for child, receiver, accepted, confirmed, declined, withdrawn in \
                    of(Handover.objects.filter(accepted_on__isnull=False),
                       "child_id").values_list(
                        "child_id", "receiver_id", "accepted_on", "confirmed_on", "declined_on",
                        "withdrawn_on"):
                add(child, receiver, accepted, confirmed or declined or withdrawn)
            self._involved.update({p: dict(v) for p, v in got.items()})

    def involved_on(self, person_id: int, day: date) -> set[int]:
        return {o for o, ivs in self.involvement([person_id])[person_id].items()
                if any(covers(iv, day) for iv in ivs)}

    def involved_between(self, person_ids: Iterable[int], start: date, end: date) -> set[int]:
        inv = self.involvement(list(person_ids))
        return {o for per in inv.values() for o, ivs in per.items()
                if any(overlaps(iv, start, end) for iv in ivs)}


@cache
def _record_type(names: tuple[str, ...]):
    return namedtuple("Record", names)


def records(qs, *fields: str, **lookups: str) -> list:
    """The rows of ``qs`` as light records — named tuples with the attributes a rule reads
    (``fields`` by their own name, ``lookups`` as ``name="relation__field"``) — instead of
    model instances: building a model instance per concern, assessment or factor was most of
    a full sweep's time in the rules (issue 3). The rule code reads them as before
    (``f.code``, ``a.child_id``)."""
    make = _record_type(tuple(fields) + tuple(lookups))._make
    return [make(row) for row in qs.values_list(*fields, *lookups.values())]


def _chunks(ids: Iterable[int], size: int = 5000):
    """Bounded IN lists."""
    ids = sorted(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


class FamilyGraph:
    """Relations, household memberships and birth dates read in bulk, so the family of any
    child on any day — findings.md's definition, exactly as
    :func:`kindzicht.people.family.families_of` computes it (a test holds the two to the same
    answers) — is answered in memory. A full sweep asks for families on many different days
    (one per life event or assessment); per call that was a handful of queries each (issue 3).

    ``around=None`` reads everyone (three queries: a full sweep). ``around=people`` reads only
    the neighbourhood of those people, ``hops`` relation or household steps deep (an
    incremental sweep: a few queries per step, whatever the number of people). Four steps
    hold everything :meth:`children_in_family_of` and :meth:`family` look at for people
    inside ``around``: their partners' and parents' children, and those children's parents,
    partners and households."""

    def __init__(self, around: Iterable[int] | None = None, hops: int = 4):
        from kindzicht.people.models import RelationKind

        self.parent_kinds = {RelationKind.PARENT_OF, RelationKind.GUARDIAN_OF}
        self.to: dict[int, list[tuple]] = defaultdict(list)    # other -> (kind, person, from, to)
        self.out: dict[int, list[tuple]] = defaultdict(list)   # person -> (kind, other, from, to)
        self.homes: dict[int, list[tuple]] = defaultdict(list)    # person -> (household, ...)
        self.members: dict[int, list[tuple]] = defaultdict(list)  # household -> (person, ...)
        self.birth: dict[int, date] = {}
        self._homes_read: set[int] = set()      # households whose members are all in
        self._relations_read: set[int] = set()  # relations in (by id)
        self._expanded: set[int] = set()        # people whose relations and homes are all in
        if around is None:
            self._read_all()
        else:
            self._read_around(set(around), hops)

    _KINDS = ("parent_of", "guardian_of", "partner_of")

    def _add_relations(self, rows) -> set[int]:
        seen = set()
        for person, kind, other, vf, vt in rows:
            self.to[other].append((kind, person, vf, vt))
            self.out[person].append((kind, other, vf, vt))
            seen |= {person, other}
        return seen

    def _add_members(self, rows) -> set[int]:
        seen = set()
        for person, household, joined, left in rows:
            self.homes[person].append((household, joined, left))
            self.members[household].append((person, joined, left))
            seen.add(person)
        return seen

    def _read_all(self) -> None:
        from kindzicht.people.models import Relation

        self._add_relations(Relation.objects.filter(kind__in=self._KINDS).values_list(
            "person_id", "kind", "other_id", "valid_from", "valid_to"))
        self._add_members(HouseholdMembership.objects.values_list(
            "person_id", "household_id", "joined_on", "left_on"))
        self.birth = dict(Person.objects.values_list("pk", "birth_date"))

    def extend(self, people: Iterable[int], hops: int = 4) -> None:
        """Read the neighbourhood of more people into this graph: the steps from them alone,
        not again from everyone already in it (a scoped evaluation whose rules ask about
        people its first graph was not drawn around)."""
        self._read_around(set(people), hops)

    def _read_around(self, people: set[int], hops: int) -> None:
        """Breadth first from ``people``: each step reads the relations and households of the
        people reached by the previous one (bounded IN lists), once per person. A relation or
        household already in the graph is not added twice, but the walk goes on through it
        (its people are reached as if read again); a person an earlier walk already read is
        walked through in memory."""
        from django.db.models import Q

        from kindzicht.people.models import Relation

        done: set[int] = set()
        homes_done = self._homes_read
        relations_done = self._relations_read
        frontier = set(people)
        for _ in range(hops):
            frontier -= done
            if not frontier:
                break
            done |= frontier
            reached: set[int] = set()
            for known in frontier & self._expanded:   # read by an earlier walk: in memory
                reached |= {o for _k, o, _f, _t in self.out.get(known, ())}
                reached |= {p for _k, p, _f, _t in self.to.get(known, ())}
                for household, _j, _l in self.homes.get(known, ()):
                    reached |= {p for p, _j2, _l2 in self.members[household]}
            frontier -= self._expanded
            self._expanded |= frontier
            for chunk in _chunks(frontier):
                for pk, *row in Relation.objects.filter(
                        Q(person_id__any=chunk) | Q(other_id__any=chunk),
                        kind__in=self._KINDS).values_list("pk", "person_id", "kind", "other_id",
                                                          "valid_from", "valid_to"):
                    if pk not in relations_done:  # a relation between two frontiers comes twice
                        relations_done.add(pk)
                        reached |= self._add_relations([row])
                    else:
                        reached |= {row[0], row[2]}
                households = set(HouseholdMembership.objects.filter(
                    person_id__any=chunk).values_list("household_id", flat=True))
                for known in households & homes_done:
                    reached |= {p for p, _j, _l in self.members[known]}
                households -= homes_done
                homes_done |= households
                for hchunk in _chunks(households):
                    reached |= self._add_members(HouseholdMembership.objects.filter(
                        household_id__any=hchunk).values_list("person_id", "household_id",
                                                             "joined_on", "left_on"))
            frontier = reached
        for chunk in _chunks((done | frontier) - self.birth.keys()):
            self.birth.update(Person.objects.filter(pk__any=chunk).values_list("pk",
                                                                              "birth_date"))

    @staticmethod
    def _valid(vf: date | None, vt: date | None, day: date) -> bool:
        return (vf is None or vf <= day) and (vt is None or vt > day)

    def _related(self, index, person: int, kinds, day: date) -> set[int]:
        return {o for k, o, vf, vt in index.get(person, ()) if k in kinds
                and self._valid(vf, vt, day)}

    def households_on(self, person_ids: Iterable[int], day: date) -> set[int]:
        return {h for p in person_ids for h, j, lf in self.homes.get(p, ())
                if self._valid(j, lf, day)}

    def members_on(self, household_id: int, day: date) -> list[int]:
        return [p for p, j, lf in self.members.get(household_id, ()) if self._valid(j, lf, day)]

    def family(self, child: int, day: date) -> dict[int, str]:
        """{member: role} of one child on ``day``, the child excluded (as families_of)."""
        from kindzicht.people import family as f
        from kindzicht.people.models import RelationKind

        rank = {f.PARENT: 0, f.GUARDIAN: 1, f.STEP_PARENT: 2, f.SIBLING: 3, f.HOUSEHOLD: 4}
        fam: dict[int, str] = {}

        def add(member: int, role: str) -> None:
            if member == child:
                return
            current = fam.get(member)
            if current is None or rank[role] < rank[current]:
                fam[member] = role

        parents: set[int] = set()
        for kind, parent, vf, vt in self.to.get(child, ()):
            if kind in self.parent_kinds and self._valid(vf, vt, day):
                add(parent, f.PARENT if kind == RelationKind.PARENT_OF else f.GUARDIAN)
                if kind == RelationKind.PARENT_OF:
                    parents.add(parent)
        partner = {RelationKind.PARTNER_OF}
        for member, role in list(fam.items()):
            if role == f.PARENT:   # a guardian's partner is not a step-parent (findings.md)
                for p in (self._related(self.out, member, partner, day)
                          | self._related(self.to, member, partner, day)):
                    if p not in fam or fam[p] != f.PARENT:
                        add(p, f.STEP_PARENT)
        for parent in parents:
            for sib in self._related(self.out, parent, {RelationKind.PARENT_OF}, day):
                add(sib, f.SIBLING)
        adult_born_before = f._years_before(day, 18)
        for h in self.households_on([child], day):
            for p in self.members_on(h, day):
                add(p, f.STEP_PARENT if self.birth[p] <= adult_born_before else f.HOUSEHOLD)
        return fam

    def children_in_family_of(self, person_ids: Iterable[int], day: date) -> set[int]:
        """As :func:`kindzicht.people.family.children_in_family_of`, in memory."""
        from kindzicht.people.models import RelationKind

        people = set(person_ids)
        parent_of = {RelationKind.PARENT_OF}
        partner = {RelationKind.PARTNER_OF}
        candidates = set(people)
        partners: set[int] = set()
        parents: set[int] = set()
        for p in people:
            candidates |= self._related(self.out, p, self.parent_kinds, day)
            partners |= self._related(self.out, p, partner, day)
            partners |= self._related(self.to, p, partner, day)
            parents |= self._related(self.to, p, parent_of, day)
        for p in partners | people | parents:
            candidates |= self._related(self.out, p, parent_of, day)
        for h in self.households_on(people, day):
            candidates |= set(self.members_on(h, day))
        from kindzicht.people.family import _years_before

        born_after = _years_before(day, 18)
        kids = {c for c in candidates if c in self.birth and self.birth[c] > born_after}
        return {c for c in kids if c in people or people & set(self.family(c, day))}
