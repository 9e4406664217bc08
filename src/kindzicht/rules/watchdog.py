"""The watchdog: evaluates the rule catalogue for today and raises what is due — a reminder
before a deadline, the alert when it expires, and escalations to the organisation's
coordinators and then to the municipality while an alert stays unanswered.

Idempotent: every task is keyed by its occurrence and recipient, so running twice raises
nothing twice. Audited per run, not per row it reads.
"""

from __future__ import annotations

import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from datetime import date, timedelta
from itertools import chain

from django.db import transaction
from django.db.models import Q

from kindzicht.core import clock
from kindzicht.core.actions import Actor, record

from . import known, nightly, planner
from .engine import CATALOGUE, Context, Occurrence, evaluate
from .models import SweepRun, Task, TaskStatus
from .tasks import existing_identities, first_coordinators, tasks_create_many

REMINDER_DAYS = 2
ESCALATE_COORDINATORS_DAYS = 3
ESCALATE_MUNICIPALITY_DAYS = 7
#: (level of an open alert, days it waits at that level before it goes one up)
ESCALATION_WAITS = ((0, ESCALATE_COORDINATORS_DAYS),
                    (1, ESCALATE_MUNICIPALITY_DAYS - ESCALATE_COORDINATORS_DAYS))


def _label(occ: Occurrence) -> str:
    return f"{occ.code} {CATALOGUE[occ.code].title}"


def _raise(occ: Occurrence, *, kind: str, day: date) -> list[Task]:
    """The (unsaved) tasks an occurrence asks for; the sweep creates the missing ones at once."""
    rows: list[Task] = []
    facts = occ.facts + [f"deadline verstreken op {occ.at}" if kind == "alert"
                         else f"deadline: {occ.at - timedelta(days=1)}"]
    text = occ.text if kind == "alert" else f"Herinnering — {occ.text}"
    for org_id in occ.recipients:
        rows.append(Task(organisation_id=org_id, code=occ.code, key=occ.key,
                         child_id=occ.child_id, text=f"{_label(occ)}: {text}", kind=kind,
                         facts=facts, evidence=occ.evidence,
                         raised_on=occ.at if kind == "alert" else day))
    if kind == "alert" and occ.municipality_code:
        rows.append(Task(organisation_id=None, municipality_code=occ.municipality_code,
                         code=occ.code, key=occ.key, child_id=occ.child_id, kind=kind,
                         text=f"{_label(occ)}: {occ.text}", facts=facts, evidence=occ.evidence,
                         raised_on=occ.at, level=2))
    return rows


def _identities(occ: Occurrence, kind: str) -> list[tuple]:
    """The identities (kind, code, key, organisation, municipality) of the tasks
    :func:`_raise` makes of an occurrence, without making them."""
    out = [(kind, occ.code, occ.key, org_id, "") for org_id in occ.recipients]
    if kind == "alert" and occ.municipality_code:
        out.append((kind, occ.code, occ.key, None, occ.municipality_code))
    return out


def _raise_new(due: list[tuple[Occurrence, str]], day: date) -> list[Task]:
    """Raise what is due and not raised before. The diff against the tasks of earlier sweeps
    is made on identities in the database first (:func:`tasks.existing_identities`), so
    only the occurrences with a new task become task rows: a nightly sweep finds nearly all
    of them raised already (issue 3)."""
    existing = existing_identities(i for occ, kind in due for i in _identities(occ, kind))
    rows: list[Task] = []
    for occ, kind in due:
        if any(i not in existing for i in _identities(occ, kind)):
            rows += _raise(occ, kind=kind, day=day)
    return tasks_create_many(rows, existing=existing)


def _of_children(tasks, children: set[int] | None):
    """An incremental sweep looks only at the tasks of the children it sweeps (and at tasks
    about no child: few, and a replay's own); the nightly full sweep looks at all."""
    if children is None:
        return tasks
    return tasks.filter(Q(child_id__any=children) | Q(child_id__isnull=True))


