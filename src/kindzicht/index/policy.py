"""The index's regional configuration (product.md 2.2): who may register, who is proposed to
coordinate a match, how long a signal lasts, how soon the family is informed, how long an ended
signal stays in the archive.

The region of a registration is the region of the registering organisation's municipality
(the circle says which organisations may register); the region of a match is the region the
child lives in. A region without its own row follows the national row, and without that the
defaults below (product.md, the Jeugdwet, NEN 7513).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

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


@dataclass(frozen=True)
class Policy:
    region_id: int | None
    authorised_sectors: frozenset[str]
    coordinator_priority: tuple[str, ...]
    signal_months: int
    inform_days: int
    archive_years: int
    #: True when a row configured it (else the defaults)
    configured: bool = False


DEFAULT = Policy(None, frozenset(DEFAULT_AUTHORISED), DEFAULT_COORDINATOR_PRIORITY,
                 DEFAULT_SIGNAL_MONTHS, DEFAULT_INFORM_DAYS, DEFAULT_ARCHIVE_YEARS)


def _from_row(row: IndexPolicy) -> Policy:
    return Policy(row.region_id,
                  frozenset(row.authorised_sectors) if row.authorised_sectors
                  else DEFAULT.authorised_sectors,
                  tuple(row.coordinator_priority) or DEFAULT.coordinator_priority,
                  row.signal_months or DEFAULT_SIGNAL_MONTHS,
                  row.inform_days or DEFAULT_INFORM_DAYS,
                  row.archive_years or DEFAULT_ARCHIVE_YEARS, configured=True)


def policy_for_region(region_id: int | None) -> Policy:
    return policies_for_regions([region_id])[region_id]


def policies_for_regions(region_ids: Iterable[int | None]) -> dict[int | None, Policy]:
    """The policy of each region in one query: its own row, else the national row, else the
    defaults."""
    wanted = set(region_ids)
    rows = {r.region_id: r for r in IndexPolicy.objects.filter(
        region_id__in=[r for r in wanted if r]) | IndexPolicy.objects.filter(
        region__isnull=True)}
    out = {}
    for region_id in wanted:
        row = (rows.get(region_id) if region_id else None) or rows.get(None)
        out[region_id] = _from_row(row) if row is not None else DEFAULT
    return out


def region_of_code(municipality_code: str) -> int | None:
    if not municipality_code:
        return None
    return Municipality.objects.filter(code=municipality_code).values_list(
        "region_id", flat=True).first()


def policy_for_organisation(org: Organisation) -> Policy:
    return policy_for_region(region_of_code(org.municipality_code))


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
    """:func:`region_of_person` for many people in three queries: each person's latest address
    valid on ``day`` among their households then, and the region of its municipality."""
    from kindzicht.people.family import _member_on, _valid_on
    from kindzicht.people.models import HouseholdAddress, HouseholdMembership

    homes: dict[int, set[int]] = {}
    for pid, hid in HouseholdMembership.objects.filter(
            _member_on(day), person_id__in=list(set(person_ids))).values_list("person_id",
                                                                               "household_id"):
        homes.setdefault(hid, set()).add(pid)
    latest: dict[int, tuple[int, str]] = {}  # person -> (address id, municipality code)
    for aid, hid, code in HouseholdAddress.objects.filter(
            _valid_on(day), household_id__in=list(homes)).values_list("id", "household_id",
                                                                      "municipality_code"):
        for pid in homes[hid]:
            if pid not in latest or aid > latest[pid][0]:
                latest[pid] = (aid, code)
    codes = {code for _aid, code in latest.values() if code}
    region = dict(Municipality.objects.filter(code__in=codes).values_list("code", "region_id"))
    return {pid: region.get(code) for pid, (_aid, code) in latest.items()}


def months_later(day: date, months: int) -> date:
    """The same day ``months`` later (the last day of the month when it has fewer days)."""
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
