"""Reads of the access app: who read a child's record (access visible to both sides, as
CP-IS does), and the break-the-glass grants to review. Each read is audited itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kindzicht.core.actions import Actor, audit_read
from kindzicht.core.errors import Forbidden
from kindzicht.core.models import AuditEntry
from kindzicht.people.models import Organisation, Person, Professional

from .models import BreakGlass, Review

ACCESS_LOG_LIMIT = 200


def entries_naming(person_id: int) -> QuerySet[AuditEntry]:
    """Audit entries whose ``person_ids`` name the person. On PostgreSQL a jsonb containment
    (``@>``), served by the GIN index the access app's migration adds; on SQLite a
    ``json_each`` lookup (no containment operator there)."""
    if connection.vendor == "postgresql":
        return AuditEntry.objects.filter(person_ids__contains=[int(person_id)])
    return AuditEntry.objects.extra(
        where=["EXISTS (SELECT 1 FROM json_each(core_auditentry.person_ids) "
               "WHERE json_each.value = %s)"], params=[int(person_id)])


def may_see_access_log(actor: Actor, person: Person) -> bool:
    """The organisation holding safety responsibility and the organisations involved with the
    person see who read the record (they answer for it; product.md)."""
    from kindzicht.continuity.involvement import involved_organisations

    return bool(actor.organisation_id
                and actor.organisation_id in involved_organisations([person.pk])[person.pk])


@dataclass(frozen=True)
class AccessRow:
    at: datetime
    organisation: str
    professional: str
    role: str
    action: str
    purpose: str
    break_glass: bool


def access_log_of(actor: Actor, person: Person, *, limit: int = ACCESS_LOG_LIMIT
                  ) -> list[AccessRow]:
    """Who read the person's record (and who broke the glass), newest first: organisation,
    professional, role, when and why. Only for the responsible and involved organisations;
    the read of the list is audited too."""
    if not may_see_access_log(actor, person):
        raise Forbidden(_("Alleen de verantwoordelijke en betrokken organisaties zien wie dit "
                          "dossier inzag."), field="person")
    # Reads, and the break-the-glass openings (writes); other writes are not "looking".
    entries = list(entries_naming(person.pk).exclude(actor_id__isnull=True)
                   .filter(Q(kind="read") | Q(action="break_glass_opened"))
                   .order_by("-recorded_at", "-id")[:limit])
    people = Professional.objects.in_bulk({e.actor_id for e in entries})
    orgs = dict(Organisation.objects.filter(pk__in={e.organisation_id for e in entries})
                .values_list("pk", "name"))
    rows = [AccessRow(at=e.domain_at or e.recorded_at,
                      organisation=orgs.get(e.organisation_id, ""),
                      professional=str(people.get(e.actor_id, "")),
                      role=e.role, action=e.action, purpose=e.purpose,
                      break_glass=e.action == "break_glass_opened"
                      or e.purpose.startswith("break_the_glass: "))
            for e in entries]
    audit_read(actor, "access_log_read", person_ids=[person.pk], obj=person)
    return rows


def grants_to_review(actor: Actor, person: Person | None = None) -> list[BreakGlass]:
    """Break-the-glass grants the actor's organisation is asked to review, pending first."""
    if actor.organisation_id is None:
        return []
    qs = BreakGlass.objects.select_related("professional", "organisation", "person")
    if person is not None:
        qs = qs.filter(person=person)
    found = [g for g in qs.order_by("-opened_at", "-id")[:200]
             if actor.organisation_id in g.reviewer_ids]
    found.sort(key=lambda g: g.review != Review.PENDING)
    return found


def grant_get(actor: Actor, grant_id: int) -> BreakGlass | None:
    """A grant, for the professional who holds it and its reviewers only."""
    grant = BreakGlass.objects.select_related("professional", "organisation", "person") \
        .filter(pk=grant_id).first()
    if grant is None or actor.organisation_id is None:
        return None
    if actor.organisation_id not in grant.reviewer_ids and \
            grant.professional_id != getattr(actor.professional, "pk", None):
        return None
    return grant
