"""``kindzicht bench sweep``: the watchdog at national scale, against the plain SQL floor.

1. build the population (or reuse a kept one) in the bench's own database;
2. the floor: every rule as one plain SQL query (psycopg), full and for the changed children;
3. one full watchdog sweep (cold: it raises everything due), then a second (steady state:
   nothing new);
4. 1,000 changes through the services, then the incremental sweep of the changed children;
5. the next night's nightly sweep (``rules.nightly``: the changed children and those whose
   day has come), rolled back; with ``check`` eight nights of it compared with eight nights
   of full sweeps.

``only_incremental`` (``--only-incremental``) skips 2., 3. and 5.: on a kept population
(``--reuse``) the incremental sweep can then be measured at 1,000,000 children without two
full sweeps of 10-40 minutes first. The report says the full sweeps were not run.

Each sweep runs under a time budget: when it is spent the sweep is stopped (its transaction
rolls back) and each rule is then evaluated on its own, read-only, for at most
``rule_budget`` seconds, so the report can still say which rule costs what and estimate the
whole from the floor's occurrence counts.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.test.utils import override_settings

from kindzicht.core import clock

from . import database, floor
from .build import BuildResult, build_population
from .changes import ChangesResult, make_changes
from .measure import Figures, Meter


class BudgetExceeded(Exception):
    pass


@dataclass
class SweepRun:
    label: str
    seconds: float
    finished: bool
    queries: int = 0
    raised: int = 0
    rules: dict[str, Figures] = field(default_factory=dict)
    phases: dict[str, Figures] = field(default_factory=dict)
    children: int | None = None
    error: str = ""
    #: CPU seconds of this (Python) process: unlike the wall clock, hardly moved by the load
    #: of other processes on the machine (the database server's own CPU is not in it)
    cpu_seconds: float = 0.0
    #: ``full``, ``nightly`` (the children whose state can have changed, ``rules.nightly``)
    #: or ``children`` (named: the incremental sweep); a nightly's triggers and children
    mode: str = "full"
    reason: str = ""
    triggers: dict[str, int] = field(default_factory=dict)


@dataclass
class RuleEstimate:
    code: str
    seconds: float
    queries: int
    produced: int
    finished: bool
    expected: int = 0

    @property
    def estimate(self) -> float | None:
        if self.finished:
            return self.seconds
        if self.produced <= 0 or self.expected <= 0:
            return None
        return self.seconds * self.expected / self.produced


@dataclass
class BenchReport:
    children: int
    seed: int
    as_of: date
    target: str
    vendor: str
    started: datetime = field(default_factory=datetime.now)
    code: str = ""
    roundtrip_ms: float = 0.0
    server: str = ""
    load_before: str = ""
    load_after: str = ""
    build: BuildResult | None = None
    reused: bool = False
    sweeps: list[SweepRun] = field(default_factory=list)
    changes: ChangesResult | None = None
    floor_full: list[floor.FloorRun] = field(default_factory=list)
    floor_scoped: list[floor.FloorRun] = field(default_factory=list)
    estimates: list[RuleEstimate] = field(default_factory=list)
    only_incremental: bool = False
    #: ``--check-nightly``: the next day's nightly sweep wrote what a full sweep of that day
    #: writes (both rolled back); the rows compared and the first difference
    nightly_same: bool | None = None
    nightly_rows: int = 0
    nightly_difference: str = ""


def _load() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


#: the server settings that move a national-scale figure most (docs/operations.md, *Server
#: settings for a regional or national index*): on the national bench the defaults gave
#: 298-346 registrations/s with two processes, the settings given there 402/s
SERVER_SETTINGS = ("shared_buffers", "work_mem", "max_wal_size", "checkpoint_timeout",
                   "wal_compression", "synchronous_commit", "random_page_cost")


def server_settings() -> str:
    """The database server and its settings that the figures depend on, for the report."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return f"SQLite {connection.Database.sqlite_version}"
    with connection.cursor() as cur:
        cur.execute("SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s)",
                    [list(SERVER_SETTINGS)])
        found = dict(cur.fetchall())
    version = connection.pg_version // 10000
    return f"PostgreSQL {version}; " + ", ".join(
        f"{name} {found[name]}" for name in SERVER_SETTINGS if name in found)


