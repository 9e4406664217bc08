"""Notifications leave the outbox after commit, once, and a missed one is sent later."""

from __future__ import annotations

from django.db import transaction

from kindzicht.core.actions import Actor, notify
from kindzicht.core.models import Notification
from kindzicht.core.outbox import send_notification, send_pending
from kindzicht.people.services import organisation_create


def test_a_notification_is_mailed_after_commit_and_only_once(db, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    org = organisation_create(Actor.system("test"), name="Wijkteam Zuid", sector="district_team",
                              email="zuid@example.org")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        note = notify(org, "handover_offered", "Overdracht aangeboden", "Graag bevestigen.")
        assert mailoutbox == []  # nothing leaves before the commit
    assert [(m.subject, m.to) for m in mailoutbox] == [("Overdracht aangeboden",
                                                        ["zuid@example.org"])]
    assert Notification.objects.get(pk=note.pk).sent_at is not None
    assert send_notification(note.pk) is False and send_pending() == 0
    assert len(mailoutbox) == 1


def test_a_notification_whose_commit_hook_never_ran_is_sent_by_send_pending(db, mailoutbox):
    org = organisation_create(Actor.system("test"), name="Jeugdhulp Oost", sector="youth_care",
                              email="oost@example.org")
    with transaction.atomic():  # on_commit hooks do not run inside the test's transaction
        notify(org, "task_assigned", "Nieuwe taak")
    assert mailoutbox == []
    assert send_pending() == 1 and send_pending() == 0
    assert [m.subject for m in mailoutbox] == ["Nieuwe taak"]


def test_a_notification_naming_a_professional_goes_to_them_and_is_claimed_once(
        db, mailoutbox):
    """The claim and the recipients come from one statement: the professional's address
    when the notification names one that has it, else the organisation's; none without
    an address; a second claim sends nothing."""
    from factories import ProfessionalFactory

    from kindzicht.core.outbox import send_notifications

    system = Actor.system("test")
    org = organisation_create(system, name="Wijkteam Noord", sector="district_team",
                              email="noord@example.org")
    silent = organisation_create(system, name="School Oost", sector="school", email="")
    pro = ProfessionalFactory(organisation=org, email="pien@example.org")
    mute = ProfessionalFactory(organisation=org, email="")
    with transaction.atomic():
        notes = [notify(org, "digest", "Voor Pien", professional=pro),
                 notify(org, "digest", "Voor de organisatie", professional=mute),
                 notify(silent, "match", "Zonder adres")]
    ids = [n.pk for n in notes]
    assert send_notifications(ids) == 3 and send_notifications(ids) == 0
    assert [(m.subject, m.to) for m in mailoutbox] == [
        ("Voor Pien", ["pien@example.org"]), ("Voor de organisatie", ["noord@example.org"])]
    assert not Notification.objects.filter(pk__in=ids, sent_at__isnull=True).exists()


class _Server:
    """A mail connection that refuses some messages (or the connection itself)."""

    def __init__(self, refuse_subject: str | tuple[str, ...] = (), down: bool = False):
        self.refuse = (refuse_subject,) if isinstance(refuse_subject, str) else refuse_subject
        self.down, self.sent = down, []

    def open(self):
        if self.down:
            raise ConnectionRefusedError("smtp down")

    def send_messages(self, messages):
        for m in messages:
            if m.subject in self.refuse:
                raise OSError("550 mailbox unavailable")
            self.sent.append(m.subject)
        return len(messages)

    def close(self):
        pass


def test_a_notification_the_mail_server_does_not_take_waits_for_the_next_sweep(db):
    from unittest import mock

    from kindzicht.core.outbox import send_notifications

    org = organisation_create(Actor.system("test"), name="Wijkteam West", sector="district_team",
                              email="west@example.org")
    with transaction.atomic():
        notes = [notify(org, "match", "Gaat mis"), notify(org, "match", "Gaat goed")]
    ids = [n.pk for n in notes]
    server = _Server(refuse_subject="Gaat mis")
    with mock.patch("kindzicht.core.outbox.mail.get_connection", return_value=server):
        assert send_notifications(ids) == 1
    assert server.sent == ["Gaat goed"]
    assert list(Notification.objects.filter(sent_at__isnull=True).values_list(
        "subject", flat=True)) == ["Gaat mis"]
    down = _Server(down=True)
    with mock.patch("kindzicht.core.outbox.mail.get_connection", return_value=down):
        assert send_pending() == 0  # still waiting, nothing lost
    assert Notification.objects.filter(sent_at__isnull=True).count() == 1
    later = _Server()
    with mock.patch("kindzicht.core.outbox.mail.get_connection", return_value=later):
        assert send_pending() == 1
    assert later.sent == ["Gaat mis"]
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_in_the_background_the_request_does_not_mail_the_sender_thread_does(
        transactional_db, mailoutbox, settings):
    """``background``: the committing thread only hands the ids over; the process's sender
    thread, with its own database connection, claims and mails them."""
    import threading
    from unittest import mock

    from kindzicht.core import outbox

    settings.OUTBOX_DELIVERY = "background"
    org = organisation_create(Actor.system("test"), name="Jeugdhulp Zuid", sector="youth_care",
                              email="zuid@example.org")
    mailed_by = []
    real = outbox._mail

    def spy(messages):
        mailed_by.append(threading.current_thread().name)
        return real(messages)

    with mock.patch("kindzicht.core.outbox._mail", side_effect=spy):
        with transaction.atomic():
            note = notify(org, "handover_offered", "Overdracht aangeboden")
        assert outbox.flush(timeout=10)
    assert outbox.shutdown(timeout=10)  # its connection closed: the test database can go
    assert mailed_by == ["kindzicht-outbox"]
    assert [m.subject for m in mailoutbox] == ["Overdracht aangeboden"]
    assert Notification.objects.get(pk=note.pk).sent_at is not None


def test_notifications_that_keep_failing_do_not_hold_up_the_ones_behind_them(db):
    """The sweep's resend goes through everything waiting, a batch at a time: two that the
    server keeps refusing (older, so first in line) do not stop the third."""
    from unittest import mock

    org = organisation_create(Actor.system("test"), name="Wijkteam Oost", sector="district_team",
                              email="oost@example.org")
    with transaction.atomic():
        for subject in ("Onbestelbaar 1", "Onbestelbaar 2", "Gewoon"):
            notify(org, "match", subject)
    server = _Server(refuse_subject=("Onbestelbaar 1", "Onbestelbaar 2"))
    with mock.patch("kindzicht.core.outbox.mail.get_connection", return_value=server):
        assert send_pending(batch=1) == 1
        assert send_pending(batch=1) == 0  # tried again, still refused, still waiting
    assert server.sent == ["Gewoon"]
    assert sorted(Notification.objects.filter(sent_at__isnull=True).values_list(
        "subject", flat=True)) == ["Onbestelbaar 1", "Onbestelbaar 2"]


def test_the_outbox_gives_up_on_a_notification_after_the_configured_attempts(
        db, settings, caplog):
    """An address that does not exist is refused for good: after ``OUTBOX_MAIL_ATTEMPTS``
    refusals the sweep stops offering it (once, with an error in the log) and its status says
    so; a refusal before that leaves it waiting. A connection that never opened counts too."""
    from unittest import mock

    from kindzicht.core.outbox import send_notifications

    settings.OUTBOX_MAIL_ATTEMPTS = 3
    org = organisation_create(Actor.system("test"), name="Wijkteam Noord", sector="district_team",
                              email="noord@example.org")
    with transaction.atomic():
        bad = notify(org, "match", "Onbestelbaar")
        good = notify(org, "match", "Later wel")
    refusing = _Server(refuse_subject=("Onbestelbaar", "Later wel"))
    with mock.patch("kindzicht.core.outbox.mail.get_connection", return_value=refusing):
        assert send_notifications([bad.pk]) == 0  # the after-commit attempt: 1
        assert send_pending() == 0  # 2, and the other's first
    bad.refresh_from_db()
    assert (bad.mail_attempts, bad.email_status) == (2, "waiting")
    with mock.patch("kindzicht.core.outbox.mail.get_connection",
                    return_value=_Server(down=True)):
        assert send_pending() == 0  # 3, and the other's second: both counted
    bad.refresh_from_db()
    good.refresh_from_db()
    assert (bad.mail_attempts, bad.email_status) == (3, "not_delivered")
    assert (good.mail_attempts, good.email_status) == (2, "waiting")
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and f"notifications {bad.pk} 3 times" in errors[0]
    caplog.clear()
    server = _Server()
    with mock.patch("kindzicht.core.outbox.mail.get_connection", return_value=server):
        assert send_pending() == 1
        assert send_pending() == 0
    assert server.sent == ["Later wel"]  # the one given up is not offered again
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    good.refresh_from_db()
    assert good.email_status == "sent"
