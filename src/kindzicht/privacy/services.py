"""The write path of privacy rights: recording an inzage request, delivering its export, and
rectifying (or refusing to rectify) a person's data. Each writes its change, a domain event and
an audit entry in one transaction (``core.actions.record``).

Who may: the data protection officer (FG, role ``privacy_officer``) and administrators. Entries
of the case file (an involvement, a signal, a handover) are corrected by the organisation that
recorded them, through ``continuity.services.entry_correct`` — the correcting-action pattern.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kindzicht.core import clock
from kindzicht.core.actions import Actor, record
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.index.policy import months_later
from kindzicht.people.bsn import is_valid_bsn, normalise_bsn
from kindzicht.people.models import Person, Role

from .models import (
    InzageRequest,
    InzageStatus,
    Rectification,
    RectificationField,
    RectificationOutcome,
    RequesterRelation,
)

PRIVACY_ROLES = frozenset({Role.PRIVACY_OFFICER, Role.ADMIN})
#: The purpose the audit log records for everything read and written for a privacy right.
INZAGE_PURPOSE = "inzage"
RECTIFICATION_PURPOSE = "rectificatie"
#: AVG art. 12(3): answer within one month of receipt.
DEADLINE_MONTHS = 1
#: UAVG art. 5 and the Jeugdwet: under 16 the parents with authority (or the guardian)
#: exercise the child's rights.
SELF_FROM_AGE = 16
INZAGE_TASK = "inzage"


def may_handle_privacy(actor: Actor) -> bool:
    return actor.professional is not None and actor.role in PRIVACY_ROLES


def _require(actor: Actor) -> None:
    if not may_handle_privacy(actor):
        raise Forbidden(_("Alleen de functionaris gegevensbescherming of een beheerder "
                          "behandelt verzoeken over privacyrechten."), field="person")
    if actor.organisation is None:
        raise Forbidden(_("U hoort niet bij een organisatie; een verzoek hoort bij de "
                          "organisatie die het behandelt."), field="person")


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _text(value: str, field: str, what: str, *, max_length: int = 200,
          required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("Vul %(what)s in.") % {"what": what}, field=field)
    if len(value) > max_length or any(ord(c) < 32 and c not in "\n\r\t" for c in value):
        raise ValidationError(_("%(what)s is ten hoogste %(n)s leesbare tekens lang.")
                              % {"what": what.capitalize(), "n": max_length}, field=field)
    return value


def _received(day: date | None, field: str = "received_on") -> date:
    if day is None:
        raise ValidationError(_("Vul de datum van ontvangst in."), field=field)
    if day > clock.today():
        raise ValidationError(_("De datum van ontvangst ligt in de toekomst."), field=field)
    return day


# --------------------------------------------------------------------------------------------
# Inzage (AVG art. 15)


def inzage_request_record(actor: Actor, *, person: Person, requester_name: str,
                          requester_relation: str, received_on: date | None,
                          note: str = "") -> InzageRequest:
    """Record a request for inzage and give the FG a task with the legal deadline (one month
    after receipt), which the watchdog reminds of and escalates like any task."""
    from kindzicht.rules.tasks import task_create

    _require(actor)
    actor = dataclasses.replace(actor, purpose=INZAGE_PURPOSE)
    name = _text(requester_name, "requester_name", _("de naam van de aanvrager"))
    if requester_relation not in RequesterRelation.values:
        raise ValidationError(_("Onbekende relatie '%(v)s'; kies uit: %(choices)s.")
                              % {"v": requester_relation,
                                 "choices": ", ".join(RequesterRelation.values)},
                              field="requester_relation")
    received = _received(received_on)
    if received < person.birth_date:
        raise ValidationError(_("De datum van ontvangst ligt vóór de geboortedatum van deze "
                                "persoon."), field="received_on")
    if requester_relation == RequesterRelation.SELF and age_on(person.birth_date,
                                                               received) < SELF_FROM_AGE:
        raise ValidationError(_("Deze persoon was bij ontvangst jonger dan 16 jaar: de ouders "
                                "met gezag of de voogd oefenen dit recht uit. Leg vast wie het "
                                "verzoek deed."), field="requester_relation")
    note = _text(note, "note", _("de toelichting"), max_length=2000, required=False)
    due = months_later(received, DEADLINE_MONTHS)
    with transaction.atomic():
        req = InzageRequest.objects.create(
            person=person, requester_name=name, requester_relation=requester_relation,
            received_on=received, due_on=due, note=note, organisation=actor.organisation,
            recorded_by=actor.professional, **clock.stamp())
        req.event = record(actor, "inzage_requested", subjects=[person.pk], obj=req,
                           payload={"requester_relation": requester_relation,
                                    "received_on": received.isoformat(),
                                    "due_on": due.isoformat()})
        req.save(update_fields=["event"])
        today = clock.today()
        task = task_create(
            organisation=actor.organisation, code=INZAGE_TASK, key=f"inzage:{req.pk}",
            child=person, raised_on=today, due_in_days=max((due - today).days, 1),
            text=_("Inzageverzoek (AVG art. 15) beantwoorden: uiterlijk %(due)s.")
            % {"due": due.strftime("%d-%m-%Y")},
            facts=[f"{received.isoformat()}: verzoek ontvangen"], evidence=[req.event.pk])
        if task is not None and actor.professional is not None:
            task.assignee = actor.professional
            task.save(update_fields=["assignee"])
    return req


def inzage_export(actor: Actor, *, request: InzageRequest) -> dict:
    """Produce the export of everything held about the request's person (a dict; the PDF is
    rendered from it) and record its delivery. The read is audited with purpose ``inzage``,
    naming the person; the delivery is an event and answers the FG's task."""
    from kindzicht.rules.models import Task, TaskStatus

    from .inzage import build_export

    _require(actor)
    act = dataclasses.replace(actor, purpose=INZAGE_PURPOSE)
    with transaction.atomic():
        data = build_export(act, request)
        first = request.status == InzageStatus.OPEN
        request.exports += 1
        if first:
            request.status = InzageStatus.DELIVERED
            request.delivered_on = clock.today()
        request.save(update_fields=["exports", "status", "delivered_on"])
        record(act, "inzage_exported", subjects=[request.person_id], obj=request,
               payload={"export": request.exports, "sections": len(data["sections"])})
        if first:
            Task.objects.filter(code=INZAGE_TASK, key=f"inzage:{request.pk}",
                                status=TaskStatus.OPEN).update(
                status=TaskStatus.DONE, answered_on=clock.today(),
                answer="Inzage verstrekt.")
    return data