def roundtrip_ms(n: int = 300) -> float:
    """Median time of ``SELECT 1`` through Django: what one query costs at the least on this
    machine now (a loaded machine makes every per-row query loop slower)."""
    from statistics import median

    from django.db import connection

    times = []
    with connection.cursor() as cur:
        for _ in range(n):
            t = time.perf_counter()
            cur.execute("SELECT 1")
            cur.fetchone()
            times.append(time.perf_counter() - t)
    return median(times) * 1000


def code_version() -> str:
    """The commit measured, and whether the rules or the watchdog differ from it."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--",
                                "src/kindzicht/rules", "src/kindzicht/continuity",
                                "src/kindzicht/people/family.py"],
                               capture_output=True, text=True, timeout=10).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    changed = [line[3:] for line in dirty if line.strip()]
    return head + (f" + uncommitted changes in {', '.join(changed)}" if changed else "")


def _budgeted(meter: Meter, deadline: float) -> None:
    """Make the meter stop the sweep at ``deadline``: every label entered checks it."""
    label = meter.label

    def checked(name):
        if time.perf_counter() > deadline:
            raise BudgetExceeded(name)
        return label(name)

    meter.label = checked  # type: ignore[method-assign]


def measured_sweep(label: str, day: date, budget: float,
                   children: set[int] | None = None, *, full: bool = True,
                   rollback: bool = False) -> SweepRun:
    """One sweep, timed and counted: of ``children``, of everyone (``full``) or the nightly
    one; ``rollback`` undoes it afterwards (so a kept population stays as it was)."""
    from django.db import transaction

    from kindzicht.rules import watchdog

    meter = Meter()
    _budgeted(meter, time.perf_counter() + budget)
    started = time.perf_counter()
    cpu_started = time.process_time()
    finished = True
    error = ""
    raised = watchdog.SweepResult()
    with meter.installed(), transaction.atomic():
        try:
            with clock.frozen(day):
                raised = watchdog.sweep(day, children=children, full=full)
        except BudgetExceeded:
            finished = False
        except Exception as exc:  # noqa: BLE001 - a failure at scale is a finding, not a crash
            finished = False
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        seconds = time.perf_counter() - started
        if rollback:
            transaction.set_rollback(True)
    return SweepRun(label, seconds, finished, meter.total_queries, len(raised), meter.rules(),
                    meter.phases(), raised.plan.children, error,
                    time.process_time() - cpu_started, raised.plan.mode, raised.plan.reason,
                    dict(raised.plan.counts))


def rows_since(day: date, before: int) -> list[tuple]:
    """What the sweeps from ``day`` on wrote: the tasks they made (ids after ``before``) and
    the tasks they closed. A key naming a task made in the same sweep (``task:<id>``) names
    it by what it is, since two sweeps give their new tasks other ids."""
    import re

    from django.db.models import Q

    from kindzicht.rules.models import Task

    rows = list(Task.objects.filter(Q(pk__gt=before) | Q(answered_on__gte=day)).values_list(
        "pk", "kind", "code", "key", "organisation_id", "municipality_code", "child_id",
        "text", "facts", "raised_on", "due_on", "level", "assignee_id", "status",
        "answered_on", "answer"))
    what = {r[0]: (r[2], r[6]) for r in rows}

    def key(k: str) -> str:
        return re.sub(r"task:(\d+)", lambda m: f"task:{what.get(int(m[1]), m[1])}"
                      if int(m[1]) > before else m[0], k)

    return sorted(((r[1], r[2], key(r[3]), *r[4:]) for r in rows), key=repr)


#: nights the check runs: past a reminder's two days and both escalations (3 and 7 days)
CHECK_NIGHTS = 8


def check_nightly(day: date) -> tuple[bool, int, str]:
    """``CHECK_NIGHTS`` nights from ``day`` swept by the nightly sweep, then the same nights
    by full sweeps, each series rolled back: do they write the same rows? (Every shared
    scenario is replayed both ways in the tests; this is the same check at scale.)"""
    from django.db import transaction

    from kindzicht.rules import watchdog
    from kindzicht.rules.models import Task

    before = Task.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    out = []
    for full in (False, True):
        with transaction.atomic():
            for n in range(CHECK_NIGHTS):
                night = day + timedelta(days=n)
                with clock.frozen(night):
                    watchdog.sweep(night, full=full)
            out.append(rows_since(day, before))
            transaction.set_rollback(True)
    nightly, full = out
    if nightly == full:
        return True, len(full), ""
    first = next((f"nightly {a!r} / full {b!r}"
                  for a, b in zip(nightly, full, strict=False) if a != b),
                 f"nightly {len(nightly):,} rows / full {len(full):,} rows")
    return False, len(full), first[:500]


def rule_estimates(day: date, rule_budget: float,
                   expected: dict[str, int]) -> list[RuleEstimate]:
    """Each rule alone, read-only, for at most ``rule_budget`` seconds."""
    from kindzicht.rules import engine

    engine._load()
    out = []
    for code, rule in engine.CATALOGUE.items():
        ctx = engine.Context(as_of=day)
        meter = Meter()
        deadline = time.perf_counter() + rule_budget
        produced, finished = 0, True
        started = time.perf_counter()
        with meter.installed(), clock.frozen(day):
            steps = iter(rule.occurrences(ctx))
            while True:
                if time.perf_counter() > deadline:
                    finished = False
                    break
                with meter.label(f"rule {code}"):
                    occ = next(steps, None)
                if occ is None:
                    break
                produced += 1
        out.append(RuleEstimate(code, time.perf_counter() - started, meter.total_queries,
                                produced, finished, expected.get(code, 0)))
    return out


def run(*, children: int, url: str | None, keep: bool, reuse: bool, seed: int,
        as_of: date | None, changes: int, budget: float, rule_budget: float,
        only_incremental: bool = False, check: bool = False, log=print) -> BenchReport:
    target = database.Target(url or database.default_url())
    database.check_scale(target, children)
    day = as_of or clock.today()
    report = BenchReport(children, seed, day, target.describe(), target.vendor,
                         code=code_version(), load_before=_load(),
                         only_incremental=only_incremental)
    reused = database.prepare(target, reuse=reuse, log=log)
    # production's settings where they change the cost: no debug query log (the figures
    # count statements with an execute wrapper); the outbox still writes every notification,
    # only the e-mail leaves for nowhere
    mail = override_settings(DEBUG=False,
                             EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    mail.enable()
    try:
        if reused:
            meta = database.read_stamp()
            report.reused = True
            report.children = int(meta.get("children", children))
            day = report.as_of = date.fromisoformat(meta["as_of"])
            log(f"Bestaande populatie hergebruikt: {report.children:,} kinderen per {day}.")
        else:
            log(f"Populatie opbouwen: {children:,} kinderen met een open risico …")
            report.build = build_population(
                children=children, seed=seed, as_of=day, fresh=not target.is_current,
                conninfo=None if target.is_current else target.url, log=log)
            if not target.is_current:
                database.stamp({"state": "built", "children": str(children), "seed": str(seed),
                                "as_of": day.isoformat(), "built_at": datetime.now().isoformat()})
        _measure(report, day, target, changes=changes, seed=seed, budget=budget,
                 rule_budget=rule_budget, check=check, log=log)
    finally:
        mail.disable()
        report.load_after = _load()
        database.finish(target, keep=keep or reused, log=log)
    return report


def _measure(report: BenchReport, day: date, target: database.Target, *, changes: int,
             seed: int, budget: float, rule_budget: float, check: bool, log) -> None:
    pg = target.vendor == "postgresql"
    report.roundtrip_ms = roundtrip_ms()
    report.server = server_settings()
    if report.only_incremental:
        log("Alleen de wijzigingen en de incrementele sweep (--only-incremental): geen vloer, "
            "geen volledige sweeps.")
    else:
        _full_sweeps(report, day, pg, budget, log)
    log(f"{changes:,} wijzigingen via de services …")
    with clock.frozen(datetime(day.year, day.month, day.day, 12, 0)):
        report.changes = make_changes(changes, seed=seed, log=log)
    log(f"  {report.changes.made:,} wijzigingen op {len(report.changes.children):,} kinderen in "
        f"{report.changes.seconds:.1f} s")
    if pg:
        _analyse(log)
    log("Incrementele sweep van de gewijzigde kinderen …")
    inc = measured_sweep("incremental sweep", day, budget, children=report.changes.children)
    report.sweeps.append(inc)
    log(f"  {inc.seconds:.1f} s{'' if inc.finished else ' — gestopt: budget op'}")
    if pg and not report.only_incremental:
        report.floor_scoped = floor.run(day, scope=report.changes.children)
    if not report.only_incremental:  # without a full sweep before it, it would be one
        _nightly(report, day + timedelta(days=1), budget, check, log)
    if not all(s.finished for s in report.sweeps):
        log(f"Een sweep haalde het budget niet: elke regel apart, lezend, max "
            f"{rule_budget:.0f} s per regel …")
        expected = {f.code: f.rows for f in report.floor_full}
        report.estimates = rule_estimates(day, rule_budget, expected)


def _nightly(report: BenchReport, day: date, budget: float, check: bool, log) -> None:
    """The next night: the nightly sweep (the changes and the children whose day has come),
    rolled back so that a kept population stays as it was; with ``check``, compared with a
    full sweep of that day."""
    log(f"Nachtelijke sweep van {day} (bijgehouden toestand; teruggedraaid) …")
    nightly = measured_sweep("nightly sweep (next day)", day, budget, full=False, rollback=True)
    report.sweeps.append(nightly)
    log(f"  {nightly.seconds:.1f} s, {nightly.mode}"
        + (f" ({nightly.children:,} kinderen: {nightly.triggers})" if nightly.children is not None
           else f" — {nightly.reason}"))
    if check:
        log(f"  {CHECK_NIGHTS} nachten nachtelijk en {CHECK_NIGHTS} volledig vergelijken "
            "(teruggedraaid) …")
        report.nightly_same, report.nightly_rows, report.nightly_difference = check_nightly(day)
        log(f"  {'gelijk' if report.nightly_same else 'VERSCHIL'}: {report.nightly_rows:,} rijen"
            + (f"; {report.nightly_difference}" if report.nightly_difference else ""))


def _full_sweeps(report: BenchReport, day: date, pg: bool, budget: float, log) -> None:
    """The floor of every rule, then a cold full sweep and, when it finished, a steady one."""
    if pg:
        log("Vloer: elke regel als één SQL-query …")
        report.floor_full = floor.run(day)
    log(f"Volledige sweep (koud; budget {budget:.0f} s) …")
    cold = measured_sweep("full sweep (cold)", day, budget)
    report.sweeps.append(cold)
    log(f"  {cold.seconds:.1f} s" + ("" if cold.finished else
                                     f" — gestopt: {cold.error or 'budget op'}"))
    if pg:
        _analyse(log)
    if cold.finished:
        log("Volledige sweep (stabiel: nog eens) …")
        steady = measured_sweep("full sweep (steady)", day, budget)
        report.sweeps.append(steady)
        log(f"  {steady.seconds:.1f} s{'' if steady.finished else ' — gestopt: budget op'}")


def _analyse(log) -> None:
    """Fresh planner statistics after the bench's own bulk writes (a cold sweep's million
    tasks, the changes), outside the timed sweeps: in production autovacuum does this between
    the nightly sweep and the day's changes; a bench that measures seconds later would
    otherwise time the planner's guesses about an empty task table, not the watchdog."""
    from django.db import connection

    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    log(f"  ANALYZE {time.perf_counter() - t:.1f} s")


def cpu_count() -> int:
    return os.cpu_count() or 0
