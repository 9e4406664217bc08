"""Set-based writes of plain rows (tuples), for the bulk services: binary COPY on PostgreSQL
(psycopg 3 ``cursor.copy``), ``executemany`` on SQLite.

A bulk import writes hundreds of thousands of events, audit entries and signals; building a
model instance per row and letting ``bulk_create`` compile an INSERT per batch cost more than
the database's own work. Rows here are tuples in the order of the given fields; ids that the
caller needs back (to cite an event or a signal) are reserved first with :func:`reserve_ids`,
so the COPY does not need to return anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone

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


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert rows (tuples in the order of ``fields``, by field name or attname) in the
    caller's transaction: one COPY on PostgreSQL, one ``executemany`` on SQLite. The model's
    other columns (not the primary key) get their defaults."""
    given = [model._meta.get_field(f) for f in fields]
    rest = [f for f in model._meta.concrete_fields if f not in given and not f.primary_key]
    suffix = tuple(column_default(f, timezone.now()) for f in rest)
    concrete = given + rest
    table = model._meta.db_table
    columns = ", ".join(f'"{f.column}"' for f in concrete)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN (FORMAT BINARY)') as cp:
                cp.set_types([pg_type(f) for f in concrete])
                for row in rows:
                    cp.write_row(row + suffix)
        else:
            marks = ", ".join(["%s"] * len(concrete))
            cur.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})',
                            [tuple(sqlite_value(v) for v in row + suffix) for row in rows])


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
            cur.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                        "FROM generate_series(1, %s)", [table, pk, n])
            return sorted(r[0] for r in cur.fetchall())
        cur.execute(f'SELECT MAX("{pk}") FROM "{table}"')
        used = cur.fetchone()[0] or 0
        cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cur.fetchone()
        first = max(used, found[0] if found else 0) + 1
    return list(range(first, first + n))


@models.Field.register_lookup
class Among(models.Lookup):
    """``id_field__among=ids``: the column is one of these integer ids — ``= ANY(%s)`` with a
    single array parameter on PostgreSQL, ``IN (…)`` elsewhere.

    Why: a bulk import asks about ~100,000 children at once; with ``__in`` Django prepares
    every value as an expression and psycopg splits a statement with 100,000 placeholders,
    which took seconds per query — the array is one parameter and PostgreSQL uses the same
    index for it."""

    lookup_name = "among"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        return sorted({int(v) for v in self.rhs if v is not None})

    def as_sql(self, compiler, connection):
        from django.core.exceptions import EmptyResultSet

        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*lhs_params, *self.rhs]


models.ForeignObject.register_lookup(Among)  # related fields keep their own lookups
