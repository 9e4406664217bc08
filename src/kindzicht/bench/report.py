"""The bench's figures as text (the command prints them; docs/benchmarks.md quotes them) and
as plain data (``--json``)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime

from .sweep import CHECK_NIGHTS, BenchReport, SweepRun, cpu_count

TARGETS = {"full": 60.0, "incremental": 2.0}


def _s(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.3f}" if x < 10 else f"{x:,.1f}"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b <= 0:
        return "—"
    return f"×{a / b:,.0f}" if a / b >= 10 else f"×{a / b:,.1f}"


def text(r: BenchReport) -> str:
    out: list[str] = []
    add = out.append
    add(f"kindzicht bench sweep — {r.children:,} kinderen met een open risico, per {r.as_of} "
        f"(seed {r.seed})")
    add(f"database: {r.target}; machine: {cpu_count()} cores, load average "
        f"{r.load_before} (start) / {r.load_after} (eind)")
    add(f"code: {r.code}; één query-rondgang (SELECT 1, mediaan): {r.roundtrip_ms:.2f} ms")
    add(f"server: {r.server}")
    if r.build:
        b = r.build
        add("")
        add(f"Populatie: {b.families:,} gezinnen, {b.rows.get('people_person', 0):,} personen, "
            f"{b.organisations:,} organisaties, {b.total_rows:,} rijen")
        add(f"  opgebouwd in {_s(b.seconds_total)} s (COPY {_s(b.seconds_generate)} s, indexen en "
            f"constraints {_s(b.seconds_constraints)} s, VACUUM ANALYZE {_s(b.seconds_analyze)} s)")
        top = sorted(b.rows.items(), key=lambda kv: -kv[1])
        add("  " + ", ".join(f"{k} {v:,}" for k, v in top if v))
    elif r.reused:
        add("Populatie: hergebruikt (--reuse); sweeps zijn dan niet koud.")
    if r.only_incremental:
        add("Alleen incrementeel (--only-incremental): de vloer en de volledige sweeps (koud en "
            "stabiel) zijn NIET gedraaid; hieronder alleen de wijzigingen en de incrementele "
            "sweep.")
    floor_full = sum(f.seconds for f in r.floor_full) if r.floor_full else None
    floor_scoped = sum(f.seconds for f in r.floor_scoped) if r.floor_scoped else None
    add("")
    add("Tijden (wandklok)")
    for s in r.sweeps:
        # the nightly sweep is what runs every night instead of a full one: the full target
        target = TARGETS["incremental" if s.mode == "children" else "full"]
        floor_s = floor_scoped if s.mode == "children" else floor_full
        status = "" if s.finished else (f"  FOUT: {s.error}" if s.error else
                                        f"  GESTOPT na het budget (> {_s(s.seconds)} s)")
        scope = f" ({s.children:,} kinderen)" if s.children is not None else ""
        add(f"  {s.label + scope:<38} {_s(s.seconds):>10} s  doel < {target:.0f} s  "
            f"{s.queries:,} queries, {s.raised:,} taken, Python-cpu {_s(s.cpu_seconds)} s  "
            f"vs vloer {_ratio(s.seconds, floor_s)}{status}")
    if r.changes:
        c = r.changes
        add(f"  {c.made:,} wijzigingen via de services{'':<8} {_s(c.seconds):>10} s  "
            f"({c.seconds / max(c.made, 1) * 1000:.1f} ms per wijziging; {c.refused} "
            f"geweigerd en overgedaan)")
        for what, n in c.errors.items():
            add(f"    FOUT in de service ({n}×, overgeslagen): {what}")
    for s in r.sweeps:
        if s.mode == "nightly":
            add(f"    {s.label}: kinderen per aanleiding "
                + ", ".join(f"{k} {v:,}" for k, v in s.triggers.items()))
        elif s.reason:
            add(f"    {s.label}: volledig, want {s.reason}")
    if r.nightly_same is not None:
        add(f"  nachtelijke sweeps = volledige sweeps, {CHECK_NIGHTS} nachten vanaf de dag erna: "
            f"{'JA' if r.nightly_same else 'NEE'} ({r.nightly_rows:,} rijen vergeleken)"
            + (f"; eerste verschil: {r.nightly_difference}" if r.nightly_difference else ""))
    if floor_full is not None:
        add(f"  {'vloer: alle regels als SQL (volledig)':<38} {_s(floor_full):>10} s")
    if floor_scoped is not None:
        add(f"  {'vloer: alle regels als SQL (gewijzigd)':<38} {_s(floor_scoped):>10} s")
    add("")
    add(_rule_table(r))
    for s in r.sweeps:
        if s.phases:
            add("")
            add(f"Watchdog-fasen, {s.label}:")
            for name, f in sorted(s.phases.items(), key=lambda kv: -kv[1].seconds):
                add(f"  {name:<22} {_s(f.seconds):>10} s {f.queries:>10,} queries")
            rest = s.seconds - sum(f.seconds for f in s.rules.values()) - sum(
                f.seconds for f in s.phases.values())
            add(f"  {'(overig)':<22} {_s(rest):>10} s")
    return "\n".join(out)


def _rule_table(r: BenchReport) -> str:
    sweep: SweepRun | None = next((s for s in r.sweeps if s.mode == "full"), None)
    inc = next((s for s in r.sweeps if s.mode == "children"), None)
    floors = {f.code: f for f in r.floor_full}
    floors_scoped = {f.code: f for f in r.floor_scoped}
    est = {e.code: e for e in r.estimates}
    codes = list(dict.fromkeys([*(sweep.rules if sweep else {}), *(inc.rules if inc else {}),
                                *floors, *est]))
    lines = ["Per regel (volledige sweep koud | incrementeel | vloer volledig | vloer gewijzigd)",
             f"  {'regel':<5} {'sweep s':>9} {'queries':>9} {'voork.':>7} {'inc s':>8} "
             f"{'vloer s':>8} {'rijen':>7} {'ratio':>7} {'vl.inc s':>8}"
             + ("  alleen-lezen schatting" if est else "")]
    first = sweep or inc   # --only-incremental: ordered by the incremental sweep's figures
    for code in sorted(codes, key=lambda c: -(first.rules[c].seconds if first and c in
                                                first.rules else 0)):
        f = sweep.rules.get(code) if sweep else None
        i = inc.rules.get(code) if inc else None
        fl = floors.get(code)
        fs = floors_scoped.get(code)
        line = (f"  {code:<5} {_s(f.seconds if f else None):>9} "
                f"{(f.queries if f else 0):>9,} {max((f.steps if f else 1) - 1, 0):>7,} "
                f"{_s(i.seconds if i else None):>8} {_s(fl.seconds if fl else None):>8} "
                f"{(fl.rows if fl else 0):>7,} "
                f"{_ratio(f.seconds if f else None, fl.seconds if fl else None):>7} "
                f"{_s(fs.seconds if fs else None):>8}")
        e = est.get(code)
        if e:
            done = "klaar" if e.finished else f"{e.produced:,}/{e.expected:,} voork."
            line += (f"  {_s(e.seconds)} s, {e.queries:,} q, {done}"
                     + ("" if e.finished else f" → ~{_s(e.estimate)} s"))
        lines.append(line)
    return "\n".join(lines)


def _plain(o):
    """Dataclasses, dicts (also defaultdicts), sets and dates as JSON-ready values."""
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        return {f.name: _plain(getattr(o, f.name)) for f in dataclasses.fields(o)}
    if isinstance(o, dict):
        return {str(k): _plain(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_plain(v) for v in o]
    if isinstance(o, set):
        return len(o)
    if isinstance(o, (date, datetime)):
        return o.isoformat()
    return o


def as_json(r: BenchReport) -> str:
    return json.dumps(_plain(r), indent=2)


# --- kindzicht bench index ------------------------------------------------------------------


def _met(value: float, target: float, *, below: bool = True) -> str:
    ok = value <= target if below else value >= target
    return "gehaald" if ok else "NIET gehaald"


def index_text(r) -> str:  # r: index.IndexReport (imported lazily: index imports this module)
    from .index import TARGETS

    out: list[str] = []
    add = out.append
    add(f"kindzicht bench index — {r.young:,} jongeren van 0–23 met ouders en huishoudens, "
        f"{r.signals:,} actieve signalen (gevraagd), per {r.as_of} (seed {r.seed})")
    add(f"database: {r.target}; machine: {cpu_count()} cores; uptime {r.uptime_before} (start) "
        f"/ load {r.load_after} (eind)")
    add(f"code: {r.code}; één query-rondgang (SELECT 1, mediaan): {r.roundtrip_ms:.2f} ms")
    add(f"server: {r.server}")
    add("")
    if r.build:
        b = r.build
        add(f"Populatie: {b.families:,} gezinnen, {r.persons:,} personen, {r.active_signals:,} "
            f"actieve signalen, {r.open_matches:,} open matches, {b.organisations:,} "
            f"organisaties, {b.total_rows:,} rijen")
        add(f"  opgebouwd in {_s(b.seconds_total)} s (COPY {_s(b.seconds_generate)} s, indexen en "
            f"constraints {_s(b.seconds_constraints)} s, VACUUM ANALYZE {_s(b.seconds_analyze)} s)")
        top = sorted(b.rows.items(), key=lambda kv: -kv[1])
        add("  " + ", ".join(f"{k} {v:,}" for k, v in top if v))
    else:
        add(f"Populatie: hergebruikt (--reuse): {r.persons:,} personen, {r.active_signals:,} "
            f"actieve signalen, {r.open_matches:,} open matches")
    add(f"  na de meting: {r.active_signals_after:,} actieve signalen, {r.open_matches_after:,} "
        f"open matches")
    add(f"  kandidaten voor een registratie (gezinsleden zonder eigen signaal in een gezin met "
        f"signalen): {r.candidates:,}")
    add("")
    add("Registraties (één signaal, matching op gezinsniveau, via index.services.signal_register)")
    add("  (q/reg: SQL-queries per registratie; cpu ms: CPU van dit Python-proces per registratie "
        "— minder gevoelig voor de load van anderen dan de wandklok)")
    add(f"  {'':<44} {'aantal':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'per s':>8} {'q/reg':>6} {'cpu ms':>7} {'matches':>8}")
    rows = list(r.registrations) + ([r.floor] if r.floor else [])
    for lat in rows:
        add(f"  {lat.label:<44} {lat.n:>7,} {lat.p50_ms:>8.2f} {lat.p95_ms:>8.2f} "
            f"{lat.p99_ms:>8.2f} {lat.max_ms:>8.1f} {lat.per_second:>8,.0f} {lat.queries:>6.1f} "
            f"{lat.cpu_ms:>7.1f} {lat.matches:>8,}")
        if lat.refused:
            add("    geweigerd: " + ", ".join(f"{k} {v}" for k, v in lat.refused.items()))
    for lat in r.registrations:
        add(f"  {lat.label}: {lat.audit_entries:,} audit-regels, {lat.notifications:,} "
            f"meldingen in de outbox")
    if r.floor:
        for lat in r.registrations:
            add(f"  verhouding tot de vloer, {lat.label}: p50 "
                f"{_ratio(lat.p50_ms, r.floor.p50_ms)}, p99 {_ratio(lat.p99_ms, r.floor.p99_ms)}, "
                f"doorvoer {_ratio(r.floor.per_second, lat.per_second)} lager")
    best = max(r.registrations, key=lambda x: x.per_second, default=None)
    seq = r.registrations[0] if r.registrations else None
    if seq and best:
        rate = _met(best.per_second, TARGETS["per_second"], below=False)
        add(f"  doelen: p50 ≤ {TARGETS['p50_ms']:.0f} ms {_met(seq.p50_ms, TARGETS['p50_ms'])} "
            f"({seq.p50_ms:.1f}); p99 ≤ {TARGETS['p99_ms']:.0f} ms "
            f"{_met(seq.p99_ms, TARGETS['p99_ms'])} ({seq.p99_ms:.1f}); ≥ "
            f"{TARGETS['per_second']:.0f}/s {rate} "
            f"({best.per_second:,.0f}/s, {best.label})")
    if r.bulk:
        b = r.bulk
        add("")
        add(f"Bulkimport (index.bulk.signals_import, COPY naar een staging-tabel): {b.rows:,} "
            f"rijen, {b.imported:,} geïmporteerd, {b.rejected:,} afgewezen, {b.matches:,} "
            f"nieuwe matches")
        status = f"  FOUT: {b.error}" if b.error else ""
        per_s = b.imported / b.seconds if b.seconds else 0.0
        million = 1_000_000 / per_s if per_s else float("inf")
        add(f"  van begin tot eind {_s(b.seconds)} s, {b.queries:,} queries, {per_s:,.0f} "
            f"rijen/s; doel 1,000,000 rijen < {TARGETS['import_s']:.0f} s: lineair "
            f"geëxtrapoleerd {million:,.0f} s, {_met(million, TARGETS['import_s'])}{status}")
        if b.cpu is not None:
            add(_cpu_line(b.cpu))
        width = max(map(len, b.phases), default=0)
        for name, f in sorted(b.phases.items(), key=lambda kv: -kv[1].seconds):
            add(f"    {name:<{width}} {_s(f.seconds):>10} s {f.queries:>10,} queries "
                f"{f.steps:>7,}×")
        if b.floor_seconds:
            add(f"  vloer (dezelfde inserts en opzoekingen als SQL, set-based): "
                f"{_s(b.floor_seconds)} s; verhouding {_ratio(b.seconds, b.floor_seconds)}")
            width = max(map(len, b.floor_phases), default=0)
            for name, s in b.floor_phases.items():
                add(f"    {name:<{width}} {_s(s):>10} s")
        if b.rows_written or b.floor_rows:
            add("  rijen geschreven per tabel: import / vloer")
            tables = sorted(b.rows_written.keys() | b.floor_rows.keys())
            width = max(map(len, tables))
            for t in tables:
                add(f"    {t:<{width}} {b.rows_written.get(t, 0):>12,} "
                    f"{b.floor_rows.get(t, 0):>12,}")
    return "\n".join(out)


def _cpu_line(cpu) -> str:
    """What the import's CPU says (``bench.measure.Cpu``): how full the machine was, whose
    work it was, and the least wall clock that much work allows on these cores."""
    if cpu.machine is None:
        return f"  CPU: Python (dit proces) {_s(cpu.python)} s; de machine als geheel onbekend"
    return (f"  CPU: {_s(cpu.machine)} kernseconden op {cpu.cores} kernen "
            f"({cpu.busy:.0%} bezet): Python (dit proces) {_s(cpu.python)} s, de rest "
            f"{_s(cpu.rest)} s (de databaseserver, als die op deze machine draait); zoveel "
            f"werk vraagt hier ten minste {_s(cpu.bound)} s")
