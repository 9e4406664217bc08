"""The database's refusal to change history, and the one narrow way around it.

Migration ``core.0003`` installs triggers that refuse UPDATE, DELETE (and on PostgreSQL
TRUNCATE) of audit entries, seals, domain events and event subjects, and that let audit chain
heads only move forward. :func:`permit` lifts that for maintenance that must erase whole tables
— a test flush — and for tests that tamper on purpose to prove ``kindzicht audit verify`` notices.

The triggers stop mistakes and application bugs; they do not stop a database owner, who can
drop them. What makes tampering *evident* is the hash chain, its seals, and the heads exported
with ``kindzicht audit head`` and kept outside the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from .migrations._append_only import (
    PERMIT_TABLE,
    postgres_trigger_names,
    sqlite_trigger_names,
)

PG_SETTING = "kindzicht.audit_maintenance"


def _set_permit(alias: str, on: bool) -> None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, %s, false)", [PG_SETTING, "on" if on else "off"])
        elif connection.vendor == "sqlite":
            if PERMIT_TABLE not in connection.introspection.table_names(cursor):
                return  # migration 0003 not applied: there are no triggers to pass either
            if on:
                cursor.execute(f"INSERT OR IGNORE INTO {PERMIT_TABLE} (id) VALUES (1)")
            else:
                cursor.execute(f"DELETE FROM {PERMIT_TABLE}")


@contextmanager
def permit(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let this connection (PostgreSQL) or the database (SQLite) change history for a moment.

    For test flushes and deliberate tamper tests only. Inside a transaction the permit is part
    of it: a rollback also takes it back.
    """
    _set_permit(using, True)
    try:
        yield
    except BaseException:
        # In a failed PostgreSQL transaction nothing runs until rollback, which undoes the
        # permit too; don't let that hide the original error.
        try:
            _set_permit(using, False)
        except DatabaseError:
            if not connections[using].in_atomic_block:
                raise
        raise
    else:
        _set_permit(using, False)


def missing_triggers(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Triggers that should guard history but are absent or disabled (empty when all is well).

    On SQLite, altering one of these tables in a later migration rebuilds it and silently drops
    its triggers; ``audit verify`` and the test suite call this to notice."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            present = {row[0] for row in cursor.fetchall()}
            return [name for name in sqlite_trigger_names() if name not in present]
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D'"
            )
            present_pg = {(row[0], row[1]) for row in cursor.fetchall()}
            return [f"{name} ON {table}" for table, name in postgres_trigger_names()
                    if (table, name) not in present_pg]
    return []  # kindzicht runs on SQLite and PostgreSQL only
