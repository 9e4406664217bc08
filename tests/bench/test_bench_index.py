"""``kindzicht bench index`` at a tiny scale on the test database: it builds a population of
young people with families and signals that the database accepts, registers through the real
service, imports in bulk, and prints its figures — and the counts add up. No timing is
asserted: timings belong in docs/benchmarks.md, not in a test."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from kindzicht.core import clock
from kindzicht.core.models import AuditEntry
from kindzicht.index.models import Match, Signal
from kindzicht.people.models import Person

pytestmark = pytest.mark.django_db

YOUNG = 400
SIGNALS = 150
REGISTRATIONS = 12
IMPORT_ROWS = 30


def _bench(tmp_path, *extra: str) -> tuple[str, dict]:
    out, err = StringIO(), StringIO()
    target = tmp_path / "index.json"
    call_command("bench", "index", "--young", str(YOUNG), "--signals", str(SIGNALS),
                 "--registrations", str(REGISTRATIONS), "--import-rows", str(IMPORT_ROWS),
                 "--workers", "1", "--database", "current", "--date", "2025-06-02",
                 "--json", str(target), *extra, stdout=out, stderr=err)
    return out.getvalue(), json.loads(target.read_text())


def test_bench_index_prints_its_figures_and_the_counts_add_up(tmp_path):
    text, figures = _bench(tmp_path)

    assert "Registraties (één signaal, matching op gezinsniveau" in text
    assert re.search(r"registraties via de service \(na elkaar\)\s+\d+\s+[\d.]+\s+[\d.]+", text)
    assert re.search(r"Bulkimport .*: 30 rijen", text)
    assert "doelen: p50" in text
    # the server the figures came from: its settings move them more than most code changes
    assert f"server: {figures['server']}" in text
    assert figures["server"].startswith("PostgreSQL" if connection.vendor == "postgresql"
                                        else "SQLite")

    # the population: young people 0-23 with their parents, and the signals drawn for them
    assert figures["persons"] == Person.objects.count() > YOUNG
    assert figures["build"]["rows"]["refindex_signal"] == figures["active_signals"] > 0
    assert figures["open_matches"] > 0
    assert figures["candidates"] > REGISTRATIONS

    # every planned registration either went through the service or was refused, by name
    seq = figures["registrations"][0]
    assert seq["n"] + sum(seq["refused"].values()) == REGISTRATIONS
    assert seq["n"] > 0 and seq["queries"] > 0
    # one audit entry per registration (risk that opens for a child writes its own)
    assert seq["audit_entries"] >= seq["n"]

    bulk = figures["bulk"]
    assert bulk["rows"] == IMPORT_ROWS
    assert bulk["imported"] + bulk["rejected"] == IMPORT_ROWS and not bulk["error"]
    assert {"read", "write", "rematch"} <= set(bulk["phases"])
    # the import's CPU: this process's Python, within what the whole machine did meanwhile
    # (/proc/stat counts in ticks of 10 ms per core: hence the margin)
    cpu = bulk["cpu"]
    assert cpu["python"] > 0 and cpu["cores"] >= 1 and cpu["wall"] > 0
    if cpu["machine"] is not None:
        assert cpu["machine"] >= cpu["python"] - 0.05 * cpu["cores"]
        assert f"kernseconden op {cpu['cores']} kernen" in text

    # the signals add up: those built, plus the warm-up, the measured registrations and the
    # floor's plain inserts (PostgreSQL); the import is rolled back after it was measured, so
    # that a --reuse run imports into the same state
    assert bulk["imported"] > 0
    floor = figures["floor"]["n"] if figures["floor"] else 0
    assert figures["active_signals_after"] == Signal.objects.filter(
        ended_at__isnull=True).count() == (figures["active_signals"] + figures["warmup"]
                                           + seq["n"] + floor)
    assert figures["open_matches_after"] == Match.objects.filter(ended_on__isnull=True).count()
    assert AuditEntry.objects.filter(action="signal_registered").count() >= (
        figures["warmup"] + seq["n"])
    assert not AuditEntry.objects.filter(purpose="bench index import").exists()
    # and the bulk-loaded rows satisfy every foreign key
    connection.check_constraints()


@pytest.mark.postgres
def test_on_postgresql_the_floor_is_measured_too(tmp_path):
    text, figures = _bench(tmp_path)
    assert figures["floor"]["n"] > 0 and figures["floor"]["queries"] == 2
    assert "verhouding tot de vloer" in text
    bulk = figures["bulk"]
    assert bulk["floor_seconds"] > 0
    # the floor is the same inserts as the import, table by table: the signals, their events,
    # subjects and audit entries, the informings or their tasks, open risk's periods (and
    # its events where a parent's signal opened it), the matches and their notifications
    assert bulk["rows_written"]["refindex_signal"] == bulk["imported"]
    assert {"core_domainevent", "core_auditentry", "continuity_riskperiod"} <= set(
        bulk["rows_written"])
    assert bulk["floor_rows"] == bulk["rows_written"]
    assert "rijen geschreven per tabel: import / vloer" in text
    with connection.cursor() as cur:
        cur.execute("SHOW shared_buffers")
        assert f"shared_buffers {cur.fetchone()[0]}," in figures["server"]


def test_bad_arguments_are_refused():
    with pytest.raises(CommandError, match="--registrations: at least 1"):
        call_command("bench", "index", "--registrations", "0", "--database", "current",
                     stdout=StringIO())
    with pytest.raises(CommandError, match="SQLite cannot carry a benchmark of 4,500,000"):
        call_command("bench", "index", "--database", "sqlite:///var/never-made.sqlite3",
                     stdout=StringIO())


@pytest.mark.postgres
def test_on_postgresql_the_import_is_measured_with_its_commits_key_checks(tmp_path):
    """Django's foreign keys are deferred: PostgreSQL checks them a row at a time at commit,
    which a rolled-back import never reaches — unless the bench makes them due first."""
    from kindzicht.bench.index import _commit_checks
    from kindzicht.core.models import Notification

    _text, figures = _bench(tmp_path)
    assert "commit_checks" in figures["bulk"]["phases"]

    # the checks are the commit's own: a key to nothing, let through until commit, is caught
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(organisation_id=10**9, kind="test", subject="dangling",
                                    created_at=clock.now())
        with connection.cursor() as cur:
            _commit_checks(cur)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_bench_clears_the_dead_rows_of_its_rolled_back_import():
    """A rolled-back import leaves its rows dead in the tables and their indexes; the next
    run's registrations would read past them."""
    from kindzicht.bench.import_floor import import_tables
    from kindzicht.bench.index import vacuum_after_import

    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_reset()")
    lines: list[str] = []
    vacuum_after_import(lines.append)
    with connection.cursor() as cur:
        cur.execute("SELECT relname FROM pg_stat_user_tables WHERE vacuum_count > 0")
        vacuumed = {name for (name,) in cur.fetchall()}
    assert set(import_tables()) <= vacuumed
    assert "refindex_signal" in vacuumed and "opgeruimd" in lines[0]
