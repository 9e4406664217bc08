"""The benchmark's own database: chosen, created, migrated and switched to at run time, so a
benchmark never touches test or demo data.

Only a database the bench created itself (it carries the ``kindzicht_bench_stamp`` table) is
ever dropped or rebuilt; any other non-empty database is refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.core.management import call_command
from django.db import connections

from kindzicht.core.errors import Refused

BENCH_DB_NAME = "kindzicht_bench"
FALLBACK_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
STAMP_TABLE = "kindzicht_bench_stamp"
#: SQLite has no COPY and one writer: beyond this the figures mean nothing.
SQLITE_MAX_CHILDREN = 20_000
CURRENT = "current"


@dataclass(frozen=True)
class Target:
    """Where the bench runs: a URL (or ``current``: the database Django is configured with,
    used by the tests on their own fresh test database)."""

    url: str

    @property
    def is_current(self) -> bool:
        return self.url == CURRENT

    @property
    def vendor(self) -> str:
        if self.is_current:
            return connections["default"].vendor
        return "sqlite" if self.url.startswith("sqlite") else "postgresql"

    def describe(self) -> str:
        if self.is_current:
            return f"the configured {self.vendor} database"
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        return f"{self.vendor} {host}{':' + str(parts.port) if parts.port else ''}{parts.path}"


def default_url() -> str:
    """``kindzicht_bench`` on the server of KINDZICHT_DATABASE_URL if that is PostgreSQL, else
    on the local default server."""
    configured = os.environ.get("KINDZICHT_DATABASE_URL", "")
    base = configured if configured.startswith(("postgres://", "postgresql://")) \
        else FALLBACK_SERVER
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{BENCH_DB_NAME}", "", ""))


def check_scale(target: Target, children: int) -> None:
    if target.vendor == "sqlite" and children > SQLITE_MAX_CHILDREN:
        raise Refused(
            f"SQLite cannot carry a benchmark of {children:,} children (at most "
            f"{SQLITE_MAX_CHILDREN:,}): it has no COPY and a single writer. Run it on "
            f"PostgreSQL: --database postgresql://user@host:5432/{BENCH_DB_NAME}.",
            field="children")


# --- PostgreSQL administration ------------------------------------------------------------------


def _admin_conninfo(url: str) -> tuple[str, str]:
    """(conninfo of the server's maintenance database, name of the bench database)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or BENCH_DB_NAME
    admin = urlunsplit((parts.scheme.replace("postgres://", "postgresql://"), parts.netloc,
                        "/postgres", parts.query, ""))
    return admin, name


def _pg_exists(url: str) -> bool:
    import psycopg

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() \
            is not None


def _pg_is_ours_or_empty(url: str) -> tuple[bool, bool]:
    """(carries the bench stamp, has no tables at all)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = {r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    return STAMP_TABLE in tables, not tables


def _pg_create(url: str, *, drop: bool) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        if drop:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop(target: Target) -> None:
    """Remove the bench database (only one the bench made)."""
    if target.is_current:
        return
    connections["default"].close()
    if target.vendor == "postgresql":
        import psycopg
        from psycopg import sql

        admin, name = _admin_conninfo(target.url)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
    else:
        path = _sqlite_path(target.url)
        if path and path.exists():
            path.unlink()


def _sqlite_path(url: str) -> Path | None:
    name = dj_database_url.parse(url)["NAME"]
    return None if name in ("", ":memory:") else Path(name)


# --- preparing and switching ---------------------------------------------------------------------


def prepare(target: Target, *, reuse: bool, log=print) -> bool:
    """Make the bench database ready and point Django's default connection at it.

    Returns whether a kept population can be reused (``reuse`` and a stamp is there);
    otherwise the database is (re)created empty and migrated."""
    if target.is_current:
        from kindzicht.people.models import Person

        if Person.objects.exists():
            raise Refused("The configured database already holds persons: the bench only runs "
                          "on an empty database or on its own (--database URL).",
                          field="database")
        return False
    if target.vendor == "postgresql":
        exists = _pg_exists(target.url)
        ours = empty = False
        if exists:
            ours, empty = _pg_is_ours_or_empty(target.url)
            if not (ours or empty):
                raise Refused(f"{target.describe()} holds data that is not a bench population; "
                              f"the bench never touches it. Name another database.",
                              field="database")
        if reuse and ours:
            switch(target.url)
            # a population kept by older code gets this code's new tables and indexes
            call_command("migrate", interactive=False, verbosity=0)
            return True
        if not exists or ours:
            log(f"Database {target.describe()} wordt (opnieuw) aangemaakt …")
            _pg_create(target.url, drop=exists)
    else:
        path = _sqlite_path(target.url)
        if path is not None and path.exists():
            import sqlite3

            with sqlite3.connect(path) as conn:
                tables = {r[0] for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables and STAMP_TABLE not in tables:
                raise Refused(f"{path} holds data that is not a bench population.",
                              field="database")
            if reuse and STAMP_TABLE in tables:
                switch(target.url)
                return True
            path.unlink()
    switch(target.url)
    stamp({"state": "migrating"})   # from now on the database is known to be the bench's own
    log("Migraties …")
    call_command("migrate", interactive=False, verbosity=0)
    return False


def switch(url: str) -> None:
    """Point Django's default connection at ``url`` for the rest of this process."""
    from django.contrib.contenttypes.models import ContentType

    old = connections["default"]
    old.close()
    new = dict(connections.settings["default"])
    parsed = dj_database_url.parse(url)
    for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT"):
        new[key] = parsed.get(key, "")
    new["CONN_MAX_AGE"] = 0
    new["OPTIONS"] = {"timeout": 30} if new["ENGINE"].endswith("sqlite3") else {}
    new.setdefault("TEST", {})
    connections.settings["default"] = new
    del connections["default"]
    ContentType.objects.clear_cache()


def stamp(meta: dict[str, str]) -> None:
    """Mark the database as the bench's own, with what it holds."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} (key varchar(40) PRIMARY KEY, "
                    f"value text NOT NULL)")
        cur.execute(f"DELETE FROM {STAMP_TABLE}")
        for k, v in meta.items():
            cur.execute(f"INSERT INTO {STAMP_TABLE} (key, value) VALUES (%s, %s)", [k, str(v)])


def read_stamp() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cur:
        try:
            cur.execute(f"SELECT key, value FROM {STAMP_TABLE}")
        except Exception:  # noqa: BLE001 - no stamp: not a kept population
            return {}
        return dict(cur.fetchall())


def finish(target: Target, *, keep: bool, log=print) -> None:
    """Drop the bench's own database after a run, unless it is to be kept. A population
    reused with ``--reuse`` is always kept: it took long to build and was kept on purpose,
    and a forgotten ``--keep`` on a later measuring run must not throw it away."""
    if keep or target.is_current:
        return
    log("Benchmarkdatabase opruimen (--keep bewaart haar) …")
    drop(target)
