"""The nightly sweep on maintained state: which children can have anything new today.

A full sweep re-evaluates every rule for every child at open risk. At national scale that is
minutes even as plain SQL (issue 3: 147 s at 1,000,000 children), while on a given night the
answer changes for few children. A child's rule state changes only when

- a fact about the child or its family is recorded — every write goes through a service that
  records a domain event naming the persons it is about (``EventSubject``); or
- time passes a day that the last evaluation already knew: a reminder or a deadline of an
  occurrence (the ``Wake`` the sweep stores per child), an unanswered alert's escalation day,
  a task's due date, a plan goal's due date, or an 18th birthday (the rules, the family and
  ``close_adults`` count children by it).

So the nightly sweep re-evaluates exactly those children, with the incremental sweep's code
(``watchdog._sweep`` with a scope) — one implementation, the scope alone differs. Whatever
cannot be traced to children that way makes the night a full sweep: no covering run yet, a
different rule catalogue (an upgrade), or an event that names no person and can change rules
(a policy's day count, an organisation's sector, a municipality's region, a merge). The
replay of every shared scenario with nightly sweeps gives the tasks of the replay with full
sweeps (``tests/safety/test_nightly.py``); the bench compares both at scale.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from django.db.models import Exists, Max, OuterRef, Q

#: events without a person that cannot change any rule's outcome: the watchdog's own runs,
#: accounts, logins and the privacy officer's work. Any other event without a person (an
#: admin changing a policy, an organisation's sector, a municipality's region …) makes the
#: night a full sweep.
NO_RULE_EFFECT = frozenset({
    "sweep_ran", "task_reassigned", "organisation_created", "professional_created",
    "password_changed", "login_locked_out", "login_lockout_reset", "totp_device_enrolled",
    "totp_device_provisioned", "totp_device_removed", "totp_enrolment_started",
    "audit_alert_raised", "audit_alert_closed", "unusual_access_report",
    "oversight_finding_reviewed", "inzage_requested", "inzage_exported",
    "break_glass_opened", "break_glass_reviewed", "index_archive_purged",
    "professional_changed_by_admin", "professional_added_by_admin",
})

#: events that name persons but change more than those persons' families can show: a merge
#: moves one person's history onto another, a purge removes a person with their relations
ALWAYS_FULL = frozenset({"persons_merged", "person_purged", "retention_purged",
                         "organisation_transferred"})

#: persons changed since the last sweep above which the night sweeps everyone: reading their
#: families twice costs more than it saves (a bulk import of a regional index)
FULL_ABOVE = 200_000

#: files whose code decides a rule's outcome: stored wake days are trusted only for this code
_RULES_CODE = ("rules", "people/family.py", "plans/follow_up.py")


@cache
def rules_version() -> str:
    """A fingerprint of the rule catalogue's code (its source files): a nightly sweep after an
    upgrade that changed a rule is a full one."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for name in _RULES_CODE:
        path = root / name
        for file in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


#: triggers for which time moved and the facts did not: their children's known occurrences
#: (``rules.known``) still stand, so the night raises from those without evaluating the rules
RECALLED = frozenset({"wake", "escalation", "task deadline"})


@dataclass
class Plan:
    """Which children a sweep covers: ``mode`` ``full`` (``scope`` None: everyone; a nightly
    sweep that became one says the ``reason``), ``nightly`` (with the children of each
    trigger, ``triggers``) or ``children`` (named by the caller)."""

    mode: str
    scope: set[int] | None
    reason: str = ""
    triggers: dict[str, set[int]] = field(default_factory=dict)

    @property
    def children(self) -> int | None:
        """How many children it covers; None: everyone."""
        return None if self.scope is None else len(self.scope)

    @property
    def counts(self) -> dict[str, int]:
        """How many children came from which trigger (a nightly sweep)."""
        return {name: len(children) for name, children in self.triggers.items()}

    @property
    def evaluated(self) -> set[int] | None:
        """The children whose rules are evaluated: all it covers, but in a nightly sweep not
        those that only time brought back (:data:`RECALLED`) — their known occurrences
        stand."""
        return self.besides(*RECALLED)

    def besides(self, *names: str) -> set[int] | None:
        """The children it covers but for those that only the triggers ``names`` brought
        (a nightly sweep); everyone it covers otherwise."""
        if self.mode != "nightly":
            return self.scope
        return set().union(*(children for name, children in self.triggers.items()
                             if name not in names))


def event_mark() -> int:
    from kindzicht.core.models import DomainEvent

    return DomainEvent.objects.aggregate(m=Max("pk"))["m"] or 0


