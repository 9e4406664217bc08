"""``kindzicht bench index``: the reference index at national scale, against the plain SQL
floor.

1. build the population (or reuse a kept one) in the bench's own database: young people
   0–23 with their parents and households, the active signals and the matches and open risk
   they made (:mod:`indexpop`, through the sweep's COPY machinery);
2. single registrations through the real service (``index.services.signal_register``: the
   signal, its event and audit entry, family-level matching, the informing task, open risk,
   notifications in the outbox) on members of families with other signals — a warm-up, then
   the measured ones, sequentially and with ``workers`` processes at once;
3. the same number of registrations as plain SQL through psycopg (the floor: insert the
   signal, look up the family, find the other signals);
4. the bulk import of ``import_rows`` registrations through ``index.bulk.signals_import``,
   timed end to end and per phase, against the same inserts and lookups as plain SQL, set-based
   (its floor, :mod:`import_floor`).
"""

from __future__ import annotations

import functools
import multiprocessing
import random
import statistics
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, connections, transaction
from django.test.utils import override_settings

from kindzicht.core import clock, prepared

from . import database, import_floor
from .build import BuildResult, build_population
from .indexpop import Candidate, IndexPopulation
from .measure import Cpu, Figures, Meter, cpu_used
from .sweep import _load, code_version, roundtrip_ms, server_settings

CANDIDATES = "kindzicht_bench_candidates"
#: the issue's targets
TARGETS = {"p50_ms": 5.0, "p99_ms": 25.0, "per_second": 500.0, "import_s": 120.0}
#: sectors a measured registration comes from (local organisations, authorised to signal)
YOUNG_SECTORS = ("district_team", "youth_health", "school", "gp", "attendance_officer")
ADULT_SECTORS = ("social_work", "debt_counselling", "district_team", "housing")


@dataclass
class Latencies:
    label: str
    workers: int = 1
    n: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    per_second: float = 0.0
    queries: float = 0.0        # per registration
    cpu_ms: float = 0.0         # this process's CPU per registration (Python, not the server)
    refused: dict[str, int] = field(default_factory=dict)
    matches: int = 0
    notifications: int = 0
    audit_entries: int = 0


@dataclass
class ImportRun:
    rows: int = 0
    imported: int = 0
    rejected: int = 0
    seconds: float = 0.0
    queries: int = 0
    phases: dict[str, Figures] = field(default_factory=dict)
    matches: int = 0
    error: str = ""
    floor_seconds: float = 0.0
    floor_phases: dict[str, float] = field(default_factory=dict)
    #: rows inserted per table, by the import and by its floor (PostgreSQL): the same inserts
    rows_written: dict[str, int] = field(default_factory=dict)
    floor_rows: dict[str, int] = field(default_factory=dict)
    #: the machine's CPU over the import (the Python's and the rest: the server, when local)
    cpu: Cpu | None = None


@dataclass
class IndexReport:
    young: int
    signals: int
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
    uptime_before: str = ""
    uptime_after: str = ""
    build: BuildResult | None = None
    reused: bool = False
    persons: int = 0
    active_signals: int = 0
    open_matches: int = 0
    active_signals_after: int = 0
    open_matches_after: int = 0
    candidates: int = 0
    warmup: int = 0
    registrations: list[Latencies] = field(default_factory=list)
    floor: Latencies | None = None
    bulk: ImportRun | None = None


def _uptime() -> str:
    try:
        seconds = float(open("/proc/uptime").read().split()[0])
    except OSError:
        return "?"
    return f"up {seconds / 3600:.1f} h, load average {_load()}"


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def _summary(label: str, times: list[float], seconds: float, workers: int = 1) -> Latencies:
    ms = [t * 1000 for t in times]
    return Latencies(label, workers, len(ms), seconds,
                     statistics.median(ms) if ms else 0.0, _pct(ms, 0.95), _pct(ms, 0.99),
                     max(ms) if ms else 0.0, len(ms) / seconds if seconds > 0 else 0.0)


# --- the population --------------------------------------------------------------------------


def _save_candidates(pop: IndexPopulation) -> None:
    """Keep the registration candidates with the population (``--reuse`` needs them)."""
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {CANDIDATES}")
        cur.execute(f"CREATE TABLE {CANDIDATES} (n serial PRIMARY KEY, person integer NOT NULL, "
                    "adult boolean NOT NULL, place varchar(4) NOT NULL, signalled text NOT NULL)")
        rows = [(c.person, c.adult, c.place, ",".join(map(str, c.signalled_by)))
                for c in pop.candidates]
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {CANDIDATES} (person, adult, place, signalled) "
                                 "FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
        else:
            cur.executemany(f"INSERT INTO {CANDIDATES} (person, adult, place, signalled) "
                            "VALUES (%s, %s, %s, %s)", rows)


