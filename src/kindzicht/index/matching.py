"""Matching at child and family level (findings.md 2.2).

Per child: the child-level match (two or more organisations with active signals on the child)
and the family-level match (active signals on two or more people among the child and its
family, by two or more organisations). A match is stored each time it arises or grows, and
closed when it falls apart; every organisation in it is notified of who else is involved and
how to reach them — organisations and contacts, never content, never a shielded observer.
When a match ends or an organisation leaves it (its signal ended, or the family changed), the
organisations whose signals remain are told too: a professional who counts on "GGZ is involved
as well" hears that it no longer is, instead of finding the match gone from the inbox.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from django.db import connection

from kindzicht.core import clock, prepared
from kindzicht.core.actions import Actor, notify_many
from kindzicht.core.models import Notification
from kindzicht.core.rows import Ids, among_sql
from kindzicht.people.family import children_and_families_of
from kindzicht.people.models import Organisation, Person
from kindzicht.people.sectors import SECTORS

from .models import Match, Signal
from .policy import (
    Policy,
    policies_from,
    policies_of_persons,
    policies_of_persons_queries,
    policy_for_region,
)

#: rows per statement when an import rematches thousands of children
_BATCH = 2000


@dataclass
class _Signals:
    """The active signals around some children: who signalled whom, and their contacts."""

    by_person: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    contacts: dict[tuple[int, int], str] = field(default_factory=dict)  # (org, person) -> contact
    #: the signalling organisations and the signalled persons' names, when read with the signals
    orgs: dict[int, Organisation] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)

    def contacts_of(self, org_id: int, people: Iterable[int]) -> list[str]:
        return sorted({c for p in people if (c := self.contacts.get((org_id, p)))})

    def add(self, signal: Signal) -> None:
        """A signal written in the same statement as the match (a registration's own,
        ``read_ahead``): the matching counts it as if it had been read."""
        self.by_person[signal.person_id].add(signal.organisation_id)
        self.contacts[(signal.organisation_id, signal.person_id)] = signal.contact
        self.orgs.setdefault(signal.organisation_id, signal.organisation)
        self.names[signal.person_id] = signal.person.name


@dataclass
class Ahead:
    """What a registration's matching and risk opening read, read at once
    (:func:`read_ahead`): the active signals of the children and their families, the
    children's open matches, which of ``risk_children`` are at open risk, the policy of the
    region each child lives in (a new match's proposed coordinator: always read, for one
    more round trip cost more than reading it where no match arises), and the rows of the
    caller's own queries read with them (``also``)."""

    signals: _Signals
    open_matches: list[Match]
    at_risk: set[int]
    policies: dict[int, Policy]
    also: list[list[tuple]] = field(default_factory=list)


def _everyone(fams: Mapping[int, Collection[int]]) -> set[int]:
    return set(fams) | {m for f in fams.values() for m in f}


def read_ahead(fams: Mapping[int, Collection[int]], risk_children: Collection[int],
               also: Iterable[tuple[list[str], str, list]] = ()) -> Ahead | None:
    """The reads of :func:`rematch` and of ``continuity.risk.open_risk`` for one
    registration, with the caller's own (``also``), in one prepared statement instead of one
    each (``core.prepared.select_each``; a registration, issue 4). The caller holds the
    locks of these children, so nothing read here can change before it writes. None where
    the reads go their own way: without preparing, or for more people than a prepared
    statement is for."""
    from kindzicht.continuity import risk

    everyone = _everyone(fams)
    if not prepared.enabled() or max(len(everyone), len(risk_children)) > prepared.SMALL:
        return None
    signals, matches, at_risk, lives, policies, *rest = prepared.select_each([
        _signals_query(everyone), _open_matches_query(set(fams)),
        risk.open_risk_query(risk_children),
        *policies_of_persons_queries(fams, clock.today()), *also])
    return Ahead(_signals_of(signals), _matches_of(matches), {c for (c,) in at_risk},
                 policies_from(fams, lives, policies), rest)


def read_first(fams: Mapping[int, Collection[int]]) -> Ahead:
    """The reads of :func:`rematch` for many children (a bulk import's), made before the
    caller writes what they do not depend on, to be given to ``rematch`` as ``ahead``.

    Why: the import writes in a ``core.rows.behind`` block, where a read waits for every
    write before it. Read after the import's risk periods were given to the worker, the
    matching waited for the server to write them (a national import's minute); read first,
    the matching's Python runs while the server writes them. The policies are read for
    every child: an import's matches need most of them."""
    if not fams:
        return Ahead(_Signals(), [], set(), {})
    children = set(fams)
    return Ahead(_active_signals(_everyone(fams)), _open_matches(children), set(),
                 policies_of_persons(children, clock.today()))


