"""Vendor-specific SQL that makes the history tables append-only (used by migrations).

The migration loader skips modules whose name starts with ``_``, so this is a helper, not a
migration. Keep it stable: later migrations that rebuild one of these tables on SQLite (Django
remakes a table to alter it, which drops its triggers) call :func:`install` again.

Refusals raise SQLSTATE 23001 (``restrict_violation``) on PostgreSQL and ``RAISE(ABORT)``
(a constraint error) on SQLite, so both surface in Django as ``IntegrityError``.

The maintenance permit (``kindzicht.core.appendonly.permit``) lets test flushes through: on
PostgreSQL the session setting ``kindzicht.audit_maintenance = 'on'``, on SQLite a row in
``kindzicht_audit_permit``, a plain table that is no Django model, so ``flush`` never empties it.
"""

from __future__ import annotations

from typing import Any

#: Tables whose rows may never change or disappear.
APPEND_ONLY = ("core_auditentry", "core_domainevent", "core_eventsubject", "core_auditseal")
#: The chain heads may only move forward and are never deleted.
HEADS = "core_auditchainhead"
PERMIT_TABLE = "kindzicht_audit_permit"
PG_FUNCTION = "kindzicht_append_only"
PG_HEAD_FUNCTION = "kindzicht_chain_head_forward_only"


def sqlite_trigger_names() -> list[str]:
    names = [f"kindzicht_{t}_no_{op}" for t in APPEND_ONLY for op in ("update", "delete")]
    return names + [f"kindzicht_{HEADS}_no_delete", f"kindzicht_{HEADS}_forward_only"]


def postgres_trigger_names() -> list[tuple[str, str]]:
    """(table, trigger) pairs; PostgreSQL trigger names are per table."""
    return [(t, name) for t in (*APPEND_ONLY, HEADS)
            for name in ("kindzicht_append_only_row", "kindzicht_append_only_truncate")] + [
        (HEADS, "kindzicht_forward_only")]


def _sqlite_sql() -> list[str]:
    permitless = f"NOT EXISTS (SELECT 1 FROM {PERMIT_TABLE})"
    sql = [f"CREATE TABLE IF NOT EXISTS {PERMIT_TABLE} (id INTEGER PRIMARY KEY)"]
    for table in APPEND_ONLY:
        for op in ("update", "delete"):
            sql.append(
                f"CREATE TRIGGER IF NOT EXISTS kindzicht_{table}_no_{op} "
                f"BEFORE {op.upper()} ON {table} WHEN {permitless} BEGIN "
                f"SELECT RAISE(ABORT, 'kindzicht: {op.upper()} on {table} refused: audit and "
                f"event rows are append-only'); END"
            )
    sql.append(
        f"CREATE TRIGGER IF NOT EXISTS kindzicht_{HEADS}_no_delete BEFORE DELETE ON {HEADS} "
        f"WHEN {permitless} BEGIN SELECT RAISE(ABORT, 'kindzicht: DELETE on {HEADS} refused: "
        f"audit chain heads are never removed'); END"
    )
    sql.append(
        f"CREATE TRIGGER IF NOT EXISTS kindzicht_{HEADS}_forward_only BEFORE UPDATE ON {HEADS} "
        f"WHEN NEW.last_seq <= OLD.last_seq AND {permitless} BEGIN "
        f"SELECT RAISE(ABORT, 'kindzicht: UPDATE on {HEADS} refused: an audit chain head only "
        f"moves forward'); END"
    )
    return sql


def _postgres_sql() -> list[str]:
    permitted = "coalesce(current_setting('kindzicht.audit_maintenance', true), '') = 'on'"
    refuse = ("RAISE EXCEPTION 'kindzicht: % on % refused: {why}', TG_OP, TG_TABLE_NAME "
              "USING ERRCODE = 'restrict_violation';")
    append_only = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF NOT {permitted} THEN
        {refuse.format(why="audit and event rows are append-only")}
    END IF;
    IF TG_LEVEL = 'STATEMENT' THEN
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$body$"""
    forward_only = f"""
CREATE OR REPLACE FUNCTION {PG_HEAD_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF NOT {permitted} AND NEW.last_seq <= OLD.last_seq THEN
        {refuse.format(why="an audit chain head only moves forward")}
    END IF;
    RETURN NEW;
END
$body$"""
    sql = [append_only, forward_only]
    for table in (*APPEND_ONLY, HEADS):
        row_ops = "DELETE" if table == HEADS else "UPDATE OR DELETE"
        sql += [
            f"DROP TRIGGER IF EXISTS kindzicht_append_only_row ON {table}",
            f"CREATE TRIGGER kindzicht_append_only_row BEFORE {row_ops} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()",
            f"DROP TRIGGER IF EXISTS kindzicht_append_only_truncate ON {table}",
            f"CREATE TRIGGER kindzicht_append_only_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()",
        ]
    sql += [
        f"DROP TRIGGER IF EXISTS kindzicht_forward_only ON {HEADS}",
        f"CREATE TRIGGER kindzicht_forward_only BEFORE UPDATE ON {HEADS} "
        f"FOR EACH ROW EXECUTE FUNCTION {PG_HEAD_FUNCTION}()",
    ]
    return sql


def install(schema_editor: Any) -> None:
    """Create (or re-create) the triggers on the current backend."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = _sqlite_sql()
    elif vendor == "postgresql":
        statements = _postgres_sql()
    else:  # pragma: no cover - kindzicht supports SQLite and PostgreSQL only
        raise RuntimeError(f"append-only triggers are not written for {vendor}")
    for statement in statements:
        schema_editor.execute(statement, params=None)


def uninstall(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in sqlite_trigger_names()]
        statements.append(f"DROP TABLE IF EXISTS {PERMIT_TABLE}")
    elif vendor == "postgresql":
        statements = [f"DROP TRIGGER IF EXISTS {name} ON {table}"
                      for table, name in postgres_trigger_names()]
        statements += [f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()",
                       f"DROP FUNCTION IF EXISTS {PG_HEAD_FUNCTION}()"]
    else:  # pragma: no cover
        return
    for statement in statements:
        schema_editor.execute(statement, params=None)
