"""Set-based writes of plain rows (tuples), for the bulk services: binary COPY on PostgreSQL
(psycopg 3 ``cursor.copy``), ``executemany`` on SQLite.

A bulk import writes hundreds of thousands of events, audit entries and signals; building a
model instance per row and letting ``bulk_create`` compile an INSERT per batch cost more than
the database's own work. Rows here are tuples in the order of the given fields; ids that the
caller needs back (to cite an event or a signal) are reserved first with :func:`reserve_ids`,
so the COPY does not need to return anything.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import orjson
from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import set_json_dumps

#: PostgreSQL type names for the binary COPY, by Django internal type.
PG_TYPES = {
    "AutoField": "int4", "BigAutoField": "int8", "BigIntegerField": "int8",
    "IntegerField": "int4", "PositiveIntegerField": "int4", "PositiveSmallIntegerField": "int2",
    "SmallIntegerField": "int2", "ForeignKey": None, "CharField": "varchar",
    "TextField": "text", "EmailField": "varchar", "DateField": "date",
    "DateTimeField": "timestamptz", "BooleanField": "bool", "JSONField": "jsonb",
    "FloatField": "float8",
}


def pg_type(field: models.Field) -> str:
    """The type a binary COPY sends this field's values as (a foreign key: its target's)."""
    if isinstance(field, models.ForeignKey):
        return pg_type(field.target_field)
    name = PG_TYPES.get(field.get_internal_type())
    if name is None:
        raise TypeError(f"rows: no COPY type for {field!r}")
    return name


def sqlite_value(v: Any) -> Any:
    """A value as Django stores it in SQLite: datetimes naive in UTC, JSON as text."""
    if isinstance(v, datetime):
        return v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (list, dict)):
        return json.dumps(v)
    return v


def column_default(f: models.Field, now: datetime) -> Any:
    """The value a column gets when a row does not give it: what the model would have
    written (``now`` for ``auto_now`` fields) — the database itself has no defaults."""
    if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
        return now
    if f.has_default():
        return f.get_default()
    if f.null:
        return None
    return "" if isinstance(f, (models.CharField, models.TextField)) else None


def _json(value: Any) -> bytes:
    """A JSON column's value for the COPY: orjson, not the standard library's encoder, which
    was the larger part of writing an event and an audit entry (a bulk import writes
    millions). The stored jsonb is the same; keys that are not strings become strings, as
    ``json.dumps`` makes them."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert rows (tuples in the order of ``fields``, by field name or attname) in the
    caller's transaction: one COPY on PostgreSQL, one ``executemany`` on SQLite. The model's
    other columns (not the primary key) get their defaults."""
    worker = _working()
    if worker is not None:  # inside rows.behind(): the worker COPYs
        worker.submit(_copy, model, fields, rows)
        return
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with connection.wrap_database_errors:  # Django's errors, as its cursors raise
                _copy(cur.cursor, model, fields, rows)
            return
        concrete, suffix = _columns(model, fields)
        marks = ", ".join(["%s"] * len(concrete))
        cur.executemany(f'INSERT INTO "{model._meta.db_table}" ({_names(concrete)}) '
                        f'VALUES ({marks})',
                        [tuple(sqlite_value(v) for v in row + suffix) for row in rows])


def _columns(model: type[models.Model], fields: Sequence[str]
             ) -> tuple[list[models.Field], tuple]:
    """The columns an insert of ``fields`` writes (the given ones, then the model's others
    but the primary key), and the defaults of the others."""
    given = [model._meta.get_field(f) for f in fields]
    rest = [f for f in model._meta.concrete_fields if f not in given and not f.primary_key]
    return given + rest, tuple(column_default(f, timezone.now()) for f in rest)


def _names(concrete: list[models.Field]) -> str:
    return ", ".join(f'"{f.column}"' for f in concrete)


def _copy(cursor, model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]
          ) -> None:
    """:func:`insert` on PostgreSQL, with a psycopg cursor: a binary COPY."""
    concrete, suffix = _columns(model, fields)
    set_json_dumps(_json, context=cursor)
    with cursor.copy(f'COPY "{model._meta.db_table}" ({_names(concrete)}) '
                     "FROM STDIN (FORMAT BINARY)") as cp:
        cp.set_types([pg_type(f) for f in concrete])
        for row in rows:
            cp.write_row(row + suffix)


class _Worker:
    """The thread of a :func:`behind` block and the writes given to it, run in order on the
    block's connection. After a failed write it runs none of the rest: the transaction is
    aborted, and the first failure is the one to report."""

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="kindzicht-copy")
        self.pending: list[Future] = []
        self.failed: BaseException | None = None

    def submit(self, job: Callable[..., None], *args: Any) -> None:
        self.pending.append(self.thread.submit(self._run, job, args))

    def _run(self, job: Callable[..., None], args: tuple) -> None:
        if self.failed is None:
            try:
                job(self.cursor, *args)
            except BaseException as exc:  # noqa: BLE001 - raised by settle(), in the caller
                self.failed = exc

    def settle(self) -> None:
        """Wait for every write given so far; raise the first failure as Django would."""
        pending, self.pending = self.pending, []
        for done in pending:
            done.result()
        if self.failed is not None:
            failed, self.failed = self.failed, None
            with connection.wrap_database_errors:
                raise failed


def _working() -> _Worker | None:
    return getattr(connection, "_kindzicht_behind", None)


@contextmanager
def behind() -> Iterator[None]:
    """Writes that the database takes in while the caller goes on computing.

    On PostgreSQL, inside the block, this connection's :func:`insert` and :func:`later` are
    run by a worker thread, in the order given, on this connection and in its transaction:
    the database's work (the indexes and the key checks, mostly) runs on one core while the
    caller's Python runs on the other, instead of after it. Every other statement the block
    sends through Django's cursors (``core.prepared``'s included) first waits for those
    writes, so it reads what was written before it; the block must not use the psycopg
    connection below them itself. Leaving the block waits for the writes, and raises the
    first failed one's error. A block inside another is part of it. Elsewhere (SQLite)
    each write runs at once.

    Why: a national import writes 15 million rows; with each write waiting for the one
    before, its Python and its server backend took turns on one core, and the machine's
    other core was idle."""
    if connection.vendor != "postgresql" or _working() is not None:
        yield
        return
    with connection.cursor() as cur:
        worker = _Worker(cur.cursor)

        def settle_first(execute, sql, params, many, context):
            worker.settle()
            return execute(sql, params, many, context)

        connection._kindzicht_behind = worker
        try:
            with connection.execute_wrapper(settle_first):
                yield
            worker.settle()
        finally:
            connection._kindzicht_behind = None
            try:
                for done in worker.pending:  # after a failure: the rest, before a rollback
                    done.result()
            finally:
                worker.thread.shutdown()


@contextmanager
def cycles_collected_after() -> Iterator[None]:
    """Python's cycle collector off inside the block, as it was after (Mercurial's
    ``util.nogc``): a bulk service builds millions of tuples that hold no cycles, and every
    700 new containers the collector ran, ever more often over everything the service
    already held. A national import's Python took 176 s of CPU with it and 118 s without
    (``docs/benchmarks.md``). Reference counting still frees what the block lets go; the
    few cycles it leaves are collected once the collector is back on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def checked_as_written() -> Iterator[None]:
    """PostgreSQL: inside the block, a foreign key is checked as each statement ends rather
    than at commit (Django makes every key ``DEFERRABLE INITIALLY DEFERRED``); deferred again
    afterwards. Why: a national import's twelve million key checks ran at its commit, on one
    core, after all its Python; checked as each COPY of a :func:`behind` block ends, they run
    while the caller computes the next rows. (A failed block loses the transaction, so only
    a block that ended well defers them again.)"""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL DEFERRED")


