"""Signals in the reference index (issue 4): registration with family-level matching, on
behalf with the observer shielded, who may register, renewal, withdrawal and the proposed
coordinator, informing the family — and bad input refused with a specific error, nothing
written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kindzicht.core import clock
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.core.models import AuditEntry, DomainEvent, Notification
from kindzicht.index import services
from kindzicht.index.models import IndexPolicy, Informing, Match, Signal
from kindzicht.index.services import INFORM_TASK, person_for_bsn, signal_register
from kindzicht.people import services as people
from kindzicht.people.models import Municipality, Region
from kindzicht.rules.models import Task

from .conftest import SYSTEM


def counts():
    return (Signal.objects.count(), Match.objects.count(), DomainEvent.objects.count(),
            AuditEntry.objects.filter(kind="write").count(), Notification.objects.count(),
            Task.objects.count())


def test_a_stepfathers_signal_meets_his_stepdaughters_at_family_level(orgs, fam):
    signal_register(orgs.pro["probation"], person=fam.stepfather)
    assert not Match.objects.exists()
    signal_register(orgs.pro["school"], person=fam.girl)
    m = Match.objects.get(child=fam.girl, level="family", ended_on__isnull=True)
    assert set(m.person_ids) == {fam.girl.pk, fam.stepfather.pk}
    assert set(m.organisation_ids) == {orgs.org["probation"].pk, orgs.org["school"].pk}
    # a child-level index would have missed it: one organisation on the child only
    assert not Match.objects.filter(level="child").exists()
    assert m.proposed_coordinator == orgs.org["school"]  # school before probation by priority


def test_the_notification_names_the_others_and_how_to_reach_them_nothing_more(orgs, fam):
    signal_register(orgs.pro["ggz"], person=fam.father, contact="K. de Boer, 030-1234567")
    signal_register(orgs.coord["school"], person=fam.girl, on_behalf_of="Juf Marieke (groep 6)")
    # the girl's and her half-brother's family matches: one notification per organisation
    assert Match.objects.filter(level="family", ended_on__isnull=True).count() == 2
    to_ggz = Notification.objects.get(organisation=orgs.org["ggz"], kind="match")
    to_school = Notification.objects.get(organisation=orgs.org["school"], kind="match")
    assert "Org school" in to_ggz.body and "Coord school" in to_ggz.body
    assert "Juf Marieke" not in to_ggz.body  # the observer is shielded
    assert "Lotte" not in to_ggz.body and to_ggz.person_id == fam.father.pk
    assert "Uw signaal op Ruben Visser" in to_ggz.body
    assert "K. de Boer, 030-1234567" in to_school.body and "Org ggz" in to_school.body
    assert "Ruben" not in to_school.body and to_school.person_id == fam.girl.pk
    assert "Org school" not in to_school.body.split("Ook betrokken")[1].split("Voorgestelde")[0]
    sig = Signal.objects.get(organisation=orgs.org["school"])
    assert sig.observer == "Juf Marieke (groep 6)" and "Coord school" in sig.contact
    assert DomainEvent.objects.get(type="signal_registered", object_id=sig.pk).payload == {
        "on_behalf": True}


def test_a_notification_naming_two_of_the_family_is_audited_for_both_when_read(orgs, fam):
    """The GP's signals on the mother and her partner meet the school's on the girl: the GP's
    notification names both adults, so reading it in Berichten is audited for both (it was
    audited for the first only)."""
    from kindzicht.core import inbox

    signal_register(orgs.pro["gp"], person=fam.mother)
    signal_register(orgs.pro["gp"], person=fam.stepfather)
    signal_register(orgs.pro["school"], person=fam.girl)
    to_gp = Notification.objects.get(organisation=orgs.org["gp"], kind="match")
    assert "Anouk Bakker" in to_gp.body and "Mehmet Yilmaz" in to_gp.body
    assert to_gp.person_ids == sorted([fam.mother.pk, fam.stepfather.pk])
    assert [n.pk for n in inbox.notifications_of(orgs.pro["gp"])] == [to_gp.pk]
    listed = AuditEntry.objects.filter(action="notifications_listed").latest("id")
    assert sorted(listed.person_ids) == sorted([fam.mother.pk, fam.stepfather.pk])
    inbox.notifications_mark_read(orgs.pro["gp"], notifications=[to_gp])
    read = DomainEvent.objects.get(type="notifications_read")
    assert sorted(read.subjects.values_list("person_id", flat=True)) == to_gp.person_ids


def test_a_partner_who_joins_brings_his_signals_and_takes_them_when_he_leaves(orgs, fam):
    from factories import PersonFactory

    from kindzicht.people import services as people

    from .conftest import SYSTEM

    newcomer = PersonFactory(birth_date=date(2002, 7, 7))  # 21: in scope on his own
    signal_register(orgs.pro["probation"], person=newcomer)
    signal_register(orgs.pro["school"], person=fam.girl)
    assert not Match.objects.exists()
    home = fam.girl.memberships.get().household
    people.household_join(SYSTEM, household=home, person=newcomer)
    m = Match.objects.get(child=fam.girl, level="family", ended_on__isnull=True)
    assert newcomer.pk in m.person_ids
    people.household_leave(SYSTEM, household=home, person=newcomer)
    assert not Match.objects.filter(ended_on__isnull=True).exists()


@pytest.mark.parametrize("key", ["gemeente", "court"])
def test_the_municipality_and_the_court_are_refused_with_the_reason(orgs, fam, key):
    before = counts()
    with pytest.raises(Forbidden) as exc:
        signal_register(orgs.pro[key], person=fam.girl)
    assert exc.value.field == "organisation" and "niet meldingsbevoegd" in exc.value.message
    assert counts() == before


def test_a_region_sets_its_own_circle(orgs, fam):
    region = Region.objects.create(name="Testregio Utrecht")
    Municipality.objects.filter(code="0344").update(region=region)
    IndexPolicy.objects.create(region=region, authorised_sectors=["school", "youth_health"])
    before = counts()
    with pytest.raises(Forbidden) as exc:
        signal_register(orgs.pro["gp"], person=fam.girl)  # GPs sit outside this region's circle
    assert "in deze regio niet meldingsbevoegd" in exc.value.message
    assert counts() == before
    signal_register(orgs.pro["school"], person=fam.girl)
    # a national row applies to every region without its own
    IndexPolicy.objects.create(region=None, authorised_sectors=["gp"], signal_months=12)
    Municipality.objects.filter(code="0344").update(region=None)
    sig = signal_register(orgs.pro["gp"], person=fam.half_brother)
    assert sig.expires_on == date(2025, 3, 4)


def test_on_behalf_by_someone_who_is_not_a_coordinator_is_refused(orgs, fam):
    before = counts()
    with pytest.raises(Forbidden) as exc:
        signal_register(orgs.pro["school"], person=fam.girl, on_behalf_of="Juf Marieke")
    assert exc.value.field == "on_behalf_of"
    assert counts() == before


def test_a_duplicate_active_signal_is_refused(orgs, fam):
    signal_register(orgs.pro["school"], person=fam.girl)
    before = counts()
    with pytest.raises(Refused) as exc:
        signal_register(orgs.coord["school"], person=fam.girl)
    assert exc.value.field == "person" and "al een actief signaal" in exc.value.message
    assert counts() == before


def test_an_adult_outside_any_childs_family_is_refused(orgs, fam):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        signal_register(orgs.pro["ggz"], person=fam.grandmother)
    assert exc.value.field == "person" and "ouder dan 23" in exc.value.message
    assert counts() == before
    # a young adult of 22 is in scope on their own
    from factories import PersonFactory

    signal_register(orgs.pro["ggz"], person=PersonFactory(birth_date=date(2001, 9, 9)))


def test_bsn_failing_the_11_proef_or_unknown(orgs, fam):
    with pytest.raises(ValidationError) as exc:
        person_for_bsn("123456789")
    assert exc.value.field == "bsn" and "elfproef" in exc.value.message
    with pytest.raises(ValidationError) as exc:
        person_for_bsn("111222333")  # valid, but nobody has it
    assert exc.value.code == "unknown_bsn"
    assert person_for_bsn(fam.girl.bsn) == fam.girl


def test_contact_too_long_is_refused(orgs, fam):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        signal_register(orgs.pro["school"], person=fam.girl, contact="x" * 201)
    assert exc.value.field == "contact"
    assert counts() == before


def test_expiry_two_years_or_at_23(orgs, fam):
    from factories import PersonFactory

    sig = signal_register(orgs.pro["school"], person=fam.girl)
    assert sig.expires_on == date(2026, 3, 4)
    almost = PersonFactory(birth_date=date(2001, 10, 10))
    assert signal_register(orgs.pro["ggz"], person=almost).expires_on == date(2024, 10, 10)


def test_renew_runs_another_period_but_never_past_23(orgs, fam):
    from factories import PersonFactory

    sig = signal_register(orgs.pro["school"], person=fam.girl)
    with clock.frozen(date(2025, 1, 1)):
        services.signal_renew(orgs.pro["school"], signal=sig)
    sig.refresh_from_db()
    assert sig.expires_on == date(2027, 1, 1)
    assert DomainEvent.objects.filter(type="signal_renewed", object_id=sig.pk).exists()
    young = signal_register(orgs.pro["ggz"], person=PersonFactory(birth_date=date(2001, 10, 10)))
    with pytest.raises(Refused):
        services.signal_renew(orgs.pro["ggz"], signal=young)
    with pytest.raises(Forbidden):
        services.signal_renew(orgs.pro["ggz"], signal=sig)  # another organisation's


def test_the_proposed_coordinator_withdrawing_passes_it_on(orgs, fam):
    signal_register(orgs.pro["ggz"], person=fam.father)
    signal_register(orgs.pro["wt"], person=fam.girl)
    signal_register(orgs.pro["school"], person=fam.girl)
    m = Match.objects.get(child=fam.girl, level="family", ended_on__isnull=True)
    assert m.proposed_coordinator == orgs.org["wt"]
    Notification.objects.all().delete()
    services.signal_withdraw(orgs.pro["wt"], person=fam.girl)
    m = Match.objects.get(child=fam.girl, level="family", ended_on__isnull=True)
    assert m.proposed_coordinator == orgs.org["school"]
    # one message each to those left in the family match: who left, who is still involved,
    # who is now proposed; the school's child-level match with wt ended
    notes = Notification.objects.filter(kind="match", subject__startswith="Match gewijzigd")
    assert {n.organisation for n in notes} == {orgs.org["ggz"], orgs.org["school"]}
    for n in notes:
        assert n.subject == "Match gewijzigd: nieuwe voorgestelde matchregisseur"
        left, still = n.body.split("Nog betrokken")
        assert "Org wt" in left and "Org wt" not in still
        assert still.endswith("Voorgestelde matchregisseur: Org school")
    ended = Notification.objects.get(kind="match", subject="Match beëindigd")
    assert ended.organisation == orgs.org["school"] and "kindniveau" in ended.body
    assert not Notification.objects.filter(organisation=orgs.org["wt"]).exists()


def test_a_match_that_ends_is_told_to_those_whose_signals_stand(orgs, fam):
    """The school counted on "GGZ is involved with this family as well": when GGZ withdraws
    and the match falls apart, the school hears it — not why, not whom GGZ's signal was on."""
    signal_register(orgs.pro["ggz"], person=fam.father)
    signal_register(orgs.pro["school"], person=fam.girl)
    Notification.objects.all().delete()
    services.signal_withdraw(orgs.pro["ggz"], person=fam.father)
    note = Notification.objects.get()
    assert (note.organisation, note.kind, note.subject) == (
        orgs.org["school"], "match", "Match beëindigd")
    assert "gezinsniveau" in note.body and "Lotte Visser" in note.body
    assert "Was betrokken: Org ggz" in note.body and "Ruben" not in note.body
    assert note.person_ids == [fam.girl.pk]


