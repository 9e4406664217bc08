"""The handelingsplicht under concurrency (PostgreSQL, real transactions): many organisations
take responsibility for the same child at the same instant while handovers from the holder are
confirmed. Afterwards exactly one holds it, the history is a clean sequence without overlap or
gap, and every action is either recorded or cleanly refused."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest
from pg_support import run_concurrently

from factories import OrganisationFactory, PersonFactory, ProfessionalFactory, actor_of
from kindzicht.continuity import services as continuity
from kindzicht.continuity.models import ResponsibilityPeriod, ResponsibilityTaking
from kindzicht.core import audit
from kindzicht.core.errors import KindzichtError
from kindzicht.core.models import DomainEvent
from kindzicht.meldcode.services import concern_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TAKERS = 10


def test_many_takers_and_confirmed_handovers_leave_exactly_one_holder():
    child = PersonFactory(birth_date=date(2017, 6, 1))
    first = OrganisationFactory(sector="school")
    first_actor = actor_of(ProfessionalFactory(organisation=first, role="coordinator"))
    concern_record(first_actor, child=child, kind="observation", text="zorg")
    takers = []
    for i in range(TAKERS):
        org = OrganisationFactory(sector="district_team", name=f"Wijkteam {i}")
        takers.append(actor_of(ProfessionalFactory(organisation=org, role="coordinator")))
    receivers = []
    handovers = []
    for i in range(3):
        org = OrganisationFactory(sector="youth_care", name=f"Jeugdhulp {i}")
        actor = actor_of(ProfessionalFactory(organisation=org, role="coordinator"))
        h = continuity.handover_offer(first_actor, child=child, receiver=org)
        continuity.handover_accept(actor, handover=h)
        receivers.append(actor)
        handovers.append(h)

    def take(actor):
        return continuity.responsibility_take(actor, child=child, basis="voluntary")

    def confirm(actor, handover):
        return continuity.handover_confirm_start(actor, handover=handover)

    tasks = [partial(take, a) for a in takers] + [
        partial(confirm, a, h) for a, h in zip(receivers, handovers, strict=True)]
    results = run_concurrently(tasks, return_exceptions=True)

    unexpected = [r for r in results if isinstance(r, BaseException)
                  and not isinstance(r, KindzichtError)]
    assert not unexpected, unexpected
    takings = ResponsibilityTaking.objects.filter(child=child).count()
    assert takings == sum(1 for r in results[:TAKERS] if not isinstance(r, BaseException))

    periods = list(ResponsibilityPeriod.objects.filter(child=child).order_by("at", "id"))
    current = [p for p in periods if p.ended_at is None]
    assert len(current) == 1 and current[0].organisation_id is not None
    for before, after in zip(periods, periods[1:], strict=False):
        assert before.ended_at == after.at, "gap or overlap in the responsibility history"
    # every recorded change has its event, and the audit chain is whole
    assert DomainEvent.objects.filter(type="responsibility_taken").count() == takings
    assert audit.verify() == []
