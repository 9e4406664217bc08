"""A read on a second connection, in a thread, while this connection writes (PostgreSQL).

A bulk service in one transaction uses one of the machine's cores at a time: its Python
waits for the database and the database for its Python. A read it needs only later — a
national import's families, a minute of the database's work — can run beside its writes on
another connection, on the other core.

Only where that connection sees what this one sees: the caller asks :func:`clean` before
it writes anything, for the other connection cannot see this transaction's own changes (a
caller's, a test's fixtures). Where it cannot (SQLite; a transaction that has written), the
caller reads the ordinary way; the answer is the same.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import connection

T = TypeVar("T")


def clean() -> bool:
    """Whether another connection would see what this one sees: PostgreSQL, and this
    transaction has written nothing (no transaction id yet)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT txid_current_if_assigned() IS NULL")
        return bool(cur.fetchone()[0])


def read(fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
    """Start ``fn(*args, **kwargs)`` — reads only — on a connection of its own, in a thread;
    its future gives the answer (or raises its error). The connection is closed when it is
    done."""
    worker = ThreadPoolExecutor(1, thread_name_prefix="kindzicht-ahead")
    try:
        return worker.submit(_alone, fn, args, kwargs)
    finally:
        worker.shutdown(wait=False)


def _alone(fn: Callable[..., T], args: tuple, kwargs: dict) -> T:
    try:
        return fn(*args, **kwargs)
    finally:
        connection.close()  # this thread's own
