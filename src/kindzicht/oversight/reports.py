"""The unusual-access reports: three transparent rules over the audit entries of one period.

Each rule is one set-based query (a GROUP BY over the period's entries, the ``person_ids`` JSON
array expanded by the database: ``jsonb_array_elements_text`` on PostgreSQL, ``json_each`` on
SQLite), never a loop over users or entries in Python. The period is filtered first: the audit
table holds every read and write ever made.

- **heavy_reader** — a user who read more distinct persons in the period than
  ``max(OVERSIGHT_READ_FACTOR × the median of their peers, OVERSIGHT_READ_MINIMUM)``; peers are
  the other users of the same role in organisations of the same sector who read person data in
  the period. The finding carries the count, the median, the number of peers and the threshold.
- **break_glass** — every audit entry ``break_glass_opened`` (purpose: the reason given), with
  the number of reads the user then made under break the glass (purpose ``break_the_glass:…``).
- **outside_involvement** — reads by an organisation of a person it had no involvement,
  reference-index signal, concern, report, safety responsibility or handover with at the time
  (``OVERSIGHT_GRACE_DAYS`` either side). Searches are left out (a search comes before the
  involvement it leads to), so are the FG's own reads of the log and the findings, and so are
  break-the-glass reads, which the break_glass rule lists.
  An entry naming several persons (a family, a list) is within involvement when the
  organisation was involved with at least one of them.

Moments are the entries' ``domain_at`` (the injectable clock's time, which is the wall-clock
time in production and the historic moment in a replay), so that they compare with the
``at`` of the recorded facts.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kindzicht.core import clock
from kindzicht.core.models import AuditEntry

from .models import Rule

#: The audit action the break-the-glass service records when someone opens a record outside
#: their involvement (purpose: the reason, person_ids: the person), and the purpose prefix of
#: the reads made under it.
BREAK_GLASS_ACTION = "break_glass_opened"
BREAK_GLASS_PURPOSE_PREFIX = "break_the_glass:"

#: Reads that precede involvement by nature: looking a person up.
SEARCH_ACTIONS = ("person_searched", "person_searched_by_bsn")

#: The FG's own reads of the log and the findings: overseeing access is their involvement.
OVERSIGHT_ACTIONS = ("access_log_viewed", "access_log_exported", "oversight_findings_viewed",
                     "oversight_finding_viewed")

#: At most this many audit entry ids are kept as evidence of one finding.
EVIDENCE_LIMIT = 20


@dataclass
class Found:
    """One finding before it is stored: the rule, its subject and the figures it rests on."""

    rule: str
    key: str
    actor_id: int | None = None
    organisation_id: int | None = None
    person_ids: list[int] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    first_at: datetime | None = None
    last_at: datetime | None = None


@dataclass(frozen=True)
class Period:
    """Whole days in Europe/Amsterdam, both inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return clock.start_of(self.start), clock.start_of(self.end + timedelta(days=1))

    def params(self) -> list[Any]:
        """The bounds as the database driver wants them in a raw query."""
        return [connection.ops.adapt_datetimefield_value(b) for b in self.bounds]


def thresholds() -> dict[str, Any]:
    return {"factor": float(settings.OVERSIGHT_READ_FACTOR),
            "minimum": int(settings.OVERSIGHT_READ_MINIMUM),
            "grace_days": int(settings.OVERSIGHT_GRACE_DAYS)}


# --- the SQL of each backend -----------------------------------------------------------------


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _expand() -> tuple[str, str]:
    """The join that turns an entry into one row per person it names, and the person id."""
    if _postgres():
        return ("CROSS JOIN LATERAL jsonb_array_elements_text(a.person_ids) AS p(value)",
                "CAST(p.value AS BIGINT)")
    return "CROSS JOIN json_each(a.person_ids) AS p", "CAST(p.value AS INTEGER)"


def _not_later(fact: str, read: str, days: int) -> str:
    """The fact began at most ``days`` after the read."""
    if _postgres():
        return f"{fact} <= {read} + INTERVAL '{int(days)} days'"
    return f"julianday({fact}) <= julianday({read}) + {int(days)}"


def _not_ended_before(ended: str, read: str, days: int) -> str:
    """The fact was still open, or ended at most ``days`` before the read."""
    if _postgres():
        return f"({ended} IS NULL OR {ended} >= {read} - INTERVAL '{int(days)} days')"
    return f"({ended} IS NULL OR julianday({ended}) >= julianday({read}) - {int(days)})"


