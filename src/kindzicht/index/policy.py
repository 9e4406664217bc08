"""The index's regional configuration (product.md 2.2): who may register, who is proposed to
coordinate a match, how long a signal lasts, how soon the family is informed, how long an ended
signal stays in the archive.

The region of a registration is the region of the registering organisation's municipality
(the circle says which organisations may register); the region of a match is the region the
child lives in. A region without its own row follows the national row, and without that the
defaults below (product.md, the Jeugdwet, NEN 7513).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from kindzicht.core import prepared
from kindzicht.people.models import Municipality, Organisation
from kindzicht.people.sectors import NOT_AUTHORISED_TO_SIGNAL, SECTORS

from .models import IndexPolicy

#: product.md: every sector may register, except the municipality as overseer and the court.
DEFAULT_AUTHORISED = tuple(s for s in SECTORS if s not in NOT_AUTHORISED_TO_SIGNAL)
#: Sector priority for the proposed match coordinator.
DEFAULT_COORDINATOR_PRIORITY = ("youth_protection", "safe_at_home", "district_team",
                                "youth_care", "youth_mental_health", "youth_health", "school",
                                "social_work")
DEFAULT_SIGNAL_MONTHS = 24  # Jeugdwet: a signal lasts at most two years
DEFAULT_INFORM_DAYS = 28  # inform the young person and the parents within four weeks
DEFAULT_ARCHIVE_YEARS = 5  # NEN 7513 keeps access logs five years
DEFAULT_RENEW_NOTICE_DAYS = 28  # the registering organisation is reminded four weeks ahead


@dataclass(frozen=True)
class Policy:
    region_id: int | None
    authorised_sectors: frozenset[str]
    coordinator_priority: tuple[str, ...]
    signal_months: int
    inform_days: int
    archive_years: int
    renew_notice_days: int
    #: True when a row configured it (else the defaults)
    configured: bool = False


DEFAULT = Policy(None, frozenset(DEFAULT_AUTHORISED), DEFAULT_COORDINATOR_PRIORITY,
                 DEFAULT_SIGNAL_MONTHS, DEFAULT_INFORM_DAYS, DEFAULT_ARCHIVE_YEARS,
                 DEFAULT_RENEW_NOTICE_DAYS)


def _from_row(row: IndexPolicy) -> Policy:
    return Policy(row.region_id,
                  frozenset(row.authorised_sectors) if row.authorised_sectors
                  else DEFAULT.authorised_sectors,
                  tuple(row.coordinator_priority) or DEFAULT.coordinator_priority,
                  row.signal_months or DEFAULT_SIGNAL_MONTHS,
                  row.inform_days or DEFAULT_INFORM_DAYS,
                  row.archive_years or DEFAULT_ARCHIVE_YEARS,
                  row.renew_notice_days or DEFAULT_RENEW_NOTICE_DAYS, configured=True)


def policy_for_region(region_id: int | None) -> Policy:
    return policies_for_regions([region_id])[region_id]


def policies_for_regions(region_ids: Iterable[int | None]) -> dict[int | None, Policy]:
    """The policy of each of these regions (and of no region: the national one), in one
    statement: the regions' own rows and the national row."""
    ids = {r for r in region_ids if r}
    rows = {r.region_id: r for r in IndexPolicy.objects.filter(
        Q(region_id__in=ids) | Q(region__isnull=True))}
    return _policies(rows, ids)


def _policies(rows: dict[int | None, IndexPolicy], region_ids: Iterable[int | None]
              ) -> dict[int | None, Policy]:
    """Each region's policy from the rows read (by region, ``None`` the national row): its
    own row, else the national row, else the defaults — and the national one for no
    region."""
    national = rows.get(None)
    out = {None: _from_row(national) if national is not None else DEFAULT}
    for region in {r for r in region_ids if r}:
        row = rows.get(region) or national
        out[region] = _from_row(row) if row is not None else DEFAULT
    return out


