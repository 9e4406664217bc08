"""Rectification (AVG art. 16): the FG corrects a person's data with a reason and the request
it answers; the old value stays in the history; wrong input is refused specifically and writes
nothing; a refusal to rectify is recorded too."""

from __future__ import annotations

from datetime import date

import pytest
from factories import make_bsn

from kindzicht.core import audit, clock
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.privacy.models import Rectification
from kindzicht.privacy.services import person_rectify, rectification_refuse

from .conftest import DAY

pytestmark = pytest.mark.django_db


def _rectify(case, **kw):
    args = {"person": case.child, "field": "family_name", "value": "Janssen",
            "reason": "Verkeerd gespeld bij inschrijving", "requested_by": "S. Jansen (moeder)",
            "received_on": DAY}
    args.update(kw)
    return person_rectify(case.fg_actor, **args)


def test_rectification_keeps_the_old_value_in_the_history_and_is_audited(case):
    with clock.frozen(DAY):
        r = _rectify(case)
    case.child.refresh_from_db()
    assert case.child.family_name == "Janssen"
    assert (r.before, r.after, r.outcome) == ("Jansen", "Janssen", "rectified")
    assert r.requested_by == "S. Jansen (moeder)" and r.professional == case.fg
    ev = DomainEvent.objects.get(type="person_rectified")
    assert ev.payload == {"field": "family_name", "received_on": DAY.isoformat()}
    assert "Jansen" not in str(ev.payload)  # no personal content in the chain
    assert list(ev.subjects.values_list("person_id", flat=True)) == [case.child.pk]
    assert AuditEntry.objects.get(event_id=ev.pk).purpose == "rectificatie"
    assert audit.verify() == []


def test_birth_date_and_bsn_are_checked_and_a_repeat_is_refused(case):
    with clock.frozen(DAY):
        old = case.child.birth_date.isoformat()
        r = _rectify(case, field="birth_date", value="2017-03-01")
        assert (r.before, r.after) == (old, "2017-03-01")
        bsn = make_bsn()
        _rectify(case, field="bsn", value=bsn)
        cases = [
            ({"field": "birth_date", "value": "01-03-2017"}, ValidationError, "value"),
            ({"field": "birth_date", "value": "2030-01-01"}, ValidationError, "value"),
            ({"field": "bsn", "value": "123456789"}, ValidationError, "value"),
            ({"field": "bsn", "value": case.sibling.bsn}, ValidationError, "value"),
            ({"field": "family_name", "value": "  "}, ValidationError, "value"),
            ({"field": "shoe_size", "value": "38"}, ValidationError, "field"),
            ({"reason": " "}, ValidationError, "reason"),
            ({"requested_by": ""}, ValidationError, "requested_by"),
            ({"received_on": None}, ValidationError, "received_on"),
            ({"field": "bsn", "value": bsn}, Refused, "value"),
        ]
        before = DomainEvent.objects.count()
        for kw, error, field in cases:
            with pytest.raises(error) as e:
                _rectify(case, **kw)
            assert e.value.field == field, kw
        with pytest.raises(Forbidden):
            person_rectify(case.school, person=case.child, field="place", value="Zeist",
                           reason="x", requested_by="x", received_on=DAY)
    assert DomainEvent.objects.count() == before
    case.child.refresh_from_db()
    assert case.child.birth_date == date(2017, 3, 1) and case.child.bsn == bsn
    assert Rectification.objects.count() == 2


def test_a_refusal_is_recorded_with_its_reason_and_changes_nothing(case):
    with clock.frozen(DAY):
        r = rectification_refuse(case.fg_actor, person=case.child, field="birth_date",
                                 requested_value="2018-01-01",
                                 reason="De BRP bevestigt de vastgelegde datum.",
                                 requested_by="vader", received_on=DAY)
    case.child.refresh_from_db()
    assert case.child.birth_date.isoformat() == r.before
    assert r.outcome == "refused" and r.after == "2018-01-01"
    assert DomainEvent.objects.filter(type="rectification_refused").count() == 1
