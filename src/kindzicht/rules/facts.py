"""Recorded facts as the rules read them: periods of open risk, responsibility and
involvement as half-open date intervals [start, end), loaded set-based once per evaluation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import cached_property
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

    # -- children and open risk -------------------------------------------------------------
    @cached_property
    def risk(self) -> dict[int, list[Interval]]:
        qs = RiskPeriod.objects.filter(on__lte=self.ctx.as_of)
        if self.ctx.scope is not None:
            qs = qs.filter(child_id__in=self.ctx.scope)
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
        return dict(Person.objects.filter(pk__in=self.risk.keys()).values_list("pk", "birth_date"))

    def is_child_on(self, person_id: int, day: date) -> bool:
        birth = self.birth.get(person_id) or Person.objects.filter(pk=person_id).values_list(
            "birth_date", flat=True).first()
        return birth is not None and birth > _years_before(day, 18)

    # -- organisations ------------------------------------------------------------------------
    @cached_property
    def sector(self) -> dict[int, str]:
        return dict(Organisation.objects.values_list("pk", "sector"))

    # -- families -------------------------------------------------------------------------------
    def family(self, child_id: int, day: date) -> dict[int, str]:
        key = (child_id, day)
        if key not in self._families:
            self._families[key] = families_of([child_id], day)[child_id]
        return self._families[key]

    def municipality_of(self, person_id: int, day: date) -> str:
        hh = HouseholdMembership.objects.filter(person_id=person_id).order_by("-id").values_list(
            "household_id", flat=True)
        addr = HouseholdAddress.objects.filter(household_id__in=list(hh)).filter(
            valid_from__isnull=True).order_by("-id").first()
        dated = HouseholdAddress.objects.filter(household_id__in=list(hh),
                                                valid_from__lte=day).order_by("-valid_from",
                                                                              "-id").first()
        chosen = dated or addr
        return chosen.municipality_code if chosen else ""

    # -- responsibility -----------------------------------------------------------------------
    @cached_property
    def responsibility(self) -> dict[int, list[ResponsibilityPeriod]]:
        qs = ResponsibilityPeriod.objects.filter(on__lte=self.ctx.as_of).order_by("at", "id")
        if self.ctx.scope is not None:
            qs = qs.filter(child_id__in=self.ctx.scope)
        out: dict[int, list[ResponsibilityPeriod]] = defaultdict(list)
        for p in qs:
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
        missing = [p for p in set(person_ids) if p not in self._involved]
        for start in range(0, len(missing), 5000):  # bounded IN lists
            self._load_involvement(missing[start:start + 5000])
        return {p: self._involved[p] for p in person_ids}

    def _load_involvement(self, missing: list[int]) -> None:
        from kindzicht.index.models import Signal
        from kindzicht.meldcode.models import Concern

        if missing:
            got: dict[int, dict[int, list[Interval]]] = {p: defaultdict(list) for p in missing}

            def add(person: int, org: int | None, start: date, end: date | None) -> None:
                if org is None:
                    return
                if end is not None and end <= start:
                    end = date.fromordinal(start.toordinal() + 1)
                got[person][org].append((start, end))

            for p, o, s, e in Involvement.objects.filter(person_id__in=missing).values_list(
                    "person_id", "organisation_id", "on", "ended_on"):
                add(p, o, s, e)
            for p, o, s, e in Signal.objects.filter(person_id__in=missing).values_list(
                    "person_id", "organisation_id", "on", "ended_on"):
                add(p, o, s, e)
            for p, o, s, e in Concern.objects.filter(child_id__in=missing).values_list(
                    "child_id", "organisation_id", "on", "decided_on"):
                add(p, o, s, e)
            for p, o, s, e in ResponsibilityPeriod.objects.filter(
                    child_id__in=missing, organisation__isnull=False).values_list(
                    "child_id", "organisation_id", "on", "ended_on"):
                add(p, o, s, e)
            for child, receiver, accepted, confirmed, declined, withdrawn in \
                    Handover.objects.filter(child_id__in=missing,
                                            accepted_on__isnull=False).values_list(
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
