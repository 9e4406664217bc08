"""A family with a case file of every kind, and the FG who answers the parents' requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from factories import OrganisationFactory, ProfessionalFactory, actor_of, make_family

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.people.models import Person, Professional

DAY = date(2026, 3, 2)


@dataclass
class Case:
    fg: Professional
    fg_actor: Actor
    school: Actor
    child: Person
    sibling: Person
    mother: Person
    family: object


@pytest.fixture
def case(db) -> Case:
    from kindzicht.continuity.services import involvement_start
    from kindzicht.index.services import signal_register
    from kindzicht.meldcode.services import concern_consult, concern_decide, concern_record
    from kindzicht.plans.services import plan_make
    from kindzicht.safety.services import assessment_record

    with clock.frozen(DAY):
        school = OrganisationFactory(sector="school", name="Basisschool De Linde")
        OrganisationFactory(sector="safe_at_home", name="Veilig Thuis Utrecht")
        municipality = OrganisationFactory(sector="municipality", name="Gemeente Utrecht")
        pro = ProfessionalFactory(organisation=school, role="coordinator",
                                  first_name="Petra", last_name="Intern")
        fg = ProfessionalFactory(organisation=municipality, role="privacy_officer",
                                 username="fg-test")
        act = actor_of(pro)
        fam = make_family(children=2, child_ages=[8, 11], family_name="Jansen")
        child, sibling = fam.children
        involvement_start(act, person=child, service="leerlingbegeleiding")
        signal_register(act, person=child, contact="030-1234567",
                        on_behalf_of="Juf Annemarie Observer")
        c = concern_record(act, child=child, kind="second_hand",
                           source="buurvrouw Klaasen", text="Kind komt vaak hongerig op school.")
        concern_consult(act, concern=c, with_whom="colleague", note="Besproken met IB.")
        concern_decide(act, concern=c, outcome="report", reason="Zorgen houden aan.")
        assessment_record(act, child=child, safety="conditionally_safe", risk="moderate",
                          agreements="Moeder brengt het kind elke dag met ontbijt.")
        plan_make(act, child=child, goals=[{"text": "Elke dag ontbijt", "owner": school,
                                            "due": DAY + timedelta(days=60)}])
        from kindzicht.plans.services import cooperation_record, share_make

        cooperation_record(act, child=child, kind="missed_appointment", help="gesprek IB")
        share_make(act, person=child, to=municipality, topic="Schoolverzuim",
                   basis="legal_duty")
        concern_record(act, child=sibling, kind="observation",
                       text="SIBLINGSECRET blauwe plek")
        from kindzicht.people.selectors import person_get

        person_get(act, child.pk)  # a read: the access log has an entry
    return Case(fg, actor_of(fg, purpose="inzage"), act, child, sibling, fam.mother, fam)
