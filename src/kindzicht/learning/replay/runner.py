"""Running a validated scenario through the real services with a simulated clock.

Day by day from ``start`` to ``end``: first the actions of the day, each at its time and in its
own savepoint (a refusal writes nothing and the replay goes on), then the watchdog's sweep of
that day, at the end of the day — so an action on the last day of a deadline still meets it,
and alerts are raised on the day they would be raised for real. After the last day the learning
analysis looks back over the whole history.
"""

from __future__ import annotations

import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from django.db import transaction

from kindzicht.core import clock
from kindzicht.core.errors import KindzichtError

from . import loader
from .context import ReplayContext, events_since, max_event_id, setup
from .loader import Action, ActionSpecLike, Scenario


@dataclass
class ActionResult:
    line: int
    do: str
    by: str
    day: date
    at: str
    fields: dict[str, Any]
    result: str  # ok | refused | error
    reason: str | None = None
    events: list[int] = field(default_factory=list)
    detail: str = ""  # the traceback of an error


@dataclass
class AlertResult:
    """A task the watchdog or a service raised: an alert, a reminder or a task of its own."""

    at: date
    code: str
    organisation: str | None
    person: str | None
    text: str
    kind: str = "alert"
    level: int = 0


@dataclass
class MatchResult:
    at: date
    level: str
    child: str | None
    people: list[str]
    organisations: list[str]


@dataclass
class FindingResult:
    code: str
    improvement_point: str
    child: str | None
    at: date
    text: str
    evidence: list[int]


@dataclass
class ExpectResult:
    passed: bool = True
    failures: list[str] = field(default_factory=list)


@dataclass
class ReplayResult:
    title: str
    mode: str
    start: date
    end: date
    actions: list[ActionResult] = field(default_factory=list)
    alerts: list[AlertResult] = field(default_factory=list)
    reminders: list[AlertResult] = field(default_factory=list)
    tasks: list[AlertResult] = field(default_factory=list)
    matches: list[MatchResult] = field(default_factory=list)
    findings: list[FindingResult] = field(default_factory=list)
    expect: ExpectResult = field(default_factory=ExpectResult)
    has_expect: bool = False
    seconds: float = 0.0
    days_swept: int = 0
    context: ReplayContext | None = None


OnDay = Callable[[date, ReplayContext], None]
_END_OF_DAY = dtime(23, 59, 59)


def end_of(day: date) -> datetime:
    return datetime.combine(day, _END_OF_DAY, tzinfo=clock.AMSTERDAM)


def _max_id(model: Any) -> int:
    return model.objects.order_by("-id").values_list("id", flat=True).first() or 0


