"""Where a sweep spends its time: seconds, SQL queries and steps per rule (through the rule
engine's ``measure`` hook) and per watchdog phase (its helpers wrapped for the run).

Time is charged to the innermost label, so a rule's figure is its own reading and computing,
and the watchdog's ``raise`` phase holds the task writes. Facts loaded lazily once per
evaluation (``ctx.facts.risk``, ``…responsibility``) are charged to the first rule that needs
them.
"""

from __future__ import annotations

import os
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


@dataclass
class Cpu:
    """The CPU a measurement used, in core-seconds: this process's (its Python, every thread)
    and the whole machine's, from ``/proc/stat`` (``machine`` is None where that cannot be
    read).

    Why: a figure that will not come down may be a machine that is full. When the database
    server runs on the same machine, ``rest`` is mostly its backends; ``bound`` is the least
    wall clock that much work needs on these cores, however it is overlapped — below it
    only less work helps."""

    wall: float = 0.0
    python: float = 0.0
    machine: float | None = None
    cores: int = 1

    @property
    def rest(self) -> float | None:
        return None if self.machine is None else max(0.0, self.machine - self.python)

    @property
    def bound(self) -> float | None:
        return None if self.machine is None else self.machine / self.cores

    @property
    def busy(self) -> float | None:
        """The share of the machine's cores in use over the wall clock."""
        if self.machine is None or self.wall <= 0:
            return None
        return self.machine / (self.cores * self.wall)


def _machine_busy() -> float | None:
    """Core-seconds the machine has been busy since boot (``/proc/stat``: every state but
    idle and waiting for I/O), or None."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@contextmanager
def cpu_used() -> Iterator[Cpu]:
    """Measure :class:`Cpu` over the block; the figures are filled in when it ends."""
    cpu = Cpu(cores=os.cpu_count() or 1)
    wall, python, machine = time.perf_counter(), time.process_time(), _machine_busy()
    try:
        yield cpu
    finally:
        cpu.wall = time.perf_counter() - wall
        cpu.python = time.process_time() - python
        after = _machine_busy()
        cpu.machine = None if machine is None or after is None else after - machine
