"""A small regional index to try the import with: ``kindzicht demo`` writes it next to its
database, so that an administrator of the demo finds a file for *Signals › Registraties
importeren* (or ``kindzicht index_import``). Registrations on young people of the demo who have
no signal yet but live with someone who has — so the import makes family matches, and their
families are cases the retention keeps (a family with nothing recorded is purged at the first
sweep, ``privacy.retention``) —, by organisations of sectors in the default circle; and two rows
the check rejects (a BSN failing the elfproef, an unknown organisation), so that the report shows
what a rejection looks like."""

from __future__ import annotations

from kindzicht.core import clock
from kindzicht.people.family import _years_before
from kindzicht.people.models import HouseholdMembership, Organisation, Person

from .bulk import rows_of
from .models import Signal
from .services import MAX_AGE

#: sectors of the default circle the sample registers from (index.policy.DEFAULT_AUTHORISED)
SECTORS = ("school", "youth_health", "gp", "district_team")
#: a BSN that fails the elfproef
BAD_BSN = "123456789"


def sample_import(rows: int = 6) -> str | None:
    """The sample as CSV text, or None when the database has no one to register or no
    organisation to register them."""
    orgs = list(Organisation.objects.filter(sector__in=SECTORS, active=True)
                .order_by("pk").values_list("pk", flat=True))
    today = clock.today()
    signalled = Signal.objects.filter(ended_at__isnull=True).values("person_id")
    with_signal = HouseholdMembership.objects.filter(
        person_id__in=signalled, left_on__isnull=True).values("household_id")
    young = list(Person.objects.filter(
        memberships__household_id__in=with_signal, memberships__left_on__isnull=True,
        bsn__isnull=False, death_date__isnull=True,
        birth_date__gt=_years_before(today, MAX_AGE)).exclude(bsn="").exclude(
        pk__in=signalled).distinct().order_by("pk")[:rows])
    if not orgs or not young:
        return None
    records = [{"organisation": orgs[i % len(orgs)], "bsn": p.bsn,
                "given_name": p.given_name, "family_name": p.family_name,
                "birth_date": p.birth_date.isoformat(), "contact": "Team jeugd, 030-1234567",
                "registered_on": today.isoformat(),
                "informed_on": today.isoformat() if i % 2 else ""}
               for i, p in enumerate(young)]
    first = young[0]
    records += [
        {"organisation": orgs[0], "bsn": BAD_BSN, "birth_date": first.birth_date.isoformat()},
        {"organisation": max(orgs) + 1000, "bsn": first.bsn,
         "birth_date": first.birth_date.isoformat()},
    ]
    return rows_of(records)
