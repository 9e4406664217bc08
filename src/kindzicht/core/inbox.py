"""Berichten: the notifications of the outbox, read in the system.

Every notification (a handover offered, a decision with its reasons, a match, responsibility
taken over, a family that moved here …) is mailed after commit; this is its copy in the
system, so that a professional who did not see the e-mail — or whose organisation's mailbox
is read by someone else — finds it where they work. The inbox is the organisation's: a
notification addressed to the organisation is seen by all its professionals, one addressed
to a professional only by them, and reading it marks it read for everyone who sees it (the
inbox says who read it and when), as in a shared team mailbox.

The daily digest is not here: it is an e-mail summary of the task list, which the system
shows itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from . import clock
from .actions import Actor, audit_read, record
from .errors import NotFound
from .models import Notification

#: kinds that are e-mail only
EMAIL_ONLY = ("digest",)

#: the inbox shows at most this many notifications at once
LIMIT = 200


def _visible(actor: Actor) -> QuerySet[Notification]:
    """The notifications this actor may see: their organisation's, and their own."""
    if actor.organisation is None:
        return Notification.objects.none()
    mine = Q(professional__isnull=True)
    if actor.professional is not None:
        mine |= Q(professional=actor.professional)
    return Notification.objects.filter(mine, organisation=actor.organisation) \
        .exclude(kind__in=EMAIL_ONLY)


def notifications_of(actor: Actor, *, unread: bool = False, kinds: Iterable[str] = (),
                     limit: int = LIMIT) -> list[Notification]:
    """The inbox, newest first (audited: the subjects and bodies name people); ``kinds``:
    only these kinds (the index's match inbox shows the match notifications)."""
    qs = _visible(actor).select_related("read_by")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    found = list(qs.order_by("-created_at", "-id")[:limit])
    people = {p for n in found for p in n.person_ids}
    person = apps.get_model("people", "Person")  # core does not import the apps above it
    names = {p.pk: p.name for p in person.objects.filter(pk__in=people)
             .only("given_name", "family_name")} if people else {}
    for n in found:
        n.person_name = names.get(n.person_id, "")  # the link to whom it is about
    audit_read(actor, "notifications_listed", person_ids=people)
    return found


def unread_count(actor: Actor) -> int:
    """How many notifications wait unread (a count names nobody, so it is not audited)."""
    return _visible(actor).filter(read_at__isnull=True).count()


def notification_get(actor: Actor, pk: int, *, audit: bool = False) -> Notification:
    """One notification of my inbox; another organisation's is not found. ``audit``: when
    its content is shown (marking it read is a change with its own audit entry)."""
    found = _visible(actor).select_related("read_by").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Uw organisatie heeft geen bericht met nummer %(pk)s.") % {"pk": pk},
                       field="notification")
    if audit:
        audit_read(actor, "notification_viewed",
                   person_ids=found.person_ids, obj=found)
    return found


def notifications_mark_read(actor: Actor, *,
                            notifications: Iterable[Notification]) -> list[Notification]:
    """Mark these notifications of my inbox read (one change, one event): those read before
    keep who read them first. Returns the ones this call marked."""
    return _mark_read(actor, _visible(actor).filter(pk__in={n.pk for n in notifications}))


def notifications_mark_all_read(actor: Actor) -> list[Notification]:
    """Mark my whole inbox read."""
    return _mark_read(actor, _visible(actor))


def _mark_read(actor: Actor, notifications: QuerySet[Notification]) -> list[Notification]:
    with transaction.atomic():
        # read under lock: someone else may be reading the same inbox
        todo = list(notifications.filter(read_at__isnull=True).select_for_update()
                    .order_by("pk"))
        if not todo:
            return []
        now = clock.now()
        for n in todo:
            n.read_at, n.read_by = now, actor.professional
        Notification.objects.bulk_update(todo, ["read_at", "read_by"])
        record(actor, "notifications_read",
               subjects=sorted({p for n in todo for p in n.person_ids}),
               obj=todo[0] if len(todo) == 1 else None,
               payload={"notifications": [n.pk for n in todo]})
    return todo
