"""``kindzicht bench sweep`` at a tiny scale on the test database: it builds a population the
database accepts, runs the sweeps and the changes through the real code, and prints figures.
No timing is asserted — timings belong in docs/benchmarks.md, not in a test."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kindzicht.continuity.models import ResponsibilityPeriod, RiskPeriod

pytestmark = pytest.mark.django_db

CHILDREN = 25


def _bench(*extra: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("bench", "sweep", "--children", str(CHILDREN), "--database", "current",
                 "--date", "2025-06-02", "--changes", "20", *extra, stdout=out, stderr=err)
    return out.getvalue()


def test_bench_sweep_prints_its_figures_and_leaves_a_valid_population():
    from kindzicht.rules.models import SweepRun

    text = _bench("--check-nightly")
    assert re.search(r"^server: (PostgreSQL \d+; shared_buffers \S+|SQLite [\d.]+)", text, re.M)

    for line in ("full sweep (cold)", "full sweep (steady)", "incremental sweep",
                 "nightly sweep (next day)"):
        assert re.search(rf"{re.escape(line)}.*?[\d.,]+ s .*queries", text), line
    # the next night sweeps the changed children (and those whose day came), not everyone,
    # writes what a full sweep of that day writes, and is rolled back
    swept = int(re.search(r"nightly sweep \(next day\) \((\d+) kinderen\)", text)[1])
    assert 0 < swept < CHILDREN
    assert re.search(r"kinderen per aanleiding changed \d+, wake \d+", text)
    compared = re.search(r"nachtelijke sweeps = volledige sweeps, 8 nachten .*: JA \((\d+) rijen",
                         text)
    assert int(compared[1]) > 0  # reminders, escalations: the nights wrote something
    assert not SweepRun.objects.filter(mode="nightly").exists()
    assert re.search(r"\b20 wijzigingen via de services", text)
    table = text.split("Per regel", 1)[1]
    for code in ("C1", "C2", "C3", "C4", "C5", "K3", "P4", "R3", "V1", "V2"):
        assert re.search(rf"^  {code} ", table, re.M), code
    if connection.vendor == "postgresql":
        assert "vloer: alle regels als SQL (volledig)" in text

    # every child of the population is at open risk, with exactly one current period
    assert RiskPeriod.objects.filter(closed_at__isnull=True).count() >= CHILDREN
    current = ResponsibilityPeriod.objects.filter(ended_at__isnull=True)
    assert current.count() == current.values("child_id").distinct().count()
    # and the bulk-loaded rows satisfy every foreign key
    connection.check_constraints()


def test_sqlite_is_refused_beyond_its_scale():
    with pytest.raises(CommandError, match="SQLite cannot carry a benchmark of 20,001"):
        call_command("bench", "sweep", "--children", "20001",
                     "--database", "sqlite:///var/never-made.sqlite3", stdout=StringIO())


def test_a_database_with_data_is_never_used(django_user_model):
    from kindzicht.people.models import Person

    Person.objects.create(birth_date="2015-01-01", given_name="Echt")
    with pytest.raises(CommandError, match="only runs on an empty database"):
        _bench()
    assert Person.objects.count() == 1


def test_only_incremental_measures_the_changes_and_the_incremental_sweep_alone():
    """``--only-incremental`` (meant with ``--reuse`` at 1,000,000 children) runs no full sweep
    and no floor, and its report says so instead of leaving them out silently."""
    from kindzicht.rules.models import SweepRun

    text = _bench("--only-incremental")

    assert "full sweep" not in text
    assert "vloer: alle regels" not in text
    assert "de vloer en de volledige sweeps (koud en stabiel) zijn NIET gedraaid" in text
    assert re.search(r"incremental sweep \(\d+ kinderen\).*?[\d.,]+ s .*queries.*"
                     r"Python-cpu [\d.]+ s", text)
    assert re.search(r"\b20 wijzigingen via de services", text)
    # the rule table holds the incremental sweep's figures (its 'inc s' column)
    table = text.split("Per regel", 1)[1]
    assert re.search(r"^  R1 +— +0 +0 +[\d.]+ ", table, re.M), table
    # exactly one sweep ran: the incremental one
    assert SweepRun.objects.count() == 1
