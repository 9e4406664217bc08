"""Moves and retention of the index (issue 4): the active signals follow a family to another
municipality (its organisation is told who is involved; the proposed coordinator follows the
new region's priority), expired signals leave the index, and the archive is purged after its
period — the purge audited, the chain still verifying. ``kindzicht sweep`` runs it all."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command
from factories import OrganisationFactory, PersonFactory

from kindzicht.core import audit, clock
from kindzicht.core.models import DomainEvent, Notification
from kindzicht.index import services
from kindzicht.index.models import IndexPolicy, Informing, Match, Signal, SignalMove
from kindzicht.index.moves import signals_follow_move
from kindzicht.index.retention import purge_archive
from kindzicht.index.services import INFORM_TASK, RENEW_TASK, signal_register
from kindzicht.index.sweep import run
from kindzicht.people import services as people
from kindzicht.people.models import Municipality, Region
from kindzicht.rules.models import Task

from .conftest import SYSTEM


def move(household, code, postcode="1012AB"):
    return people.household_move(SYSTEM, household=household, municipality_code=code,
                                 postcode=postcode)


def test_a_move_to_another_municipality_tells_it_who_is_involved(orgs, fam):
    amsterdam = OrganisationFactory(sector="municipality", municipality_code="0363",
                                    name="Gemeente Amsterdam")
    signal_register(orgs.pro["school"], person=fam.girl, contact="IB, 030-1")
    signal_register(orgs.pro["ggz"], person=fam.father, contact="GGZ, 030-2")
    home = fam.girl.memberships.get().household
    address = move(home, "0363")  # the move itself tells the new municipality
    assert run(clock.today()) == []  # so the sweep's catch-up finds nothing left to do
    note = Notification.objects.get(organisation=amsterdam, kind="index_move")
    assert "Lotte Visser" in note.body and "Org school" in note.body and "IB, 030-1" in note.body
    assert "Org ggz" in note.body  # the father's signal concerns her family too
    assert not Notification.objects.filter(kind="index_move").exclude(organisation=amsterdam)
    followed = SignalMove.objects.get(address=address)
    assert (followed.from_code, followed.to_code, followed.notified) == ("0344", "0363",
                                                                       [amsterdam.pk])
    assert DomainEvent.objects.filter(type="signals_followed_move").count() == 1
    assert signals_follow_move(SYSTEM, address=address) is None  # once
    assert run(clock.today()) == []
    assert Signal.objects.filter(ended_at__isnull=True).count() == 2  # they follow, not end


def test_a_move_within_the_municipality_or_without_signals_is_quiet(orgs, fam):
    OrganisationFactory(sector="municipality", municipality_code="0363")
    home = fam.girl.memberships.get().household
    assert signals_follow_move(SYSTEM, address=move(home, "0363")) is None  # no signals
    signal_register(orgs.pro["school"], person=fam.girl)
    assert signals_follow_move(SYSTEM, address=move(home, "0363", "1013AB")) is None
    assert not Notification.objects.filter(kind="index_move").exists()


def test_the_new_regions_priority_proposes_the_coordinator(orgs, fam):
    west = Region.objects.create(name="Testregio West")
    Municipality.objects.filter(code="0363").update(region=west)
    IndexPolicy.objects.create(region=west, coordinator_priority=["probation", "school"])
    signal_register(orgs.pro["school"], person=fam.girl)
    signal_register(orgs.pro["probation"], person=fam.stepfather)
    match = Match.objects.get(child=fam.girl, level="family", ended_on__isnull=True)
    assert match.proposed_coordinator == orgs.org["school"]
    Notification.objects.all().delete()
    signals_follow_move(SYSTEM, address=move(fam.girl.memberships.get().household, "0363"))
    match.refresh_from_db()
    assert match.proposed_coordinator == orgs.org["probation"]
    notes = Notification.objects.filter(kind="match")
    assert {n.organisation for n in notes} == {orgs.org["school"], orgs.org["probation"]}
    assert all("verhuisd" in n.body for n in notes)


def test_expired_signals_leave_the_index(orgs, fam):
    sig = signal_register(orgs.pro["school"], person=fam.girl)
    # its last day: still in the index (its organisation was reminded, had no sweep run yet)
    assert run(sig.expires_on) == ["Taken om een signaal dat bijna verloopt te verlengen: 1."]
    assert Signal.objects.get(pk=sig.pk).ended_at is None
    lines = run(date(2026, 3, 5))
    assert lines == ["Verlopen signalen beëindigd: 1."]
    sig.refresh_from_db()
    assert sig.end_reason == "expired"


def renew_tasks(**kw):
    return Task.objects.filter(code=RENEW_TASK, **kw)


def test_the_registering_organisation_is_reminded_four_weeks_before_its_signal_expires(
        orgs, fam):
    """Renew it if the concerns last — else it leaves the index and its matches end without
    anyone having decided so. Once per signal and expiry date; renewing or ending closes it."""
    school = signal_register(orgs.pro["school"], person=fam.girl)
    ggz = signal_register(orgs.pro["ggz"], person=fam.father)
    expires = school.expires_on
    assert expires == ggz.expires_on == date(2026, 3, 4)
    assert run(expires - timedelta(days=29)) == []
    lines = run(expires - timedelta(days=28))
    assert lines == ["Taken om een signaal dat bijna verloopt te verlengen: 2."]
    task = renew_tasks(organisation=orgs.org["school"]).get()
    assert (task.child_id, task.due_on, task.status) == (fam.girl.pk, expires, "open")
    assert task.assignee == orgs.pro["school"].professional  # who registered it
    assert "Lotte Visser" in task.text and "04-03-2026" in task.text
    assert "Ruben" not in task.text  # the other organisation's signal is not named
    assert task.evidence == [school.event_id]
    event = DomainEvent.objects.get(type="signal_expiry_reminded")
    assert {s.person_id for s in event.subjects.all()} == {fam.girl.pk, fam.father.pk}
    assert run(expires - timedelta(days=20)) == []  # once
    assert renew_tasks().count() == 2

    # the school renews: its task is done; GGZ lets its signal expire: its task closes with it
    with clock.frozen(expires - timedelta(days=10)):
        renewed = services.signal_renew(orgs.pro["school"], signal=school)
    task.refresh_from_db()
    assert (task.status, task.answer) == ("done", "signaal verlengd")
    run(expires + timedelta(days=1))
    ggz_task = renew_tasks(organisation=orgs.org["ggz"]).get()
    assert (ggz_task.status, ggz_task.answer) == ("not_applicable", "signaal beëindigd")
    # the renewed signal is reminded again before its new date
    assert run(renewed.expires_on - timedelta(days=28)) == [
        "Taken om een signaal dat bijna verloopt te verlengen: 1."]
    assert renew_tasks(organisation=orgs.org["school"], status="open").get().due_on == (
        renewed.expires_on)
    assert audit.verify() == []


def test_a_region_sets_how_far_ahead_and_a_signal_ending_at_23_gets_no_reminder(orgs, fam):
    north = Region.objects.create(name="Testregio Noord")
    Municipality.objects.filter(code="0344").update(region=north)
    IndexPolicy.objects.create(region=north, renew_notice_days=60)
    orgs.org["school"].municipality_code = "0344"
    orgs.org["school"].save()
    sig = signal_register(orgs.pro["school"], person=fam.girl)
    assert run(sig.expires_on - timedelta(days=61)) == []
    assert run(sig.expires_on - timedelta(days=60)) == [
        "Taken om een signaal dat bijna verloopt te verlengen: 1."]
    # a young person of 22: the signal ends on their 23rd birthday and cannot be renewed
    young = PersonFactory(birth_date=date(2001, 9, 1), given_name="Sem", family_name="Vos")
    people.relation_add(SYSTEM, person=fam.mother, kind="parent_of", other=young)
    late = signal_register(orgs.pro["ggz"], person=young)
    assert late.expires_on == date(2024, 9, 1)
    assert run(date(2024, 8, 20)) == []
    assert not renew_tasks(child=young).exists()


def test_the_archive_is_purged_after_five_years_and_the_purge_is_audited(orgs, fam):
    sig = signal_register(orgs.pro["school"], person=fam.girl)
    signal_register(orgs.pro["ggz"], person=fam.father)
    services.signal_inform(orgs.pro["school"], signal=sig, whom="parents", outcome="informed")
    services.signal_withdraw(orgs.pro["school"], person=fam.girl)  # 2024-03-04
    assert Match.objects.filter(ended_on=date(2024, 3, 4)).exists()
    assert not purge_archive(SYSTEM, date(2029, 3, 4))  # five years to the day: kept
    purged = purge_archive(SYSTEM, date(2029, 3, 5))
    assert (purged.signals, purged.matches) == (1, 2)
    assert purged.tasks == 1
    assert not Signal.objects.filter(pk=sig.pk).exists()
    assert not Informing.objects.exists()
    assert not Task.objects.filter(code=INFORM_TASK, key=f"signal:{sig.pk}").exists()
    assert Signal.objects.filter(person=fam.father).exists()  # still active: kept
    event = DomainEvent.objects.get(type="index_archive_purged")
    assert event.payload["signals"] == 1 and event.actor is None
    assert {s.person_id for s in event.subjects.all()} >= {fam.girl.pk}
    assert DomainEvent.objects.filter(type="signal_registered", object_id=sig.pk).exists()
    assert audit.verify() == []


def test_a_region_keeps_its_archive_shorter(orgs, fam):
    north = Region.objects.create(name="Testregio Noord")
    Municipality.objects.filter(code="0344").update(region=north)
    IndexPolicy.objects.create(region=north, archive_years=1)
    signal_register(orgs.pro["school"], person=fam.girl)
    services.signal_withdraw(orgs.pro["school"], person=fam.girl)
    assert purge_archive(SYSTEM, date(2025, 3, 5)).signals == 1


def test_kindzicht_sweep_runs_the_index(orgs, fam):
    signal_register(orgs.pro["school"], person=fam.girl)
    out = StringIO()
    with clock.frozen(date(2026, 3, 10)):
        call_command("sweep", "--date", "2026-03-10", "--no-verify", stdout=out)
    assert "Verlopen signalen beëindigd: 1." in out.getvalue()