def _ids_agg(column: str) -> str:
    if _postgres():
        return f"string_agg(DISTINCT CAST({column} AS TEXT), ',')"
    return f"group_concat(DISTINCT {column})"


def _ids(value: Any) -> list[int]:
    return sorted({int(v) for v in str(value or "").split(",") if v.strip()})


def _moment(value: Any) -> datetime | None:
    """A moment from a raw query: PostgreSQL gives it aware, SQLite as naive UTC text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def _rows(sql: str, params: list[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- rule (a): far more persons than one's peers ----------------------------------------------


def distinct_persons_read(period: Period) -> list[tuple[int, str, str, int, int, int | None]]:
    """Per user (and the role and sector they read in): distinct persons read, read entries,
    and their organisation — one GROUP BY over the period's reads."""
    from kindzicht.people.models import Organisation

    expand, person = _expand()
    sql = f"""
        SELECT a.actor_id, a.role, COALESCE(o.sector, ''), COUNT(DISTINCT {person}),
               COUNT(DISTINCT a.id), MIN(a.organisation_id)
        FROM {AuditEntry._meta.db_table} a {expand}
        LEFT JOIN {Organisation._meta.db_table} o ON o.id = a.organisation_id
        WHERE a.kind = 'read' AND a.actor_id IS NOT NULL
          AND a.domain_at >= %s AND a.domain_at < %s
        GROUP BY a.actor_id, a.role, COALESCE(o.sector, '')
    """
    return [tuple(r) for r in _rows(sql, period.params())]


def heavy_readers(period: Period) -> list[Found]:
    """Users who read far more distinct persons than the peers of their role and sector.

    The counting is the database's GROUP BY (one row per user who read anything); the medians
    are taken here over those few rows, per peer group, leaving the user out of their own."""
    limits = thresholds()
    groups: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for row in distinct_persons_read(period):
        groups[(row[1], row[2])].append(row)
    found: list[Found] = []
    for (role, sector), rows in groups.items():
        counts = sorted(r[3] for r in rows)
        for actor_id, _role, _sector, persons, reads, org_id in rows:
            peers = list(counts)
            peers.remove(persons)
            if not peers:
                continue  # nobody to compare with
            median = statistics.median(peers)
            threshold = max(limits["factor"] * median, limits["minimum"])
            if persons > threshold:
                found.append(Found(
                    rule=Rule.HEAVY_READER, key=f"actor:{actor_id}:{role}:{sector}",
                    actor_id=actor_id, organisation_id=org_id,
                    figures={"persons": persons, "reads": reads, "role": role,
                             "sector": sector, "peers": len(peers),
                             "peer_median": median, "factor": limits["factor"],
                             "minimum": limits["minimum"], "threshold": threshold}))
    return sorted(found, key=lambda f: -f.figures["persons"])


# --- rule (b): break the glass ----------------------------------------------------------------


def break_glass(period: Period) -> list[Found]:
    """Every opening of a record under break the glass in the period, with the reads the user
    made under it in the period."""
    start, end = period.bounds
    in_period = AuditEntry.objects.filter(domain_at__gte=start, domain_at__lt=end)
    reads_under: dict[int | None, int] = defaultdict(int)
    from django.db.models import Count

    for row in (in_period.filter(kind="read", purpose__startswith=BREAK_GLASS_PURPOSE_PREFIX)
                .order_by().values("actor_id").annotate(n=Count("id"))):
        reads_under[row["actor_id"]] = row["n"]
    found = []
    for e in in_period.filter(action=BREAK_GLASS_ACTION).order_by("domain_at", "id").only(
            "id", "domain_at", "actor_id", "organisation_id", "role", "person_ids", "purpose"):
        found.append(Found(
            rule=Rule.BREAK_GLASS, key=f"entry:{e.pk}", actor_id=e.actor_id,
            organisation_id=e.organisation_id, person_ids=[int(p) for p in e.person_ids],
            first_at=e.domain_at, last_at=e.domain_at,
            figures={"reason": e.purpose, "role": e.role, "entry_id": e.pk,
                     "reads_under_break_glass": reads_under.get(e.actor_id, 0)}))
    return found


# --- rule (c): reads outside involvement ------------------------------------------------------