def _state(fams: Mapping[int, Collection[int]], read: set[int] | None = None,
           signals: _Signals | None = None) -> tuple[
        dict[tuple[int, str], tuple[set[int], set[int]]], _Signals]:
    """Per child and level, the people and organisations a match would cover, from the
    children's family members (``children_and_families_of``, or a bulk import's signalled
    ones) and their active signals (read here, unless read ahead)."""
    child_ids = list(fams)
    everyone = _everyone(fams)
    if read is not None:
        read |= everyone
    if signals is None:
        signals = _active_signals(everyone)
    by_person = signals.by_person
    out = {}
    for c in child_ids:
        child_orgs = by_person.get(c, set())
        out[(c, "child")] = ({c}, set(child_orgs)) if len(child_orgs) >= 2 else (set(), set())
        people = {p for p in [c, *fams[c]] if by_person.get(p)}
        orgs = {o for p in people for o in by_person[p]}
        out[(c, "family")] = (people, orgs) if len(people) >= 2 and len(orgs) >= 2 else (
            set(), set())
    return out, signals


_ORG_FIELDS = [f.attname for f in Organisation._meta.concrete_fields]
#: the flags among them (SQLite gives 0/1 where the ORM gives booleans)
_ORG_FLAGS = [i for i, f in enumerate(Organisation._meta.concrete_fields)
              if f.get_internal_type() == "BooleanField"]


def _active_signals(person_ids: set[int]) -> _Signals:
    """The active signals on these people with their organisations (as model instances:
    a match proposes one as coordinator) and the people's names, in one plain statement —
    every registration runs it, and building it through the ORM with two joins cost more
    CPU than the database's work."""
    if not person_ids:
        return _Signals()
    columns, rest, params = _signals_query(person_ids)
    with prepared.cursor(prepare=len(person_ids) <= prepared.SMALL) as cur:
        cur.execute(f"SELECT {', '.join(columns)} {rest}", params)
        return _signals_of(cur.fetchall())


#: the columns of :func:`_signals_query`, read by :func:`_signals_of`
_SIGNAL_COLUMNS = ["s.person_id", "s.organisation_id", "s.contact", "p.given_name",
                   "p.family_name", *(f'o."{f.column}"'
                                      for f in Organisation._meta.concrete_fields)]
_SIGNALS_FROM = (f"FROM {Signal._meta.db_table} s "
                 f"JOIN {Person._meta.db_table} p ON p.id = s.person_id "
                 f"JOIN {Organisation._meta.db_table} o ON o.id = s.organisation_id ")


def _signals_query(person_ids: Collection[int]) -> tuple[list[str], str, list]:
    among, params = among_sql("s.person_id", sorted(person_ids), connection.vendor)
    return _SIGNAL_COLUMNS, f"{_SIGNALS_FROM}WHERE {among} AND s.ended_at IS NULL", params


def _signals_of(found: Iterable[tuple]) -> _Signals:
    signals = _Signals()
    for person, org, contact, given, family, *org_values in found:
        signals.by_person[person].add(org)
        signals.contacts[(org, person)] = contact
        if org not in signals.orgs:
            for i in _ORG_FLAGS:
                org_values[i] = None if org_values[i] is None else bool(org_values[i])
            signals.orgs[org] = Organisation.from_db(connection.alias, _ORG_FIELDS, org_values)
        signals.names[person] = Person(pk=person, given_name=given, family_name=family).name
    return signals


def propose(org_ids: Iterable[int], region_id: int | None) -> Organisation | None:
    """The proposed match coordinator: the first organisation by the region's sector
    priority (then the one that registered longest ago, by id)."""
    orgs = Organisation.objects.in_bulk(list(org_ids))
    return _first_by_priority(orgs.values(), policy_for_region(region_id).coordinator_priority)


def _first_by_priority(orgs: Iterable[Organisation],
                       priority: tuple[str, ...]) -> Organisation | None:
    """:func:`propose`'s choice among organisations already read."""
    ranked = sorted(orgs, key=lambda o: (priority.index(o.sector) if o.sector in priority
                                         else 99, o.pk))
    return ranked[0] if ranked else None


