"""PostgreSQL test infrastructure: routing ``@pytest.mark.postgres`` tests, the flush permit
for the append-only triggers, and a helper that starts threads at the same instant.

The suite runs on SQLite by default and once more on PostgreSQL in CI
(``KINDZICHT_DATABASE_URL=postgresql://…``); nothing may be skipped there. Tests marked
``postgres`` (concurrency, crash recovery) mean nothing on SQLite, so on SQLite they are
*deselected* and one wrapper test (``tests/concurrency/test_run_on_postgres.py``, marked
``postgres_wrapper``) runs them in a subprocess against PostgreSQL at ``KINDZICHT_POSTGRES_URL``
instead. When the default database is PostgreSQL they run in-process and the wrapper is
deselected.

Writing a concurrency test::

    pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

    def test_many_at_once():
        results = run_concurrently([partial(work, i) for i in range(8)], return_exceptions=True)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import traceback
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
POSTGRES_MARK = "postgres"
WRAPPER_MARK = "postgres_wrapper"

#: Files holding the postgres tests deselected in this session (run by the wrapper).
DESELECTED_PATHS: list[str] = []


# --- pytest hooks (called from tests/conftest.py) -------------------------------------------


def configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{WRAPPER_MARK}: runs the postgres-marked tests on PostgreSQL when the suite "
        "itself runs on SQLite")
    install_flush_permit()


def default_vendor() -> str:
    from django.db import connections

    return connections["default"].vendor


def route_postgres_tests(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (never skip) what does not belong to this backend's run."""
    on_postgres = default_vendor() == "postgresql"
    unwanted = WRAPPER_MARK if on_postgres else POSTGRES_MARK
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker(unwanted) else kept).append(item)
    if not dropped:
        return
    if not on_postgres:
        DESELECTED_PATHS[:] = sorted({str(item.path) for item in dropped})
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept


def install_flush_permit() -> None:
    """Transactional tests end with a flush (DELETE on SQLite, TRUNCATE on PostgreSQL) that the
    append-only triggers would refuse: grant the maintenance permit around exactly that."""
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown
    if getattr(original, "kindzicht_permit", False):
        return

    def _fixture_teardown(self: TransactionTestCase) -> None:
        from kindzicht.core.appendonly import permit

        with ExitStack() as stack:
            for alias in self._databases_names(include_mirrors=False):
                stack.enter_context(permit(alias))
            original(self)
        # the flush also emptied what migrations load (the CBS municipalities, the chain-partner
        # knowledge base): put it back, so no later test depends on running before a
        # transactional one
        from kindzicht.meldcode.knowledge_seed import load_partner_knowledge
        from kindzicht.people.data import load_municipalities

        load_municipalities()
        load_partner_knowledge()

    _fixture_teardown.kindzicht_permit = True  # type: ignore[attr-defined]
    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]


# --- reaching PostgreSQL --------------------------------------------------------------------


def postgres_url() -> str:
    return os.environ.get("KINDZICHT_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def postgres_unreachable(url: str) -> str | None:
    """Why PostgreSQL at ``url`` cannot run tests, or None when it can."""
    how = ("Install and start it (Debian: `apt-get install -y postgresql`, trust auth for "
           "127.0.0.1) or point KINDZICHT_POSTGRES_URL at a server where this user may create "
           "databases, e.g. postgresql://user:password@host:5432/postgres.")
    try:
        import psycopg
    except ImportError:
        return f"psycopg is not installed (pip install 'psycopg[binary]'). {how}"
    try:
        with psycopg.connect(_with_database(url, "postgres"), connect_timeout=3) as conn:
            can_create = conn.execute(
                "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
    except psycopg.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL is not reachable at {url} ({first_line}). {how}"
    if not (can_create and can_create[0]):
        return f"The PostgreSQL user of {url} may not create databases. {how}"
    return None


@dataclass
class PostgresRun:
    returncode: int
    output: str
    tests: int
    failures: int
    errors: int
    skipped: int

    @property
    def ok(self) -> bool:
        return (self.returncode == 0 and self.tests > 0 and not self.failures
                and not self.errors and not self.skipped)

    def report(self) -> str:
        tail = "\n".join(self.output.splitlines()[-60:])
        return (f"postgres tests: exit {self.returncode}, {self.tests} tests, {self.failures} "
                f"failed, {self.errors} errors, {self.skipped} skipped\n{tail}")


def run_postgres_tests(paths: Sequence[str], *, url: str, cwd: Path,
                       timeout: float = 1800) -> PostgresRun:
    """Run ``pytest -m postgres paths`` in a subprocess on a database of its own (pytest-django
    creates ``test_<name>`` and drops it afterwards; a crashed run's leftover is dropped here)."""
    name = f"kz_pg_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    junit = Path(tempfile.gettempdir()) / f"{name}.xml"
    env = {**os.environ, "KINDZICHT_DATABASE_URL": _with_database(url, name)}
    command = [sys.executable, "-m", "pytest", "-m", POSTGRES_MARK, "-p", "no:cacheprovider",
               "-q", "-rfEs", f"--junitxml={junit}", *paths]
    try:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)
        output, returncode = done.stdout + done.stderr, done.returncode
    except subprocess.TimeoutExpired as exc:
        output = f"timed out after {timeout} s\n{exc.stdout or ''}{exc.stderr or ''}"
        returncode = -1
    finally:
        _drop_database(url, f"test_{name}")
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    try:
        suite = ET.parse(junit).getroot()
        suites = [suite] if suite.tag == "testsuite" else list(suite.iter("testsuite"))
        for s in suites:
            for key in counts:
                counts[key] += int(s.get(key, 0))
    except (OSError, ET.ParseError):
        pass
    finally:
        junit.unlink(missing_ok=True)
    return PostgresRun(returncode, output, **counts)


def _drop_database(url: str, name: str) -> None:
    import psycopg

    try:
        with psycopg.connect(_with_database(url, "postgres"), autocommit=True,
                             connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error:
        pass


# --- running work concurrently --------------------------------------------------------------


def run_concurrently(tasks: Sequence[Callable[[], Any]], *, return_exceptions: bool = False,
                     timeout: float = 300) -> list[Any]:
    """Run each task in its own thread, all released at the same instant by a barrier; return
    their results in order. Each thread has its own database connection, closed at its end.

    With ``return_exceptions`` an exception is returned in place of its result (for "either
    recorded or cleanly refused" assertions); otherwise the first one fails the test, with
    every thread's traceback."""
    from django.db import connections

    barrier = threading.Barrier(len(tasks))
    results: list[Any] = [None] * len(tasks)
    failures: dict[int, str] = {}

    def run(index: int, task: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = task()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            results[index] = exc
            failures[index] = traceback.format_exc()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t), name=f"concurrent-{i}", daemon=True)
               for i, t in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    alive = [t.name for t in threads if t.is_alive()]
    if alive:
        raise AssertionError(f"threads still running after {timeout} s (deadlock?): {alive}")
    if failures and not return_exceptions:
        raise AssertionError("concurrent task failed:\n" + "\n".join(
            f"--- task {i} ---\n{tb}" for i, tb in sorted(failures.items())))
    return results

