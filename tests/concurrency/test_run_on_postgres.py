"""On SQLite, run the postgres-marked tests (concurrency, crash recovery) against PostgreSQL.

The suite deselects those tests when its own database is SQLite (tests/pg_support.py); this
one test runs them in a subprocess on a fresh PostgreSQL database, so a plain ``pytest`` still
covers them. When the suite itself runs on PostgreSQL this wrapper is deselected instead."""

from __future__ import annotations

import pg_support
import pytest

pytestmark = pytest.mark.postgres_wrapper


def test_postgres_only_tests_pass_on_postgresql(request):
    url = pg_support.postgres_url()
    missing = pg_support.postgres_unreachable(url)
    if missing:
        pytest.skip(f"The concurrency and crash tests need PostgreSQL. {missing}")
    paths = pg_support.DESELECTED_PATHS or [str(request.config.rootpath / "tests")]
    run = pg_support.run_postgres_tests(paths, url=url, cwd=request.config.rootpath)
    assert run.ok, run.report()