def _candidates() -> list[Candidate]:
    with connection.cursor() as cur:
        # still without a signal (a kept population carries the registrations of earlier runs)
        cur.execute(f"SELECT c.person, c.adult, c.place, c.signalled FROM {CANDIDATES} c "
                    "WHERE NOT EXISTS (SELECT 1 FROM refindex_signal s WHERE s.person_id = "
                    "c.person AND s.ended_at IS NULL) ORDER BY c.n")
        return [Candidate(p, a, code, tuple(int(x) for x in s.split(",") if x))
                for p, a, code, s in cur.fetchall()]


def _counts(report: IndexReport, *, after: bool = False) -> None:
    from kindzicht.index.models import Match, Signal
    from kindzicht.people.models import Person

    signals = Signal.objects.filter(ended_at__isnull=True).count()
    matches = Match.objects.filter(ended_on__isnull=True).count()
    if after:
        report.active_signals_after, report.open_matches_after = signals, matches
    else:
        report.persons = Person.objects.count()
        report.active_signals, report.open_matches = signals, matches


# --- registrations through the service --------------------------------------------------------


@dataclass
class Planned:
    person: int
    professional: int


def _plan(cands: list[Candidate], n: int, rng: random.Random) -> list[Planned]:
    """``n`` registrations on distinct candidates, each by a local organisation of an
    authorised sector that has no signal in the family yet."""
    from kindzicht.index.policy import DEFAULT_AUTHORISED
    from kindzicht.people.models import Professional

    by_place: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pro, org, sector, code in Professional.objects.filter(
            role="professional", organisation__sector__in=DEFAULT_AUTHORISED).exclude(
            organisation__municipality_code="").values_list(
            "pk", "organisation_id", "organisation__sector", "organisation__municipality_code"):
        by_place[(code, sector)].append((pro, org))
    picked = rng.sample(cands, min(n, len(cands)))
    out = []
    for c in picked:
        sectors = list(ADULT_SECTORS if c.adult else YOUNG_SECTORS)
        rng.shuffle(sectors)
        for sector in sectors:
            choice = [(p, o) for p, o in by_place.get((c.place, sector), ())
                      if o not in c.signalled_by]
            if choice:
                out.append(Planned(c.person, rng.choice(choice)[0]))
                break
    return out


def _register_all(plans: list[Planned], day: date
                  ) -> tuple[list[float], dict[str, int], int, float]:
    """Register each planned signal through the service; (latencies, refusals, queries,
    seconds of this process's CPU)."""
    from kindzicht.core import outbox
    from kindzicht.core.actions import Actor
    from kindzicht.core.errors import Forbidden, NotFound, Refused, ValidationError
    from kindzicht.index.services import signal_register
    from kindzicht.people.models import Person, Professional

    pros = Professional.objects.select_related("organisation").in_bulk(
        list({p.professional for p in plans}))
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    times: list[float] = []
    refused: dict[str, int] = defaultdict(int)
    cpu = time.process_time()
    with clock.frozen(datetime(day.year, day.month, day.day, 12, 0, tzinfo=clock.zone())), \
            connection.execute_wrapper(count):
        for p in plans:
            actor = Actor.of(pros[p.professional], purpose="bench index")
            started = time.perf_counter()
            try:
                # as the API reads the person its request names (IdRelatedField)
                person = prepared.get(Person, p.person)
                signal_register(actor, person=person)
            except (ValidationError, Refused, Forbidden, NotFound) as exc:
                refused[getattr(exc, "code", "") or type(exc).__name__] += 1
                continue
            times.append(time.perf_counter() - started)
        # the notifications still waiting for the outbox's sender thread are part of the
        # run's work (its CPU and its duration), though no registration waits for them
        outbox.flush(timeout=60)
    return times, dict(refused), queries[0], time.process_time() - cpu


#: registrations each worker makes before the timed run: a server's worker has been serving
#: for a while — connected, its statements prepared, its outbox thread started
WORKER_WARMUP = 5


