"""What a replay knows while it runs: the scenario's keys and the objects they stand for.

The action handlers (``actions.py``) resolve keys through a :class:`ReplayContext` and act as a
coordinator of the acting organisation, exactly as a user of that organisation would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.errors import KindzichtError
from kindzicht.core.models import DomainEvent

if TYPE_CHECKING:
    from kindzicht.people.models import Household, Organisation, Person, Professional

    from .loader import Action, Scenario

SETUP_PURPOSE = "replay setup"
PURPOSE = "replay"


def max_event_id() -> int:
    return DomainEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def events_since(event_id: int) -> list[int]:
    return list(DomainEvent.objects.filter(id__gt=event_id).order_by("id")
                .values_list("id", flat=True))


@dataclass
class ReplayContext:
    """The scenario's keys mapped to database objects, and the acting coordinators."""

    mode: str = "reconstruct"
    scenario: Scenario | None = None
    orgs: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    households: dict[str, Household] = field(default_factory=dict)
    #: objects created with ``as: KEY`` (concerns, handovers …); the handlers store them
    refs: dict[str, Any] = field(default_factory=dict)
    #: goals of ``plan`` actions by their keys
    goals: dict[str, Any] = field(default_factory=dict)
    #: organisations outside the scenario (e.g. a Veilig Thuis when it has none), by sector
    external: dict[str, Organisation] = field(default_factory=dict)
    professionals: dict[int, Professional] = field(default_factory=dict)
    #: the action being applied (its line names it in messages)
    current: Action | None = None
    #: domain event id -> the file line of the action (or setup entry) that caused it
    event_lines: dict[int, int] = field(default_factory=dict)
    _person_keys: dict[int, str] = field(default_factory=dict)
    _org_keys: dict[int, str] = field(default_factory=dict)

    # -- acting ------------------------------------------------------------------------------
    def actor(self, org_key: str) -> Actor:
        """A coordinator of the scenario's organisation ``org_key``, in the replay's mode."""
        return self.actor_of(self.orgs[org_key])

    def actor_of(self, org: Organisation) -> Actor:
        pro = self.professionals.get(org.pk)
        if pro is None:
            pro = self._coordinator(org)
        return Actor(pro, org, "coordinator", purpose=PURPOSE, mode=self.mode)

    @staticmethod
    def system() -> Actor:
        return Actor.system(SETUP_PURPOSE)

    def _coordinator(self, org: Organisation) -> Professional:
        from kindzicht.people.services import professional_create

        key = self._org_keys.get(org.pk, f"org{org.pk}")
        pro = professional_create(self.system(), organisation=org, role="coordinator",
                                  username=f"replay-{org.pk}-{key}"[:150],
                                  first_name="(niet gegeven in het scenario)",
                                  last_name=f"coördinator {org.name}"[:150])
        self.professionals[org.pk] = pro
        return pro

    # -- organisations -----------------------------------------------------------------------
    def add_org(self, key: str, org: Organisation) -> None:
        self.orgs[key] = org
        self._org_keys[org.pk] = key
        self._coordinator(org)

    def first_org_of_sector(self, sector: str) -> Organisation | None:
        """The scenario's first organisation of ``sector``, in file order."""
        return next((o for o in self.orgs.values() if o.sector == sector), None)

    def external_org(self, sector: str) -> Organisation:
        """An organisation outside the scenario (created once), for actions that need one the
        scenario does not name — a report when the scenario has no Veilig Thuis."""
        org = self.external.get(sector)
        if org is None:
            from kindzicht.people.sectors import SECTORS
            from kindzicht.people.services import organisation_create

            with transaction.atomic():
                org = organisation_create(self.system(),
                                          name=f"{SECTORS[sector]} (buiten het scenario)",
                                          sector=sector)
                self.external[sector] = org
                self._org_keys[org.pk] = f"external:{sector}"
                self._coordinator(org)
        return org

    # -- people ------------------------------------------------------------------------------
    def add_person(self, key: str, person: Person) -> None:
        self.people[key] = person
        self._person_keys[person.pk] = key

    def add_household(self, key: str, household: Household) -> None:
        self.households[key] = household

    # -- output ------------------------------------------------------------------------------
    def person_key(self, person_id: int | None) -> str | None:
        if person_id is None:
            return None
        return self._person_keys.get(person_id, f"person:{person_id}")

    def org_key(self, org_id: int | None) -> str | None:
        if org_id is None:
            return None
        return self._org_keys.get(org_id, f"organisation:{org_id}")

    def person_ids(self) -> list[int]:
        """Everyone of the scenario: the watchdog and the analysis look at them only, so a
        replay into a database with other data leaves that data alone."""
        return list(self._person_keys)

    def is_scenario_person(self, person_id: int | None) -> bool:
        return person_id in self._person_keys

    # -- refusals write nothing, also not here ------------------------------------------------
    def snapshot(self) -> tuple[dict[str, dict], dict[int, Any], dict[int, str], dict[int, str]]:
        return ({"orgs": dict(self.orgs), "people": dict(self.people),
                 "households": dict(self.households), "refs": dict(self.refs),
                 "goals": dict(self.goals), "external": dict(self.external)},
                dict(self.professionals), dict(self._person_keys), dict(self._org_keys))

    def restore(self, snap: tuple[dict[str, dict], dict[int, Any], dict[int, str],
                                  dict[int, str]]) -> None:
        """Forget what a refused action added: its database writes were rolled back."""
        maps, pros, person_keys, org_keys = snap
        for name, value in maps.items():
            setattr(self, name, value)
        self.professionals, self._person_keys, self._org_keys = pros, person_keys, org_keys


def setup(ctx: ReplayContext, scenario: Scenario) -> None:
    """The world at the scenario's start: organisations (each with a coordinator), people,
    relations for the whole timeline, and households at their first address — through the
    same services as everything else, as the system, with the clock at the start."""
    from kindzicht.people.services import (
        household_create,
        organisation_create,
        person_create,
        relation_add,
    )

    from .loader import Problem, ScenarioError

    system = ctx.system()
    ctx.scenario = scenario

    def traced(line: int, fn: Any, **kwargs: Any) -> Any:
        before = max_event_id()
        try:
            result = fn(system, **kwargs)
        except KindzichtError as exc:  # e.g. a BSN already registered in this database
            raise ScenarioError(scenario.path, [Problem(line, str(exc))]) from exc
        for event_id in events_since(before):
            ctx.event_lines.setdefault(event_id, line)
        return result

    with clock.frozen(clock.start_of(scenario.start)), transaction.atomic():
        from kindzicht.people.sectors import SECTORS

        for key, o in scenario.organisations.items():
            org = traced(o.line, organisation_create, name=o.name or f"{SECTORS[o.sector]} ({key})",
                         sector=o.sector)
            before = max_event_id()
            ctx.add_org(key, org)
            for event_id in events_since(before):
                ctx.event_lines.setdefault(event_id, o.line)
        for key, p in scenario.people.items():
            person = traced(p.line, person_create, birth_date=p.birth_date,
                            given_name=p.given_name or (key if not p.name else ""),
                            family_name=p.family_name, bsn=p.bsn)
            ctx.add_person(key, person)
        for r in scenario.relations:
            traced(r.line, relation_add, person=ctx.people[r.person], kind=r.kind,
                   other=ctx.people[r.other], valid_from=None)
        for key, h in scenario.households.items():
            hh = traced(h.line, household_create, members=[ctx.people[m] for m in h.members],
                        municipality_code=h.municipality, postcode=h.postcode, label=key)
            ctx.add_household(key, hh)
