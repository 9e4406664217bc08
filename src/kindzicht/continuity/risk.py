"""Open risk and safety responsibility, kept by the services as facts happen.

findings.md defines both: risk opens at the first concern, signal, report or not-(safe and
low) assessment about the child, a parent or guardian, or a member of the child's household,
and closes when every concern is decided, no signal on the child is active and the child is
assessed safe and low (or was never assessed and every concern was decided ``no_concern``).
While risk is open exactly one organisation holds safety responsibility; the partial unique
index on ResponsibilityPeriod makes two holders impossible, and the per-child row lock
serialises concurrent takers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Max, Q

from kindzicht.core import clock, prepared, rows
from kindzicht.core.actions import Actor, Change, notify, record, record_many, reserve
from kindzicht.core.rows import Ids, among_sql
from kindzicht.people.family import _member_on, _valid_on, _years_before
from kindzicht.people.models import (
    HouseholdMembership,
    Organisation,
    Person,
    Relation,
    RelationKind,
)

from .models import ResponsibilityPeriod, ResponsibilityTaking, RiskPeriod


def children_concerned(person_ids: Iterable[int], day: date) -> set[int]:
    """Children for whom a fact about these people opens risk: the person itself if a
    child, the children they are parent or guardian of, and children in their household."""
    return {c for children in children_concerned_by(person_ids, day).values() for c in children}


def children_concerned_by(person_ids: Iterable[int], day: date) -> dict[int, set[int]]:
    """:func:`children_concerned` per person (three queries for any number of people), so a
    bulk service can tell which of its facts opens risk for which child."""
    person_ids = set(person_ids)
    near: dict[int, set[int]] = {p: {p} for p in person_ids}
    for parent, child in Relation.objects.filter(
            _valid_on(day), person_id__among=Ids(person_ids),
            kind__in=[RelationKind.PARENT_OF, RelationKind.GUARDIAN_OF]).values_list(
            "person_id", "other_id"):
        near[parent].add(child)
    fellow = "household__memberships__"  # the person's own membership of the same household
    for person, member in HouseholdMembership.objects.filter(
            _member_on(day),
            Q(**{f"{fellow}person_id__among": Ids(person_ids)})
            & (Q(**{f"{fellow}joined_on__isnull": True}) | Q(**{f"{fellow}joined_on__lte": day}))
            & (Q(**{f"{fellow}left_on__isnull": True}) | Q(**{f"{fellow}left_on__gt": day}))
    ).values_list(f"{fellow}person_id", "person_id"):
        near[person].add(member)
    candidates = {c for cs in near.values() for c in cs}
    children = set(Person.objects.filter(pk__among=Ids(candidates),
                                         birth_date__gt=_years_before(day, 18),
                                         death_date__isnull=True).values_list("pk", flat=True))
    return {p: cs & children for p, cs in near.items()}


def current_period(child_id: int) -> ResponsibilityPeriod | None:
    return ResponsibilityPeriod.objects.filter(child_id=child_id, ended_at__isnull=True).first()


def holder_of(child_id: int) -> Organisation | None:
    p = current_period(child_id)
    return p.organisation if p else None


def open_risk_period(child_id: int) -> RiskPeriod | None:
    return RiskPeriod.objects.filter(child_id=child_id, closed_at__isnull=True).first()


def is_at_open_risk(child_id: int) -> bool:
    return open_risk_period(child_id) is not None


def lock_child(child_id: int) -> None:
    """Serialise every change of a child's risk and responsibility (SELECT … FOR UPDATE)."""
    list(Person.objects.select_for_update().filter(pk=child_id).values_list("pk", flat=True))


def lock_children(child_ids: Iterable[int]) -> None:
    """Lock several children at once, always in id order, so two writers touching the same
    family wait for each other instead of deadlocking — and the second sees what the first
    committed (two signals in one family make exactly one match)."""
    ids = sorted(set(child_ids))
    if ids and connection.vendor == "postgresql":  # SQLite's writers are serialised anyway
        # plain SQL: the ORM's building of the same statement cost more CPU than the
        # database's locking (a registration takes the same lock inside its family
        # statement: people.family.concerned_and_families_of(..., lock=True))
        with prepared.cursor(prepare=len(ids) <= prepared.SMALL) as cur:
            cur.execute(f"SELECT id FROM {Person._meta.db_table} WHERE id = ANY(%s) "
                        "ORDER BY id FOR UPDATE", [ids])
            cur.fetchall()