def _worker(plans: list[Planned], day: date, out, ready) -> None:
    connections["default"].close()   # never share the parent's socket
    try:
        _register_all(plans[:WORKER_WARMUP], day)
        ready.wait()  # every worker warm: the parent starts the clock
        out.put(("ok", *_register_all(plans[WORKER_WARMUP:], day)))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        ready.abort()  # the parent does not wait for a worker that will never be ready
        out.put(("error", f"{type(exc).__name__}: {exc}", {}, 0, 0.0))
    finally:
        connections["default"].close()


def measure_registrations(label: str, plans: list[Planned], day: date,
                          workers: int = 1) -> Latencies:
    from kindzicht.core.models import AuditEntry, Notification
    from kindzicht.index.models import Match

    before = (Match.objects.count(), Notification.objects.count(), AuditEntry.objects.count())
    if workers <= 1:
        started = time.perf_counter()
        times, refused, queries, cpu = _register_all(plans, day)
        seconds = time.perf_counter() - started
    else:
        connections.close_all()
        ctx = multiprocessing.get_context("fork")
        out, ready = ctx.Queue(), ctx.Barrier(workers + 1)
        procs = [ctx.Process(target=_worker, args=(plans[i::workers], day, out, ready))
                 for i in range(workers)]
        for proc in procs:
            proc.start()
        try:
            ready.wait(timeout=600)  # the clock runs from here: start-up is not counted
        except threading.BrokenBarrierError:
            pass  # a worker failed: its error is in the results
        started = time.perf_counter()
        results = [out.get() for _ in procs]
        seconds = time.perf_counter() - started
        for proc in procs:
            proc.join()
        times, refused, queries, cpu = [], defaultdict(int), 0, 0.0
        for status, t, r, q, c in results:
            if status != "ok":
                raise RuntimeError(f"bench worker failed: {t}")
            times += t
            queries += q
            cpu += c
            for k, v in r.items():
                refused[k] += v
        refused = dict(refused)
        plans = [p for i in range(workers) for p in plans[i::workers][WORKER_WARMUP:]]
    lat = _summary(label, times, seconds, workers)
    lat.queries = queries / max(len(plans), 1)
    lat.cpu_ms = cpu * 1000 / max(len(plans), 1)
    lat.refused = refused
    lat.matches = Match.objects.count() - before[0]
    lat.notifications = Notification.objects.count() - before[1]
    lat.audit_entries = AuditEntry.objects.count() - before[2]
    return lat


# --- the floor: the same registrations as plain SQL --------------------------------------------

#: the family of one person (findings.md: parents, step-parents, siblings and half-siblings,
#: household members) and their active signals — one statement
FAMILY_SIGNALS = """
WITH me AS (SELECT %(person)s::int AS id),
parents AS (
  SELECT r.person_id AS id FROM people_relation r, me
  WHERE r.other_id = me.id AND r.kind IN ('parent_of', 'guardian_of')
    AND (r.valid_to IS NULL OR r.valid_to > %(day)s)),
kids AS (
  SELECT r.other_id AS id FROM people_relation r
  WHERE r.kind IN ('parent_of', 'guardian_of')
    AND (r.valid_to IS NULL OR r.valid_to > %(day)s)
    AND r.person_id IN (SELECT id FROM me UNION SELECT id FROM parents)),
partners AS (
  SELECT CASE WHEN r.person_id = p.id THEN r.other_id ELSE r.person_id END AS id
  FROM people_relation r JOIN (SELECT id FROM me UNION SELECT id FROM parents) p
    ON r.person_id = p.id OR r.other_id = p.id
  WHERE r.kind = 'partner_of' AND (r.valid_to IS NULL OR r.valid_to > %(day)s)),
homes AS (
  SELECT m.household_id FROM people_householdmembership m, me
  WHERE m.person_id = me.id AND (m.left_on IS NULL OR m.left_on > %(day)s)),
housemates AS (
  SELECT m.person_id AS id FROM people_householdmembership m
  WHERE m.household_id IN (SELECT household_id FROM homes)
    AND (m.left_on IS NULL OR m.left_on > %(day)s)),
family AS (
  SELECT id FROM parents UNION SELECT id FROM kids UNION SELECT id FROM partners
  UNION SELECT id FROM housemates)
SELECT s.person_id, s.organisation_id, s.contact FROM refindex_signal s
WHERE s.person_id IN (SELECT id FROM family) AND s.ended_at IS NULL
"""

INSERT_SIGNAL = """
INSERT INTO refindex_signal (at, "on", person_id, organisation_id, professional_id, contact,
  observer, expires_on, end_reason)
VALUES (%s, %s, %s, %s, %s, %s, '', %s, '') RETURNING id
"""


