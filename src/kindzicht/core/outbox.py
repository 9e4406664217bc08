"""Sending notifications from the outbox after commit (e-mail; the demo uses the console).

A notification is claimed (``sent_at`` set where it was still empty) before it is mailed, so two
senders — the after-commit hook and the sweep's :func:`send_pending` — never mail it twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.utils import timezone

from . import prepared
from .models import Notification


def send_notification(notification_id: int) -> bool:
    """Mail one notification unless someone already did; True when this call sent it."""
    return send_notifications([notification_id]) == 1


def send_notifications(notification_ids: list[int]) -> int:
    """Mail these notifications, each unless someone already did; returns how many this call
    sent. They are claimed together before any is mailed — one ``UPDATE … WHERE sent_at IS
    NULL … RETURNING`` that also gives each one's recipient — so a concurrent sender waits
    for the row and then finds it claimed, and a registration's notifications cost one
    statement after its commit (they were a locking read, an update and a commit)."""
    ids = sorted({int(i) for i in notification_ids})
    if not ids:
        return 0
    table = Notification._meta.db_table
    pros = Notification._meta.get_field("professional").related_model._meta.db_table
    orgs = Notification._meta.get_field("organisation").related_model._meta.db_table
    if connection.vendor == "postgresql":
        among, params = "id = ANY(%s)", [ids]
    else:
        among, params = f"id IN ({', '.join(['%s'] * len(ids))})", ids
    with prepared.cursor(prepare=len(ids) <= prepared.SMALL) as cur:
        cur.execute(
            f"UPDATE {table} SET sent_at = %s WHERE {among} AND sent_at IS NULL "
            f"RETURNING id, subject, body, "
            f"(SELECT p.email FROM {pros} p WHERE p.id = {table}.professional_id), "
            f"(SELECT o.email FROM {orgs} o WHERE o.id = {table}.organisation_id)",
            [timezone.now(), *params])
        claimed = sorted(cur.fetchall())
    for _pk, subject, body, professional_email, organisation_email in claimed:
        recipient = professional_email or organisation_email
        if recipient:
            send_mail(subject, body or subject, settings.DEFAULT_FROM_EMAIL, [recipient],
                      fail_silently=True)
    return len(claimed)


def send_pending(limit: int = 500) -> int:
    """Send what the after-commit hook missed (e.g. the process stopped right after commit)."""
    ids = list(Notification.objects.filter(sent_at__isnull=True).order_by("created_at", "pk")
               .values_list("pk", flat=True)[:limit])
    return send_notifications(ids)