def later(sql: str, params: Sequence[Any]) -> None:
    """A statement that returns nothing, run after the writes given before it: inside a
    :func:`behind` block by its worker, else now."""
    worker = _working()
    if worker is not None:
        worker.submit(lambda cursor: cursor.execute(sql, params))
        return
    with connection.cursor() as cur:
        cur.execute(sql, params)


def next_id_query(model: type[models.Model]) -> tuple[list[str], str, list]:
    """PostgreSQL: the next id of ``model``'s sequence as a query for
    ``core.prepared.select_each`` — a row written later in the same change can then be
    named, and written, with its id."""
    return ([f"nextval(pg_get_serial_sequence(%s, '{model._meta.pk.column}'))"], "",
            [model._meta.db_table])


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """``n`` new primary keys for ``model``, ascending, to insert with the rows.

    PostgreSQL: taken from the table's sequence in one query, so concurrent writers never
    get the same ones. SQLite (one writer at a time; tests and small scales): the ids after
    the largest one used, which the insert then records in ``sqlite_sequence`` itself."""
    if n <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # the sequence named once (OFFSET 0 keeps the planner from pulling the look-up
            # into every row): per row, it cost 4 µs of the server's time, 20 s of a
            # national import's 5 million ids; nextval alone costs a tenth of that
            cur.execute("SELECT nextval(s.seq) FROM (SELECT pg_get_serial_sequence(%s, %s)"
                        "::regclass AS seq OFFSET 0) s, generate_series(1, %s)",
                        [table, pk, n])
            return sorted(r[0] for r in cur.fetchall())
        cur.execute(f'SELECT MAX("{pk}") FROM "{table}"')
        used = cur.fetchone()[0] or 0
        cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cur.fetchone()
        first = max(used, found[0] if found else 0) + 1
    return list(range(first, first + n))