class _Proposals:
    """Proposes coordinators for many matches with the reads done once: the organisations
    in the matches, and the policy of the region each child lives in (one statement)."""

    def __init__(self, orgs: dict[int, Organisation], child_ids: Iterable[int], day: date,
                 policies: dict[int, Policy] | None = None):
        self.orgs = orgs
        self._children, self._day = set(child_ids), day
        self._policies = policies  # read ahead, or when a match first needs them

    def for_child(self, child: int, orgs: set[int]) -> Organisation | None:
        if self._policies is None:  # only when a match needs a coordinator
            self._policies = policies_of_persons(self._children, self._day)
        policy = self._policies[child]
        return _first_by_priority((self.orgs[o] for o in orgs if o in self.orgs),
                                  policy.coordinator_priority)


def _open_matches(children: set[int]) -> list[Match]:
    """The children's open matches: a registration's few in one prepared statement."""
    if prepared.enabled() and len(children) <= prepared.SMALL:
        return prepared.fetch(Match, "child_id = ANY(%s) AND ended_on IS NULL",
                              [sorted(children)])
    return list(Match.objects.filter(child_id__among=Ids(children), ended_on__isnull=True))


#: what :func:`rematch` uses of an open match read ahead (the rest stays deferred)
_MATCH_FIELDS = ["id", "child_id", "level", "person_ids", "organisation_ids",
                 "proposed_coordinator_id"]


_MATCH_COLUMNS = [f'"{Match._meta.get_field(f).column}"' for f in _MATCH_FIELDS]


def _open_matches_query(children: Collection[int]) -> tuple[list[str], str, list]:
    among, params = among_sql("child_id", sorted(children), connection.vendor)
    return (_MATCH_COLUMNS,
            f"FROM {Match._meta.db_table} WHERE {among} AND ended_on IS NULL", params)


def _matches_of(found: Iterable[tuple]) -> list[Match]:
    return [Match.from_db(connection.alias, _MATCH_FIELDS, list(row)) for row in found]


def rematch(actor: Actor, person_ids: Iterable[int], *, read: set[int] | None = None,
            families: Mapping[int, Collection[int]] | None = None,
            ahead: Ahead | None = None) -> list[Match]:
    """Re-evaluate the matches of every child these people's signals can concern.

    ``read`` (if given) receives the persons whose index data the comparison read — the
    children and their family members — so that the calling service names them in its one
    audit entry: the matching reads are part of that change, not entries of their own.
    ``families``: the children concerned with their family members, when the caller has them
    already (``people.family.children_and_families_of``), so they are not read twice — or,
    for a bulk import, only the members with an active signal and only the children for
    whom something can follow (``people.family.signalled_families``): the others' matches
    could not change. ``ahead``: the signals and open matches of ``families``, when the
    caller read them already (:func:`read_ahead`). The
    matches are written and notified in a fixed number of statements, whatever the size of
    the family."""
    day = clock.today()
    if families is None:
        families = children_and_families_of(person_ids, day)
    if not families:
        return []
    children = set(families)
    state, signals = _state(families, read, ahead.signals if ahead else None)
    # the open matches by themselves: only a new or re-proposed coordinator is shown, and
    # that one comes from the signals' organisations (``proposals``)
    current = {(m.child_id, m.level): m for m in (
        ahead.open_matches if ahead else _open_matches(children))}
    proposals = _Proposals(signals.orgs, children, day, ahead.policies if ahead else None)
    new: list[Match] = []
    ended: list[int] = []
    changed: list[Match] = []
    #: matches that fell apart or lost an organisation, as they were: told to those left
    gone: list[_Gone] = []
    now = clock.now()
    for (child, level), (people, orgs) in sorted(state.items()):
        existing = current.get((child, level))
        if not orgs:
            if existing is not None:
                ended.append(existing.pk)
                gone.append(_Gone.of(existing, set(), set()))
            continue
        if existing is not None and set(existing.person_ids) >= people and set(
                existing.organisation_ids) >= orgs:
            if set(existing.person_ids) != people or set(existing.organisation_ids) != orgs:
                was = _Gone.of(existing, orgs, people)
                # shrank but still a match: keep it open with what it now covers
                existing.person_ids = sorted(people)
                existing.organisation_ids = sorted(orgs)
                reproposed = existing.proposed_coordinator_id not in orgs
                if reproposed:
                    # the proposed coordinator left: the next one by priority
                    existing.proposed_coordinator = proposals.for_child(child, orgs)
                if was.was_orgs != orgs:  # told with who now is the proposed coordinator
                    gone.append(was.now_proposed(
                        proposals.orgs.get(existing.proposed_coordinator_id), reproposed))
                changed.append(existing)
            continue
        if existing is not None:
            ended.append(existing.pk)
        new.append(Match(child_id=child, level=level, person_ids=sorted(people),
                         organisation_ids=sorted(orgs),
                         proposed_coordinator=proposals.for_child(child, orgs), at=now, on=day))
    if ended:  # held with a registration's other writes (core.prepared.together)
        among, params = among_sql("id", ended, connection.vendor)
        prepared.write([f"UPDATE {Match._meta.db_table} SET ended_on = %s WHERE {among}"],
                       [day, *params])
    if changed:
        Match.objects.bulk_update(changed, ["person_ids", "organisation_ids",
                                            "proposed_coordinator"], batch_size=_BATCH)
    if new:  # a registration's one or two in one prepared statement, an import's in batches
        new = prepared.insert(new, batch_size=_BATCH)
    _notify(new, signals, reproposed=False, orgs=proposals.orgs)
    _notify_gone(gone)
    return new


