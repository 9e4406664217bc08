"""Berichten through the Django test client: the navigation counts what is unread, the page
shows the organisation's notifications, reading one (or all) is a change on record, and
another organisation's notification cannot be touched."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kindzicht.continuity import services
from kindzicht.core.actions import Actor
from kindzicht.core.models import DomainEvent, Notification
from kindzicht.people.models import Organisation

from .conftest import logged_in, open_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered(make_org, make_pro, pro, family):
    """Another organisation holds responsibility for the child and offers it to mine."""
    sender_org = make_org("Wijkteam Noord", sector="district_team")
    sender = make_pro(sender_org, first_name="Kees")
    services.involvement_start(Actor.of(sender), person=family.child, service="gesprekken")
    open_risk(Actor.of(sender), family.child)
    services.handover_offer(Actor.of(sender), child=family.child, receiver=pro.organisation)
    return sender


def test_the_navigation_counts_unread_and_the_page_shows_the_offer(web, offered, family):
    html = web.get(reverse("web:home")).content.decode()
    assert 'class="nav-count">1<' in html
    response = web.get(reverse("web:notifications"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Overdracht aangeboden door Wijkteam Noord" in page and "Nieuw" in page
    assert reverse("web:person", args=[family.child.pk]) in page


def test_reading_one_removes_the_count_and_names_the_reader(web, offered, pro):
    note = Notification.objects.get(organisation=pro.organisation, kind="handover_offered")
    response = web.post(reverse("web:notification_read", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("web:notifications")
    note.refresh_from_db()
    assert note.read_by == pro and note.read_at is not None
    assert DomainEvent.objects.filter(type="notifications_read").count() == 1
    page = web.get(reverse("web:notifications")).content.decode()
    assert "nav-count" not in page and "gelezen door Sanne de Vries" in page
    assert "Geen ongelezen berichten." in web.get(
        reverse("web:notifications") + "?ongelezen=1").content.decode()


def test_mark_all_read_keeps_the_unread_filter(web, offered, pro):
    response = web.post(reverse("web:notifications_all_read"), {"ongelezen": "1"})
    assert response["Location"] == reverse("web:notifications") + "?ongelezen=1"
    assert not Notification.objects.filter(organisation=pro.organisation,
                                            read_at__isnull=True).exists()


def test_another_organisations_notification_is_not_found_and_nothing_is_written(
        offered):
    other = logged_in(offered)
    mine = Notification.objects.exclude(organisation=offered.organisation).get()
    before = DomainEvent.objects.count()
    assert other.post(reverse("web:notification_read", args=[mine.pk])).status_code == 404
    assert other.get(reverse("web:notification_read", args=[mine.pk])).status_code == 405
    assert DomainEvent.objects.count() == before
    assert Notification.objects.get(pk=mine.pk).read_at is None


def test_a_notification_the_mail_server_kept_refusing_says_so(web, offered, pro, settings):
    """The outbox gave up on the e-mail: the copy in Berichten tells the reader, so nobody
    assumes the organisation's mailbox has it."""
    from unittest import mock

    from kindzicht.core.outbox import send_pending

    settings.OUTBOX_MAIL_ATTEMPTS = 1
    Organisation.objects.filter(pk=pro.organisation_id).update(email="team@example.org")
    page = web.get(reverse("web:notifications")).content.decode()
    assert "niet per e-mail afgeleverd" not in page
    server = mock.Mock(**{"send_messages.side_effect": OSError("550 no such mailbox")})
    with mock.patch("kindzicht.core.outbox.mail.get_connection", return_value=server):
        send_pending()
    page = web.get(reverse("web:notifications")).content.decode()
    assert "niet per e-mail afgeleverd" in page