def test_someone_leaving_the_family_takes_their_signal_out_and_all_are_told(orgs, fam):
    """The stepfather leaves the household and the partnership ends: probation's signal on
    him no longer meets the girl's. The school and GGZ (the father) stay matched and hear who
    left; probation hears its signal is in the match no more — its signal stands."""
    signal_register(orgs.pro["probation"], person=fam.stepfather)
    signal_register(orgs.pro["ggz"], person=fam.father)
    signal_register(orgs.pro["school"], person=fam.girl)
    Notification.objects.all().delete()
    home = fam.girl.memberships.get().household
    people.household_leave(SYSTEM, household=home, person=fam.stepfather)
    partnership = fam.mother.relations_from.get(kind="partner_of")
    people.relation_end(SYSTEM, relation=partnership, on=clock.today())
    m = Match.objects.get(child=fam.girl, level="family", ended_on__isnull=True)
    assert set(m.organisation_ids) == {orgs.org["ggz"].pk, orgs.org["school"].pk}
    changed = Notification.objects.filter(subject="Match gewijzigd")
    assert {n.organisation for n in changed} == {orgs.org["ggz"], orgs.org["school"]}
    for n in changed:
        left, still = n.body.split("Nog betrokken")
        assert "Org probation" in left and "Org probation" not in still
        assert "Mehmet" not in n.body
    out = Notification.objects.get(organisation=orgs.org["probation"])
    assert out.subject == "Niet meer in een match" and "Mehmet Yilmaz" in out.body
    assert "Lotte" not in out.body and "Uw signaal blijft staan" in out.body


