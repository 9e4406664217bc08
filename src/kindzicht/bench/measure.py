"""Where a sweep spends its time: seconds, SQL queries and steps per rule (through the rule
engine's ``measure`` hook) and per watchdog phase (its helpers wrapped for the run).

Time is charged to the innermost label, so a rule's figure is its own reading and computing,
and the watchdog's ``raise`` phase holds the task writes. Facts loaded lazily once per
evaluation (``ctx.facts.risk``, ``…responsibility``) are charged to the first rule that needs
them.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection

#: watchdog helpers timed as phases of a sweep
PHASES = ("close_adults", "_raise", "_resolve", "_escalate", "transition_tasks",
          "goal_follow_up_tasks", "task_deadlines", "_escalation_days",
          "_eighteenth_birthdays", "_goal_due_days", "_store_wakes")


@dataclass
class Figures:
    seconds: float = 0.0
    queries: int = 0
    steps: int = 0


@dataclass
class Meter:
    figures: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))
    _stack: list[tuple[str, float]] = field(default_factory=list)
    total_queries: int = 0

    @contextmanager
    def label(self, name: str) -> Iterator[None]:
        now = time.perf_counter()
        if self._stack:   # pause the enclosing label
            outer, since = self._stack[-1]
            self.figures[outer].seconds += now - since
        self._stack.append((name, now))
        try:
            yield
        finally:
            end = time.perf_counter()
            _, since = self._stack.pop()
            f = self.figures[name]
            f.seconds += end - since
            f.steps += 1
            if self._stack:
                outer, _ = self._stack[-1]
                self._stack[-1] = (outer, end)

    def _count(self, execute, sql, params, many, context):
        self.total_queries += 1
        if self._stack:
            self.figures[self._stack[-1][0]].queries += 1
        return execute(sql, params, many, context)

    @contextmanager
    def installed(self) -> Iterator[Meter]:
        """Hook the engine, wrap the watchdog's phases, count every query."""
        from kindzicht.rules import engine, nightly, watchdog

        # the watchdog's phases, and the nightly sweep's choice of its children
        saved = [(watchdog, name, getattr(watchdog, name)) for name in PHASES
                 if hasattr(watchdog, name)] + [(nightly, "plan", nightly.plan)]

        def wrap(name, fn):
            def timed(*args, **kwargs):
                with self.label(f"watchdog {name.strip('_')}"):
                    return fn(*args, **kwargs)
            return timed

        for module, name, fn in saved:
            setattr(module, name, wrap(name, fn))
        previous = engine.measure
        engine.measure = lambda code: self.label(f"rule {code}")
        try:
            with connection.execute_wrapper(self._count):
                yield self
        finally:
            engine.measure = previous
            for module, name, fn in saved:
                setattr(module, name, fn)

    def rules(self) -> dict[str, Figures]:
        return {k.split(" ", 1)[1]: v for k, v in self.figures.items() if k.startswith("rule ")}

    def phases(self) -> dict[str, Figures]:
        return {k.split(" ", 1)[1]: v for k, v in self.figures.items()
                if k.startswith("watchdog ")}