def _set_holder(actor: Actor, child_id: int, org: Organisation | None, *, basis: str, how: str,
                event_id: int | None, end_reason: str, at=None) -> ResponsibilityPeriod:
    now = at or clock.now()
    previous = current_period(child_id)
    if previous is not None:
        previous.ended_at = now
        previous.ended_on = clock.local_date(now)
        previous.end_reason = end_reason
        previous.save(update_fields=["ended_at", "ended_on", "end_reason"])
    period = ResponsibilityPeriod.objects.create(
        child_id=child_id, organisation=org, basis=basis, how=how, at=now,
        on=clock.local_date(now), event_id=event_id)
    if previous is not None:
        _tell_taken_over(previous, org)
    return period


def _tell_taken_over(previous: ResponsibilityPeriod, org: Organisation | None) -> None:
    """Tell the holder of ``previous`` that ``org``, another organisation, took over."""
    if previous.organisation and org and previous.organisation != org:
        notify(previous.organisation, "responsibility_moved",
               f"Veiligheidsregie overgenomen door {org.name}",
               f"{org.name} heeft de veiligheidsregie overgenomen.",
               person_id=previous.child_id)


@dataclass(frozen=True)
class Opening:
    """Why a child's risk opens: a fact by ``opener``, recorded as event ``event_id``.

    ``named``: that event names the child (the fact is about the child itself: a signal on
    the child, a concern, a report, an assessment). The opening is then part of that change
    — its periods cite the event, whose audit entry names the child already — and gets no
    ``risk_opened`` event and audit entry of its own: a registration is one event and one
    audit entry (issue 4), and a national import wrote a million of each for nothing. An
    opening the fact's event does not name (a parent's signal opens the child's risk) is
    recorded as ``risk_opened``, so that the child's own record (its inzage, the nightly
    rules' changed persons) still shows it."""

    opener: Organisation
    event_id: int | None
    named: bool = False


def open_for(actor: Actor, person_ids: Iterable[int], *, opener: Organisation,
             event_id: int | None, concerned: Iterable[int] | None = None,
             locked: bool = False, at_risk: set[int] | None = None) -> list[int]:
    """A fact by ``opener`` about these people: open risk for every child it concerns that is
    not at open risk yet. Returns the children whose risk opened.

    ``concerned``: the children the fact concerns, when the caller has them already;
    ``locked``: the caller holds those children's locks already; ``at_risk``: which of them
    are at open risk, when the caller read that under those locks (:func:`open_risk`)."""
    children = (set(concerned) if concerned is not None
                else children_concerned(person_ids, clock.today()))
    about = set(person_ids) if event_id is not None else set()
    return open_risk(actor, {c: Opening(opener, event_id, c in about) for c in sorted(children)},
                     locked=locked, at_risk=at_risk)


def openings(facts: Iterable[tuple[Organisation, Iterable[int]]]) -> dict[int, Opening]:
    """Who opens each child's risk when several facts (opener, children concerned) are
    recorded at once: the same as recording them one after the other in this order, each
    fact's children in id order — the first fact that concerns a child opens its risk. (A
    family change's facts cite no event of their own; an import names its own where a
    registration is on the child: ``index.bulk._openings``.)"""
    out: dict[int, Opening] = {}
    for opener, children in facts:
        for child in sorted(children):
            out.setdefault(child, Opening(opener, None))
    return out


def open_risk(actor: Actor, openings: dict[int, Opening], *, locked: bool = False,
              at_risk: set[int] | None = None) -> list[int]:
    """Open risk for each of these children that is not at open risk yet, in the order given
    (the order of the ``risk_opened`` events), and give each a holder — the organisation that
    claimed responsibility since the child's last risk closed, else the opener. Returns the
    children whose risk opened.

    Set-based, so that the single registration and the bulk import share it: a fixed number
    of queries for any number of children (locks, open and past risk, claims and current
    holders read once; periods, events and audit entries written in bulk).

    ``locked``: the caller locked all of them earlier in this transaction
    (:func:`lock_children`, or a registration's family statement, which locks its whole
    family before it writes anything); a second lock would be a round trip that waits for
    nothing. ``at_risk``: which of them are at open
    risk, read by the caller under those locks (``index.matching.read_ahead``)."""
    if not openings:
        return []
    if not locked:
        lock_children(openings)
    if at_risk is None:
        at_risk = _at_open_risk(openings)
    todo = [c for c in openings if c not in at_risk]
    if not todo:
        return []
    day, now = clock.today(), clock.now()
    last_closed = dict(RiskPeriod.objects.filter(child_id__among=Ids(todo)).values("child_id")
                       .annotate(last=Max("closed_at")).values_list("child_id", "last"))
    claims: dict[int, ResponsibilityTaking] = {}
    for claim in ResponsibilityTaking.objects.filter(child_id__among=Ids(todo)).select_related(
            "organisation").order_by("-at", "-id"):
        closed = last_closed.get(claim.child_id)
        if claim.child_id not in claims and (closed is None or claim.at > closed):
            claims[claim.child_id] = claim
    holders = {c: (claims[c].organisation, claims[c].basis, "taken") if c in claims
               else (openings[c].opener, "", "opened") for c in todo}
    # what it reads first (the events' ids and the audit chain's head too), then what it
    # writes, the periods before the events: inside rows.behind() (a bulk import) a statement
    # that reads waits for every write before it, and the database writes a national
    # import's three million periods while the Python builds their events. The periods go in
    # the order of their children: their key checks then read the children's pages in order
    # (a million periods: 13 s of the server's instead of 21 s in the import's own order)
    previous = _end_current_periods(todo, now)
    unnamed = [c for c in todo if not openings[c].named]  # the rest: recorded by their fact
    # (none to record: no ids to take and no chain head to lock; record_many writes nothing)
    reserved = reserve(len(unnamed)) if unnamed else None
    rows.insert(RiskPeriod, ("child_id", "opened_by_id", "at", "on", "event_id"),
                [(c, openings[c].opener.pk, now, day, openings[c].event_id)
                 for c in sorted(todo)])
    _start_periods(holders, {c: openings[c].event_id for c in todo}, now)
    record_many(actor, [Change("risk_opened", [c], payload={
        "opened_by": openings[c].opener.pk, "holder": holders[c][0].pk}) for c in unnamed],
        reserved=reserved)
    _tell_previous_holders(holders, previous)
    return todo


