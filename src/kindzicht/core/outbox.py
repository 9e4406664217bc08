"""Sending notifications from the outbox after commit (e-mail; the demo uses the console).

A notification is claimed (``sent_at`` set where it was still empty) before it is mailed, so two
senders — the after-commit hook and the sweep's :func:`send_pending` — never mail it twice.

After commit the notifications are handed to :func:`deliver`. By default
(``KINDZICHT_OUTBOX_DELIVERY=background``) a sender thread of the process mails them, so the
professional's request does not wait for the mail server — nor hang on it when it is slow or
down (the notifications then stay unsent and the next sweep's :func:`send_pending` sends them).
``inline`` mails them in the committing thread itself, before the request answers: the tests
use it, so that what a change mailed can be checked right after it.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading

from django.conf import settings
from django.core import mail
from django.db import close_old_connections, connection, connections
from django.utils import timezone

from . import prepared, rows
from .models import Notification

log = logging.getLogger(__name__)


def send_notification(notification_id: int) -> bool:
    """Mail one notification unless someone already did; True when this call sent it."""
    return send_notifications([notification_id]) == 1


def send_notifications(notification_ids: list[int]) -> int:
    """Mail these notifications, each unless someone already did; returns how many this call
    sent. They are claimed together before any is mailed — one ``UPDATE … WHERE sent_at IS
    NULL … RETURNING`` that also gives each one's recipient — so a concurrent sender waits
    for the row and then finds it claimed, and a registration's notifications cost one
    statement after its commit (they were a locking read, an update and a commit). One the
    mail server does not take is unclaimed again, for the next sweep's :func:`send_pending`."""
    ids = sorted({int(i) for i in notification_ids})
    if not ids:
        return 0
    table = Notification._meta.db_table
    pros = Notification._meta.get_field("professional").related_model._meta.db_table
    orgs = Notification._meta.get_field("organisation").related_model._meta.db_table
    among, params = rows.among_sql("id", ids, connection.vendor)
    with prepared.cursor(prepare=len(ids) <= prepared.SMALL) as cur:
        cur.execute(
            f"UPDATE {table} SET sent_at = %s WHERE {among} AND sent_at IS NULL "
            f"RETURNING id, subject, body, "
            f"(SELECT p.email FROM {pros} p WHERE p.id = {table}.professional_id), "
            f"(SELECT o.email FROM {orgs} o WHERE o.id = {table}.organisation_id)",
            [timezone.now(), *params])
        claimed = sorted(cur.fetchall())
    sender = settings.DEFAULT_FROM_EMAIL  # read once: a national import sends 150,000
    failed = _mail([(pk, mail.EmailMessage(subject, body or subject, sender, [pro or org]))
                    for pk, subject, body, pro, org in claimed if pro or org])
    if failed:  # not mailed after all: unclaimed, so that the next sweep sends them
        with connection.cursor() as cur:
            cur.execute(f"UPDATE {table} SET sent_at = NULL, mail_attempts = mail_attempts + 1 "
                        f"WHERE id IN ({', '.join(['%s'] * len(failed))}) "
                        f"RETURNING id, mail_attempts", failed)
            given_up = sorted(pk for pk, attempts in cur.fetchall()
                              if attempts >= settings.OUTBOX_MAIL_ATTEMPTS)
        if given_up:
            log.error("outbox: the mail server did not take notifications %s %d times; they "
                      "are not mailed again (they are in Berichten)",
                      ", ".join(map(str, given_up)), settings.OUTBOX_MAIL_ATTEMPTS)
    return len(claimed) - len(failed)


def _mail(messages: list[tuple[int, mail.EmailMessage]]) -> list[int]:
    """Mail each over one connection to the mail server; the ids of those that failed."""
    if not messages:
        return []
    server = mail.get_connection()
    try:
        server.open()
    except Exception:  # noqa: BLE001 - the server is down or refuses: none was sent
        log.warning("outbox: the mail server refused the connection; %d notifications wait "
                    "for the next sweep", len(messages), exc_info=True)
        return [pk for pk, _message in messages]
    failed = []
    try:
        for pk, message in messages:
            try:
                server.send_messages([message])
            except Exception:  # noqa: BLE001 - this one waits for the next sweep
                log.warning("outbox: mailing notification %s failed", pk, exc_info=True)
                failed.append(pk)
    finally:
        try:
            server.close()
        except Exception:  # noqa: BLE001 - what was sent is sent
            log.debug("outbox: closing the mail connection failed", exc_info=True)
    return failed