def region_of_code(municipality_code: str) -> int | None:
    if not municipality_code:
        return None
    return Municipality.objects.filter(code=municipality_code).values_list(
        "region_id", flat=True).first()


def policy_for_organisation(org: Organisation) -> Policy:
    """The policy of the region of the organisation's municipality, in one statement: that
    region's row and the national row (a registration reads it first, every time — as plain
    SQL, which costs a fraction of the ORM's query building for a join)."""
    sql = (f"SELECT {_POLICY_COLUMNS} FROM {IndexPolicy._meta.db_table} p "
           "WHERE p.region_id IS NULL")
    params: list = []
    if org.municipality_code:
        sql += (f" OR p.region_id IN (SELECT m.region_id FROM {Municipality._meta.db_table} m "
                "WHERE m.code = %s)")
        params.append(org.municipality_code)
    with prepared.cursor() as cur:
        cur.execute(sql, params)
        rows = [_policy_row(r) for r in cur.fetchall()]
    row = next((r for r in rows if r.region_id is not None), None) or next(
        (r for r in rows if r.region_id is None), None)
    return _from_row(row) if row is not None else DEFAULT


#: A policy row's columns as :func:`_policy_row` takes them, read by plain SQL.
_POLICY_COLUMNS = ("p.region_id, p.authorised_sectors, p.coordinator_priority, p.signal_months, "
                   "p.inform_days, p.archive_years, p.renew_notice_days")


def _policy_row(values) -> IndexPolicy:
    """An IndexPolicy from the values of ``_POLICY_COLUMNS`` (only what ``_from_row`` uses)."""
    region, sectors, priority, months, days, years, notice = values
    return IndexPolicy(region_id=region, authorised_sectors=_json(sectors),
                       coordinator_priority=_json(priority), signal_months=months,
                       inform_days=days, archive_years=years, renew_notice_days=notice)


def policies_for_organisations(orgs: Iterable[Organisation]) -> dict[int, Policy]:
    """:func:`policy_for_organisation` for many organisations in two queries (a bulk import's
    rows come from hundreds of organisations)."""
    orgs = list(orgs)
    region = dict(Municipality.objects.filter(
        code__in={o.municipality_code for o in orgs if o.municipality_code}).values_list(
        "code", "region_id"))
    regions = {o.pk: region.get(o.municipality_code) for o in orgs}
    policies = policies_for_regions(regions.values())
    return {pk: policies[r] for pk, r in regions.items()}


def region_of_person(person_id: int, day: date) -> int | None:
    """The region of the municipality where the person lives on ``day`` (their household's
    address then), if known."""
    return regions_of_persons([person_id], day).get(person_id)


def regions_of_persons(person_ids: Iterable[int], day: date) -> dict[int, int | None]:
    """:func:`region_of_person` for many people in one statement, not two per person: the
    address valid on ``day`` of a household they live in (the latest recorded) with its
    municipality's region."""
    from kindzicht.people.family import _Sql

    person_ids = sorted(set(person_ids))
    if not person_ids:
        return {}
    sql = _Sql()
    statement = _lives(sql, person_ids, day)
    with prepared.cursor(prepare=sql.small) as cur:
        cur.execute(statement, sql.params)
        latest = _latest_regions(cur.fetchall())
    return {p: latest.get(p) for p in person_ids}


def _lives(sql, person_ids: list[int], day: date) -> str:
    """(person, address, region) for every address valid on ``day`` of a household each
    person lives in that day, with the region of its municipality; ``sql`` is the family's
    statement builder (``people.family._Sql``: its array parameter and day checks)."""
    return (f"SELECT m.person_id AS person, a.id AS address, mu.region_id AS region "
            f"{_lives_from(sql, person_ids, day)}")


_LIVES_COLUMNS = ["m.person_id", "a.id", "mu.region_id"]