def _raw():
    """The psycopg connection under Django's: plain SQL, no ORM — and in a test, inside the
    test's transaction (a second connection would not see its rows)."""
    connection.ensure_connection()
    return connection.connection


def measure_floor(plans: list[Planned], day: date) -> Latencies:
    """Each registration as plain SQL in its own transaction: insert the signal, then the
    family's active signals in one statement — the least the service must do."""
    from kindzicht.people.models import Professional

    orgs = dict(Professional.objects.filter(pk__in={p.professional for p in plans})
                .values_list("pk", "organisation_id"))
    moment = datetime(day.year, day.month, day.day, 12, 0, tzinfo=clock.zone())
    expires = date(day.year + 2, day.month, min(day.day, 28))
    times = []
    conn = _raw()
    started = time.perf_counter()
    cpu = time.process_time()
    for p in plans:
        t = time.perf_counter()
        with conn.transaction():
            conn.execute(INSERT_SIGNAL, [moment, day, p.person, orgs[p.professional],
                                         p.professional, "bench floor", expires])
            conn.execute(FAMILY_SIGNALS, {"person": p.person, "day": day}).fetchall()
        times.append(time.perf_counter() - t)
    seconds = time.perf_counter() - started
    lat = _summary("vloer: dezelfde registraties als SQL", times, seconds)
    lat.queries = 2
    lat.cpu_ms = (time.process_time() - cpu) * 1000 / max(len(plans), 1)
    return lat


# --- the bulk import -----------------------------------------------------------------------------


def _import_csv(rows: int, day: date, seed: int) -> str:
    """``rows`` registrations on young people without a signal, each by a local organisation
    of their municipality (an authorised sector), half of them already informed."""
    from kindzicht.index.bulk import rows_of
    from kindzicht.index.policy import DEFAULT_AUTHORISED
    from kindzicht.people.models import Organisation

    local: dict[str, list[int]] = defaultdict(list)
    for pk, code in Organisation.objects.filter(sector__in=DEFAULT_AUTHORISED).exclude(
            municipality_code="").values_list("pk", "municipality_code"):
        local[code].append(pk)
    rng = random.Random(seed ^ 0x1DE)
    young_from = date(day.year - 23, day.month, min(day.day, 28))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT p.bsn, p.given_name, p.family_name, p.birth_date, a.municipality_code "
            "FROM people_person p "
            "JOIN people_householdmembership m ON m.person_id = p.id AND m.left_on IS NULL "
            "JOIN people_householdaddress a ON a.household_id = m.household_id "
            "AND a.valid_to IS NULL "
            "WHERE p.birth_date > %s AND NOT EXISTS (SELECT 1 FROM refindex_signal s "
            "WHERE s.person_id = p.id AND s.ended_at IS NULL) "
            "ORDER BY (p.id * 2654435761 + %s) %% 4294967291, p.id LIMIT %s",
            [young_from, seed, rows])
        found = cur.fetchall()
    records = []
    for bsn, given, family, birth, code in found:
        records.append({"organisation": str(rng.choice(local[code])), "bsn": bsn,
                        "given_name": given, "family_name": family,
                        "birth_date": birth.isoformat(), "contact": "Team, 030-1234567",
                        "registered_on": day.isoformat(),
                        "informed_on": day.isoformat() if rng.random() < 0.5 else ""})
    return rows_of(records)


