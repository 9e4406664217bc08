"""A lawful purge removes the person's data, leaves the audit chain verifiable and is itself
audited."""

from __future__ import annotations

from datetime import date

import pytest
from factories import OrganisationFactory, PersonFactory, ProfessionalFactory, actor_of

from kindzicht.core import audit, clock
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.core.models import AuditEntry, DomainEvent, EventSubject
from kindzicht.index.models import Signal
from kindzicht.index.services import signal_register, signal_withdraw
from kindzicht.people.models import Person
from kindzicht.people.purge import person_purge

pytestmark = pytest.mark.django_db


def test_purge_removes_the_data_keeps_the_chain_and_is_audited():
    with clock.frozen(date(2025, 1, 6)):
        school = OrganisationFactory(sector="school")
        actor = actor_of(ProfessionalFactory(organisation=school, role="coordinator"))
        admin = actor_of(ProfessionalFactory(organisation=school, role="admin"))
        child = PersonFactory(birth_date=date(2015, 5, 5))
        signal_register(actor, person=child)
        signal_withdraw(actor, person=child)
        from kindzicht.safety.services import assessment_record

        assessment_record(actor, child=child, safety="safe", risk="low")
        pk = child.pk
        events_before = EventSubject.objects.filter(person_id=pk).count()
        with pytest.raises(Forbidden):
            person_purge(actor, person=child, reason="retention", explanation="termijn")
        with pytest.raises(ValidationError):
            person_purge(admin, person=child, reason="retention", explanation=" ")
        person_purge(admin, person=child, reason="retention", explanation="bewaartermijn voorbij")
    assert not Person.objects.filter(pk=pk).exists()
    assert not Signal.objects.filter(person_id=pk).exists()
    assert EventSubject.objects.filter(person_id=pk).count() == events_before + 1
    purge = DomainEvent.objects.get(type="person_purged")
    assert AuditEntry.objects.filter(event_id=purge.pk, kind="write").exists()
    assert audit.verify() == []


def test_a_child_at_open_risk_is_not_purged():
    with clock.frozen(date(2025, 1, 6)):
        school = OrganisationFactory(sector="school")
        actor = actor_of(ProfessionalFactory(organisation=school, role="coordinator"))
        admin = actor_of(ProfessionalFactory(organisation=school, role="admin"))
        child = PersonFactory(birth_date=date(2015, 5, 5))
        signal_register(actor, person=child)
        with pytest.raises(Refused):
            person_purge(admin, person=child, reason="erasure", explanation="verzoek")
    assert Person.objects.filter(pk=child.pk).exists()