def plan(day: date) -> Plan:
    """The children whose rule state can have changed since the last covering sweep, as of
    ``day`` — or a full sweep, when that cannot be known."""
    from .models import SweepRun

    runs = list(SweepRun.objects.filter(mode__in=["full", "nightly"], as_of__lte=day)
                .order_by("-as_of", "-pk")[:2])
    if not runs or runs[0].event_mark is None:
        return Plan("full", None, "er is nog geen eerdere volledige of nachtelijke sweep")
    last = runs[0]
    if last.rules_version != rules_version():
        return Plan("full", None, "de regelcatalogus is sinds de vorige sweep gewijzigd")
    # one run of overlap: a transaction still open when the last run read its mark may have
    # written events with lower ids that committed after it
    since = min(r.event_mark for r in runs if r.event_mark is not None)
    changed, why = _changed_persons(since)
    if changed is None:
        return Plan("full", None, why)
    if len(changed) > FULL_ABOVE:
        return Plan("full", None, f"{len(changed):,} personen gewijzigd (een bulkimport?)")
    from kindzicht.people.family import children_in_family_of

    day0 = last.as_of
    out = Plan("nightly", set())
    out.triggers = {
        "changed": changed | children_in_family_of(changed, day)
        | children_in_family_of(changed, day0),
        "wake": _woken(day),
        "escalation": _escalating(day0, day),
        "task deadline": _task_deadlines(day0, day),
        "goal due": _goals_due(day0, day),
        "18th birthday": _turning_18(day0, day),
    }
    out.scope = set().union(*out.triggers.values())
    return out


def _changed_persons(since: int) -> tuple[set[int] | None, str]:
    """The persons of the events after ``since``; None, with the reason, when an event cannot
    be traced to persons (see :data:`NO_RULE_EFFECT`, :data:`ALWAYS_FULL`)."""
    from kindzicht.core.models import DomainEvent, EventSubject

    events = DomainEvent.objects.filter(pk__gt=since).annotate(
        named=Exists(EventSubject.objects.filter(event_id=OuterRef("pk"))))
    for type_, has_subjects in events.values_list("type", "named").distinct():
        if type_ in ALWAYS_FULL:
            return None, f"personen samengevoegd of verwijderd ({type_})"
        if not has_subjects and type_ not in NO_RULE_EFFECT:
            return None, f"een wijziging zonder persoon ({type_}: termijn, organisatie, regio …)"
    return set(EventSubject.objects.filter(event_id__gt=since).values_list(
        "person_id", flat=True)), ""


def _woken(day: date) -> set[int]:
    from .models import Wake

    return set(Wake.objects.filter(on__lte=day).values_list("child_id", flat=True))


def _escalating(day0: date, day: date) -> set[int]:
    """Children with an open alert that reaches its escalation day after ``day0``, by ``day``
    (``watchdog.ESCALATION_WAITS``)."""
    from .models import Task, TaskStatus
    from .watchdog import ESCALATION_WAITS

    within = Q()
    for level, wait in ESCALATION_WAITS:
        within |= Q(level=level, raised_on__gt=day0 - timedelta(days=wait),
                    raised_on__lte=day - timedelta(days=wait))
    return set(Task.objects.filter(within, kind="alert", status=TaskStatus.OPEN,
                                   child__isnull=False).values_list("child_id", flat=True))


def _task_deadlines(day0: date, day: date) -> set[int]:
    """Children with a task whose reminder day (``REMINDER_DAYS`` before) or first overdue
    day comes after ``day0``, by ``day`` (``watchdog.task_deadlines``), or that was answered
    since (its reminders and alerts close with it)."""
    from .models import Task, TaskStatus
    from .watchdog import REMINDER_DAYS

    due = (Q(status=TaskStatus.OPEN)
           & (Q(due_on__gt=day0 + timedelta(days=REMINDER_DAYS),
                due_on__lte=day + timedelta(days=REMINDER_DAYS))
              | Q(due_on__gt=day0 - timedelta(days=1), due_on__lte=day - timedelta(days=1))))
    answered = ~Q(status=TaskStatus.OPEN) & Q(answered_on__gte=day0)
    return set(Task.objects.filter(due | answered, kind="task", child__isnull=False)
               .values_list("child_id", flat=True))


def _goals_due(day0: date, day: date) -> set[int]:
    """The children of current plans with an open goal whose due date passed after ``day0``
    (``plans.follow_up.raise_tasks``: a task from the day after it): the plan's own child, or
    everyone in the plan's household."""
    from kindzicht.people.models import HouseholdMembership
    from kindzicht.plans.models import Goal

    plans = Goal.objects.filter(status__in=["open", "postponed"], due__gte=day0, due__lt=day,
                                plan__replaced_on__isnull=True).values_list(
        "plan__child", "plan__household")
    children = {child for child, _home in plans if child is not None}
    homes = {home for _child, home in plans if home is not None}
    if homes:
        children |= set(HouseholdMembership.objects.filter(household_id__any=homes)
                        .values_list("person_id", flat=True))
    return children


def _turning_18(day0: date, day: date) -> set[int]:
    """People who turn 18 after ``day0``, by ``day`` — and those who will 26 weeks later (the
    transition task) — with the children in their families (a young person who comes of age
    leaves the family's children)."""
    from kindzicht.people.family import _years_before, children_in_family_of
    from kindzicht.people.models import Person

    people: set[int] = set()
    for ahead in (timedelta(0), timedelta(weeks=26)):
        people |= set(Person.objects.filter(
            birth_date__gt=_years_before(day0 + ahead, 18),
            birth_date__lte=_years_before(day + ahead, 18)).values_list("pk", flat=True))
    return people | children_in_family_of(people, day0)