def test_informing_duties_by_age(orgs, fam, day):
    from factories import PersonFactory

    assert services.inform_duties(fam.girl, day) == ["parents"]  # 10
    assert services.inform_duties(PersonFactory(birth_date=date(2010, 1, 1)), day) == [
        "person", "parents"]  # 14
    assert services.inform_duties(PersonFactory(birth_date=date(2006, 1, 1)), day) == [
        "person"]  # 18
    assert services.inform_duties(fam.father, day) == ["person"]


def test_informing_closes_the_task_and_postponing_needs_a_reason(orgs, fam):
    from factories import PersonFactory

    teen = PersonFactory(birth_date=date(2010, 1, 1))
    sig = signal_register(orgs.pro["school"], person=teen)
    task = Task.objects.get(code=INFORM_TASK, key=f"signal:{sig.pk}")
    assert task.due_on == date(2024, 4, 1) and task.organisation == orgs.org["school"]
    assert task.assignee == orgs.pro["school"].professional
    before = (Informing.objects.count(), DomainEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.signal_inform(orgs.pro["school"], signal=sig, whom="parents",
                               outcome="postponed")
    assert exc.value.field == "reason"
    with pytest.raises(Forbidden):
        services.signal_inform(orgs.pro["ggz"], signal=sig, whom="parents", outcome="informed")
    assert (Informing.objects.count(), DomainEvent.objects.count()) == before
    services.signal_inform(orgs.pro["school"], signal=sig, whom="person", outcome="informed")
    task.refresh_from_db()
    assert task.status == "open"  # the parents are still to be informed
    services.signal_inform(orgs.pro["school"], signal=sig, whom="parents", outcome="postponed",
                           reason="Vader is gewelddadig; eerst veiligheidsplan.",
                           review_on=date(2024, 4, 15))
    task.refresh_from_db()
    assert task.status == "done"
    review = Task.objects.get(code=INFORM_TASK, status="open")
    assert review.due_on == date(2024, 4, 15) and "opnieuw af" in review.text
    services.signal_inform(orgs.pro["school"], signal=sig, whom="parents", outcome="informed")
    review.refresh_from_db()
    assert review.status == "done"


def test_informing_a_party_without_a_duty_is_refused(orgs, fam):
    sig = signal_register(orgs.pro["school"], person=fam.girl)  # 10: the parents only
    with pytest.raises(ValidationError) as exc:
        services.signal_inform(orgs.pro["school"], signal=sig, whom="person", outcome="informed")
    assert exc.value.field == "whom"


def test_an_overdue_informing_task_becomes_an_alert(orgs, fam):
    from kindzicht.rules.watchdog import sweep

    sig = signal_register(orgs.pro["school"], person=fam.girl)
    sweep(clock.today() + timedelta(days=29))
    alert = Task.objects.get(code=INFORM_TASK, kind="alert")
    assert alert.key == f"task:{Task.objects.get(key=f'signal:{sig.pk}').pk}"


def test_withdrawing_leaves_the_index_and_closes_the_informing_task(orgs, fam):
    sig = signal_register(orgs.pro["school"], person=fam.girl)
    services.signal_withdraw(orgs.pro["school"], person=fam.girl)
    sig.refresh_from_db()
    assert sig.ended_at is not None and sig.end_reason == "withdrawn"
    assert Task.objects.get(key=f"signal:{sig.pk}").status == "not_applicable"
    with pytest.raises(Refused):
        services.signal_withdraw(orgs.pro["school"], person=fam.girl)


def test_a_registration_writes_one_audit_entry_naming_whose_signals_its_matching_read(orgs, fam):
    """Issue 4: the matching reads inside a registration are part of its one audit entry —
    not entries of their own, and not missing."""
    from kindzicht.core.models import EventSubject

    signal_register(orgs.pro["probation"], person=fam.stepfather)   # opens the girl's risk
    before = AuditEntry.objects.order_by("-id").first().pk

    sig = signal_register(orgs.pro["school"], person=fam.girl)

    entries = list(AuditEntry.objects.filter(pk__gt=before))
    assert len(entries) == 1, [(e.action, e.kind) for e in entries]
    entry = entries[0]
    assert (entry.action, entry.kind, entry.event_id) == ("signal_registered", "write",
                                                          sig.event_id)
    # the girl, and everyone whose index data the family-level matching compared: her
    # family, and the family of her half-brother (a child the signal concerns too)
    assert set(entry.person_ids) == {fam.girl.pk, fam.mother.pk, fam.stepfather.pk,
                                     fam.father.pk, fam.half_brother.pk}
    assert fam.grandmother.pk not in entry.person_ids
    # the event itself stays about the girl only
    assert list(EventSubject.objects.filter(event_id=sig.event_id).values_list(
        "person_id", flat=True)) == [fam.girl.pk]
    assert Match.objects.filter(child=fam.girl, level="family").exists()


def test_withdrawing_names_the_family_read_by_the_rematch_in_its_one_entry(orgs, fam):
    signal_register(orgs.pro["probation"], person=fam.stepfather)
    signal_register(orgs.pro["school"], person=fam.girl)
    before = AuditEntry.objects.order_by("-id").first().pk

    services.signal_withdraw(orgs.pro["school"], person=fam.girl)

    entries = [e for e in AuditEntry.objects.filter(pk__gt=before)
               if e.action == "signal_ended"]
    assert len(entries) == 1
    assert {fam.girl.pk, fam.stepfather.pk, fam.mother.pk} <= set(entries[0].person_ids)
    assert not AuditEntry.objects.filter(pk__gt=before, kind="read").exists()


def test_a_signal_on_the_child_opens_its_risk_within_its_one_event_and_entry(orgs, fam):
    """A registration is one event and one audit entry: the risk it opens for the child it
    is about is part of it (the periods cite its event); the risk a parent's signal opens for
    the children is recorded for each child as risk_opened, which names the child."""
    from kindzicht.continuity.models import ResponsibilityPeriod, RiskPeriod
    from kindzicht.rules.nightly import _changed_persons

    since = DomainEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    entries = AuditEntry.objects.count()
    sig = signal_register(orgs.pro["school"], person=fam.girl)
    assert list(DomainEvent.objects.filter(pk__gt=since).values_list("type", flat=True)) == [
        "signal_registered"]
    assert AuditEntry.objects.count() == entries + 1
    entry = AuditEntry.objects.get(event_id=sig.event_id)
    assert fam.girl.pk in entry.person_ids
    period = RiskPeriod.objects.get(child=fam.girl, closed_at__isnull=True)
    holder = ResponsibilityPeriod.objects.get(child=fam.girl, ended_at__isnull=True)
    assert period.event_id == holder.event_id == sig.event_id
    assert holder.organisation == orgs.org["school"]
    # the nightly rules still see the girl changed: her registration's event names her
    assert fam.girl.pk in _changed_persons(since)[0]

    # the father's signal opens his son's risk: recorded as risk_opened, naming the boy
    since = DomainEvent.objects.order_by("-id").values_list("id", flat=True).first()
    signal_register(orgs.pro["ggz"], person=fam.father)
    opened = DomainEvent.objects.get(pk__gt=since, type="risk_opened")
    assert list(opened.subjects.values_list("person_id", flat=True)) == [fam.half_brother.pk]
    assert AuditEntry.objects.get(event_id=opened.pk).person_ids == [fam.half_brother.pk]
    assert fam.half_brother.pk in _changed_persons(since)[0]
