"""Retention of the index (issue 4): signals expire — after the region's period (default two
years), when the young person turns 23, at death — and withdrawn and expired signals leave
the index at once. Their history stays in the archive for the region's archive period (default
five years, as NEN 7513 keeps access logs) and is then purged: the signals, their informing
records and tasks, the matches that ended, the outbox's match messages. The domain events and
the audit chain name people only by id and stay, so the chain still verifies; the purge itself
is an audited action. ``kindzicht sweep`` runs both (:mod:`kindzicht.index.sweep`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q

from kindzicht.core import clock
from kindzicht.core.actions import Actor, record

from .models import IndexPolicy, Match, Signal, SignalMove
from .policy import (
    DEFAULT_ARCHIVE_YEARS,
    DEFAULT_RENEW_NOTICE_DAYS,
    months_later,
    policies_for_organisations,
    policy_for_organisation,
    policy_for_region,
)
from .services import INFORM_TASK, RENEW_TASK, signal_end, turns_23_on


def expire_signals(actor: Actor, day: date) -> int:
    """End every signal past its expiry date (the expiry date is its last day)."""
    n = 0
    for sig in Signal.objects.filter(ended_at__isnull=True, expires_on__lt=day).select_related(
            "organisation", "person").order_by("id"):
        signal_end(actor, organisation=sig.organisation, person=sig.person, reason="expired")
        n += 1
    return n


def remind_expiring(actor: Actor, day: date) -> int:
    """Give the registering organisation a task ``renew_notice_days`` (its region's policy,
    default four weeks) before its signal expires: renew it if the concerns last — else the
    signal leaves the index on that day and its matches end, and the family is out of sight
    of the others again without anyone having decided so. Once per signal and expiry date
    (a renewed signal is reminded again before its new date); renewing or ending the signal
    closes the task. A signal that ends because the young person turns 23 cannot be renewed
    and gets none. Set-based: the signals expiring within the longest notice of any region,
    then each organisation's own."""
    from kindzicht.rules.models import Task
    from kindzicht.rules.tasks import tasks_create_many

    longest = max([DEFAULT_RENEW_NOTICE_DAYS, *IndexPolicy.objects.values_list(
        "renew_notice_days", flat=True)])
    signals = list(Signal.objects.filter(
        ended_at__isnull=True, expires_on__gte=day, expires_on__lte=day + timedelta(
            days=longest)).select_related("organisation", "person", "professional").order_by(
        "id"))
    policies = policies_for_organisations({s.organisation for s in signals})
    rows = []
    for sig in signals:
        person = sig.person
        if sig.expires_on > day + timedelta(days=policies[sig.organisation_id]
                                            .renew_notice_days) or (
                sig.expires_on == turns_23_on(person)):
            continue
        rows.append(Task(
            kind="task", code=RENEW_TASK, key=f"signal:{sig.pk}:expires:{sig.expires_on}",
            organisation_id=sig.organisation_id, child_id=person.pk, raised_on=day,
            due_on=sig.expires_on,
            assignee_id=sig.professional_id if sig.professional_id and
            sig.professional.is_active else None,
            text=(f"Het signaal van uw organisatie op {person.name} in de verwijsindex verloopt "
                  f"op {sig.expires_on:%d-%m-%Y}. Zijn de zorgen er nog, verleng het dan; "
                  f"anders verdwijnt het die dag uit de verwijsindex, met de matches waar het "
                  f"in zit."),
            facts=[f"{sig.on}: signaal geregistreerd", f"{sig.expires_on}: verloopt"],
            evidence=[sig.event_id] if sig.event_id else []))
    with transaction.atomic():
        made = tasks_create_many(rows)
        if made:
            record(actor, "signal_expiry_reminded", subjects=sorted({t.child_id for t in made}),
                   payload={"as_of": day.isoformat(), "tasks": len(made)})
    return len(made)


@dataclass
class Purged:
    signals: int = 0
    matches: int = 0
    tasks: int = 0
    notifications: int = 0

    def __bool__(self) -> bool:
        return bool(self.signals or self.matches or self.tasks or self.notifications)


def _years_back(day: date, years: int) -> date:
    return months_later(day, -12 * years)


def purge_archive(actor: Actor, day: date) -> Purged:
    """Purge the history of signals that ended more than the archive period ago (per the
    registering organisation's region), and of matches ended as long ago (national period)."""
    shortest = min([DEFAULT_ARCHIVE_YEARS, *IndexPolicy.objects.values_list("archive_years",
                                                                            flat=True)])
    candidates = Signal.objects.filter(ended_on__lt=_years_back(day, shortest)).select_related(
        "organisation")
    cutoffs: dict[int, date] = {}
    ids, people = [], set()
    for sig in candidates.only("pk", "person_id", "ended_on", "organisation"):
        org = sig.organisation
        if org.pk not in cutoffs:
            cutoffs[org.pk] = _years_back(day, policy_for_organisation(org).archive_years)
        if sig.ended_on < cutoffs[org.pk]:
            ids.append(sig.pk)
            people.add(sig.person_id)
    national = _years_back(day, policy_for_region(None).archive_years)
    matches = Match.objects.filter(ended_on__lt=national)
    out = Purged()
    before = clock.start_of(national)
    with transaction.atomic():
        from kindzicht.core.models import Notification
        from kindzicht.rules.models import Task

        for start in range(0, len(ids), 500):
            batch = ids[start:start + 500]
            keys = Q()
            for pk in batch:
                keys |= Q(key=f"signal:{pk}") | Q(key__startswith=f"signal:{pk}:")
            task_ids = list(Task.objects.filter(keys, code__in=[INFORM_TASK, RENEW_TASK])
                            .values_list("pk", flat=True))
            out.tasks += Task.objects.filter(
                Q(pk__in=task_ids) | Q(code=INFORM_TASK,
                                       key__in=[f"task:{t}" for t in task_ids])).delete()[0]
            out.signals += Signal.objects.filter(pk__in=batch).delete()[1].get(
                Signal._meta.label, 0)
        SignalMove.objects.filter(at__lt=before).delete()
        people |= {p for m in matches.only("person_ids") for p in m.person_ids}
        out.matches = matches.delete()[0]
        out.notifications = Notification.objects.filter(
            kind__in=["match", "index_move"], created_at__lt=before).delete()[0]
        if out:
            record(actor, "index_archive_purged", subjects=sorted(people),
                   payload={"as_of": day.isoformat(), "signals": out.signals,
                            "matches": out.matches, "tasks": out.tasks,
                            "notifications": out.notifications})
    return out