# --------------------------------------------------------------------------------------------
# Rectification (AVG art. 16)


def _new_value(person: Person, field: str, value: str) -> tuple[str, object]:
    """The new value as text (for the history) and as the person field wants it."""
    raw = (value or "").strip()
    if field in (RectificationField.GIVEN_NAME, RectificationField.FAMILY_NAME,
                 RectificationField.PLACE):
        what = {"given_name": _("de voornaam"), "family_name": _("de achternaam"),
                "place": _("de woonplaats")}[field]
        text = _text(raw, "value", what, max_length=120,
                     required=field != RectificationField.PLACE)
        if any(ord(c) < 32 for c in text):
            raise ValidationError(_("Gebruik alleen leesbare tekens."), field="value")
        return text, text
    if field == RectificationField.BIRTH_DATE:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(_("Geef de geboortedatum als JJJJ-MM-DD."),
                                  field="value") from None
        if day > clock.today():
            raise ValidationError(_("De geboortedatum ligt in de toekomst."), field="value")
        if day < date(1900, 1, 1):
            raise ValidationError(_("De geboortedatum ligt vóór 1900."), field="value")
        if person.death_date and day > person.death_date:
            raise ValidationError(_("De geboortedatum ligt na de overlijdensdatum."),
                                  field="value")
        return day.isoformat(), day
    if field == RectificationField.BSN:
        bsn = normalise_bsn(raw)
        if not is_valid_bsn(bsn):
            raise ValidationError(_("Dit BSN is niet geldig (het voldoet niet aan de "
                                    "elfproef)."), field="value")
        if Person.objects.filter(bsn=bsn).exclude(pk=person.pk).exists():
            raise ValidationError(_("Er is al een andere persoon met dit BSN vastgelegd; "
                                    "voeg de twee dan samen in plaats van te corrigeren."),
                                  field="value")
        return bsn, bsn
    raise ValidationError(_("Onbekend gegeven '%(f)s'; kies uit: %(choices)s.")
                          % {"f": field, "choices": ", ".join(RectificationField.values)},
                          field="field")