@dataclass(frozen=True)
class _Gone:
    """A match as it was, and what it covers now: nothing (it ended) or fewer
    organisations."""

    level: str
    was_orgs: frozenset[int]
    was_people: frozenset[int]
    orgs: frozenset[int]
    people: frozenset[int]
    #: a match still open: its proposed coordinator, and whether that changed (it left)
    proposed: str = "-"
    reproposed: bool = False

    @classmethod
    def of(cls, match: Match, orgs: set[int], people: set[int]) -> _Gone:
        """Taken before :func:`rematch` updates the match's lists."""
        return cls(match.level, frozenset(match.organisation_ids), frozenset(match.person_ids),
                   frozenset(orgs), frozenset(people))

    def now_proposed(self, org: Organisation | None, reproposed: bool) -> _Gone:
        return replace(self, proposed=org.name if org else "-", reproposed=reproposed)


def _label(org: Organisation) -> str:
    """An organisation as a match's message names it: its name and sector."""
    return f"{org.name} ({SECTORS.get(org.sector, org.sector)})"


def _notify_gone(gone: list[_Gone]) -> None:
    """Tell each organisation of a match that ended or lost organisations, and that still has
    an active signal on someone it covered: that the match ended, or who left it and who is
    still involved (as :func:`_notify`, organisations and contacts only). The organisation
    whose signal ended knows; a family's children's matches are told once per group. Read
    only when something ended: one query for the signals still active on their people."""
    if not gone:
        return
    signals = _active_signals({p for g in gone for p in g.was_people})
    groups: dict[tuple, list[_Gone]] = defaultdict(list)
    for g in gone:
        groups[(g.level, tuple(sorted(g.was_orgs)), tuple(sorted(g.orgs)), g.proposed,
                g.reproposed)].append(g)
    label = {oid: _label(o) for oid, o in Organisation.objects.in_bulk(
                 list({o for key in groups for o in key[1]})).items()}
    notes: list[Notification] = []
    for (level, was_orgs, orgs, proposed, reproposed), gs in groups.items():
        was_people = {p for g in gs for p in g.was_people}
        people = {p for g in gs for p in g.people}
        where = "dit gezin" if level == "family" else "dit kind"
        level_name = "gezinsniveau" if level == "family" else "kindniveau"
        left = [label[o] for o in was_orgs if o not in orgs and o in label]
        for oid in was_orgs:
            mine = sorted(p for p in was_people if oid in signals.by_person.get(p, ()))
            if not mine or oid not in label:
                continue  # its own signal ended: it knows
            whom = ", ".join(signals.names.get(p, f"#{p}") for p in mine)
            if oid in orgs:
                still = [f"- {label[o]}: {'; '.join(signals.contacts_of(o, people)) or '-'}"
                         for o in orgs if o != oid and o in label]
                subject = ("Match gewijzigd: nieuwe voorgestelde matchregisseur" if reproposed
                           else "Match gewijzigd")
                body = (f"Niet meer betrokken in de match op {level_name} met uw signaal op "
                        f"{whom}: {', '.join(left)} (het signaal is beëindigd, of het gezin "
                        f"is veranderd).\nNog betrokken bij {where}:\n" + "\n".join(still)
                        + f"\nVoorgestelde matchregisseur: {proposed}")
            elif orgs:  # its own signal stands, but its person left the family
                subject = "Niet meer in een match"
                body = (f"Uw signaal op {whom} is niet meer in de match op {level_name}: het "
                        f"gezin is veranderd. Uw signaal blijft staan.")
            else:
                subject = "Match beëindigd"
                body = (f"De match op {level_name} met uw signaal op {whom} is beëindigd: er "
                        f"zijn niet langer signalen van twee of meer organisaties op {where} "
                        f"(een signaal is beëindigd, of het gezin is veranderd). Uw signaal "
                        f"blijft staan. Was betrokken: "
                        f"{', '.join(label[o] for o in was_orgs if o != oid and o in label)}.")
            notes.append(Notification(organisation_id=oid, kind="match", subject=subject,
                                      body=body, person_id=mine[0], person_ids=mine))
    notify_many(notes)


