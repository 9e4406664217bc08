"""Berichten: the notifications a change sends reach the receiving organisation in the system
too; the inbox is the organisation's, personal ones stay personal, reading is a change."""

from __future__ import annotations

from dataclasses import replace

import pytest
from factories import ProfessionalFactory, actor_of

from kindzicht.continuity import services as continuity
from kindzicht.core import inbox
from kindzicht.core.actions import notify
from kindzicht.core.errors import NotFound
from kindzicht.core.models import AuditEntry, DomainEvent, Notification
from kindzicht.meldcode.services import concern_record

pytestmark = pytest.mark.django_db


def _offer(world):
    concern_record(world.actors["school"], child=world.child, kind="observation")
    return continuity.handover_offer(world.actors["school"], child=world.child,
                                     receiver=world.orgs["wt"])


def test_a_handover_offer_arrives_unread_in_the_receivers_inbox_only(world):
    _offer(world)
    wt, school = world.actors["wt"], world.actors["school"]
    found = inbox.notifications_of(wt)
    assert [n.kind for n in found] == ["handover_offered"]
    assert found[0].person_id == world.child.pk and found[0].read_at is None
    assert inbox.unread_count(wt) == 1
    assert all(n.kind != "handover_offered" for n in inbox.notifications_of(school))
    # listing names the child, so it is an audited read
    entry = AuditEntry.objects.filter(action="notifications_listed",
                                      organisation_id=world.orgs["wt"].pk).latest("id")
    assert entry.person_ids == [world.child.pk]


def test_reading_marks_it_read_for_the_whole_organisation_and_says_who(world):
    _offer(world)
    wt = world.actors["wt"]
    colleague = actor_of(ProfessionalFactory(organisation=world.orgs["wt"]))
    note = inbox.notifications_of(wt)[0]
    before = DomainEvent.objects.count()
    assert [n.pk for n in inbox.notifications_mark_read(wt, notifications=[note])] == [note.pk]
    assert inbox.unread_count(colleague) == 0
    seen = inbox.notifications_of(colleague)[0]
    assert seen.read_by == wt.professional and seen.read_at is not None
    event = DomainEvent.objects.get(type="notifications_read")
    assert DomainEvent.objects.count() == before + 1
    assert list(event.subjects.values_list("person_id", flat=True)) == [world.child.pk]
    assert AuditEntry.objects.filter(event_id=event.pk).exists()
    # reading it again changes nothing and records nothing
    assert inbox.notifications_mark_read(colleague, notifications=[note]) == []
    assert DomainEvent.objects.count() == before + 1
    assert Notification.objects.get(pk=note.pk).read_by == wt.professional


def test_a_personal_notification_is_only_the_addressees_and_the_digest_is_email_only(world):
    wt = world.actors["wt"]
    colleague = actor_of(ProfessionalFactory(organisation=world.orgs["wt"]))
    personal = notify(world.orgs["wt"], "break_glass_opened", "Dossier opengebroken",
                      professional=colleague.professional)
    notify(world.orgs["wt"], "digest", "kindzicht: uw open taken van vandaag",
           professional=wt.professional)
    assert [n.pk for n in inbox.notifications_of(colleague)] == [personal.pk]
    assert inbox.notifications_of(wt) == [] and inbox.unread_count(wt) == 0
    with pytest.raises(NotFound):
        inbox.notification_get(wt, personal.pk)
    assert inbox.notifications_mark_read(wt, notifications=[personal]) == []
    assert Notification.objects.get(pk=personal.pk).read_at is None


def test_another_organisations_notification_is_not_found_and_stays_unread(world):
    _offer(world)
    note = Notification.objects.get(kind="handover_offered")
    with pytest.raises(NotFound) as exc:
        inbox.notification_get(world.actors["school"], note.pk)
    assert exc.value.field == "notification"
    assert inbox.notifications_mark_read(world.actors["school"], notifications=[note]) == []
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_mark_all_read_marks_only_my_inbox_in_one_change(world):
    _offer(world)
    continuity.responsibility_take(world.actors["wt"], child=world.child, basis="coordination")
    notify(world.orgs["school"], "shared", "Informatie gedeeld")
    wt = world.actors["wt"]
    unread_elsewhere = Notification.objects.filter(read_at__isnull=True).exclude(
        organisation=world.orgs["wt"]).count()
    marked = inbox.notifications_mark_all_read(wt)
    assert len(marked) == 1 and inbox.unread_count(wt) == 0
    assert DomainEvent.objects.filter(type="notifications_read").count() == 1
    assert Notification.objects.filter(read_at__isnull=True).count() == unread_elsewhere
    assert unread_elsewhere >= 2  # the school heard that wt took over, and its own share


def test_unread_only_and_the_match_inbox_use_the_same_inbox(world):
    from kindzicht.index.selectors import match_notifications

    _offer(world)
    wt = world.actors["wt"]
    notify(world.orgs["wt"], "match", "Match in de verwijsindex", person_id=world.child.pk)
    inbox.notifications_mark_read(wt, notifications=[
        Notification.objects.get(kind="handover_offered")])
    assert [n.kind for n in inbox.notifications_of(wt, unread=True)] == ["match"]
    assert [n.kind for n in match_notifications(wt)] == ["match"]
    assert [n.kind for n in match_notifications(world.actors["school"])] == []
    # a replayed actor reads the same inbox (the actor's mode does not change whose it is)
    assert len(inbox.notifications_of(replace(wt, mode="reconstruct"))) == 2