def _escalate(day: date, ongoing: dict[str, set[str]], made: SweepResult,
              children: set[int] | None = None) -> None:
    """Open alerts not answered in time go up: coordinators, then the municipality. Only
    alerts still ``ongoing`` escalate — in an incremental sweep those of the swept children,
    whose tasks alone are read then. A cold sweep of a national population escalates millions
    of alerts: their ids are read first and the alerts themselves a chunk at a time, so memory
    stays bounded by the chunk, not by the population (issue 3)."""
    from django.db.models import Exists, OuterRef, Value
    from django.db.models.functions import Concat

    from .facts import Facts

    # the diff in SQL: an alert already escalated to the coordinators is not read again
    escalated = Task.objects.filter(kind="alert", code=OuterRef("code"),
                                    organisation_id=OuterRef("organisation_id"),
                                    key=Concat(OuterRef("key"), Value("#coordinators")))
    level0 = _ongoing_ids(_of_children(Task.objects.filter(
        kind="alert", status=TaskStatus.OPEN, level=0, organisation__isnull=False,
        raised_on__lte=day - timedelta(days=ESCALATE_COORDINATORS_DAYS)), children).exclude(
        Exists(escalated)), ongoing, base=lambda key: key)
    # an alert goes to the municipality of its child, so only alerts about a child: asked
    # as "the swept children's or about no child" the planner could not use the child index
    # and read every open alert of the population (7.6 s of a nightly sweep at 1,000,000)
    level1 = Task.objects.filter(
        kind="alert", status=TaskStatus.OPEN, level=1, child__isnull=False,
        raised_on__lte=day - timedelta(days=ESCALATE_MUNICIPALITY_DAYS
                                       - ESCALATE_COORDINATORS_DAYS))
    if children is not None:
        level1 = level1.filter(child_id__any=children)
    level1 = _ongoing_ids(level1, ongoing, base=lambda key: key.split("#")[0])
    coordinators: dict[int, int | None] = {}
    for chunk in _chunks(level0):
        rows = _rows(chunk, "code", "key", "organisation_id", "child_id", "text", "facts",
                     "evidence")
        new_orgs = {r[2] for r in rows} - coordinators.keys()
        coordinators.update(dict.fromkeys(new_orgs))   # None: it has none; not asked again
        coordinators.update(first_coordinators(new_orgs))
        made.extend(tasks_create_many([
            Task(organisation_id=org, code=code, key=f"{key}#coordinators", child_id=child,
                 kind="alert", level=1, raised_on=day,
                 text=f"Escalatie naar coördinatoren — {text}", facts=facts,
                 evidence=evidence, assignee_id=coordinators[org])
            for code, key, org, child, text, facts, evidence in rows]))
    facts_of = Facts(Context(as_of=day))
    for chunk in _chunks(level1):
        rows = _rows(chunk, "code", "key", "child_id", "text", "facts", "evidence")
        municipality = facts_of.municipalities_of({r[2] for r in rows}, day)
        made.extend(tasks_create_many([
            Task(organisation_id=None, municipality_code=municipality[child],
                 code=code, key=key.split("#")[0], child_id=child, kind="alert", level=2,
                 raised_on=day, facts=facts, evidence=evidence,
                 text=f"Escalatie naar de gemeente — {text.split(' — ', 1)[-1]}")
            for code, key, child, text, facts, evidence in rows if municipality[child]]))


#: occurrences raised, alerts escalated and tasks read back at a time: bounds a sweep's memory
CHUNK = 100_000


def _ongoing_ids(tasks, ongoing: dict[str, set[str]], *, base) -> list[int]:
    """The ids, in the escalation order (due date, id), of the ``tasks`` whose occurrence
    (code, key without its ``#…`` suffix) is still ongoing."""
    return [pk for pk, code, key in tasks.order_by("status", "due_on", "id").values_list(
        "pk", "code", "key").iterator(chunk_size=CHUNK) if base(key) in ongoing.get(code, ())]


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _rows(ids: list[int], *fields) -> list[tuple]:
    """The fields of the tasks ``ids``, in the order of ``ids``."""
    by_id = {row[0]: row[1:] for row in Task.objects.filter(pk__any=ids).values_list(
        "pk", *fields)}
    return [by_id[pk] for pk in ids]


