"""The daily e-mail digest: each professional hears once a day how many open tasks and
alerts wait for them — counts only, never a child's name (need to know: the content stays in
the system, behind the login)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db import transaction

from kindzicht.core import clock
from kindzicht.core.actions import notify
from kindzicht.core.models import Notification
from kindzicht.people.models import Professional

from .models import Task, TaskStatus


def send_digests(day: date | None = None) -> int:
    """Queue one digest per professional with open work; idempotent per day."""
    day = day or clock.today()
    open_tasks = Task.objects.filter(status=TaskStatus.OPEN, organisation__isnull=False)
    per_person: dict[int, Counter] = {}
    for assignee, org, kind in open_tasks.values_list("assignee_id", "organisation_id", "kind"):
        targets = [assignee] if assignee else list(
            Professional.objects.filter(organisation_id=org, role="coordinator",
                                        is_active=True).values_list("pk", flat=True))
        for pk in targets:
            per_person.setdefault(pk, Counter())[kind] += 1
    already = set(Notification.objects.filter(kind="digest", created_at__date=day)
                  .values_list("professional_id", flat=True))
    sent = 0
    for pro in Professional.objects.filter(pk__in=set(per_person) - already, is_active=True) \
            .select_related("organisation"):
        counts = per_person[pro.pk]
        body = (f"Goedemorgen {pro.first_name or pro.username},\n\n"
                f"In kindzicht wachten op u: {counts['alert']} signalen, {counts['task']} taken "
                f"en {counts['reminder']} herinneringen.\nLog in om ze te bekijken en te "
                f"beantwoorden.\n")
        with transaction.atomic():
            notify(pro.organisation, "digest", "kindzicht: uw open taken van vandaag", body,
                   professional=pro)
        sent += 1
    return sent
