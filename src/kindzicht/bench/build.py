"""Building the bench population: organisations, then the families in chunks through a COPY
sink, then the indexes and constraints back, the sequences moved on, and statistics."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection

from . import loader
from .population import Population, build_places, tables


@dataclass
class BuildResult:
    children: int
    families: int = 0
    organisations: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds_generate: float = 0.0
    seconds_constraints: float = 0.0
    seconds_analyze: float = 0.0
    seconds_total: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def build_population(*, children: int, seed: int, as_of: date, fresh: bool,
                     conninfo: str | None, log: Callable[[str], None],
                     make: Callable[..., Population] = Population,
                     drawn: Callable[[Population], None] | None = None,
                     what: str = "kinderen") -> BuildResult:
    """Write ``children`` children at open risk with their families and history.

    ``fresh``: the database was just created for the bench, so secondary indexes and foreign
    keys may be dropped during the load (PostgreSQL) and a second connection may copy while
    the next chunk is drawn. ``make`` draws another population with the same machinery (the
    index bench's young people 0–23); ``drawn`` sees it once it is written."""
    started = time.perf_counter()
    result = BuildResult(children=children)
    places = build_places(seed)
    result.organisations = sum(len(v) for p in places[:1] for v in p.local.values())
    specs = tables()
    by_name = {t.name: t for t in specs.values()}
    pg = connection.vendor == "postgresql"
    restore: list[str] = []
    if pg and fresh:
        restore = loader.pg_drop_secondary(by_name)
    first = loader.next_ids(specs.values())
    pop = make(children=children, seed=seed, as_of=as_of, places=places,
                     first_ids=first, table_names={k: t.name for k, t in specs.items()})
    sink: loader.Sink = loader.PgCopySink(by_name, conninfo=conninfo, threaded=fresh) if pg \
        else loader.SqliteSink(by_name)

    def emit(chunk):
        sink.write({specs[k].name: rows for k, rows in chunk.items()})

    last = [time.perf_counter()]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 15 or done == total:
            last[0] = time.perf_counter()
            log(f"  {done:,} / {total:,} {what} ({time.perf_counter() - started:.0f} s)")

    try:
        pop.generate(emit, progress)
    finally:
        sink.close()
    result.seconds_generate = time.perf_counter() - started
    if drawn is not None:
        drawn(pop)
    result.families = pop.families
    result.rows = {specs[k].name: n for k, n in pop.counts.items()}
    from kindzicht.people.models import Organisation

    result.organisations = Organisation.objects.count()
    log(f"  {result.total_rows:,} rijen geschreven in {result.seconds_generate:.1f} s "
        f"({result.total_rows / max(result.seconds_generate, 1e-9):,.0f} rijen/s; COPY "
        f"{sink.seconds_copy:.1f} s daarvan)")
    if restore:
        result.seconds_constraints = loader.pg_restore_secondary(restore, log)
    loader.reset_sequences(specs.values())
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if pg and fresh else "ANALYZE")
    result.seconds_analyze = time.perf_counter() - t
    result.seconds_total = time.perf_counter() - started
    return result