def _resolve(resolved: dict[str, set[str]], day: date) -> None:
    """Close the open tasks of occurrences the recorded facts resolved (``resolved``: their
    keys per rule) — their alerts, reminders and escalations (``<key>#coordinators``) — in one
    UPDATE per rule and 2,000 keys, not one per occurrence (issue 3). Matches the key exactly:
    a prefix match would also close ``handover:12``'s tasks when ``handover:1`` is resolved."""
    keys = {code: {k for key in found for k in (key, f"{key}#coordinators")}
            for code, found in resolved.items()}
    # every kind named, so that the unique index (kind, code, key, …) finds the keys: without
    # its first column each batch was a scan of every task (9.7 s of a steady sweep of
    # 100,000 children)
    kinds = [kind for kind, _label in Task.KIND_CHOICES]
    for code, wanted in keys.items():
        wanted = sorted(wanted)
        for start in range(0, len(wanted), 2000):
            Task.objects.filter(kind__in=kinds, code=code, key__any=wanted[start:start + 2000],
                                status=TaskStatus.OPEN).update(
                status=TaskStatus.DONE, answered_on=day,
                answer="Opgelost door de vastgelegde feiten.")


def task_deadlines(day: date, children: set[int] | None = None
                   ) -> tuple[list[Task], set[tuple[str, str]], list[date]]:
    """The system's own tasks (answer after a rejection, re-assessment, transition at 18 …)
    keep their deadlines as the rules do: a reminder before, an alert when overdue (which then
    escalates like any alert). Reminders and alerts of a task that was answered close with it.
    Returns what was raised, the overdue occurrences, and the days something falls due.
    Set-based: the open tasks are read as rows and the missing alerts and reminders created at
    once (issue 3). An incremental sweep reads only the tasks of its ``children``."""
    overdue: set[tuple[str, str]] = set()
    days: list[date] = []
    answered: dict[str, list[str]] = defaultdict(list)
    for pk, code in _of_children(Task.objects.filter(kind="task"), children).exclude(
            status=TaskStatus.OPEN).values_list("pk", "code"):
        answered[code].append(f"task:{pk}")
    # per code, so the unique index (kind, code, key …) finds the keys: with the code left
    # out the server read every task of the swept children to compare keys (0.3–0.4 s of an
    # incremental sweep at 1,000,000 children, issue 3)
    for code, keys in answered.items():
        Task.objects.filter(kind__in=["reminder", "alert"], code=code, key__any=keys,
                            status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE, answered_on=day, answer="De taak is beantwoord.")
    wanted: list[Task] = []
    for pk, code, org, child, due, text, facts, evidence in _of_children(Task.objects.filter(
            kind="task", status=TaskStatus.OPEN, due_on__isnull=False,
            organisation__isnull=False), children).order_by("pk").values_list(
            "pk", "code", "organisation_id", "child_id", "due_on", "text", "facts", "evidence"):
        key = f"task:{pk}"
        late = due + timedelta(days=1)
        if late <= day:
            wanted.append(Task(organisation_id=org, code=code, key=key, child_id=child,
                               kind="alert", raised_on=late,
                               text=f"Termijn verstreken ({due}) — {text}",
                               facts=facts + [f"termijn: {due}"], evidence=evidence))
            overdue.add((code, key))
        elif due - timedelta(days=REMINDER_DAYS) <= day:
            wanted.append(Task(organisation_id=org, code=code, key=key, child_id=child,
                               kind="reminder", raised_on=day,
                               text=f"Herinnering: uiterlijk {due} — {text}",
                               facts=facts, evidence=evidence))
            days.append(late)
        else:
            days += [due - timedelta(days=REMINDER_DAYS), late]
    return tasks_create_many(wanted), overdue, days