def _current(person: Person, field: str) -> str:
    value = getattr(person, field)
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _rectification_common(actor: Actor, person: Person, field: str, reason: str,
                          requested_by: str, received_on: date | None) -> tuple[str, str, date]:
    _require(actor)
    if field not in RectificationField.values:
        raise ValidationError(_("Onbekend gegeven '%(f)s'; kies uit: %(choices)s.")
                              % {"f": field, "choices": ", ".join(RectificationField.values)},
                              field="field")
    why = _text(reason, "reason", _("de reden"), max_length=1000)
    who = _text(requested_by, "requested_by", _("van wie het verzoek komt"))
    return why, who, _received(received_on)


def person_rectify(actor: Actor, *, person: Person, field: str, value: str, reason: str,
                   requested_by: str, received_on: date | None) -> Rectification:
    """Correct one field of a person. The previous value stays in the history (a
    ``Rectification`` row with before and after); the event names the field, not the values,
    so that the audit chain holds no personal content."""
    why, who, received = _rectification_common(actor, person, field, reason, requested_by,
                                                received_on)
    actor = dataclasses.replace(actor, purpose=RECTIFICATION_PURPOSE)
    text, new = _new_value(person, field, value)
    before = _current(person, field)
    if text == before:
        raise Refused(_("De nieuwe waarde is gelijk aan wat al is vastgelegd; er valt niets "
                        "te corrigeren."), field="value")
    try:
        with transaction.atomic():
            locked = Person.objects.select_for_update().get(pk=person.pk)
            setattr(locked, field, new)
            locked.save(update_fields=[field])
            r = Rectification.objects.create(
                person=locked, field=field, before=before, after=text,
                outcome=RectificationOutcome.RECTIFIED, reason=why, requested_by=who,
                received_on=received, organisation=actor.organisation,
                professional=actor.professional, **clock.stamp())
            r.event = record(actor, "person_rectified", subjects=[person.pk], obj=r,
                             payload={"field": field, "received_on": received.isoformat()})
            r.save(update_fields=["event"])
    except IntegrityError as exc:  # a concurrent rectification took the BSN first
        raise ValidationError(_("Er is al een andere persoon met dit BSN vastgelegd."),
                              field="value") from exc
    setattr(person, field, new)
    return r


def rectification_refuse(actor: Actor, *, person: Person, field: str, requested_value: str,
                         reason: str, requested_by: str,
                         received_on: date | None) -> Rectification:
    """Record a refusal to rectify, with its reason (the person must be told why, and that they
    may complain to the Autoriteit Persoonsgegevens — AVG art. 12(4))."""
    why, who, received = _rectification_common(actor, person, field, reason, requested_by,
                                                received_on)
    actor = dataclasses.replace(actor, purpose=RECTIFICATION_PURPOSE)
    asked = _text(requested_value, "value", _("de gevraagde waarde"), required=False)
    with transaction.atomic():
        r = Rectification.objects.create(
            person=person, field=field, before=_current(person, field), after=asked,
            outcome=RectificationOutcome.REFUSED, reason=why, requested_by=who,
            received_on=received, organisation=actor.organisation,
            professional=actor.professional, **clock.stamp())
        r.event = record(actor, "rectification_refused", subjects=[person.pk], obj=r,
                         payload={"field": field, "received_on": received.isoformat()})
        r.save(update_fields=["event"])
    return r
