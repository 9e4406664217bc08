"""PostgreSQL planner settings for the duration of a block: set inside the caller's
transaction, put back afterwards.

Some statements know something about their rows that the planner's statistics cannot: an
incremental sweep's queries are bounded by ~1,000 children (``rules.planner``), and the
family statement asks about each person's family, which is a handful of rows however many
people it is given (``people.family``). Where the planner misjudges that — it cannot see
through an array parameter or a common table expression — a block of settings tells it.
Other databases (SQLite) plan as they do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

#: every join an index lookup (what a few rows per input row need), no JIT compilation
NESTED_LOOPS = {"enable_hashjoin": "off", "enable_mergejoin": "off", "enable_seqscan": "off",
                "jit": "off"}
#: no join by index lookups: for a statement whose inputs are a good part of the tables it
#: joins (an import of a million people's families), where the planner, seeing a common
#: table expression of "200 rows", would look each one up — with memory for the hashes
WHOLE_TABLES = {"enable_nestloop": "off", "work_mem": "256MB", "jit": "off"}


def share_of(table: str, n: int) -> float:
    """``n`` rows as a share of ``table``'s rows by the planner's own estimate (PostgreSQL;
    elsewhere 0): whether a statement about ``n`` of them is about a good part of it."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        found = cur.fetchone()
    return n / found[0] if found and found[0] and found[0] > 0 else 0.0


@contextmanager
def settings(values: dict[str, str]) -> Iterator[None]:
    """Plan the statements inside with these settings (PostgreSQL; elsewhere nothing changes).

    In a transaction of its own, or a savepoint of the caller's: the settings hold for the
    block only, and the caller's transaction (a sweep, an import, a test) continues with its
    own. On an error the rollback of that savepoint undoes them."""
    if connection.vendor != "postgresql":
        yield
        return
    names = list(values)
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT " + ", ".join("current_setting(%s)" for _ in names), names)
            before = cur.fetchone()
            _set(cur, values)
        yield
        with connection.cursor() as cur:
            _set(cur, dict(zip(names, before, strict=True)))


def _set(cur, values: dict[str, str]) -> None:
    cur.execute("SELECT " + ", ".join("set_config(%s, %s, true)" for _ in values),
                [x for kv in values.items() for x in kv])