def run(scenario: Scenario, *, on_day: OnDay | None = None, on_error: str = "raise",
        every_day: bool = False, specs: Mapping[str, ActionSpecLike] | None = None
        ) -> ReplayResult:
    """Replay ``scenario`` on the current database and report what happened.

    ``on_day(day, ctx)`` is called after each simulated day (actions and sweep done) — for a
    training session that stops on a day; it makes the watchdog run every day. Otherwise the
    watchdog skips days on which nothing can fall due (its ``next_due``), unless
    ``every_day``. ``on_error="record"`` records an unexpected exception of an action as result
    ``error`` and goes on (the CLI); ``"raise"`` re-raises it (tests).
    """
    from kindzicht.index.models import Match
    from kindzicht.rules.analysis import findings as analyse
    from kindzicht.rules.models import Task
    from kindzicht.rules.watchdog import sweep

    from .expect import evaluate

    specs = specs if specs is not None else loader.default_specs()
    started = time.monotonic()
    base_task, base_match = _max_id(Task), _max_id(Match)
    ctx = ReplayContext(mode=scenario.mode)
    result = ReplayResult(title=scenario.title, mode=scenario.mode, start=scenario.start,
                          end=scenario.end, context=ctx, has_expect=scenario.expect is not None)
    by_day: dict[date, list[Action]] = defaultdict(list)
    for action in scenario.timeline:
        by_day[action.day].append(action)

    action_days = sorted(by_day)
    with clock.frozen(clock.start_of(scenario.start)):
        setup(ctx, scenario)
        day = scenario.start
        while day <= scenario.end:
            for action in by_day.get(day, ()):
                result.actions.append(_apply(ctx, specs[action.do], action, on_error))
            clock.set_now(end_of(day))
            swept = sweep(as_of=day, children=ctx.person_ids())
            result.days_swept += 1
            if on_day is not None:
                on_day(day, ctx)
            following = day + timedelta(days=1)
            if not every_day and on_day is None:
                # skip to the next day with actions, or on which the watchdog says something
                # can fall due (a reminder, a deadline, an escalation, a birthday at 18)
                next_action = next((d for d in action_days if d > day), scenario.end)
                due = getattr(swept, "next_due", None)
                following = max(following, min(due, next_action) if due else next_action)
            day = following
        clock.set_now(end_of(scenario.end))
        raw_findings = list(analyse(as_of=scenario.end, children=ctx.person_ids()))

    for task in Task.objects.filter(id__gt=base_task).order_by("raised_on", "id"):
        item = AlertResult(
            at=task.raised_on, code=task.code,
            organisation=(ctx.org_key(task.organisation_id) if task.organisation_id
                          else f"municipality:{task.municipality_code}"),
            person=ctx.person_key(task.child_id), text=task.text, kind=task.kind,
            level=task.level)
        {"alert": result.alerts, "reminder": result.reminders}.get(task.kind,
                                                                    result.tasks).append(item)
    for m in Match.objects.filter(id__gt=base_match).order_by("on", "id"):
        result.matches.append(MatchResult(
            at=m.on, level=m.level, child=ctx.person_key(m.child_id),
            people=sorted(str(ctx.person_key(p)) for p in m.person_ids),
            organisations=sorted(str(ctx.org_key(o)) for o in m.organisation_ids)))
    for f in raw_findings:
        if not ctx.is_scenario_person(f.child_id):
            continue
        lines = sorted({ctx.event_lines[e] for e in (f.evidence or []) if e in ctx.event_lines})
        at = f.at.astimezone(clock.AMSTERDAM).date() if isinstance(f.at, datetime) else f.at
        result.findings.append(FindingResult(
            code=f.code, improvement_point=str(f.improvement_point),
            child=ctx.person_key(f.child_id), at=at, text=str(f.text), evidence=lines))
    result.findings.sort(key=lambda f: (f.at, f.code, f.child or ""))
    result.expect = evaluate(scenario.expect, result)
    result.seconds = time.monotonic() - started
    return result


_KEY_FIELDS = {"person": ("people", "person"), "child": ("people", "person"),
               "household": ("households", "household"), "concern": ("refs", "concern"),
               "handover": ("refs", "handover"), "goal": ("goals", "goal")}


def _missing(ctx: ReplayContext, action: Action) -> str | None:
    """A key the action names whose object was never created, because the action that would
    have created it was refused: this action is refused too, saying why."""
    scenario = ctx.scenario
    for name, value in action.fields.items():
        if name == "person" and action.do == "add_person":
            continue
        keys = value if name == "parents" else [value]
        where, kind = _KEY_FIELDS.get(name, (None, None)) if name != "parents" else (
            "people", "person")
        if where is None:
            continue
        for key in keys:
            if key not in getattr(ctx, where):
                line = scenario.definitions.get((kind, key)) if scenario else None
                because = (f" (the action at line {line} that creates it was refused)"
                           if line else "")
                return f"{name} {key!r} does not exist{because}"
    return None


def _apply(ctx: ReplayContext, spec: Any, action: Action, on_error: str) -> ActionResult:
    out = ActionResult(line=action.line, do=action.do, by=action.by, day=action.day,
                       at=action.at_text(), fields=action.fields, result="ok")
    missing = _missing(ctx, action)
    if missing:
        out.result, out.reason = "refused", missing
        return out
    ctx.current = action
    clock.set_now(action.moment)
    before = max_event_id()
    snap = ctx.snapshot()
    try:
        with transaction.atomic():
            spec.handler(ctx, dict(action.fields))
    except KindzichtError as exc:
        ctx.restore(snap)
        out.result, out.reason = "refused", str(exc)
    except Exception as exc:
        ctx.restore(snap)
        if on_error == "raise":
            raise
        out.result, out.reason = "error", f"{type(exc).__name__}: {exc}"
        out.detail = traceback.format_exc()
    finally:
        ctx.current = None
    out.events = events_since(before)
    for event_id in out.events:
        ctx.event_lines.setdefault(event_id, action.line)
    return out
