"""Sending notifications from the outbox after commit (e-mail; the demo uses the console)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification


def send_notification(notification_id: int) -> None:
    note = Notification.objects.select_related("organisation", "professional").filter(
        pk=notification_id, sent_at__isnull=True).first()
    if note is None:
        return
    recipient = (note.professional.email if note.professional and note.professional.email
                 else note.organisation.email)
    if recipient:
        send_mail(note.subject, note.body or note.subject, settings.DEFAULT_FROM_EMAIL,
                  [recipient], fail_silently=True)
    Notification.objects.filter(pk=note.pk).update(sent_at=timezone.now())
