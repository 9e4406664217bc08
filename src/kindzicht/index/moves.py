"""Signals follow a family that moves (issue 4, Moves): when a household moves to another
municipality, the active signals on its members — and on the family of its children — stay in
the index, the new municipality's organisation (sector ``municipality`` with that code: its
youth-care coordinator) is told who is involved and how to reach them, and the proposed match
coordinator is chosen again by the new region's priority when that changes it.

:func:`signals_follow_move` is idempotent per address (a ``SignalMove`` row): ``household_move``
can call it in its own transaction, and ``kindzicht sweep`` catches up with any move it has not
followed yet (:func:`follow_recent_moves`).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction

from kindzicht.core import clock
from kindzicht.core.actions import Actor, notify, record
from kindzicht.people.family import _member_on, children_in_family_of, families_of
from kindzicht.people.models import HouseholdAddress, HouseholdMembership, Organisation, Person

from .matching import notify_reproposed, propose
from .models import Match, Signal, SignalMove
from .policy import region_of_code

#: How far back the sweep looks for moves not yet followed.
CATCH_UP_DAYS = 30


def _previous(address: HouseholdAddress) -> HouseholdAddress | None:
    return (HouseholdAddress.objects.filter(household_id=address.household_id, id__lt=address.pk)
            .order_by("-id").first())


def signals_follow_move(actor: Actor, *, address: HouseholdAddress) -> SignalMove | None:
    """Follow one move: None when it stayed within the municipality, when no signal is
    active in the family, or when it was followed already."""
    previous = _previous(address)
    from_code = previous.municipality_code if previous else ""
    if not previous or from_code == address.municipality_code:
        return None
    if SignalMove.objects.filter(address=address).exists():
        return None
    day = address.valid_from or clock.today()
    members = set(HouseholdMembership.objects.filter(
        _member_on(day), household_id=address.household_id).values_list("person_id", flat=True))
    children = children_in_family_of(members, day)
    fams = families_of(children, day) if children else {}
    people = members | set(children) | {m for f in fams.values() for m in f}
    signals = list(Signal.objects.filter(person_id__in=people, ended_at__isnull=True)
                   .select_related("organisation").order_by("organisation__name", "id"))
    if not signals:
        return None
    try:
        with transaction.atomic():
            move = SignalMove.objects.create(address=address, from_code=from_code,
                                             to_code=address.municipality_code, at=clock.now(),
                                             signal_ids=[s.pk for s in signals])
            notified = _notify_municipality(move, signals, members, children)
            move.notified = notified
            move.save(update_fields=["notified"])
            _repropose(actor, children & members, address.municipality_code, day)
            record(actor, "signals_followed_move", subjects=sorted(members), obj=move,
                   payload={"from": from_code, "to": address.municipality_code,
                            "signals": len(signals), "notified": notified})
    except IntegrityError:
        return None  # followed concurrently
    return move


def _notify_municipality(move: SignalMove, signals: list[Signal], members: set[int],
                         children: set[int]) -> list[int]:
    """The new municipality hears which children moved in and who is involved with their
    family, with how to reach them — never why."""
    targets = list(Organisation.objects.filter(sector="municipality", active=True,
                                               municipality_code=move.to_code))
    if not targets:
        return []
    kids = [p.name for p in Person.objects.filter(pk__in=children & members).order_by(
        "birth_date")]
    orgs: dict[int, tuple[Organisation, list[str]]] = {}
    for s in signals:
        entry = orgs.setdefault(s.organisation_id, (s.organisation, []))
        if s.contact and s.contact not in entry[1]:
            entry[1].append(s.contact)
    lines = "\n".join(f"- {o.name} ({o.get_sector_display()}): {'; '.join(c) or '-'}"
                      for o, c in orgs.values())
    body = (f"Een gezin met actieve signalen in de verwijsindex is naar uw gemeente verhuisd "
            f"(van gemeente {move.from_code} naar {move.to_code})."
            + (f"\nKinderen: {', '.join(kids)}." if kids else "")
            + f"\nBetrokken organisaties:\n{lines}")
    first_child = min(children & members) if children & members else None
    for org in targets:
        notify(org, "index_move", "Gezin met signalen verhuisd naar uw gemeente", body,
               person_id=first_child, person_ids=children & members)
    return [o.pk for o in targets]


def _repropose(actor: Actor, children: set[int], code: str, day: date) -> None:
    region = region_of_code(code)
    changed = []
    for m in Match.objects.filter(child_id__in=children, ended_on__isnull=True):
        best = propose(m.organisation_ids, region)
        if best is not None and best.pk != m.proposed_coordinator_id:
            m.proposed_coordinator = best
            m.save(update_fields=["proposed_coordinator"])
            changed.append(m)
    if changed:
        notify_reproposed(changed, why="Het gezin is verhuisd naar een andere regio")


def follow_recent_moves(actor: Actor, day: date) -> int:
    """The sweep's catch-up: every move of the last days not followed yet."""
    since = day - timedelta(days=CATCH_UP_DAYS)
    done = SignalMove.objects.values("address_id")
    n = 0
    for address in HouseholdAddress.objects.filter(valid_from__gte=since, valid_from__lte=day) \
            .exclude(pk__in=done).order_by("id"):
        if signals_follow_move(actor, address=address) is not None:
            n += 1
    return n
