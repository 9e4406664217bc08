"""The known occurrences: what the last evaluation of each child found and had not yet seen
resolved (``KnownOccurrence``).

A nightly sweep at national scale wakes tens of thousands of children only because time
moved: a reminder or a deadline of an occurrence comes, an alert reaches its escalation day.
Their facts did not change — a change would have put them among the children evaluated — so
the occurrences of their last evaluation still stand, and the sweep raises, resolves and
escalates from those instead of evaluating every rule again (issue 3: the rules for the
65,000 such children of a night at 1,000,000 children took longer than the whole target).
Every evaluation of a child (full, nightly or incremental) replaces that child's rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from django.db import connection

from .engine import Occurrence
from .models import KnownOccurrence

FIELDS = ("child", "code", "key", "at", "resolved_on", "text", "recipients", "evidence",
          "facts", "municipality_code")

#: rows written at a time: bounds a full sweep's memory, as the watchdog's own chunks do
CHUNK = 100_000


def recall(children: set[int]) -> Iterator[Occurrence]:
    """The known occurrences of ``children``, in the order their evaluation found them."""
    if not children:
        return
    rows = KnownOccurrence.objects.filter(child_id__any=children).order_by("pk").values_list(
        "child_id", *FIELDS[1:])
    for child, code, key, at, resolved_on, text, recipients, evidence, facts, town in \
            rows.iterator(chunk_size=CHUNK):
        yield Occurrence(code=code, child_id=child, at=at, key=key, text=text,
                         recipients=recipients, evidence=evidence, facts=facts,
                         municipality_code=town, resolved_on=resolved_on)


class Keeper:
    """Keeps what an evaluation finds as the known occurrences of the children it evaluated
    (``children``; None: everyone), replacing theirs: the old rows go first, the new ones
    are written a chunk at a time while the occurrences stream through the sweep. Only those
    not resolved by ``day``: a resolved occurrence has closed its tasks and asks nothing more
    unless its facts change, and then its child is evaluated again."""

    def __init__(self, children: set[int] | None, day: date) -> None:
        self.day = day
        self.rows: list[tuple] = []
        forget(KnownOccurrence, children)

    def keep(self, occurrences: Iterable[Occurrence]) -> Iterator[Occurrence]:
        """Pass ``occurrences`` through, keeping each unresolved one."""
        for occ in occurrences:
            if occ.resolved_on is None or occ.resolved_on > self.day:
                self.rows.append((occ.child_id, occ.code, occ.key, occ.at, occ.resolved_on,
                                  occ.text, occ.recipients, occ.evidence, occ.facts,
                                  occ.municipality_code))
                if len(self.rows) >= CHUNK:
                    self.flush()
            yield occ

    def flush(self) -> None:
        from kindzicht.core import rows

        if self.rows:
            rows.insert(KnownOccurrence, FIELDS, self.rows)
            self.rows = []


def forget(model, children: set[int] | None) -> None:
    """Remove the rows that a sweep's evaluation of ``children`` (None: everyone) replaces,
    from a per-child store of the watchdog's (``KnownOccurrence``, ``Wake``)."""
    if children is None:
        _forget_all(model)
    elif children:
        old = model.objects.filter(child_id__any=children)
        old._raw_delete(old.db)


def _forget_all(model) -> None:
    """Everyone's rows, before a full sweep keeps its own: millions at national scale, so a
    TRUNCATE on PostgreSQL. PostgreSQL refuses to truncate a table whose rows written earlier
    in the same transaction still await their (deferred) foreign-key check — a second sweep in
    one transaction, as a replay test or the bench's nights run them — so that check is made
    first."""
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            cur.execute(f'DELETE FROM "{table}"')
            return
        keys = ", ".join(connection.ops.quote_name(name) for name, c in
                         connection.introspection.get_constraints(cur, table).items()
                         if c["foreign_key"])
        cur.execute(f"SET CONSTRAINTS {keys} IMMEDIATE")
        cur.execute(f'TRUNCATE "{table}"')
        cur.execute(f"SET CONSTRAINTS {keys} DEFERRED")