def _at_open_risk(children: Iterable[int]) -> set[int]:
    """Which of these children are at open risk now (a few: one prepared statement; an
    import's children: one ordinary one)."""
    ids = sorted(set(children))
    if prepared.enabled() and len(ids) <= prepared.SMALL:
        columns, rest, params = open_risk_query(ids)
        with prepared.cursor() as cur:
            cur.execute(f"SELECT {', '.join(columns)} {rest}", params)
            return {row[0] for row in cur.fetchall()}
    return set(RiskPeriod.objects.filter(child_id__among=Ids(ids), closed_at__isnull=True)
               .values_list("child_id", flat=True))


def open_risk_query(children: Iterable[int]) -> tuple[list[str], str, list]:
    """:func:`_at_open_risk` as a plain query (columns, the rest, parameters), for a caller
    that reads it with others (``core.prepared.select_each``)."""
    among, params = among_sql("child_id", sorted(set(children)), connection.vendor)
    return (["child_id"], f"FROM {RiskPeriod._meta.db_table} "
            f"WHERE {among} AND closed_at IS NULL", params)


def _end_current_periods(children: list[int], now) -> list[ResponsibilityPeriod]:
    """End these children's current responsibility periods, at the same moment (one
    UPDATE, not a CASE per row); returns them, with their organisations."""
    previous = list(ResponsibilityPeriod.objects.filter(
        child_id__among=Ids(children), ended_at__isnull=True).select_related("organisation"))
    if previous:
        ResponsibilityPeriod.objects.filter(pk__among=Ids([p.pk for p in previous])).update(
            ended_at=now, ended_on=clock.local_date(now), end_reason="")
    return previous


def _start_periods(holders: dict[int, tuple[Organisation, str, str]],
                   event_ids: dict[int, int | None], now) -> None:
    """:func:`_set_holder` for many children at once, at the same moment (risk opening: no
    gap between risk and its holder), their previous periods ended already
    (:func:`_end_current_periods`): the new periods, in the order of their children."""
    on = clock.local_date(now)
    rows.insert(ResponsibilityPeriod,
                ("child_id", "organisation_id", "basis", "how", "at", "on", "event_id"),
                [(c, org.pk, basis, how, now, on, event_ids[c])
                 for c, (org, basis, how) in sorted(holders.items())])


def _tell_previous_holders(holders: dict[int, tuple[Organisation, str, str]],
                           previous: list[ResponsibilityPeriod]) -> None:
    """Tell each previous holder whom another organisation took over from."""
    for p in previous:
        _tell_taken_over(p, holders[p.child_id][0])


def closing_condition_holds(child_id: int) -> bool:
    """findings.md: every concern decided, no active signal on the child, and the latest
    assessment safe and low — or never assessed and every concern decided ``no_concern``."""
    from kindzicht.index.models import Signal
    from kindzicht.meldcode.models import Concern
    from kindzicht.safety.models import Assessment

    concerns = Concern.objects.filter(child_id=child_id)
    if concerns.filter(decided_at__isnull=True).exists():
        return False
    if Signal.objects.filter(person_id=child_id, ended_at__isnull=True).exists():
        return False
    latest = Assessment.objects.filter(child_id=child_id).order_by("-at", "-id").first()
    if latest is not None:
        return not latest.opens_risk
    return concerns.exists() and not concerns.exclude(outcome="no_concern").exists()


