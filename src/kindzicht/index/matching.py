"""Matching at child and family level (findings.md 2.2).

Per child: the child-level match (two or more organisations with active signals on the child)
and the family-level match (active signals on two or more people among the child and its
family, by two or more organisations). A match is stored each time it arises or grows, and
closed when it falls apart; every organisation in it is notified of who else is involved and
how to reach them — organisations and contacts, never content, never a shielded observer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from kindzicht.core import clock
from kindzicht.core.actions import Actor, notify_many
from kindzicht.core.models import Notification
from kindzicht.people.family import children_in_family_of, families_of
from kindzicht.people.models import Organisation, Person

from .models import Match, Signal
from .policy import policy_for_region, regions_of_persons

_BATCH = 2000


@dataclass
class _Signals:
    """The active signals around some children: who signalled whom, and their contacts."""

    by_person: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    contacts: dict[tuple[int, int], str] = field(default_factory=dict)  # (org, person) -> contact

    def contacts_of(self, org_id: int, people: Iterable[int]) -> list[str]:
        return sorted({c for p in people if (c := self.contacts.get((org_id, p)))})


def _state(child_ids: Iterable[int], day: date, read: set[int] | None = None) -> tuple[
        dict[tuple[int, str], tuple[set[int], set[int]]], _Signals]:
    child_ids = list(child_ids)
    fams = families_of(child_ids, day)
    everyone = set(child_ids) | {m for f in fams.values() for m in f}
    if read is not None:
        read |= everyone
    signals = _Signals()
    for pid, oid, contact in Signal.objects.filter(
            person_id__in=everyone, ended_at__isnull=True).values_list(
            "person_id", "organisation_id", "contact"):
        signals.by_person[pid].add(oid)
        signals.contacts[(oid, pid)] = contact
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


def propose(org_ids: Iterable[int], region_id: int | None) -> Organisation | None:
    """The proposed match coordinator: the first organisation by the region's sector
    priority (then the one that registered longest ago, by id)."""
    orgs = list(Organisation.objects.filter(pk__in=list(org_ids)))
    return _first_by_priority(orgs, policy_for_region(region_id).coordinator_priority)


def _first_by_priority(orgs: list[Organisation], priority: list[str]) -> Organisation | None:
    orgs = sorted(orgs, key=lambda o: (priority.index(o.sector) if o.sector in priority else 99,
                                       o.pk))
    return orgs[0] if orgs else None


class _Proposer:
    """:func:`propose` for many matches at once: the children's regions, the regions'
    priorities and the organisations are read once, not per match (a bulk import makes
    thousands of matches)."""

    def __init__(self, children: Iterable[int], org_ids: Iterable[int], day: date):
        self.children, self.org_ids, self.day = children, org_ids, day
        self.priorities: dict[int | None, list[str]] = {}

    @cached_property
    def regions(self) -> dict[int, int | None]:
        return regions_of_persons(self.children, self.day)

    @cached_property
    def orgs(self) -> dict[int, Organisation]:
        return Organisation.objects.in_bulk(list(set(self.org_ids)))

    def __call__(self, child: int, org_ids: Iterable[int]) -> Organisation | None:
        region = self.regions.get(child)
        if region not in self.priorities:
            self.priorities[region] = policy_for_region(region).coordinator_priority
        return _first_by_priority([self.orgs[o] for o in org_ids if o in self.orgs],
                                  self.priorities[region])


def rematch(actor: Actor, person_ids: Iterable[int], *, read: set[int] | None = None,
            children: set[int] | None = None) -> list[Match]:
    """Re-evaluate the matches of every child these people's signals can concern.

    ``read`` (if given) receives the persons whose index data the comparison read — the
    children and their family members — so that the calling service names them in its one
    audit entry: the matching reads are part of that change, not entries of their own.
    ``children``: the children concerned, when the caller has them already.

    Set-based: the matches are ended, changed and made in bulk, so the number of queries
    does not grow with the number of children (the bulk import rematches thousands)."""
    day = clock.today()
    if children is None:
        children = children_in_family_of(person_ids, day)
    if not children:
        return []
    state, signals = _state(children, day, read)
    current = {(m.child_id, m.level): m for m in Match.objects.filter(
        child_id__in=children, ended_on__isnull=True).select_related("proposed_coordinator")}
    ended: list[Match] = []
    changed: list[Match] = []
    new: list[Match] = []
    reproposed: list[Match] = []
    now = clock.now()
    proposer = _Proposer(children, {o for _p, orgs in state.values() for o in orgs}, day)
    for (child, level), (people, orgs) in sorted(state.items()):
        existing = current.get((child, level))
        if not orgs:
            if existing is not None:
                ended.append(existing)
            continue
        if existing is not None and set(existing.person_ids) >= people and set(
                existing.organisation_ids) >= orgs:
            if set(existing.person_ids) != people or set(existing.organisation_ids) != orgs:
                # shrank but still a match: keep it open with what it now covers
                existing.person_ids = sorted(people)
                existing.organisation_ids = sorted(orgs)
                if existing.proposed_coordinator_id not in orgs:
                    # the proposed coordinator withdrew: the next one by priority
                    existing.proposed_coordinator = proposer(child, orgs)
                    reproposed.append(existing)
                changed.append(existing)
            continue
        if existing is not None:
            ended.append(existing)
        new.append(Match(child_id=child, level=level, person_ids=sorted(people),
                         organisation_ids=sorted(orgs), proposed_coordinator=proposer(child, orgs),
                         at=now, on=day))
    if ended:
        Match.objects.filter(pk__in=[m.pk for m in ended]).update(ended_on=day)
    Match.objects.bulk_update(changed, ["person_ids", "organisation_ids", "proposed_coordinator"],
                              batch_size=_BATCH)
    new = Match.objects.bulk_create(new, batch_size=_BATCH)
    _notify(new, signals, reproposed=False)
    _notify(reproposed, signals, reproposed=True)
    return new


def notify_reproposed(matches: list[Match], *, why: str) -> None:
    """Tell every organisation in these matches who is now the proposed coordinator."""
    people = {p for m in matches for p in m.person_ids}
    signals = _Signals()
    for pid, oid, contact in Signal.objects.filter(
            person_id__in=people, ended_at__isnull=True).values_list(
            "person_id", "organisation_id", "contact"):
        signals.by_person[pid].add(oid)
        signals.contacts[(oid, pid)] = contact
    _notify(matches, signals, reproposed=True, why=why)


def _notify(matches: list[Match], signals: _Signals, *, reproposed: bool,
            why: str = "De voorgestelde matchregisseur heeft het signaal ingetrokken") -> None:
    """One notification per organisation per group of organisations: a family's children
    each have their own match rows, but the organisations need to hear it once. Each hears who
    *else* is involved and how to reach them, and whom its own signal is on — nothing more."""
    groups: dict[tuple[int, ...], list[Match]] = defaultdict(list)
    for m in matches:
        groups[tuple(m.organisation_ids)].append(m)
    if not groups:
        return
    org_ids = {o for key in groups for o in key}
    orgs = Organisation.objects.in_bulk(list(org_ids))
    own_people = {p for ms in groups.values() for m in ms for p in m.person_ids}
    names = {p.pk: p.name for p in Person.objects.filter(pk__in=own_people)}
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
                o = orgs[other]
                reach = "; ".join(signals.contacts_of(other, people)) or "-"
                general = ", ".join(x for x in (o.phone, o.email) if x)
                lines.append(f"- {o.name} ({o.get_sector_display()}): {reach}"
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
                                      body=body, person_id=mine[0] if mine else None))
    notify_many(notes)
