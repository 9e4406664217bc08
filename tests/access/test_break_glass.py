"""Break the glass, its review, who read a record, and the reach rules themselves (issue 8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import OrganisationFactory, PersonFactory, ProfessionalFactory, actor_of, involve

from kindzicht.access.models import BreakGlass, Review
from kindzicht.access.reach import OutOfReach, reachable
from kindzicht.access.selectors import access_log_of
from kindzicht.access.services import break_glass_open, break_glass_review
from kindzicht.core import clock
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.core.models import AuditEntry, DomainEvent, Notification
from kindzicht.people import selectors as people
from kindzicht.people import services as people_services
from kindzicht.rules.models import Task, TaskStatus

pytestmark = pytest.mark.django_db
REASON = "kind alleen thuis aangetroffen, moeder onbereikbaar"


@pytest.fixture
def world():
    jh = OrganisationFactory(name="Jeugdhulp Binnen", sector="youth_care")
    ggz = OrganisationFactory(name="GGZ Noord", sector="adult_mental_health")
    seh = OrganisationFactory(name="Ziekenhuis SEH", sector="youth_care")
    child = PersonFactory(given_name="Sem", birth_date=clock.today() - timedelta(days=3000))
    mother = PersonFactory(adult=True, given_name="Iris")
    people_services.relation_add(actor_of(ProfessionalFactory(organisation=jh)), person=mother,
                                 kind="parent_of", other=child)
    a_jh = actor_of(ProfessionalFactory(organisation=jh))
    involve(a_jh, child)
    return {"jh": a_jh, "ggz": actor_of(ProfessionalFactory(organisation=ggz)),
            "seh": actor_of(ProfessionalFactory(organisation=seh)), "child": child,
            "mother": mother}


def test_reach_is_set_based_and_follows_the_family(world):
    child, mother = world["child"], world["mother"]
    stranger = PersonFactory()
    assert reachable(world["jh"], [child.pk, mother.pk, stranger.pk]) == {child.pk, mother.pk}
    assert reachable(world["ggz"], [child.pk, mother.pk]) == set()
    involve(world["ggz"], mother)  # the kindcheck: GGZ treating the mother reaches her child
    assert reachable(world["ggz"], [child.pk, mother.pk]) == {child.pk, mother.pk}


def test_outside_reach_the_page_is_refused_and_nothing_is_read(world):
    before = AuditEntry.objects.filter(kind="read").count()
    with pytest.raises(OutOfReach):
        people.person_record(world["seh"], world["child"].pk)
    assert AuditEntry.objects.filter(kind="read").count() == before


def test_a_reason_is_mandatory_and_nothing_is_written(world):
    events = DomainEvent.objects.count()
    for reason in ("", "   ", "nodig"):
        with pytest.raises(ValidationError) as exc:
            break_glass_open(world["seh"], world["child"], reason)
        assert exc.value.field == "reason"
    assert DomainEvent.objects.count() == events and not BreakGlass.objects.exists()


def test_in_reach_there_is_no_glass_to_break(world):
    with pytest.raises(Refused):
        break_glass_open(world["jh"], world["child"], REASON)


def test_break_the_glass_grants_audits_notifies_and_asks_for_review(world, settings):
    settings.BREAK_GLASS_HOURS = 24
    seh, child = world["seh"], world["child"]
    grant = break_glass_open(seh, child, REASON)
    assert grant.expires_at == grant.opened_at + timedelta(hours=24)
    opened = AuditEntry.objects.get(action="break_glass_opened")
    assert (opened.purpose, opened.person_ids, opened.kind) == (REASON, [child.pk], "write")
    # the reads under the grant carry the reason
    record = people.person_record(seh, child.pk)
    assert record.person == child
    read = AuditEntry.objects.filter(kind="read", action="person_viewed").latest("id")
    assert read.purpose == f"break_the_glass: {REASON}"
    # the responsible organisation is told and gets a review task
    jh_org = world["jh"].organisation
    assert grant.reviewer_ids == [jh_org.pk]
    assert Notification.objects.filter(organisation=jh_org, kind="break_glass_opened").exists()
    task = Task.objects.get(organisation=jh_org, code="break_glass_review")
    # ... sees the access in "who read this record"
    rows = access_log_of(world["jh"], child)
    assert any(r.break_glass and r.organisation == "Ziekenhuis SEH" for r in rows)
    assert any(r.purpose == f"break_the_glass: {REASON}" for r in rows)
    assert AuditEntry.objects.filter(action="access_log_read", person_ids=[child.pk]).exists()
    # ... and reviews it
    with pytest.raises(ValidationError):
        break_glass_review(world["jh"], grant, verdict="improper")  # a note is required
    with pytest.raises(Forbidden):
        break_glass_review(world["ggz"], grant, verdict="ok")
    break_glass_review(world["jh"], grant, verdict="improper", note="geen acute situatie")
    grant.refresh_from_db()
    task.refresh_from_db()
    assert grant.review == Review.IMPROPER and task.status == TaskStatus.DONE
    assert DomainEvent.objects.filter(type="break_glass_reviewed").count() == 1
    with pytest.raises(Refused):
        break_glass_review(world["jh"], grant, verdict="ok")


def test_the_grant_expires(world, settings):
    settings.BREAK_GLASS_HOURS = 2
    break_glass_open(world["seh"], world["child"], REASON)
    with clock.frozen(clock.now() + timedelta(hours=3)):
        with pytest.raises(OutOfReach):
            people.person_get(world["seh"], world["child"].pk)


def test_who_read_is_only_for_the_organisations_involved(world):
    with pytest.raises(Forbidden):
        access_log_of(world["seh"], world["child"])
