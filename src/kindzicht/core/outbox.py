"""Sending notifications from the outbox after commit (e-mail; the demo uses the console).

A notification is claimed (``sent_at`` set where it was still empty) before it is mailed, so two
senders — the after-commit hook and the sweep's :func:`send_pending` — never mail it twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification


def send_notification(notification_id: int) -> bool:
    """Mail one notification unless someone already did; True when this call sent it."""
    return send_notifications([notification_id]) == 1


def send_notifications(notification_ids: list[int]) -> int:
    """Mail these notifications, each unless someone already did; returns how many this call
    sent. They are claimed together (locked, then ``sent_at`` set) before any is mailed: two
    queries for any number, so a bulk import's notifications are not claimed one by one."""
    with transaction.atomic(savepoint=False):
        notes = list(Notification.objects.select_for_update(of=("self",)).filter(
            pk__in=notification_ids, sent_at__isnull=True).select_related(
            "organisation", "professional").order_by("pk"))
        if not notes:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(sent_at=timezone.now())
    for note in notes:
        recipient = (note.professional.email if note.professional and note.professional.email
                     else note.organisation.email)
        if recipient:
            send_mail(note.subject, note.body or note.subject, settings.DEFAULT_FROM_EMAIL,
                      [recipient], fail_silently=True)
    return len(notes)


def send_pending(limit: int = 500) -> int:
    """Send what the after-commit hook missed (e.g. the process stopped right after commit)."""
    ids = list(Notification.objects.filter(sent_at__isnull=True).order_by("created_at", "pk")
               .values_list("pk", flat=True)[:limit])
    return send_notifications(ids)
