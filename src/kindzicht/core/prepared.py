"""The few plain statements a registration sends every time, prepared once per connection.

Why: a registration's family statement (``people.family``) is fifteen common table
expressions; PostgreSQL spends about 1.2 ms planning it and 0.2 ms running it, for every
registration. Prepared once per connection with a generic plan, the same statement costs
0.35 ms in all (issue 4). The generic plan is right for these statements because they ask
about a handful of ids, where index lookups are the only sensible plan; a bulk import asks
the same statements about a million people and must get a plan for that size, so callers
prepare only for small inputs (:data:`SMALL`).

Django binds parameters on the client and never prepares (``prepare_threshold`` is off, for
the sake of connection poolers), so this module is the one place that does: a cursor with
server-side binding that prepares what it executes, wrapped like Django's own cursor, so
execute wrappers, query logging and error translation still apply. Each PostgreSQL
connection is told to use generic plans for prepared statements; that setting touches only
statements prepared here. ``KINDZICHT_DATABASE_PREPARE=false`` turns it off (a pooler in
transaction mode without support for prepared statements).
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from types import SimpleNamespace

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.signals import connection_created
from django.dispatch import receiver

from . import rows

#: Inputs up to this many ids are asked with a prepared statement and its generic plan.
SMALL = 64


def _db():
    """The connection itself: ``django.db.connection`` is a proxy that looks it up in
    thread-local storage on every attribute, and a registration asks it hundreds of times
    (each field's preparation of each row it inserts)."""
    return connections[DEFAULT_DB_ALIAS]


def enabled() -> bool:
    return _prepares(_db())


def _prepares(db) -> bool:
    return db.vendor == "postgresql" and settings.KINDZICHT_DATABASE_PREPARE


def cursor(*, prepare: bool = True):
    """A cursor whose statements are prepared on the server (PostgreSQL, ``prepare`` and the
    setting on); else Django's ordinary cursor. Use it as ``with prepared.cursor() as cur``."""
    db = _db()
    if not (prepare and _prepares(db)):
        return db.cursor()
    db.ensure_connection()
    raw = db.connection
    kept = getattr(db, "_kindzicht_cursor", None)
    if kept is None or kept.connection is not raw:  # first use, or connected anew
        with db.wrap_database_errors:
            kept = db._kindzicht_cursor = _preparing()(raw)
    return db._prepare_cursor(kept)


@functools.cache
def _preparing() -> type:
    """Django's server-binding cursor (``callproc`` and all) that prepares every statement;
    made once, when PostgreSQL's driver is first needed."""
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg._queries import PostgresQuery, _query2pg

    class Converted(PostgresQuery):
        """psycopg turns each statement's ``%s`` into ``$1 …`` with a regular expression,
        and remembers the result only for statements under 4 kB and 50 parameters (an ORM's
        multi-row inserts would fill its memory). A registration's held writes
        (:func:`together`) are one statement of about 200 parameters, converted anew every
        time. The statements prepared here are few shapes by design, so their conversion is
        remembered whatever their size (in psycopg's own cache of 128): a registration costs
        about 15 % less CPU (3.4 → 2.9 ms in the national bench)."""

        def convert(self, query, vars):
            if vars is None or not isinstance(query, str | bytes):
                return super().convert(query, vars)
            query = self._ensure_bytes(query)
            self.query, self._want_formats, self._order, self._parts = _query2pg(
                query, self._tx.encoding)
            self.dump(vars)

    class Preparing(ServerBindingCursor):
        _query_cls = Converted

        def execute(self, query, params=None, *, prepare=None, binary=None):
            super().execute(query, params, prepare=True, binary=binary)
            if self._query is None:
                # psycopg keeps the statement only when it sends it unprepared; Django's
                # query log (DEBUG, CaptureQueriesContext) reads it from there
                self._query = SimpleNamespace(query=str(query).encode())
            return self

        def close(self) -> None:
            """Kept open: :func:`cursor` hands the same cursor out again (one per
            connection). Making a psycopg cursor for each statement cost about 40 µs of
            CPU each time; a client-side cursor holds nothing on the server, and its
            results are replaced by the next statement's."""

    return Preparing


class _Together:
    """The writes :func:`together` holds back: rows to insert (model instances) and
    data-modifying statements (``record``'s), in the order they were asked for."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.inserts: list[list[models.Model]] = []
        self.statements: list[tuple[list[str], list]] = []

    def holds(self) -> bool:
        """Only writes at the block's own level are held: one asked for inside a savepoint
        must fail (or not) there, not at the end of the block."""
        return len(_db().savepoint_ids) == self.depth


@contextmanager
def together():
    """Within the block, the inserts of :func:`insert` and the statements of
    :func:`write` are held back and sent as one statement of data-modifying common table
    expressions when the block ends (PostgreSQL with preparing on; elsewhere they are written
    at once, as without it). A registration's match, notifications, event with its audit entry
    and informing task were four round trips, each with its own parsing and binding; together
    they are one (issue 4).

    Inside the block nothing may read what it wrote (the rows are not there yet) and the
    inserted objects have no ids until it ends; it must be closed before anything else
    touches the audit chain. A failure inside discards what was held — the transaction
    around it rolls back anyway."""
    db = _db()
    if not _prepares(db) or getattr(db, "_kindzicht_together", None) is not None:
        yield
        return
    held = _Together(len(db.savepoint_ids))
    db._kindzicht_together = held
    try:
        yield
    finally:
        db._kindzicht_together = None
    _send_together(held)


def _held() -> _Together | None:
    held = getattr(_db(), "_kindzicht_together", None)
    return held if held is not None and held.holds() else None


def write(parts: list[str], params: list) -> None:
    """Run a data-modifying statement given as its parts — common table expressions
    (``"name AS (INSERT …)"``, which must not refer to each other: held back, they are
    renamed), the last one the main statement without a name — now, or held back inside
    :func:`together`."""
    held = _held()
    if held is not None:
        held.statements.append((parts, params))
        return
    ctes, main = parts[:-1], parts[-1]
    with cursor() as cur:
        cur.execute(("WITH " + ", ".join(ctes) + " " if ctes else "") + main, params)


def _send_together(held: _Together) -> None:
    if not held.inserts and not held.statements:
        return
    ctes: list[str] = []
    params: list = []
    selects: list[str] = []
    for n, objs in enumerate(held.inserts):
        model = type(objs[0])
        ctes.append(f"i{n} AS ({_insert_sql(model, len(objs), _given_ids(objs))})")
        params += _insert_params(objs)
        selects.append(f"SELECT {n} AS k, \"{model._meta.pk.column}\" AS id FROM i{n}")
    for n, (parts, part_params) in enumerate(held.statements):
        *named, main = parts
        ctes += [f"w{n}_{name}" for name in named]
        ctes.append(f"w{n} AS ({main})")
        params += part_params
    main = " UNION ALL ".join(selects) if selects else "SELECT 0 AS k, 0 AS id WHERE false"
    with cursor() as cur:
        cur.execute("WITH " + ", ".join(ctes) + " " + main, params)
        found = cur.fetchall()
    by_group: dict[int, list[int]] = {}
    for k, pk in found:
        by_group.setdefault(k, []).append(pk)
    for n, objs in enumerate(held.inserts):
        _assign_ids(objs, by_group.get(n, []))


def _given_ids(objs: list[models.Model]) -> bool:
    """Whether the objects come with their ids (reserved ahead): then they are inserted with
    them, as ``bulk_create`` does."""
    return all(obj.pk is not None for obj in objs)


def _insert_params(objs: list[models.Model]) -> list:
    fields, db = _insert_fields(type(objs[0]), _given_ids(objs)), _db()
    return [f.get_db_prep_save(f.pre_save(obj, True), connection=db)
            for obj in objs for f in fields]


def _assign_ids(objs: list[models.Model], ids: list[int]) -> None:
    alias = _db().alias
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, alias


def insert(objs: list[models.Model], *, batch_size: int | None = None) -> list[models.Model]:
    """``bulk_create`` for the few rows of one change (a registration's signal, match,
    notification and task): one prepared ``INSERT … RETURNING id``, with each field's
    default and database preparation as the ORM applies them. The ORM compiles the same
    statement anew for every insert, about 0.4 ms of CPU each — more than the database
    spends on it. For more rows than :data:`SMALL` (an import), or without preparing,
    ``bulk_create`` in batches of ``batch_size`` — on PostgreSQL a COPY (:func:`_copy`).
    Like ``bulk_create``, it sends no ``save`` signals. Returns the objects, with their ids."""
    if not objs:
        return objs
    model = type(objs[0])
    if len(objs) > SMALL and _db().vendor == "postgresql" and _copies(model):
        return _copy(objs)
    if not enabled() or len(objs) > SMALL:
        return model._default_manager.bulk_create(objs, batch_size=batch_size)
    held = _held()
    if held is not None:  # sent, and given their ids, when the together() block ends
        held.inserts.append(objs)
        return objs
    with cursor() as cur:
        cur.execute(_insert_sql(model, len(objs), _given_ids(objs)), _insert_params(objs))
        _assign_ids(objs, [row[0] for row in cur.fetchall()])
    return objs


@functools.cache
def _copies(model: type[models.Model]) -> bool:
    """Whether ``rows.insert`` can COPY every field of the model."""
    try:
        return bool([rows.pg_type(f) for f in _insert_fields(model)])
    except TypeError:
        return False


def _copy(objs: list[models.Model]) -> list[models.Model]:
    """Many objects of one model (an import's matches and notifications): their ids
    reserved, then one binary COPY of each field's value as the ORM would save it
    (``pre_save``: defaults, ``auto_now_add``). ``bulk_create`` compiled each batch's INSERT
    and prepared every value through the ORM: most of the CPU of a national import's
    matching (300,000 matches, 600,000 notifications)."""
    model = type(objs[0])
    fields = _insert_fields(model)
    ids = rows.reserve_ids(model, len(objs))
    rows.insert(model, (model._meta.pk.attname, *[f.attname for f in fields]),
                [(pk, *[f.pre_save(obj, True) for f in fields])
                 for pk, obj in zip(ids, objs, strict=True)])
    _assign_ids(objs, ids)
    return objs


def fetch(model: type[models.Model], where: str, params: list) -> list[models.Model]:
    """The ``model`` rows for which the SQL condition ``where`` holds, as model instances
    (each field's database converters applied, as the ORM does), in one prepared statement:
    the small reads a registration makes every time. Call it only where :func:`enabled`."""
    fields, converters = _fetch_fields(model)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with cursor() as cur:
        cur.execute(f'SELECT {columns} FROM "{model._meta.db_table}" WHERE {where}', params)
        found = cur.fetchall()
    names, db = [f.attname for f in fields], _db()
    out = []
    for row in found:
        values = list(row)
        for i, field_converters in converters:
            for convert, expression in field_converters:
                values[i] = convert(values[i], expression, db)
        out.append(model.from_db(db.alias, names, values))
    return out


def select_each(queries: list[tuple[list[str], str, list]]) -> list[list[tuple]]:
    """Several small reads in one prepared statement, each given as (its columns, the rest
    of its statement from ``FROM`` on, its parameters); each one's rows as tuples. Call it
    only where :func:`enabled`.

    Why: after it has locked the family and before it writes, a registration reads the
    family's signals, its open matches, which of its children are at open risk and their
    regions' policies, and takes its signal's id and its audit chain's head. Each read costs
    the database almost nothing; its round trip cost more CPU than the read (about 0.12 ms
    between Python and the server). One statement brings them all: each
    query's rows travel as JSON arrays, tagged with the query's place, so only columns
    that JSON keeps as they are may be asked for — integers, text, booleans and JSON
    (no dates). A query may end in ``FOR UPDATE`` (the audit chain's head) or take an id
    from a sequence (``core.rows.next_id_query``)."""
    # each query a common table expression of its own: one may lock what it reads (FOR
    # UPDATE, which a branch of a UNION may not)
    sql = ("WITH " + ", ".join(f"q{n} AS (SELECT json_build_array({', '.join(columns)}) AS r "
                               f"{rest})" for n, (columns, rest, _params) in enumerate(queries))
           + " " + " UNION ALL ".join(f"SELECT {n} AS k, r FROM q{n}"
                                      for n in range(len(queries))))
    with cursor() as cur:
        cur.execute(sql, [p for _c, _r, params in queries for p in params])
        found = cur.fetchall()
    out = [[] for _ in queries]
    for k, row in found:
        out[k].append(tuple(row))
    return out


def get(model: type[models.Model], pk: int) -> models.Model | None:
    """The ``model`` row with this id, or None: what every request naming an object by its
    id does first (``api.serializers.IdRelatedField``). Prepared, it costs a third of the
    ORM's ``get`` in CPU, which builds and compiles the query anew each time (0.4 ms of a
    registration's 3.4 ms of Python in the national bench)."""
    if not enabled():
        return model._default_manager.filter(pk=pk).first()
    found = fetch(model, f'"{model._meta.pk.column}" = %s', [pk])
    return found[0] if found else None


@functools.cache
def _fetch_fields(model: type[models.Model]) -> tuple[list[models.Field], list[tuple]]:
    fields = list(model._meta.concrete_fields)
    converters = []
    for i, f in enumerate(fields):
        col = f.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
        if found:
            converters.append((i, [(c, col) for c in found]))
    return fields, converters


@functools.cache
def _insert_fields(model: type[models.Model], with_id: bool = False) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if with_id or not f.primary_key]


@functools.cache
def _insert_sql(model: type[models.Model], rows: int, with_id: bool = False) -> str:
    fields = _insert_fields(model, with_id)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    one = f"({', '.join(['%s'] * len(fields))})"
    return (f'INSERT INTO "{model._meta.db_table}" ({columns}) VALUES '
            f'{", ".join([one] * rows)} RETURNING "{model._meta.pk.column}"')


@receiver(connection_created)
def _generic_plans(sender, connection, **kwargs) -> None:
    """Right after connecting (autocommit, so no rollback undoes it). psycopg prepares
    nothing while its threshold is None (Django's default); a threshold no statement reaches
    lets it prepare what :func:`cursor` asks for, and nothing else."""
    if connection.vendor == "postgresql" and settings.KINDZICHT_DATABASE_PREPARE:
        connection.connection.prepare_threshold = 2**31 - 1
        with connection.cursor() as cur:
            cur.execute("SET plan_cache_mode = force_generic_plan")
