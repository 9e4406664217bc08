"""Bulk loading of bench rows: binary COPY on PostgreSQL (psycopg 3 ``cursor.copy``), plain
``executemany`` on SQLite (small scales only).

Rows are tuples in the order of a :class:`Table`'s ``fields``; every other concrete column of
the model gets the field's default, so a new column with a default does not break the bench.
On a freshly created bench database the loader drops the secondary indexes and foreign keys
first and re-creates them after the load — what ``pg_restore`` does — so the database checks
every constraint over the whole population in one pass instead of row by row.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models

from kindzicht.core.rows import column_default, pg_type, sqlite_value


class Table:
    """A model's table as the bench writes it."""

    def __init__(self, model: type[models.Model], fields: Iterable[str]):
        self.model = model
        self.name = model._meta.db_table
        self.fields = tuple(fields)
        given = [model._meta.get_field(f) for f in self.fields]
        rest = [f for f in model._meta.concrete_fields if f.name not in self.fields]
        for f in rest:
            if not f.has_default() and not f.null and not getattr(f, "auto_now_add", False) \
                    and not getattr(f, "auto_now", False) and not f.blank:
                raise ValueError(f"bench: {self.name}.{f.column} needs a value")
        self.all_fields = given + rest
        self.columns = [f.column for f in self.all_fields]
        self.pg_types = [pg_type(f) for f in self.all_fields]
        self.suffix = tuple(self._default(f) for f in rest)

    @staticmethod
    def _default(f: models.Field) -> Any:
        return column_default(f, datetime(2000, 1, 1, tzinfo=UTC))

    def full(self, row: tuple) -> tuple:
        return row + self.suffix if self.suffix else row


class Sink:
    """Receives rows table by table, in chunks."""

    tables: dict[str, Table]

    def write(self, chunk: dict[str, list[tuple]]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    rows = 0
    seconds_copy = 0.0


class PgCopySink(Sink):
    """Binary COPY. With ``threaded`` a writer thread on its own connection copies one chunk
    while the next is generated (PostgreSQL parses and indexes in its own process)."""

    def __init__(self, tables: dict[str, Table], *, conninfo: str | None, threaded: bool):
        self.tables = tables
        self.threaded = threaded and conninfo is not None
        self.rows = 0
        self.seconds_copy = 0.0
        if self.threaded:
            import psycopg

            self._conn = psycopg.connect(conninfo, autocommit=True)
            self._conn.execute("SET synchronous_commit = off")
            self._queue: queue.Queue = queue.Queue(maxsize=1)
            self._error: BaseException | None = None
            self._thread = threading.Thread(target=self._run, name="bench-copy", daemon=True)
            self._thread.start()
        else:
            connection.ensure_connection()
            self._conn = connection.connection

    def _copy(self, chunk: dict[str, list[tuple]]) -> None:
        started = time.perf_counter()
        with self._conn.cursor() as cur:
            for name, rows in chunk.items():
                if not rows:
                    continue
                t = self.tables[name]
                cols = ", ".join(f'"{c}"' for c in t.columns)
                with cur.copy(f'COPY "{t.name}" ({cols}) FROM STDIN (FORMAT BINARY)') as cp:
                    cp.set_types(t.pg_types)
                    full = t.full
                    for row in rows:
                        cp.write_row(full(row))
                self.rows += len(rows)
        self.seconds_copy += time.perf_counter() - started

    def _run(self) -> None:
        while True:
            chunk = self._queue.get()
            if chunk is None:
                return
            try:
                self._copy(chunk)
            except BaseException as exc:  # noqa: BLE001 - surfaced in write()/close()
                self._error = exc
                return

    def write(self, chunk: dict[str, list[tuple]]) -> None:
        if not self.threaded:
            self._copy(chunk)
            return
        if self._error:
            raise self._error
        self._queue.put(chunk)

    def close(self) -> None:
        if self.threaded:
            self._queue.put(None)
            self._thread.join()
            self._conn.close()
            if self._error:
                raise self._error


class SqliteSink(Sink):
    def __init__(self, tables: dict[str, Table]):
        self.tables = tables
        self.rows = 0
        self.seconds_copy = 0.0

    def write(self, chunk: dict[str, list[tuple]]) -> None:
        started = time.perf_counter()
        with connection.cursor() as cur:
            for name, rows in chunk.items():
                if not rows:
                    continue
                t = self.tables[name]
                marks = ", ".join(["%s"] * len(t.columns))
                cols = ", ".join(f'"{c}"' for c in t.columns)
                cur.executemany(f'INSERT INTO "{t.name}" ({cols}) VALUES ({marks})',
                                [tuple(sqlite_value(v) for v in t.full(r)) for r in rows])
                self.rows += len(rows)
        self.seconds_copy += time.perf_counter() - started


# --- PostgreSQL: secondary indexes and foreign keys off during the load ---------------------------


def pg_drop_secondary(table_names: Iterable[str]) -> list[str]:
    """Drop foreign keys, unique constraints and non-constraint indexes of these tables (the
    primary keys stay); returns the statements that re-create them."""
    names = list(table_names)
    recreate: list[str] = []
    drops: list[str] = []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype "
            "FROM pg_constraint c WHERE c.conrelid = ANY(%s::regclass[]) "
            "AND c.contype IN ('f', 'u') ORDER BY c.contype DESC",
            [names])
        for table, name, definition, _kind in cur.fetchall():
            drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            recreate.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint "
            "c WHERE c.conindid = i.indexrelid)", [names])
        for index, definition in cur.fetchall():
            drops.append(f"DROP INDEX {index}")
            recreate.insert(0, definition)  # indexes before the constraints that use them
        for stmt in drops:
            cur.execute(stmt)
    # unique constraints first (they build indexes), then foreign keys
    fks = [s for s in recreate if " FOREIGN KEY " in s]
    return [s for s in recreate if s not in fks] + fks


def pg_restore_secondary(statements: list[str], log: Callable[[str], None]) -> float:
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        for stmt in statements:
            cur.execute(stmt)
    seconds = time.perf_counter() - started
    log(f"  {len(statements)} indexen en constraints opnieuw aangelegd en gecontroleerd "
        f"in {seconds:.1f} s")
    return seconds


def reset_sequences(tables: Iterable[Table]) -> None:
    """After explicit ids, the next service insert must not collide."""
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows the highest id by itself
    with connection.cursor() as cur:
        for t in tables:
            pk = t.model._meta.pk.column
            cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', '{pk}'), "
                        f"COALESCE((SELECT MAX(\"{pk}\") FROM \"{t.name}\"), 0) + 1, false)")


def next_ids(tables: Iterable[Table]) -> dict[str, int]:
    out = {}
    with connection.cursor() as cur:
        for t in tables:
            pk = t.model._meta.pk.column
            cur.execute(f'SELECT COALESCE(MAX("{pk}"), 0) + 1 FROM "{t.name}"')
            out[t.name] = cur.fetchone()[0]
    return out