def _involvement_tests(days: int) -> str:
    """SQL conditions, any of which puts the row ``r`` (organisation_id, person_id, at) within
    involvement: each names a recorded fact that ties the organisation to the person then."""
    from kindzicht.continuity.models import Handover, Involvement, ResponsibilityPeriod
    from kindzicht.index.models import Signal
    from kindzicht.meldcode.models import Concern, Report

    def began(t: str) -> str:
        return _not_later(f"{t}.at", "r.at", days)

    def open_then(t: str) -> str:
        return _not_ended_before(f"{t}.ended_at", "r.at", days)

    tests = [
        f"SELECT 1 FROM {Involvement._meta.db_table} x WHERE x.organisation_id = r.organisation_id "
        f"AND x.person_id = r.person_id AND {began('x')} AND {open_then('x')}",
        f"SELECT 1 FROM {Signal._meta.db_table} x WHERE x.organisation_id = r.organisation_id "
        f"AND x.person_id = r.person_id AND {began('x')} AND {open_then('x')}",
        f"SELECT 1 FROM {ResponsibilityPeriod._meta.db_table} x "
        f"WHERE x.organisation_id = r.organisation_id AND x.child_id = r.person_id "
        f"AND {began('x')} AND {open_then('x')}",
        f"SELECT 1 FROM {Concern._meta.db_table} x WHERE x.organisation_id = r.organisation_id "
        f"AND x.child_id = r.person_id AND {began('x')}",
        f"SELECT 1 FROM {Handover._meta.db_table} x WHERE x.child_id = r.person_id "
        f"AND (x.sender_id = r.organisation_id OR x.receiver_id = r.organisation_id) "
        f"AND {began('x')}",
        f"SELECT 1 FROM {Report._meta.db_table} x WHERE x.child_id = r.person_id "
        f"AND (x.reporter_id = r.organisation_id OR x.safe_at_home_id = r.organisation_id) "
        f"AND {began('x')}",
    ]
    return " OR ".join(f"EXISTS ({t})" for t in tests)


def outside_involvement(period: Period) -> list[Found]:
    """Reads of a person by an organisation with no recorded tie to that person at the time,
    one finding per organisation and person, with the reads, users and first and last moment."""
    days = thresholds()["grace_days"]
    expand, person = _expand()
    skipped = (*SEARCH_ACTIONS, *OVERSIGHT_ACTIONS, BREAK_GLASS_ACTION)
    skip = ", ".join(["%s"] * len(skipped))
    sql = f"""
        WITH r AS (
            SELECT a.id AS entry_id, a.domain_at AS at, a.actor_id, a.organisation_id,
                   {person} AS person_id
            FROM {AuditEntry._meta.db_table} a {expand}
            WHERE a.kind = 'read' AND a.domain_at >= %s AND a.domain_at < %s
              AND a.organisation_id IS NOT NULL
              AND a.purpose NOT LIKE %s AND a.action NOT IN ({skip})
        ),
        covered AS (
            SELECT DISTINCT r.entry_id FROM r WHERE {_involvement_tests(days)}
        )
        SELECT r.organisation_id, r.person_id, COUNT(DISTINCT r.entry_id), MIN(r.at),
               MAX(r.at), {_ids_agg('r.actor_id')}, {_ids_agg('r.entry_id')}
        FROM r
        WHERE r.entry_id NOT IN (SELECT entry_id FROM covered)
        GROUP BY r.organisation_id, r.person_id
        ORDER BY r.organisation_id, r.person_id
    """
    params = period.params() + [BREAK_GLASS_PURPOSE_PREFIX + "%", *skipped]
    found = []
    for org_id, person_id, reads, first, last, actors, entries in _rows(sql, params):
        actor_ids = _ids(actors)
        found.append(Found(
            rule=Rule.OUTSIDE_INVOLVEMENT, key=f"org:{org_id}:person:{person_id}",
            actor_id=actor_ids[0] if len(actor_ids) == 1 else None, organisation_id=org_id,
            person_ids=[int(person_id)], first_at=_moment(first), last_at=_moment(last),
            figures={"reads": reads, "actor_ids": actor_ids, "grace_days": days,
                     "entry_ids": _ids(entries)[:EVIDENCE_LIMIT]}))
    return found


def unusual_access(period: Period) -> list[Found]:
    """All three rules over one period."""
    return heavy_readers(period) + break_glass(period) + outside_involvement(period)
