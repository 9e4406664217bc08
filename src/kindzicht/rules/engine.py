"""The rule catalogue's machinery: one implementation per rule, two uses.

A rule yields *occurrences*: a child, the day the occurrence is dated (the first day a
deadline is overdue, or the day a thing was done), the recorded facts and domain events it
rests on, and who must act. The watchdog turns occurrences due by today into alerts (and
pending ones into reminders); the learning analysis lists every occurrence over a history as
findings. Rules read with set-based queries and never loop over every child in the country.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from kindzicht.core.models import PolicyValue


@dataclass
class Occurrence:
    code: str
    child_id: int
    at: date
    key: str
    text: str
    recipients: list[int] = field(default_factory=list)
    evidence: list[int] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    municipality_code: str = ""
    resolved_on: date | None = None

    @property
    def improvement_point(self) -> str:
        return CATALOGUE[self.code].improvement_point


class Rule:
    """A rule of findings.md. Subclasses set ``code``, ``improvement_point``, ``title``,
    ``defaults`` (policy day counts) and implement :meth:`occurrences`."""

    code: str = ""
    improvement_point: str = ""
    title: str = ""
    defaults: dict[str, int] = {}
    needs_open_risk: bool = True

    def occurrences(self, ctx: Context) -> Iterable[Occurrence]:
        raise NotImplementedError

    def days(self, ctx: Context, name: str = "days", *, child: int | None = None) -> int:
        """A policy day count: the region's (of the child's municipality) or the default."""
        return ctx.policy(f"{self.code}.{name}", self.defaults[name], child=child)


CATALOGUE: dict[str, Rule] = {}


def register(cls: type[Rule]) -> type[Rule]:
    CATALOGUE[cls.code] = cls()
    return cls


@dataclass
class Context:
    """What a rule evaluation may look at: the day it runs on (facts after it are ignored by
    construction: the clock never ran past it) and, for an incremental sweep, the children."""

    as_of: date
    scope: set[int] | None = None
    region_id: int | None = None

    def policy(self, key: str, default: int, *, child: int | None = None) -> int:
        national = self._policy.get((None, key), default)
        if not self._regional_keys or key not in self._regional_keys:
            return national
        if child is not None and not self._regions:  # a rule asks: read them all at once
            self.prefetch_regions(self.facts.risk.keys())
        region = self.region_of(child) if child is not None else self.region_id
        return self._policy.get((region, key), national)

    @cached_property
    def _regional_keys(self) -> set[str]:
        return {k for r, k in self._policy if r is not None}

    def region_of(self, child: int) -> int | None:
        """The region of the municipality the child lives in (cached per evaluation; a
        rule's first regional policy look-up reads those of every child at open risk)."""
        if child not in self._regions:
            self._read_regions([child])
        return self._regions[child]

    @cached_property
    def _regions(self) -> dict[int, int | None]:
        return {}

    @cached_property
    def _region_by_municipality(self) -> dict[str, int | None]:
        from kindzicht.people.models import Municipality

        out: dict[str, int | None] = {}
        for code, region in Municipality.objects.order_by("pk").values_list("code", "region_id"):
            out.setdefault(code, region)
        return out

    def prefetch_regions(self, children) -> None:
        """Read the regions of many children in a few queries (only when a policy value is
        set per region: otherwise nobody asks)."""
        if self._regional_keys:
            self._read_regions(children)

    def _read_regions(self, children) -> None:
        missing = [c for c in set(children) if c not in self._regions]
        if not missing:
            return
        codes = self.facts.municipalities_of(missing, self.as_of)
        for child in missing:
            self._regions[child] = self._region_by_municipality.get(codes.get(child, ""))

    @cached_property
    def _policy(self) -> dict[tuple[int | None, str], int]:
        return {(p.region_id, p.key): p.value for p in PolicyValue.objects.all()}

    @cached_property
    def facts(self):
        from .facts import Facts

        return Facts(self)

    def in_scope(self, child_id: int) -> bool:
        return self.scope is None or child_id in self.scope

    @cached_property
    def scope_people(self) -> set[int] | None:
        """For an incremental sweep: the children in scope and everyone in their families
        (facts about these people are all a scoped rule needs to read). The families come
        from the evaluation's shared neighbourhood graph (``Facts.graph_around``), which the
        rules read anyway — not from ``families_of`` reading them once more."""
        if self.scope is None:
            return None
        graph = self.facts.graph_around(self.scope)
        return set(self.scope) | {m for child in self.scope
                                  for m in graph.family(child, self.as_of)}

    @cached_property
    def scope_households(self) -> set[int] | None:
        if self.scope is None:
            return None
        from kindzicht.people.models import HouseholdMembership

        return set(HouseholdMembership.objects.filter(person_id__any=self.scope).values_list(
            "household_id", flat=True))


def day_after(day: date, n: int) -> date:
    return day + timedelta(days=n)


#: Optional measuring hook (``kindzicht bench``): ``(code) -> context manager``, entered around
#: every step of a rule's occurrences() so time and queries are charged to that rule.
measure: Callable[[str], AbstractContextManager] | None = None


def evaluate(ctx: Context, codes: Iterable[str] | None = None) -> Iterator[Occurrence]:
    _load()
    for code in codes or CATALOGUE:
        rule = CATALOGUE[code]
        occurrences = rule.occurrences(ctx)
        if measure is not None:
            occurrences = _measured(code, occurrences)
        for occ in occurrences:
            if ctx.in_scope(occ.child_id):
                yield occ


def _measured(code: str, occurrences: Iterable[Occurrence]) -> Iterator[Occurrence]:
    steps = iter(occurrences)
    while True:
        with measure(code):  # type: ignore[misc]
            occ = next(steps, None)
        if occ is None:
            return
        yield occ


def _load() -> None:
    from . import continuity, parents, reassessment, refindex, signalling  # noqa: F401
