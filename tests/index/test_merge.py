"""Duplicate persons (issue 4): a likely duplicate is warned of at registration; an
administrator merges two records with a reason, keeping both histories, and the match the
duplicate hid arises. Refusals write nothing."""

from __future__ import annotations

from datetime import date

import pytest
from auth_support import verified_login
from django.urls import reverse
from factories import OrganisationFactory, PersonFactory, ProfessionalFactory, actor_of

from kindzicht.core import audit
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.core.models import DomainEvent, EventSubject, Notification
from kindzicht.index.duplicates import likely_duplicates
from kindzicht.index.merge import person_merge
from kindzicht.index.models import Match, PersonMerge, Signal
from kindzicht.index.services import signal_register
from kindzicht.people import services as people

from .conftest import SYSTEM


@pytest.fixture
def admin_actor(day):
    return actor_of(ProfessionalFactory(organisation=OrganisationFactory(sector="municipality"),
                                        role="admin"))


@pytest.fixture
def double(fam):
    """Lotte registered a second time — by the school, without BSN, at her mother's address."""
    rec = PersonFactory(birth_date=fam.girl.birth_date, given_name="Lotte",
                        family_name="Bakker", bsn=None)
    people.household_create(SYSTEM, members=[rec], municipality_code="0344", postcode="3511AB")
    return rec


def test_likely_duplicates(fam, double):
    assert likely_duplicates(double) == [fam.girl]  # same given name, birth date, address
    assert likely_duplicates(fam.half_brother) == []
    exact = PersonFactory(birth_date=fam.girl.birth_date, given_name="lotte",
                          family_name="VISSER", bsn=None)
    assert likely_duplicates(fam.girl) == sorted([double, exact], key=lambda p: p.pk)


def test_merging_reveals_the_hidden_match_and_keeps_both_histories(orgs, fam, double,
                                                                  admin_actor):
    signal_register(orgs.pro["ggz"], person=fam.father)
    signal_register(orgs.pro["school"], person=double)
    assert not Match.objects.exists()  # the duplicate hides the family match
    events_of_double = set(EventSubject.objects.filter(person_id=double.pk)
                           .values_list("event_id", flat=True))
    pm = person_merge(admin_actor, keep=fam.girl, merge=double,
                      reason="Zelfde kind: school bevestigt naam, geboortedatum en adres.")
    assert Signal.objects.get(organisation=orgs.org["school"]).person == fam.girl
    m = Match.objects.get(child=fam.girl, level="family", ended_on__isnull=True)
    assert set(m.organisation_ids) == {orgs.org["school"].pk, orgs.org["ggz"].pk}
    assert Notification.objects.filter(kind="match", organisation=orgs.org["ggz"]).exists()
    kept_events = set(EventSubject.objects.filter(person_id=fam.girl.pk)
                      .values_list("event_id", flat=True))
    assert events_of_double <= kept_events
    assert pm.moved["refindex.Signal.person"] == 1
    assert pm.moved["people.HouseholdMembership.person"] == 1
    assert DomainEvent.objects.get(type="persons_merged").payload["moved"] == pm.moved
    assert likely_duplicates(fam.girl) == []
    assert audit.verify() == []


def test_a_signal_on_both_records_by_one_organisation_is_kept_once(orgs, fam, double,
                                                                  admin_actor):
    signal_register(orgs.pro["school"], person=fam.girl)
    signal_register(orgs.pro["school"], person=double)
    person_merge(admin_actor, keep=fam.girl, merge=double, reason="dubbel")
    assert Signal.objects.filter(ended_at__isnull=True).count() == 1
    assert Signal.objects.get(end_reason="merged").person == fam.girl  # history moved too


def test_the_bsn_moves_to_the_kept_record(orgs, fam, admin_actor):
    without = PersonFactory(birth_date=date(2015, 1, 1), given_name="Sem", bsn=None)
    with_bsn = PersonFactory(birth_date=date(2015, 1, 1), given_name="Sem")
    bsn = with_bsn.bsn
    person_merge(admin_actor, keep=without, merge=with_bsn, reason="dubbel")
    without.refresh_from_db()
    with_bsn.refresh_from_db()
    assert (without.bsn, with_bsn.bsn) == (bsn, None)


def counts():
    return (PersonMerge.objects.count(), DomainEvent.objects.count(),
            EventSubject.objects.count(), Signal.objects.filter(person__bsn=None).count())


def test_refusals_write_nothing(orgs, fam, double, admin_actor):
    before = counts()
    with pytest.raises(Forbidden):
        person_merge(orgs.coord["school"], keep=fam.girl, merge=double, reason="x")
    with pytest.raises(ValidationError) as exc:
        person_merge(admin_actor, keep=fam.girl, merge=double, reason=" ")
    assert exc.value.field == "reason"
    with pytest.raises(ValidationError):
        person_merge(admin_actor, keep=fam.girl, merge=fam.girl, reason="x")
    with pytest.raises(Refused) as exc:
        person_merge(admin_actor, keep=fam.girl, merge=fam.half_brother, reason="x")
    assert "verschillend BSN" in exc.value.message
    assert counts() == before
    person_merge(admin_actor, keep=fam.girl, merge=double, reason="dubbel")
    with pytest.raises(Refused):
        person_merge(admin_actor, keep=double, merge=fam.girl, reason="terug")


def test_an_administrator_merges_in_the_admin(client, orgs, fam, double, admin_actor):
    verified_login(client, admin_actor.professional)
    url = reverse("admin:refindex_personmerge_add")
    response = client.post(url, {"kept": fam.girl.pk, "merged": fam.half_brother.pk,
                                 "reason": "x"})
    assert response.status_code == 200 and "verschillend BSN" in response.content.decode()
    response = client.post(url, {"kept": fam.girl.pk, "merged": double.pk,
                                 "reason": "Zelfde kind."})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert PersonMerge.objects.get().kept == fam.girl