def _timed_phases(meter: Meter):
    """Wrap the import's steps (and the risk and matching it calls) in meter labels."""
    from kindzicht.continuity import risk
    from kindzicht.index import bulk, matching

    targets = [(bulk, "_read"), (bulk, "_stage"), (bulk, "_lookups"),
               (bulk, "_validate_people"), (bulk, "record_many"),
               (bulk, "children_and_families_of"), (bulk, "_families", "signalled_families"),
               (risk, "lock_children"),
               (risk, "children_concerned_by"), (risk, "open_risk"),
               (risk, "_at_open_risk"), (risk, "_end_current_periods"), (risk, "_start_periods"),
               (bulk, "reserve"), (risk, "reserve", "reserve (risk_opened)"),
               (risk, "record_many", "record_many (risk_opened)"),
               (matching, "read_first"), (matching, "rematch"), (matching, "_notify"),
               (bulk, "_write"),
               (sys.modules[__name__], "_commit_checks"),
               (sys.modules[__name__], "_after_commit")]
    saved = [(mod, name, getattr(mod, name), label[0] if label else name.strip("_"))
             for mod, name, *label in targets]

    def wrap(label, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            with meter.label(label):
                return fn(*args, **kwargs)
        return timed

    for mod, name, fn, label in saved:
        setattr(mod, name, wrap(label, fn))

    def restore():
        for mod, name, fn, _label in saved:
            setattr(mod, name, fn)
    return restore


#: what a commit checks first: the foreign keys, which Django makes ``DEFERRABLE INITIALLY
#: DEFERRED`` — a row at a time, at commit. A rolled-back run never gets there, so the bench
#: makes them due before it rolls back (PostgreSQL; SQLite checks its keys as it writes).
COMMIT_CHECKS = "SET CONSTRAINTS ALL IMMEDIATE"


def _commit_checks(cursor) -> None:
    """The deferred constraint checks a commit would run, run now (:data:`COMMIT_CHECKS`)."""
    cursor.execute(COMMIT_CHECKS)


def _after_commit() -> None:
    """What the import's commit would set off (sending the notifications from the outbox),
    run inside the bench's own transaction: the import is measured with everything it does,
    and then rolled back so that a ``--reuse`` run imports into the same state each time."""
    hooks = list(connection.run_on_commit)
    connection.run_on_commit = []
    # inline: the outbox's sender thread has a connection of its own, which would not see
    # the import's rows before the bench rolls them back (and its work would go unmeasured)
    with override_settings(OUTBOX_DELIVERY="inline"):
        for _savepoints, hook, _robust in hooks:
            hook()


def measure_import(rows: int, day: date, seed: int, log) -> ImportRun:
    """The import end to end — with what its commit would do: the deferred foreign key
    checks and the after-commit work —, rolled back afterwards."""
    from kindzicht.core.actions import Actor
    from kindzicht.index.bulk import signals_import
    from kindzicht.index.models import Match

    run = ImportRun()
    text = _import_csv(rows, day, seed)
    run.rows = text.count("\n") - 1
    log(f"  {run.rows:,} rijen klaar; import via index.bulk.signals_import …")
    before = Match.objects.count()
    inserted = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            inserted = import_floor.rows_written(cursor)
    meter = Meter()
    restore = _timed_phases(meter)
    started = time.perf_counter()
    try:
        with transaction.atomic():
            with cpu_used() as run.cpu, clock.frozen(datetime(day.year, day.month, day.day, 12,
                                                              0, tzinfo=clock.zone())), \
                    connection.execute_wrapper(meter._count):
                result = signals_import(Actor.system("bench index import"), source=text,
                                        partial=True)
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        _commit_checks(cursor)
                _after_commit()
            run.seconds = time.perf_counter() - started
            run.imported = result.imported
            run.rejected = len(result.rejected)
            run.matches = Match.objects.count() - before
            if inserted is not None:
                with connection.cursor() as cursor:
                    run.rows_written = import_floor.rows_written(cursor, since=inserted)
            transaction.set_rollback(True)
    except Exception as exc:  # noqa: BLE001 - a failure at scale is a finding
        run.error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        run.seconds = time.perf_counter() - started
    finally:
        restore()
    run.queries = meter.total_queries
    run.phases = dict(meter.figures)
    log(f"  {run.imported:,} geïmporteerd in {run.seconds:.1f} s"
        + (f" — FOUT: {run.error}" if run.error else ""))
    return run


def measure_import_floor(run: ImportRun, day: date, seed: int, log) -> None:
    """The import's floor (:mod:`import_floor`): the same inserts and lookups as plain SQL,
    set-based, in one transaction — rolled back."""
    text = _import_csv(run.rows, day, seed)  # the same rows: the import was rolled back
    run.floor_seconds, run.floor_phases, run.floor_rows = import_floor.measure(_raw(), text, day)
    log(f"  vloer: {run.floor_seconds:.1f} s")


def vacuum_after_import(log) -> None:
    """Clear what the rolled-back import left behind: its million dead rows in the tables it
    wrote and in their indexes (autovacuum may be off, or late). The next ``--reuse`` run's
    registrations would read past them: measured on the national population, 370 → 242
    registrations/s, and the floor's plain SQL 592 → 389/s. Outside a transaction (VACUUM
    cannot run in one): the bench's own database only."""
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f"VACUUM (ANALYZE) {', '.join(import_floor.import_tables())}")
    log(f"  opgeruimd na de teruggedraaide import (VACUUM ANALYZE): "
        f"{time.perf_counter() - started:.1f} s")


# --- the run -----------------------------------------------------------------------------------


