"""R1, R3, K5, P1 and P3 read set-based (issue 3): the number of queries one evaluation makes does not
grow with the number of families. Counts, not timings: two families against six, built
through the real services, must cost exactly the same queries — and the rules must still
find each family's occurrence, so a rule that quietly stopped reading cannot pass."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import OrganisationFactory, ProfessionalFactory, actor_of, make_family

from kindzicht.continuity.services import involvement_start
from kindzicht.core import clock
from kindzicht.plans.services import plan_make
from kindzicht.rules.engine import CATALOGUE, Context, _load
from kindzicht.safety.services import assessment_record, life_event_record

pytestmark = pytest.mark.django_db

DAY = date(2024, 3, 4)
AS_OF = DAY + timedelta(days=90)


@pytest.fixture
def orgs():
    with clock.frozen(DAY):
        wt = OrganisationFactory(sector="district_team", name="Wijkteam")
        ggz = OrganisationFactory(sector="addiction_care", name="Verslavingszorg")
        adult = OrganisationFactory(sector="adult_mental_health", name="GGZ volwassenen")
        return (wt, actor_of(ProfessionalFactory(organisation=wt, role="coordinator")), ggz,
                actor_of(ProfessionalFactory(organisation=adult)))


def _families(n: int, orgs) -> None:
    """Each family: a child assessed unsafe with an addiction factor owned by a service that
    never accepts it (R3) and never gets involved (K5), and a plan whose goal passes its due
    date with nothing done (P3); a day later its mother loses her job and nobody re-assesses
    (R1), and a mental health service for adults starts working with her while the district
    team works with the child, and neither signals nor shares (P1)."""
    _wt, actor, ggz, adult_actor = orgs
    for _ in range(n):
        with clock.frozen(DAY):
            fam = make_family(parents=2, children=2)
            assessment_record(actor, child=fam.children[0], safety="unsafe", risk="high",
                              factors=[{"domain": "parent", "code": "parent_addiction",
                                        "owner": ggz}])
            involvement_start(actor, person=fam.children[0], service="ambulante hulp")
            plan_make(actor, child=fam.children[0],
                      goals=[{"text": "Vaste bedtijden", "owner": actor.organisation,
                              "due": DAY + timedelta(days=10)}])
        with clock.frozen(DAY + timedelta(days=1)):
            life_event_record(actor, kind="job_loss", person=fam.mother)
            involvement_start(adult_actor, person=fam.mother, service="behandeling")


def _count(code: str) -> tuple[int, int]:
    _load()
    with CaptureQueriesContext(connection) as q:
        found = list(CATALOGUE[code].occurrences(Context(as_of=AS_OF)))
    return len(q.captured_queries), len(found)


@pytest.mark.parametrize("code", ["R1", "R3", "K5", "P1", "P3"])
def test_queries_do_not_grow_with_the_families(code, orgs):
    _families(2, orgs)
    queries_2, found_2 = _count(code)
    _families(4, orgs)
    queries_6, found_6 = _count(code)

    assert found_2 >= 2 and found_6 == 3 * found_2
    assert queries_6 == queries_2, f"{code}: {queries_2} queries for 2 families, {queries_6} for 6"