def close_adults(day: date, children: set[int] | None = None) -> int:
    """Young people who turned 18: open risk and responsibility end that day — in an
    incremental sweep those among its ``children`` (the nightly full sweep closes the rest,
    so the incremental sweep does not read every open risk of the population)."""
    from kindzicht.continuity import risk
    from kindzicht.continuity.models import RiskPeriod
    from kindzicht.people.family import _years_before

    born_by = _years_before(day, 18)
    n = 0
    periods = RiskPeriod.objects.filter(closed_at__isnull=True, child__birth_date__lte=born_by)
    if children is not None:
        periods = periods.filter(child_id__any=children)
    for period in periods.select_related("child"):
        b = period.child.birth_date
        try:
            birthday = b.replace(year=b.year + 18)
        except ValueError:
            birthday = date(b.year + 18, 3, 1)
        risk.close(Actor.system("watchdog"), period, reason="turned_18", event_id=None,
                   at=clock.start_of(birthday))
        n += 1
    return n


def transition_tasks(day: date, weeks: int = 26, children: set[int] | None = None) -> int:
    """A young person at open risk about to turn 18 gives the holder a task, in time, to
    arrange the transition to adult services (created at once for all of them; in an
    incremental sweep for its ``children``, the nightly full sweep for everyone)."""
    from kindzicht.continuity.models import ResponsibilityPeriod
    from kindzicht.people.family import _years_before

    soon = _years_before(day + timedelta(weeks=weeks), 18)
    periods = ResponsibilityPeriod.objects.filter(
        ended_at__isnull=True, organisation__isnull=False,
        child__birth_date__lte=soon, child__birth_date__gt=_years_before(day, 18))
    if children is not None:
        periods = periods.filter(child_id__any=children)
    rows = [Task(organisation_id=org, code="transition_18", key=f"18:{child}", child_id=child,
                 kind="task", raised_on=day, due_on=day + timedelta(days=weeks * 7 - 28),
                 text=("Deze jongere wordt binnenkort 18. Regel op tijd de overgang naar "
                       "hulp voor volwassenen."))
            for org, child in periods.order_by("pk").values_list("organisation_id", "child_id")]
    return len(tasks_create_many(rows))


def goal_follow_up_tasks(day: date, goals_in: Q | None = None) -> list[Task]:
    """Doorpakken (findings.md 2.1): a goal missed, or past its due date without a status,
    gives the plan's coordinator a task to decide the follow-up, from the day it is missed or
    the day after its due date; a task whose follow-up is now on record closes (P3's test).
    The logic lives with the plans (kindzicht.plans.follow_up)."""
    from kindzicht.plans import follow_up
    from kindzicht.plans.models import Goal

    goals = None if goals_in is None else Goal.objects.filter(goals_in)
    follow_up.close_followed_up(day, goals=goals)
    return follow_up.raise_tasks(day, scope=goals_in)


def _goal_due_days(day: date, goals_in: Q | None = None) -> list[date]:
    """The day after the earliest open goal's due date still to come: the sweep must run then
    (a replay skips). Only the earliest counts for ``next_due``: one aggregate, not a row per
    goal — of the goals ``goals_in`` (the swept children's plans) in an incremental sweep (a
    replay's scope is all its people)."""
    from django.db.models import Min

    from kindzicht.plans.models import Goal

    goals = Goal.objects.filter(status__in=["open", "postponed"], due__gte=day,
                                plan__replaced_on__isnull=True)
    if goals_in is not None:
        goals = goals.filter(goals_in)
    due = goals.aggregate(m=Min("due"))["m"]
    return [due + timedelta(days=1)] if due else []


class SweepResult:
    """What a sweep raised, and ``next_due``: the first later day on which anything known
    now can fall due (a reminder, an alert, an escalation) — a replay may skip the days
    between.

    It keeps the raised tasks' ids and codes, not the tasks: a cold sweep of a national
    population raises millions, which as model instances did not fit in memory (issue 3).
    Iterating reads the tasks back, a chunk at a time."""

    def __init__(self) -> None:
        self.ids: array = array("q")
        self.by_code: Counter[str] = Counter()
        self.next_due: date | None = None
        #: which children it swept, and why (``rules.nightly.Plan``)
        self.plan = nightly.Plan("full", None)

    def extend(self, tasks: Iterable[Task]) -> None:
        for task in tasks:
            self.ids.append(task.pk)
            self.by_code[task.code] += 1

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[Task]:
        for chunk in _chunks(self.ids):
            by_id = Task.objects.in_bulk(list(chunk))
            yield from (by_id[pk] for pk in chunk)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, list | SweepResult):
            return NotImplemented
        return list(self) == list(other)

    def __repr__(self) -> str:
        return f"<SweepResult {len(self)} raised, next due {self.next_due}>"


