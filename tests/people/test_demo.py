"""``kindzicht demo`` and ``kindzicht serve``: migrate, seed once, print the logins, serve on
127.0.0.1 with the watchdog on a schedule."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from kindzicht.core.actions import Actor
from kindzicht.index.bulk import signals_import
from kindzicht.people.management.commands import demo as demo_command
from kindzicht.people.management.commands import serve as serve_command
from kindzicht.people.management.commands.serve import WatchdogScheduler
from kindzicht.people.models import Person, Professional
from kindzicht.people.seed import DEMO_PASSWORD, LOGINS

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(settings, tmp_path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_demo_without_serving_seeds_once_and_prints_the_logins(data_dir):
    text = run("demo", "--no-serve", "--families", "3")
    assert Person.objects.exists()
    for username, role, *_ in LOGINS:
        assert username in text and str(role) in text
    assert DEMO_PASSWORD in text and "gebruikersnaam" in text
    assert "Basisschool De Regenboog" in text
    assert "Probeer: zoek" in text
    assert "http://127.0.0.1:8000/" in text
    assert (data_dir / "demo.json").exists()
    # a regional index to try the import with: importable but for its two bad rows
    sample = data_dir / "demo-regionale-verwijsindex.csv"
    assert str(sample) in text
    report = signals_import(Actor.system("test"), source=sample.read_text(), dry_run=True)
    rows = report.rows
    assert rows > 2 and [line for line, _e in report.rejected] == [rows, rows + 1]
    assert "elfproef" in report.rejected[0][1][0]
    assert "onbekende organisatie" in report.rejected[1][1][0]
    persons = Person.objects.count()

    again = run("demo", "--no-serve", "--families", "3", "--port", "8123")
    assert Person.objects.count() == persons, "an existing database is not seeded again"
    assert "bevat al gegevens" in again
    assert "professional" in again and DEMO_PASSWORD in again and "Probeer: zoek" in again
    assert "http://127.0.0.1:8123/" in again


def test_demo_serves_on_loopback_only_with_the_watchdog(data_dir, monkeypatch):
    calls = []
    started = []

    class FakeScheduler:
        def __init__(self, minutes, echo=None):
            self.minutes = minutes

        def start(self):
            started.append(self.minutes)

        def stop(self):
            started.append("stopped")

    monkeypatch.setattr(demo_command, "WatchdogScheduler", FakeScheduler)
    real_call = demo_command.call_command

    def fake_call(name, *args, **kwargs):
        if name == "runserver":
            calls.append((args, kwargs))
            return None
        return real_call(name, *args, **kwargs)

    monkeypatch.setattr(demo_command, "call_command", fake_call)
    run("demo", "--families", "1", "--port", "8765", "--sweep-minutes", "5")
    [(args, kwargs)] = calls
    assert args == ("127.0.0.1:8765",)
    assert kwargs["use_reloader"] is False
    assert started == [5.0, "stopped"]


def test_serve_binds_loopback_by_default(data_dir, monkeypatch):
    import waitress

    seen = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: seen.update(kw, app=app))
    text = run("serve", "--no-sweep", "--port", "8444")
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8444
    assert "http://127.0.0.1:8444/" in text
    assert not Person.objects.exists(), "serve never seeds"


def test_watchdog_scheduler_runs_the_sweep_and_survives_failures(monkeypatch):
    runs = []
    messages = []
    monkeypatch.setattr(serve_command, "_sweep_job",
                        lambda verify: lambda: runs.append(verify) or "2 nieuwe taken")
    sched = WatchdogScheduler(1, echo=messages.append)
    sched.sweep_once()
    sched.sweep_once()
    assert runs == [True, False], "verify on the first run, then once a day"
    assert sched.runs == 2 and "2 nieuwe taken" in messages[-1]

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(serve_command, "_sweep_job", lambda verify: broken)
    sched.sweep_once()
    assert sched.runs == 2 and "failed" in messages[-1]

    monkeypatch.setattr(serve_command, "_sweep_job", lambda verify: None)
    sched.sweep_once()
    assert "not available" in messages[-1]


def test_watchdog_scheduler_thread_sweeps_on_schedule(monkeypatch):
    import threading

    swept = threading.Event()
    monkeypatch.setattr(serve_command, "_sweep_job",
                        lambda verify: lambda: swept.set() or "ok")
    sched = WatchdogScheduler(60, first_after=0.01, echo=lambda m: None)
    sched.start()
    try:
        assert swept.wait(5), "the first sweep runs shortly after start"
    finally:
        sched.stop()
        sched.join(5)
    assert not sched.is_alive()


def test_the_real_sweep_runs_and_seals(db):
    from factories import make_family

    from kindzicht.core import clock

    with clock.frozen(date(2024, 5, 15)):
        make_family(children=1)
        messages = []
        WatchdogScheduler(60, echo=messages.append).sweep_once()
    assert messages and messages[-1].startswith("watchdog: sweep 1:"), messages
    assert "Sweep 2024-05-15" in messages[-1]
    assert serve_command._load_sweep() is not None


@pytest.mark.django_db(transaction=False)
def test_demo_command_end_to_end_on_a_fresh_sqlite_file(tmp_path):
    """What the README's first command does, minus the server: a new SQLite file in the data
    directory, migrated and seeded, the logins printed."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("KINDZICHT_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["KINDZICHT_DATA_DIR"] = str(tmp_path / "data")
    proc = subprocess.run([sys.executable, "-m", "kindzicht.cli", "demo", "--no-serve",
                           "--families", "2"], env=env,
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / "data" / "kindzicht.sqlite3").exists()
    assert "professional" in proc.stdout and DEMO_PASSWORD in proc.stdout
    assert "Probeer: zoek" in proc.stdout
    assert Professional.objects.count() == 0  # the test database was not touched