def reevaluate(actor: Actor, child_ids: Iterable[int], *, event_id: int | None = None) -> None:
    """Close open risk (and end responsibility) where the closing condition now holds."""
    for child_id in sorted(set(child_ids)):
        lock_child(child_id)
        period = open_risk_period(child_id)
        if period is None or not closing_condition_holds(child_id):
            continue
        close(actor, period, reason="safe", event_id=event_id)


def close(actor: Actor, period: RiskPeriod, *, reason: str, event_id: int | None,
          at=None) -> None:
    now = at or clock.now()
    period.closed_at = now
    period.closed_on = clock.local_date(now)
    period.close_reason = reason
    period.save(update_fields=["closed_at", "closed_on", "close_reason"])
    current = current_period(period.child_id)
    if current is not None:
        current.ended_at = now
        current.ended_on = clock.local_date(now)
        current.end_reason = "risk_closed"
        current.save(update_fields=["ended_at", "ended_on", "end_reason"])
    record(actor, "risk_closed", subjects=[period.child_id], payload={"reason": reason})


def take(actor: Actor, child_id: int, *, basis: str, event_id: int | None) -> bool:
    """``take_responsibility``: holds at once if risk is open, otherwise as soon as it opens.
    Returns whether the organisation holds it now."""
    lock_child(child_id)
    if not is_at_open_risk(child_id):
        return False
    current = current_period(child_id)
    if current is not None and current.organisation_id == actor.organisation_id:
        if basis and current.basis != basis:
            current.basis = basis
            current.save(update_fields=["basis"])
        return True
    _set_holder(actor, child_id, actor.organisation, basis=basis, how="taken",
                event_id=event_id, end_reason="taken_over")
    return True


def move_by_handover(actor: Actor, child_id: int, sender: Organisation,
                     receiver: Organisation, *, event_id: int | None) -> bool:
    """A confirmed handover moves responsibility only when the sender holds it now."""
    lock_child(child_id)
    current = current_period(child_id)
    if current is None or current.organisation_id != sender.pk:
        return False
    _set_holder(actor, child_id, receiver, basis=current.basis, how="handover",
                event_id=event_id, end_reason="handed_over")
    return True


def release(actor: Actor, child_id: int, *, event_id: int | None) -> None:
    """Reconstruct mode: ending involvement releases responsibility; the child is then
    without anyone (a gap that C1 reports)."""
    _set_holder(actor, child_id, None, basis="", how="released", event_id=event_id,
                end_reason="released")


def transfer_all(actor: Actor, source: Organisation, target: Organisation,
                 event_id: int | None) -> int:
    """Organisations merge or close: every current responsibility moves in one operation."""
    moved = 0
    for period in ResponsibilityPeriod.objects.filter(organisation=source, ended_at__isnull=True):
        lock_child(period.child_id)
        _set_holder(actor, period.child_id, target, basis=period.basis, how="transfer",
                    event_id=event_id, end_reason="transferred")
        moved += 1
    return moved


def family_changed(actor: Actor, *, person_ids: list[int], household=None) -> None:
    """A person joined or left a family: their active signals now open risk for the children
    they live with, and every affected child's matches are re-evaluated."""
    from kindzicht.index.matching import rematch
    from kindzicht.index.models import Match, Signal

    day = clock.today()
    nearby = _neighbourhood(person_ids, household, day)
    if not (Signal.objects.filter(ended_at__isnull=True, person_id__in=nearby).exists()
            or Match.objects.filter(ended_on__isnull=True, child_id__in=nearby).exists()):
        return  # no signal within reach: no risk to open, no match to change
    signals = list(Signal.objects.filter(person_id__in=person_ids, ended_at__isnull=True)
                   .select_related("organisation"))
    concerned = children_concerned_by({s.person_id for s in signals}, day)
    open_risk(actor, openings([(s.organisation, concerned[s.person_id]) for s in signals]))
    affected = set(person_ids)
    if household is not None:
        affected |= set(household.memberships.filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
                        .values_list("person_id", flat=True))
    rematch(actor, affected)


def _neighbourhood(person_ids: list[int], household, day: date) -> set[int]:
    """The people one relation or one household away: every family a change of these
    people can alter is made of them (parents, partners, siblings through a parent,
    household members)."""
    ids = set(person_ids)
    near = set(ids)
    near |= set(Relation.objects.filter(person_id__in=ids).values_list("other_id", flat=True))
    near |= set(Relation.objects.filter(other_id__in=ids).values_list("person_id", flat=True))
    homes = set(HouseholdMembership.objects.filter(person_id__in=ids).values_list(
        "household_id", flat=True))
    if household is not None:
        homes.add(household.pk)
    near |= set(HouseholdMembership.objects.filter(household_id__in=homes).values_list(
        "person_id", flat=True))
    return near
