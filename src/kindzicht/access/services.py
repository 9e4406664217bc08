"""Break the glass and its review: the only writes of the access app. Each records its change,
a domain event and an audit entry in one transaction (``core.actions.record``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from kindzicht.core import clock
from kindzicht.core.actions import Actor, notify, record
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.people.models import Organisation, Person

from .models import BreakGlass, Review
from .reach import in_reach

#: A reason must say what is acute; "x" or "nodig" is not a reason.
REASON_MIN_LENGTH = 20
REVIEW_TASK_CODE = "break_glass_review"
REVIEW_DUE_DAYS = 5


def responsible_organisations(person: Person) -> list[Organisation]:
    """Who is told and reviews: the holder of safety responsibility for the child, else the
    organisations involved with the person (findings.md's sense)."""
    from kindzicht.continuity.involvement import involved_organisations
    from kindzicht.continuity.models import ResponsibilityPeriod

    holder = (ResponsibilityPeriod.objects.filter(child=person, ended_at__isnull=True,
                                                  organisation__isnull=False)
              .values_list("organisation_id", flat=True).first())
    ids = {holder} if holder else involved_organisations([person.pk])[person.pk]
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def break_glass_open(actor: Actor, person: Person, reason: str) -> BreakGlass:
    """Open a record outside the organisation's reach in an acute situation. The grant lasts
    ``BREAK_GLASS_HOURS`` from now (project clock), covers the person's page (for a child
    everything the child's page shows), and every read under it is audited with the reason.
    The responsible organisations get a notification and a review task."""
    from kindzicht.rules.tasks import task_create

    if actor.professional is None or actor.organisation is None \
            or actor.role not in ("professional", "coordinator"):
        raise Forbidden(_("Alleen professionals en coördinatoren van een organisatie kunnen "
                          "een dossier openbreken."))
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError(
            _("Geef de reden: wat is er acuut en waarom moet u dit dossier nu inzien "
              "(minstens %(n)d tekens).") % {"n": REASON_MIN_LENGTH}, field="reason")
    if in_reach(actor, person.pk) and not BreakGlass.objects.filter(
            professional=actor.professional, person=person,
            expires_at__gt=clock.now()).exists():
        raise Refused(_("Deze persoon valt al binnen het bereik van uw organisatie."),
                      field="person")
    now = clock.now()
    reviewers = responsible_organisations(person)
    with transaction.atomic():
        grant = BreakGlass.objects.create(
            professional=actor.professional, organisation=actor.organisation, person=person,
            reason=reason, opened_at=now,
            expires_at=now + timedelta(hours=settings.BREAK_GLASS_HOURS),
            reviewer_ids=[o.pk for o in reviewers])
        opener = Actor(actor.professional, actor.organisation, actor.role, reason[:300],
                       actor.mode)
        event = record(opener, "break_glass_opened", subjects=[person.pk], obj=grant,
                       payload={"hours": settings.BREAK_GLASS_HOURS,
                                "reviewers": grant.reviewer_ids})
        grant.event_id = event.pk
        grant.save(update_fields=["event_id"])
        who = f"{actor.professional} ({actor.organisation.name})"
        for org in reviewers:
            notify(org, "break_glass_opened", _("Dossier opengebroken"),
                   _("%(who)s heeft het dossier van %(name)s opengebroken. Reden: %(reason)s")
                   % {"who": who, "name": person.name, "reason": reason}, person_id=person.pk)
            task_create(organisation=org, code=REVIEW_TASK_CODE, key=f"break_glass:{grant.pk}",
                        child=person, due_in_days=REVIEW_DUE_DAYS,
                        text=_("Beoordeel het openbreken van het dossier door %(who)s op "
                               "%(when)s. Reden: %(reason)s")
                        % {"who": who, "when": clock.local_date(now).isoformat(),
                           "reason": reason})
    return grant


def break_glass_review(actor: Actor, grant: BreakGlass, *, verdict: str,
                       note: str = "") -> BreakGlass:
    """The responsible organisation judges the use: ``ok`` (terecht) or ``improper``
    (onterecht, a note is required: the FG follows it up). Closes the review tasks."""
    from kindzicht.rules.models import Task, TaskStatus

    if actor.organisation_id is None or actor.organisation_id not in grant.reviewer_ids:
        raise Forbidden(_("Alleen de verantwoordelijke organisatie beoordeelt dit."),
                        field="grant")
    if verdict not in (Review.OK, Review.IMPROPER):
        raise ValidationError(_("Beoordeel met ok (terecht) of improper (onterecht)."),
                              field="verdict")
    note = (note or "").strip()
    if verdict == Review.IMPROPER and not note:
        raise ValidationError(_("Zeg waarom het openbreken onterecht was."), field="note")
    if grant.review != Review.PENDING:
        raise Refused(_("Dit openbreken is al beoordeeld."), field="grant")
    with transaction.atomic():
        grant.review = verdict
        grant.review_note = note
        grant.reviewed_by = actor.professional
        grant.reviewed_at = clock.now()
        grant.save(update_fields=["review", "review_note", "reviewed_by", "reviewed_at"])
        Task.objects.filter(code=REVIEW_TASK_CODE, key=f"break_glass:{grant.pk}",
                            status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE, answered_on=clock.today(), answer=note or verdict)
        record(actor, "break_glass_reviewed", subjects=[grant.person_id], obj=grant,
               payload={"verdict": verdict})
    return grant