class _Upcoming:
    """The earliest day after ``day`` among those offered: what ``next_due`` needs, without
    keeping a day per occurrence."""

    def __init__(self, day: date) -> None:
        self.day, self.first = day, None

    def offer(self, *days: date) -> None:
        for d in days:
            if d > self.day and (self.first is None or d < self.first):
                self.first = d


def sweep(as_of: date | None = None, *, children: Iterable[int] | None = None,
          full: bool = False) -> SweepResult:
    """Run the watchdog for ``as_of`` (default today). Returns what it raised.

    ``children``: only those (a replay's people, an incremental sweep). Otherwise the nightly
    sweep: the children whose rule state can have changed since the last covering sweep
    (:mod:`rules.nightly`), or everyone when that cannot be known or ``full`` is asked."""
    day = as_of or clock.today()
    started = time.monotonic()
    with transaction.atomic():
        mark = nightly.event_mark()
        if children is not None:
            tonight = nightly.Plan("children", set(children))
        elif full:
            tonight = nightly.Plan("full", None)
        else:
            tonight = nightly.plan(day)
        # an incremental sweep's queries are planned as index lookups of its children
        with nullcontext() if tonight.scope is None else planner.index_lookups():
            made = _sweep(day, tonight)
        made.plan = tonight
        run = SweepRun.objects.create(started_at=clock.now(), as_of=day, raised=len(made),
                                      seconds=time.monotonic() - started, mode=tonight.mode,
                                      event_mark=mark, rules_version=nightly.rules_version())
        record(Actor.system("watchdog sweep"), "sweep_ran", obj=run,
               payload={"as_of": day.isoformat(), "raised": len(made), "mode": tonight.mode,
                        "children": tonight.children})
    return made


def _sweep(day: date, tonight: nightly.Plan) -> SweepResult:
    """The sweep's work, in its transaction: evaluate, raise, resolve, escalate.

    The occurrences stream through: every ``CHUNK`` due ones are raised at once, and only
    their (code, key) stay behind — for escalation (``ongoing``) and resolving — so a sweep's
    memory does not grow with the tasks a national population raises.

    The children whose facts changed (``tonight.evaluated``) are evaluated and their
    occurrences kept (:mod:`rules.known`); a nightly sweep takes those of the children that
    only time brought back from what their last evaluation kept. Each phase after the rules
    looks only at the children whose trigger can give it work: an 18th birthday, a plan or a
    new task only where facts changed or the day came (``evaluated``), task deadlines and
    escalations not for the children woken by an occurrence's day alone."""
    scope, evaluated = tonight.scope, tonight.evaluated
    timed = tonight.besides("wake")
    close_adults(day, evaluated)
    made = SweepResult()
    upcoming = _Upcoming(day)
    ongoing: dict[str, set[str]] = defaultdict(set)
    resolved: dict[str, set[str]] = defaultdict(set)
    due: list[tuple[Occurrence, str]] = []
    wakes: dict[int, date] = {}
    keeper = known.Keeper(evaluated, day)
    recalled = set() if scope is None else scope - evaluated
    for occ in chain(keeper.keep(evaluate(Context(as_of=day, scope=evaluated))),
                     known.recall(recalled)):
        if occ.resolved_on is not None and occ.resolved_on <= day:
            resolved[occ.code].add(occ.key)
            continue
        wake = _wake(occ, day)
        if wake is not None and wakes.get(occ.child_id, wake) >= wake:
            wakes[occ.child_id] = wake
        if occ.at <= day:
            due.append((occ, "alert"))
            ongoing[occ.code].add(occ.key)
        elif occ.at - timedelta(days=REMINDER_DAYS) <= day:
            due.append((occ, "reminder"))
            upcoming.offer(occ.at)
        else:
            upcoming.offer(occ.at - timedelta(days=REMINDER_DAYS))
        if len(due) >= CHUNK:
            made.extend(_raise_new(due, day))
            due = []
    keeper.flush()
    made.extend(_raise_new(due, day))
    del due
    if len(made) >= planner.ANALYZE_AFTER:
        planner.analyze_tasks()
    _resolve(resolved, day)
    transition_tasks(day, children=evaluated)
    # the evaluated children's plans, looked up once for the goal follow-up and next_due
    from kindzicht.plans import follow_up

    goals_in = None if evaluated is None else follow_up.of_children(evaluated)
    goal_follow_up_tasks(day, goals_in)
    deadlines, overdue, due_days = task_deadlines(day, timed)
    made.extend(deadlines)
    for code, key in overdue:
        ongoing[code].add(key)
    _escalate(day, ongoing, made, timed)
    if tonight.mode == "nightly":
        # its scope is not everyone, so it cannot know the first day for all: the next night
        # plans again from what is stored
        made.next_due = day + timedelta(days=1)
    else:
        upcoming.offer(*_escalation_days(day, scope), *_eighteenth_birthdays(day, scope),
                       *_goal_due_days(day, goals_in), *due_days)
        made.next_due = upcoming.first
    _store_wakes(scope, wakes)
    return made