def _lives_from(sql, person_ids: list[int], day: date) -> str:
    """:func:`_lives` from ``FROM`` on."""
    from kindzicht.people.models import HouseholdAddress, HouseholdMembership

    address, member = HouseholdAddress._meta.db_table, HouseholdMembership._meta.db_table
    return (f"FROM {address} a JOIN {member} m ON m.household_id = a.household_id "
            f"LEFT JOIN {Municipality._meta.db_table} mu ON mu.code = a.municipality_code "
            f"WHERE {sql.valid('a', day)} AND {sql.member('m', day)} "
            f"AND {sql.among('m.person_id', person_ids)}")


def policies_of_persons_queries(person_ids: Iterable[int], day: date
                                ) -> list[tuple[list[str], str, list]]:
    """:func:`policies_of_persons` as two queries for ``core.prepared.select_each`` —
    where the people live, and the policy rows of those regions and the national one — so
    that a registration reads them with its other reads (``index.matching.read_ahead``);
    :func:`policies_from` makes the answer of their rows."""
    from kindzicht.people.family import _Sql

    person_ids = sorted(set(person_ids))
    lives, regions = _Sql(), _Sql()
    return [(_LIVES_COLUMNS, _lives_from(lives, person_ids, day), lives.params),
            ([c.strip() for c in _POLICY_COLUMNS.split(",")],
             f"FROM {IndexPolicy._meta.db_table} p WHERE p.region_id IS NULL OR p.region_id "
             f"IN (SELECT mu.region_id {_lives_from(regions, person_ids, day)})",
             regions.params)]


def policies_from(person_ids: Iterable[int], lives: Iterable[tuple],
                  rows: Iterable[tuple]) -> dict[int, Policy]:
    """:func:`policies_of_persons` from the rows of :func:`policies_of_persons_queries`."""
    regions = _latest_regions(lives)
    policies = _policies({row[0]: _policy_row(row) for row in rows}, regions.values())
    return {p: policies[regions.get(p)] for p in person_ids}


def _latest_regions(rows: Iterable[tuple]) -> dict[int, int | None]:
    """From :func:`_lives`' rows: each person's region by the latest recorded address."""
    latest: dict[int, tuple[int, int | None]] = {}
    for person, pk, region in rows:
        if person not in latest or pk > latest[person][0]:
            latest[person] = (pk, region)
    return {p: region for p, (_pk, region) in latest.items()}


def policies_of_persons(person_ids: Iterable[int], day: date) -> dict[int, Policy]:
    """The policy of the region each person lives in on ``day`` — exactly
    ``policies_for_regions(regions_of_persons(...))`` — in one statement instead of two: the
    addresses with their municipality's region, and beside them the policy rows of those
    regions and the national row (a match's coordinator is proposed by the child's region;
    issue 4 counts every round trip of a registration)."""
    from kindzicht.people.family import _Sql

    person_ids = sorted(set(person_ids))
    if not person_ids:
        return {}
    sql = _Sql()
    none = "CAST(NULL AS INTEGER)"
    statement = (
        f"WITH lives AS ({_lives(sql, person_ids, day)}) "
        f"SELECT {none}, {none}, {none}, {_POLICY_COLUMNS} "
        f"FROM {IndexPolicy._meta.db_table} p WHERE p.region_id IS NULL "
        f"OR p.region_id IN (SELECT region FROM lives) "
        f"UNION ALL SELECT person, address, region, {none}, NULL, NULL, {none}, {none}, "
        f"{none}, {none} FROM lives")
    with prepared.cursor(prepare=sql.small) as cur:
        cur.execute(statement, sql.params)
        found = cur.fetchall()
    return policies_from(person_ids, (row[:3] for row in found if row[0] is not None),
                         (row[3:] for row in found if row[0] is None))


def _json(value):
    """A JSON column read by plain SQL: text on SQLite (and from Django's PostgreSQL
    connection, which leaves jsonb unparsed), or already a value."""
    return json.loads(value) if isinstance(value, str) else value


@functools.lru_cache(maxsize=65536)  # an import asks it of a million rows, few dates
def months_later(day: date, months: int) -> date:
    """The same day ``months`` later (the last day of the month when it has fewer days)."""
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
