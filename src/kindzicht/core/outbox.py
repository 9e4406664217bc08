"""Sending notifications from the outbox after commit (e-mail; the demo uses the console).

A notification is claimed (``sent_at`` set where it was still empty) before it is mailed, so two
senders — the after-commit hook and the sweep's :func:`send_pending` — never mail it twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification


def send_notification(notification_id: int) -> bool:
    """Mail one notification unless someone already did; True when this call sent it."""
    claimed = Notification.objects.filter(pk=notification_id, sent_at__isnull=True).update(
        sent_at=timezone.now())
    if not claimed:
        return False
    note = Notification.objects.select_related("organisation", "professional").get(
        pk=notification_id)
    recipient = (note.professional.email if note.professional and note.professional.email
                 else note.organisation.email)
    if recipient:
        send_mail(note.subject, note.body or note.subject, settings.DEFAULT_FROM_EMAIL,
                  [recipient], fail_silently=True)
    return True


def send_pending(limit: int = 500) -> int:
    """Send what the after-commit hook missed (e.g. the process stopped right after commit)."""
    ids = list(Notification.objects.filter(sent_at__isnull=True).order_by("created_at", "pk")
               .values_list("pk", flat=True)[:limit])
    return sum(send_notification(pk) for pk in ids)