def _wake(occ: Occurrence, day: date) -> date | None:
    """The first day after ``day`` on which this occurrence asks for something new: its
    reminder, its deadline, or the day the recorded facts resolve it."""
    days = [occ.resolved_on] if occ.resolved_on is not None else []
    if occ.at > day:
        reminder = occ.at - timedelta(days=REMINDER_DAYS)
        days.append(reminder if reminder > day else occ.at)
    return min(days) if days else None


def _store_wakes(scope: set[int] | None, wakes: dict[int, date]) -> None:
    """Replace the swept children's wake days (everyone's after a full sweep) with the ones
    this evaluation found (:mod:`rules.nightly`)."""
    from kindzicht.core import rows

    from .models import Wake

    known.forget(Wake, scope)
    rows.insert(Wake, ["child", "on"], sorted(wakes.items()))


def _escalation_days(day: date, children: set[int] | None = None) -> list[date]:
    """The first day after ``day`` on which an open alert escalates, per level (only the
    earliest counts for ``next_due``: an aggregate, not a row per alert) — of the swept
    ``children``'s alerts in an incremental sweep."""
    from django.db.models import Min

    days = []
    for level, wait in ESCALATION_WAITS:
        alerts = _of_children(Task.objects.filter(
            kind="alert", status=TaskStatus.OPEN, level=level,
            raised_on__gt=day - timedelta(days=wait)), children)
        if children is None:
            first = alerts.aggregate(m=Min("raised_on"))["m"]
        else:
            # the few alerts of the swept children, found through them: as an aggregate the
            # planner walked the day index of every recent alert of the population looking
            # for one of theirs (0.3 s of an incremental sweep at 1,000,000 children)
            first = min(alerts.order_by().values_list("raised_on", flat=True), default=None)
        if first:
            days.append(first + timedelta(days=wait))
    return days


def _eighteenth_birthdays(day: date, children: set[int] | None = None) -> list[date]:
    """The next 18th birthday of a young person at open risk, and the next one 26 weeks
    ahead (the transition task), after ``day``: the few earliest birth dates that can give
    them, not every child's (the 18th birthday grows with the birth date) — among the
    ``children`` in an incremental sweep."""
    from kindzicht.continuity.models import RiskPeriod
    from kindzicht.people.family import _years_before

    out = []
    for ahead in (timedelta(0), timedelta(weeks=26)):
        lowest = _years_before(day + ahead, 18) - timedelta(days=3)
        periods = RiskPeriod.objects.filter(closed_at__isnull=True, child__birth_date__gte=lowest)
        if children is not None:
            periods = periods.filter(child_id__any=children)
        for b in periods.order_by(
                "child__birth_date").values_list("child__birth_date", flat=True).distinct()[:8]:
            try:
                eighteen = b.replace(year=b.year + 18)
            except ValueError:
                eighteen = date(b.year + 18, 3, 1)
            out.append(eighteen - ahead)
    return out