def run(*, young: int, signals: int, registrations: int, import_rows: int, url: str | None,
        keep: bool, reuse: bool, seed: int, as_of: date | None, workers: int,
        log=print) -> IndexReport:
    url = url or database.default_url().rsplit("/", 1)[0] + "/kindzicht_bench_index"
    target = database.Target(url)
    database.check_scale(target, young)
    day = as_of or clock.today()
    report = IndexReport(young, signals, seed, day, target.describe(), target.vendor,
                         code=code_version(), load_before=_load(), uptime_before=_uptime())
    reused = database.prepare(target, reuse=reuse, log=log)
    # production's settings where they change the cost: no debug query log (the figures
    # count statements with an execute wrapper), no e-mail leaving
    mail = override_settings(DEBUG=False,
                             EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    mail.enable()
    try:
        if reused:
            meta = database.read_stamp()
            report.reused = True
            report.young = int(meta.get("young", young))
            report.signals = int(meta.get("signals", signals))
            day = report.as_of = date.fromisoformat(meta["as_of"])
            log(f"Bestaande populatie hergebruikt: {report.young:,} jongeren per {day}.")
        else:
            log(f"Populatie opbouwen: {young:,} jongeren van 0–23 met ouders en huishoudens, "
                f"{signals:,} actieve signalen …")
            report.build = build_population(
                children=young, seed=seed, as_of=day, fresh=not target.is_current,
                conninfo=None if target.is_current else target.url, log=log,
                make=functools.partial(IndexPopulation, signals=signals),
                drawn=_save_candidates, what="jongeren")
            if not target.is_current:
                database.stamp({"state": "built", "bench": "index", "young": str(young),
                                "signals": str(signals), "seed": str(seed),
                                "as_of": day.isoformat(), "built_at": datetime.now().isoformat()})
        _measure(report, day, target, registrations=registrations, import_rows=import_rows,
                 seed=seed, workers=workers, log=log)
    finally:
        from kindzicht.core import outbox

        outbox.shutdown()  # what is still waiting leaves under the dummy backend, too
        mail.disable()
        report.load_after = _load()
        report.uptime_after = _uptime()
        database.finish(target, keep=keep or reused, log=log)
    return report


def _measure(report: IndexReport, day: date, target: database.Target, *, registrations: int,
             import_rows: int, seed: int, workers: int, log) -> None:
    pg = target.vendor == "postgresql"
    report.roundtrip_ms = roundtrip_ms()
    report.server = server_settings()
    _counts(report)
    cands = _candidates()
    report.candidates = len(cands)
    rng = random.Random(seed ^ 0x51)
    warm = max(1, min(200, registrations // 10))
    parts = 1 + (1 if workers > 1 else 0) + (1 if pg else 0)
    plans = _plan(cands, warm + registrations * parts, rng)
    if len(plans) < warm + registrations * parts:
        log(f"  (slechts {len(plans):,} kandidaten met een passende organisatie)")
    chunk = max(1, (len(plans) - warm) // parts)
    todo = plans[warm:]
    log(f"Opwarmen: {warm:,} registraties via de service …")
    report.warmup = measure_registrations("opwarmen", plans[:warm], day).n
    log(f"{chunk:,} registraties via de service, na elkaar …")
    seq = measure_registrations("registraties via de service (na elkaar)", todo[:chunk], day)
    report.registrations.append(seq)
    log(f"  p50 {seq.p50_ms:.1f} ms, p99 {seq.p99_ms:.1f} ms, {seq.per_second:,.0f}/s")
    if workers > 1:
        log(f"{chunk:,} registraties via de service, {workers} processen tegelijk …")
        par = measure_registrations(f"registraties via de service ({workers} tegelijk)",
                                    todo[chunk:2 * chunk], day, workers=workers)
        report.registrations.append(par)
        log(f"  p50 {par.p50_ms:.1f} ms, p99 {par.p99_ms:.1f} ms, {par.per_second:,.0f}/s")
    if pg:
        log("Vloer: dezelfde registraties als SQL (psycopg) …")
        report.floor = measure_floor(todo[-chunk:], day)
        log(f"  p50 {report.floor.p50_ms:.2f} ms, {report.floor.per_second:,.0f}/s")
    if import_rows > 0:
        log(f"Bulkimport van {import_rows:,} registraties …")
        report.bulk = measure_import(import_rows, day, seed, log)
        if pg and report.bulk.rows:
            measure_import_floor(report.bulk, day, seed, log)
        if pg and not target.is_current:
            vacuum_after_import(log)
    _counts(report, after=True)
