"""Audited reads for privacy rights: the FG finds the person a request is about, lists the
requests, and sees a person's rectification history. Every read that shows a person appends
one audit entry (NEN 7513), with the purpose of the right being exercised."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from kindzicht.core.actions import Actor, audit_read
from kindzicht.core.errors import Forbidden, NotFound, ValidationError
from kindzicht.people.models import Person

from .models import InzageRequest, Rectification, RectificationOutcome
from .services import may_handle_privacy


def require_privacy(actor: Actor) -> None:
    if not may_handle_privacy(actor):
        raise Forbidden(_("Alleen de functionaris gegevensbescherming of een beheerder "
                          "behandelt verzoeken over privacyrechten."))


def person_for_request(actor: Actor, *, bsn: str = "", family_name: str = "",
                       birth_date: date | None = None) -> Person:
    """The one person a request is about: by BSN, or by family name and birth date (exactly
    one match, else a specific error). The read is audited."""
    from kindzicht.index.services import person_for_bsn

    require_privacy(actor)
    if bsn.strip():
        person = person_for_bsn(bsn)
    else:
        if not family_name.strip() or birth_date is None:
            raise ValidationError(_("Geef het BSN, of de achternaam en de geboortedatum."),
                                  field="bsn")
        found = list(Person.objects.filter(family_name__iexact=family_name.strip(),
                                           birth_date=birth_date)[:2])
        if not found:
            raise ValidationError(_("Geen persoon gevonden met deze achternaam en "
                                    "geboortedatum."), field="family_name")
        if len(found) > 1:
            raise ValidationError(_("Meer dan één persoon met deze achternaam en "
                                    "geboortedatum; zoek op BSN."), field="family_name")
        person = found[0]
    audit_read(actor, "privacy_person_found", person_ids=[person.pk])
    return person


def person_get(actor: Actor, person_id: int) -> Person:
    require_privacy(actor)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("Deze persoon bestaat niet (meer)."), field="person")
    audit_read(actor, "privacy_person_read", person_ids=[person.pk], obj=person)
    return person


def inzage_requests(actor: Actor, *, status: str | None = None) -> list[InzageRequest]:
    """The requests of the actor's organisation, open first by deadline."""
    require_privacy(actor)
    qs = InzageRequest.objects.filter(organisation=actor.organisation).select_related("person")
    if status:
        qs = qs.filter(status=status)
    rows = sorted(qs[:500], key=lambda r: (r.status != "open", r.due_on if r.status == "open"
                                           else date.max, -r.pk))
    if rows:
        audit_read(actor, "inzage_requests_listed", person_ids=[r.person_id for r in rows])
    return rows


def inzage_request_get(actor: Actor, pk: int) -> InzageRequest:
    require_privacy(actor)
    req = InzageRequest.objects.select_related("person").filter(
        pk=pk, organisation=actor.organisation).first()
    if req is None:
        raise NotFound(_("Dit inzageverzoek bestaat niet of is van een andere organisatie."),
                       field="request")
    audit_read(actor, "inzage_request_read", person_ids=[req.person_id], obj=req)
    return req


def rectifications_of(person_id: int) -> list[Rectification]:
    """A person's rectification history (for a page whose own read already audits the
    person)."""
    return list(Rectification.objects.filter(person_id=person_id).order_by("-at", "-id"))


def corrections_shown(person_id: int) -> list[Rectification]:
    """What the person page says: "gecorrigeerd op … (reden)" for each rectified field."""
    return [r for r in rectifications_of(person_id)
            if r.outcome == RectificationOutcome.RECTIFIED]