def int_array(values: Iterable[int]) -> str:
    """Integer ids as one PostgreSQL array literal (``{1,2,3}``), made at C speed: psycopg
    dumps a list value by value (``Among`` here, ``rules.planner.AnyOf``)."""
    return "{" + ",".join(map(str, values)) + "}"


def among_sql(column: str, ids: Sequence[int], vendor: str) -> tuple[str, list]:
    """``column`` is one of these integer ids, as SQL and its parameters: one array literal
    on PostgreSQL (one parameter, whatever the number of ids: the same prepared statement
    for one id or sixty), ``IN (…)`` elsewhere. The ``__among`` lookup and the plain
    statements that ask the same (the family, the matching's signals, the outbox) use it."""
    if vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [int_array(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


class Ids:
    """Ids for the ``__among`` lookup: ``x__among=Ids(children)``.

    Django's query builder walks a list given to a lookup value by value (twice for a
    foreign key), and psycopg dumps it to an array value by value: for a bulk import's
    million children, seconds each time. This it leaves alone (the ids are read once, when
    the query is built), and on PostgreSQL they go as one array literal, which the database
    parses."""

    __slots__ = ("values",)

    def __init__(self, values: Iterable[int | None]):
        self.values = values


@models.Field.register_lookup
class Among(models.Lookup):
    """``id_field__among=ids`` (:class:`Ids`, or any iterable): the column is one of these
    integer ids — ``= ANY(%s::bigint[])`` with the ids as one array literal on PostgreSQL,
    ``IN (…)`` elsewhere.

    Why: a bulk import asks about ~100,000 children at once; with ``__in`` Django prepares
    every value as an expression and psycopg splits a statement with 100,000 placeholders,
    which took seconds per query — the array is one parameter and PostgreSQL uses the same
    index for it."""

    lookup_name = "among"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        values = self.rhs.values if isinstance(self.rhs, Ids) else self.rhs
        return sorted({int(v) for v in values if v is not None})

    def as_sql(self, compiler, connection):
        from django.core.exceptions import EmptyResultSet

        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql, params = among_sql(lhs, self.rhs, connection.vendor)
        return sql, [*lhs_params, *params]


models.ForeignObject.register_lookup(Among)  # related fields keep their own lookups