def notify_reproposed(matches: list[Match], *, why: str) -> None:
    """Tell every organisation in these matches who is now the proposed coordinator."""
    people = {p for m in matches for p in m.person_ids}
    signals = _Signals()
    for pid, oid, contact in Signal.objects.filter(
            person_id__among=Ids(people), ended_at__isnull=True).values_list(
            "person_id", "organisation_id", "contact"):
        signals.by_person[pid].add(oid)
        signals.contacts[(oid, pid)] = contact
    _notify(matches, signals, reproposed=True, why=why)


def _notify(matches: list[Match], signals: _Signals, *, reproposed: bool,
            why: str = "",
            orgs: dict[int, Organisation] | None = None) -> None:
    """One notification per organisation per group of organisations: a family's children
    each have their own match rows, but the organisations need to hear it once. Each hears who
    *else* is involved and how to reach them, and whom its own signal is on — nothing more."""
    groups: dict[tuple[int, ...], list[Match]] = defaultdict(list)
    for m in matches:
        groups[tuple(m.organisation_ids)].append(m)
    if not groups:
        return
    org_ids = {o for key in groups for o in key}
    if orgs is None or not org_ids <= orgs.keys():
        orgs = Organisation.objects.in_bulk(list(org_ids))
    own_people = {p for ms in groups.values() for m in ms for p in m.person_ids}
    names = signals.names
    if not own_people <= names.keys():
        names = {p.pk: p.name for p in Person.objects.filter(pk__among=Ids(own_people))}
    # an organisation's name, sector and general contact, written once (a national import
    # tells 600,000 organisations of their matches)
    about = {o.pk: (_label(o), ", ".join(x for x in (o.phone, o.email) if x))
             for o in (orgs[oid] for oid in org_ids if oid in orgs)}
    notes: list[Notification] = []
    for key, ms in groups.items():
        people = {p for m in ms for p in m.person_ids}
        level = "family" if any(m.level == "family" for m in ms) else "child"
        proposed = ms[0].proposed_coordinator
        for oid in key:
            org = orgs.get(oid)
            if org is None:
                continue
            mine = sorted(p for p in people if oid in signals.by_person.get(p, ()))
            lines = []
            for other in key:
                if other == oid or other not in orgs:
                    continue
                label, general = about[other]
                reach = "; ".join(signals.contacts_of(other, people)) or "-"
                lines.append(f"- {label}: {reach}"
                             + (f" (algemeen: {general})" if general else ""))
            whom = ", ".join(names.get(p, f"#{p}") for p in mine)
            where = "dit gezin" if level == "family" else "dit kind"
            if reproposed:
                subject = "Nieuwe voorgestelde matchregisseur"
                intro = f"{why}. Uw signaal op {whom}."
            else:
                subject = "Match in de verwijsindex"
                intro = (f"Uw signaal op {whom} heeft een match op "
                         f"{'gezinsniveau' if level == 'family' else 'kindniveau'}.")
            body = (f"{intro}\nOok betrokken bij {where}:\n" + "\n".join(lines)
                    + f"\nVoorgestelde matchregisseur: {proposed.name if proposed else '-'}")
            notes.append(Notification(organisation=org, kind="match", subject=subject,
                                      body=body, person_id=mine[0] if mine else None,
                                      person_ids=mine))
    notify_many(notes)
