"""How PostgreSQL should plan an incremental sweep's queries: as index lookups of the swept
children's rows, not as scans of whole tables.

Every query of an incremental sweep is bounded by its ~1,000 children (``child_id IN …``,
their families, their tasks). With the server's default costs (``random_page_cost`` 4: a disk
that seeks) the planner still prefers a hash join against a sequential scan of the whole
table once the table is small enough — every person, assessment factor or meldcode step of a
100,000-child population — and starts parallel workers for it. Those scans are what made the
incremental sweep grow with the population although no query asks for more than the scope
(docs/benchmarks.md, issue 3). The bench's tables are cached, as a production database's hot
tables are; with the cost of a random read close to a sequential one (1.1, the usual value
for SSDs and cached data) the same queries become nested index lookups, and without parallel
workers none is started for a query that reads a few thousand rows.

Only for the incremental sweep, only inside its transaction: the nightly full sweep reads
everyone and is rightly planned with scans. Other databases (SQLite) plan as they do.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Field, ForeignObject
from django.db.models.lookups import In

from kindzicht.core import planning
from kindzicht.core.rows import int_array

#: planner settings for queries bounded by a few children (name -> value)
FEW_ROWS = {"random_page_cost": "1.1", "max_parallel_workers_per_gather": "0"}


def index_lookups():
    """Plan the queries inside as index lookups (PostgreSQL; elsewhere nothing changes), for
    the block only (``core.planning.settings``)."""
    return planning.settings(FEW_ROWS)


#: tasks raised by one sweep from which the task table's statistics are taken again
ANALYZE_AFTER = 1000


def analyze_tasks() -> None:
    """Fresh planner statistics of the task table inside the sweep's transaction, after it
    raised many tasks (PostgreSQL counts its own transaction's new rows; elsewhere nothing).

    The escalation then reads the open alerts it has just written and looks up, per alert,
    whether it was escalated before (``NOT EXISTS``). Planned with statistics of a task table
    that held a few hundred tasks, that became a nested loop scanning the whole table once per
    alert: 4.4 s for the ~9,000 tasks of 885 children swept for the first time (a fresh
    10,000-child bench population), 9.3 s at 1,000,000 children. A sample of the table costs
    milliseconds to a second, and only a sweep that raised ``ANALYZE_AFTER`` tasks or more
    pays it: a nightly or incremental sweep raises a few hundred."""
    if connection.vendor != "postgresql":
        return
    from .models import Task

    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {connection.ops.quote_name(Task._meta.db_table)}")


class AnyOf(In):
    """``field__any=ids``: ``field IN ids`` sent to PostgreSQL as ``field = ANY(%s)`` with the
    ids as one array parameter.

    An incremental sweep filters its ~140 queries by the swept children, their families,
    households, plans and tasks: some 100,000 ids in all. As ``IN (%s, %s, …)`` every id was
    prepared by Django, spliced into the query text by psycopg and parsed again by the
    server — about half a second of profiled time at 100,000 children (cProfile: psycopg's
    ``_split_query``, Django's ``get_prep_value``), the same whatever the population.
    One array parameter is plain data; the server plans it as the IN list (both are a
    ``= ANY`` of an array to it), so the plans stay index lookups. A subquery, or another
    database (SQLite), gets the ordinary IN."""

    lookup_name = "any"

    def get_prep_lookup(self):
        if self.rhs_is_direct_value():
            return list(self.rhs)   # ids as the caller holds them, not prepared one by one
        return super().get_prep_lookup()

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        values = list({v for v in self.rhs if v is not None})
        if not values:
            raise EmptyResultSet
        if all(type(v) is int for v in values):
            # ids: the array's text made at C speed, not dumped value by value by psycopg
            values = int_array(values)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        db_type = self.lhs.output_field.db_type(connection)
        return f"{lhs} = ANY(%s::{db_type}[])", (*lhs_params, values)


# on every field, and on foreign keys, whose lookups do not inherit the fields'
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