def send_pending(batch: int = 500) -> int:
    """Send everything still waiting — what the after-commit delivery missed (the process
    stopped right after commit) or the mail server did not take — in batches by id, so that
    notifications that keep failing never hold up the others behind them. One the server did
    not take ``OUTBOX_MAIL_ATTEMPTS`` times (an address that does not exist) is not offered
    again: it stays in Berichten, marked as not delivered. Returns how many were sent."""
    sent, after = 0, 0
    waiting = Notification.objects.filter(sent_at__isnull=True,
                                          mail_attempts__lt=settings.OUTBOX_MAIL_ATTEMPTS)
    while ids := list(waiting.filter(pk__gt=after).order_by("pk")
                      .values_list("pk", flat=True)[:batch]):
        sent += send_notifications(ids)
        after = ids[-1]
    return sent


# --- delivery after commit --------------------------------------------------------------------


class _Sender:
    """The process's sender thread and its queue of notification ids (one per process: a
    forked worker starts its own). Its database connection is closed when it ages
    (``CONN_MAX_AGE``) and after a minute without work."""

    IDLE = 60.0
    #: after the first ids arrive, wait this long for more: under load one claim and one
    #: connection to the mail server serve many changes, and the thread wakes a few times a
    #: second instead of taking the interpreter from the requests after each of them
    GATHER = 0.25

    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[list[int] | None] = queue.SimpleQueue()
        self.pending = 0
        self.idle = threading.Condition()
        #: set by :meth:`flush`: whoever waits for the sender does not wait for the gathering
        self.hurry = threading.Event()
        self.pid = os.getpid()
        self.thread = threading.Thread(target=self._run, name="kindzicht-outbox", daemon=True)
        self.thread.start()

    def put(self, ids: list[int] | None) -> None:
        with self.idle:
            self.pending += 1
        self.queue.put(ids)

    def _run(self) -> None:
        while True:
            try:
                first = self.queue.get(timeout=self.IDLE)
            except queue.Empty:
                connections.close_all()
                continue
            batch, taken, stop = list(first or ()), 1, first is None
            if not stop and self.hurry.wait(self.GATHER):
                self.hurry.clear()
            while not stop:  # whatever else is waiting goes in the same statement
                try:
                    more = self.queue.get_nowait()
                except queue.Empty:
                    break
                taken += 1
                stop = more is None
                batch += more or ()
            try:
                if batch:
                    send_notifications(batch)
            except Exception:  # noqa: BLE001 - the sweep's send_pending sends them later
                log.exception("outbox: sending %d notifications failed", len(batch))
            finally:
                close_old_connections()  # an aged or broken connection is not reused
            with self.idle:
                self.pending -= taken
                self.idle.notify_all()
            if stop:
                connections.close_all()
                return

    def flush(self, timeout: float) -> bool:
        self.hurry.set()
        with self.idle:
            return self.idle.wait_for(lambda: self.pending == 0, timeout)


_sender: _Sender | None = None
_sender_lock = threading.Lock()


def _the_sender() -> _Sender:
    global _sender
    with _sender_lock:
        if _sender is None or _sender.pid != os.getpid():
            _sender = _Sender()
    return _sender


def deliver(notification_ids: list[int]) -> None:
    """Mail these just-committed notifications: in the sender thread, or here (``inline``)."""
    if settings.OUTBOX_DELIVERY == "inline":
        send_notifications(notification_ids)
    else:
        _the_sender().put(list(notification_ids))


def flush(timeout: float = 10.0) -> bool:
    """Wait until the sender thread has mailed what it was handed; True when it has."""
    sender = _sender
    if sender is None or sender.pid != os.getpid():
        return True
    return sender.flush(timeout)


@atexit.register
def shutdown(timeout: float = 10.0) -> bool:
    """Mail what is waiting, then end the sender thread and close its connection (a command
    that ends right after its changes — a replay, an import — does not drop their mail)."""
    global _sender
    with _sender_lock:
        sender, _sender = _sender, None
    if sender is None or sender.pid != os.getpid():
        return True
    sender.put(None)
    sender.thread.join(timeout)
    return not sender.thread.is_alive()
