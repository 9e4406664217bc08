"""Continuity services: responsibility, handovers, guards, decisions — and bad input that
must be refused with a specific error and write nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kindzicht.continuity import risk
from kindzicht.continuity import services as continuity
from kindzicht.continuity.models import Handover, ResponsibilityPeriod
from kindzicht.core import clock
from kindzicht.core.errors import Forbidden, GuardRefused, Refused, ValidationError
from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.index.services import signal_register
from kindzicht.meldcode.services import concern_record
from kindzicht.rules.models import Task
from kindzicht.safety.services import assessment_record

DAY = date(2024, 3, 4)


def writes():
    return (DomainEvent.objects.count(), AuditEntry.objects.filter(kind="write").count(),
            Handover.objects.count(), ResponsibilityPeriod.objects.count())


def test_first_organisation_that_opens_risk_holds_responsibility(world):
    assert risk.holder_of(world.child.pk) is None
    concern_record(world.actors["school"], child=world.child, kind="niet_pluis", text="stil")
    assert risk.holder_of(world.child.pk) == world.orgs["school"]
    assert risk.is_at_open_risk(world.child.pk)


def test_signal_on_a_parent_opens_risk_for_the_child_held_by_the_adult_service(world):
    from factories import OrganisationFactory, ProfessionalFactory, actor_of

    ggz = OrganisationFactory(sector="adult_mental_health")
    actor = actor_of(ProfessionalFactory(organisation=ggz, role="coordinator"))
    signal_register(actor, person=world.mother)
    assert risk.holder_of(world.child.pk) == ggz


def test_take_responsibility_moves_it_and_notifies_the_previous_holder(world):
    concern_record(world.actors["school"], child=world.child, kind="observation")
    continuity.responsibility_take(world.actors["wt"], child=world.child, basis="voluntary")
    assert risk.holder_of(world.child.pk) == world.orgs["wt"]
    assert world.orgs["school"].notifications.filter(kind="responsibility_moved").exists()
    periods = list(ResponsibilityPeriod.objects.filter(child=world.child).order_by("at"))
    assert [p.organisation_id for p in periods] == [world.orgs["school"].pk, world.orgs["wt"].pk]
    assert periods[0].ended_at == periods[1].at  # a clean sequence: no gap, no overlap


def test_taken_before_risk_opens_it_holds_as_soon_as_risk_opens(world):
    continuity.responsibility_take(world.actors["wt"], child=world.child, basis="coordination")
    assert risk.holder_of(world.child.pk) is None
    concern_record(world.actors["school"], child=world.child, kind="observation")
    assert risk.holder_of(world.child.pk) == world.orgs["wt"]


def test_handover_moves_responsibility_only_on_confirmed_start(world):
    s, wt = world.actors["school"], world.actors["wt"]
    concern_record(s, child=world.child, kind="observation")
    h = continuity.handover_offer(s, child=world.child, receiver=world.orgs["wt"])
    continuity.handover_accept(wt, handover=h)
    assert risk.holder_of(world.child.pk) == world.orgs["school"]
    continuity.handover_confirm_start(wt, handover=h)
    assert risk.holder_of(world.child.pk) == world.orgs["wt"]
    h.refresh_from_db()
    assert h.moved_responsibility


def test_live_guard_refuses_closure_and_says_which_handover_to_complete(world):
    s, wt = world.actors["school"], world.actors["wt"]
    concern_record(s, child=world.child, kind="observation")
    continuity.involvement_start(s, person=world.child, service="begeleiding")
    h = continuity.handover_offer(s, child=world.child, receiver=world.orgs["wt"])
    continuity.handover_accept(wt, handover=h)
    before = writes()
    with pytest.raises(GuardRefused) as exc:
        continuity.involvement_end(s, person=world.child, reason="klaar")
    assert world.orgs["wt"].name in exc.value.message
    assert "moet de start bevestigen" in exc.value.message
    assert writes() == before
    continuity.handover_confirm_start(wt, handover=h)
    continuity.involvement_end(s, person=world.child, reason="klaar")


def test_reconstruct_records_the_closure_and_leaves_the_child_without_anyone(world):
    concern_record(world.actors["school"], child=world.child, kind="observation")
    continuity.involvement_start(world.actors["school"], person=world.child, service="x")
    end = continuity.involvement_end(world.reconstruct("school"), person=world.child, reason="x")
    assert end.held_responsibility and end.at_open_risk
    current = risk.current_period(world.child.pk)
    assert current is not None and current.organisation is None


def test_intensive_care_cannot_end_without_aftercare_live(world):
    concern_record(world.actors["school"], child=world.child, kind="observation")
    continuity.involvement_start(world.actors["jh"], person=world.child, service="IPT",
                                 intensive=True)
    with pytest.raises(GuardRefused) as exc:
        continuity.involvement_end(world.actors["jh"], person=world.child, reason="klaar")
    assert exc.value.field == "aftercare"
    continuity.involvement_end(world.actors["jh"], person=world.child, reason="klaar",
                               aftercare="wekelijks contact door het wijkteam")


@pytest.mark.parametrize("case", ["own_org", "never_accepted", "factors_not_offered",
                                  "wrong_receiver", "withdraw_without_reason"])
def test_bad_handover_steps_are_refused_and_write_nothing(world, case):
    s, wt = world.actors["school"], world.actors["wt"]
    concern_record(s, child=world.child, kind="observation")
    assessment_record(s, child=world.child, safety="unsafe", risk="high",
                      factors=[{"domain": "family", "code": "domestic_violence"}])
    h = continuity.handover_offer(s, child=world.child, receiver=world.orgs["wt"],
                                  factors=["domestic_violence"])
    before = writes()
    with pytest.raises((ValidationError, Refused, Forbidden)) as exc:
        if case == "own_org":
            continuity.handover_offer(s, child=world.child, receiver=world.orgs["school"])
        elif case == "never_accepted":
            continuity.handover_confirm_start(wt, handover=h)
        elif case == "factors_not_offered":
            continuity.handover_accept(wt, handover=h, factors=["debts"])
        elif case == "wrong_receiver":
            continuity.handover_accept(world.actors["jh"], handover=h)
        else:
            continuity.handover_withdraw(s, handover=h, reason="  ")
    assert exc.value.field in {"receiver", "handover", "factors", "reason"}
    assert writes() == before


@pytest.mark.parametrize("by,decision,reasons,field", [
    ("school", "no_measure", "geen grond", "decision"),
    ("raad", "supervision_granted", "grond", "decision"),
    ("court", "no_measure", "grond", "decision"),
    ("raad", "no_measure", "   ", "reasons"),
])
def test_only_raad_and_court_decide_and_always_with_reasons(world, by, decision, reasons, field):
    before = writes()
    with pytest.raises((Refused, ValidationError)) as exc:
        continuity.decision_record(world.actors[by], child=world.child, decision=decision,
                                   reasons=reasons)
    assert exc.value.field == field
    assert writes() == before


def test_rejecting_decision_gives_the_requester_a_task_with_the_reasons(world):
    concern_record(world.actors["vt"], child=world.child, kind="observation")
    continuity.request_make(world.actors["vt"], child=world.child, kind="investigation")
    continuity.decision_record(world.actors["raad"], child=world.child,
                               decision="investigation_declined",
                               reasons="Moeder werkt mee aan vrijwillige hulp")
    task = Task.objects.get(code="answer_rejection")
    assert task.organisation == world.orgs["vt"]
    assert "veiligheidsregie" in task.text
    note = world.orgs["vt"].notifications.get(kind="decision")
    assert "vrijwillige hulp" in note.body
    assert risk.is_at_open_risk(world.child.pk)  # a rejection does not end open risk


def test_request_by_a_sector_that_cannot_make_it_is_refused(world):
    with pytest.raises(Refused):
        continuity.request_make(world.actors["school"], child=world.child, kind="investigation")


def test_organisation_transfer_moves_responsibility_and_involvement(world):
    from dataclasses import replace

    concern_record(world.actors["gi"], child=world.child, kind="observation")
    continuity.involvement_start(world.actors["gi"], person=world.child, service="OTS")
    admin = replace(world.actors["gi"], role="admin")
    moved = continuity.organisation_transfer(admin, source=world.orgs["gi"],
                                             target=world.orgs["jh"], reason="fusie")
    assert moved["responsibilities"] == 1 and moved["involvements"] == 1
    assert risk.holder_of(world.child.pk) == world.orgs["jh"]
    world.orgs["gi"].refresh_from_db()
    assert not world.orgs["gi"].active and world.orgs["gi"].successor == world.orgs["jh"]


def test_risk_closes_when_child_is_safe_and_low_and_responsibility_ends(world):
    s = world.actors["school"]
    c = concern_record(s, child=world.child, kind="observation")
    from kindzicht.meldcode.services import concern_decide

    concern_decide(s, concern=c, outcome="organise_help")
    assert risk.is_at_open_risk(world.child.pk)
    assessment_record(s, child=world.child, safety="safe", risk="low")
    assert not risk.is_at_open_risk(world.child.pk)
    assert risk.holder_of(world.child.pk) is None


def test_young_person_turning_18_gives_the_holder_a_transition_task(world):
    from kindzicht.rules.watchdog import sweep

    from factories import PersonFactory

    teen = PersonFactory(birth_date=DAY.replace(year=DAY.year - 18) + timedelta(days=60))
    concern_record(world.actors["wt"], child=teen, kind="observation")
    sweep(DAY)
    assert Task.objects.filter(code="transition_18", organisation=world.orgs["wt"]).exists()
    with clock.frozen(DAY + timedelta(days=61)):
        sweep(DAY + timedelta(days=61))
    assert not risk.is_at_open_risk(teen.pk)


def test_an_incremental_sweep_leaves_other_young_people_turning_18_to_the_full_sweep(world):
    """An incremental sweep (after a change, a replay's day) gives the transition task and
    closes risk at 18 for its own children only, so it never reads every open risk of the
    population; the nightly full sweep does it for everyone."""
    from kindzicht.rules.watchdog import sweep

    from factories import PersonFactory

    teen = PersonFactory(birth_date=DAY.replace(year=DAY.year - 18) + timedelta(days=60))
    concern_record(world.actors["wt"], child=teen, kind="observation")
    sweep(DAY, children=[world.child.pk])
    assert not Task.objects.filter(code="transition_18").exists()
    sweep(DAY, children=[teen.pk])
    assert Task.objects.filter(code="transition_18", child=teen).exists()
    later = DAY + timedelta(days=61)
    with clock.frozen(later):
        sweep(later, children=[world.child.pk])
        assert risk.is_at_open_risk(teen.pk)
        sweep(later)
    assert not risk.is_at_open_risk(teen.pk)


def test_sweep_twice_raises_nothing_twice(world):
    from kindzicht.rules.watchdog import sweep

    concern_record(world.actors["school"], child=world.child, kind="niet_pluis")
    later = DAY + timedelta(days=40)
    with clock.frozen(later):
        first = sweep(later)
        second = sweep(later)
    assert {t.code for t in first} >= {"K1", "K3"}
    assert second == []
    assert date(2024, 3, 12) in {t.raised_on for t in first if t.code == "K1"}


def test_a_mistaken_signal_is_corrected_by_a_correcting_action_not_an_edit(world):
    from kindzicht.continuity.models import Correction

    sig = signal_register(world.actors["school"], person=world.child)
    with pytest.raises(ValidationError):
        continuity.entry_correct(world.actors["school"], obj=sig, reason=" ")
    with pytest.raises(Forbidden):
        continuity.entry_correct(world.actors["wt"], obj=sig, reason="verkeerd kind")
    continuity.entry_correct(world.actors["school"], obj=sig, reason="verkeerd kind")
    sig.refresh_from_db()
    assert sig.end_reason == "corrected" and sig.on == DAY  # the entry itself is kept
    assert Correction.objects.get().reason == "verkeerd kind"
    assert DomainEvent.objects.filter(type="entry_corrected").count() == 1


def test_daily_digest_counts_open_work_once_a_day_without_names(world):
    from django.core import mail

    from kindzicht.rules.digest import send_digests
    from kindzicht.rules.watchdog import sweep

    concern_record(world.actors["school"], child=world.child, kind="niet_pluis")
    later = DAY + timedelta(days=10)
    with clock.frozen(later):
        sweep(later)
        with django_capture_on_commit():
            assert send_digests(later) >= 1
        assert send_digests(later) == 0
    bodies = [m.body for m in mail.outbox if "open taken" in m.subject]
    # the first line greets the recipient, whose first name (drawn by Faker) may be the
    # child's; the child must appear nowhere in what follows
    rest = [b.split("\n", 1)[1] for b in bodies]
    child = world.child
    assert rest and all(name not in r for r in rest
                        for name in (child.given_name, child.family_name))
    assert any("signalen" in r for r in rest)


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_the_guard_speaks_the_users_language(world):
    from django.utils import translation

    concern_record(world.actors["school"], child=world.child, kind="observation")
    continuity.involvement_start(world.actors["school"], person=world.child, service="x")
    with translation.override("en"), pytest.raises(GuardRefused) as exc:
        continuity.involvement_end(world.actors["school"], person=world.child, reason="x")
    assert "holds safety responsibility" in exc.value.message
    assert "veiligheidsregie" not in exc.value.message


def test_a_municipality_answers_the_tasks_addressed_to_it(world):
    from factories import OrganisationFactory, ProfessionalFactory, actor_of
    from kindzicht.rules.tasks import task_answer, task_create

    task = task_create(organisation=None, municipality_code="0344", code="C1", key="gap:1",
                       child=world.child, text="Niemand verantwoordelijk", kind="alert",
                       level=2)
    elsewhere = OrganisationFactory(sector="municipality", municipality_code="0363")
    with pytest.raises(Forbidden):
        task_answer(actor_of(ProfessionalFactory(organisation=elsewhere)), task=task,
                    status="done")
    utrecht = OrganisationFactory(sector="municipality", municipality_code="0344")
    task_answer(actor_of(ProfessionalFactory(organisation=utrecht)), task=task, status="done",
                answer="Wijkteam Oost neemt de regie")
    task.refresh_from_db()
    assert task.status == "done" and task.answer == "Wijkteam Oost neemt de regie"


def test_the_systems_own_tasks_remind_then_alert_when_overdue(world):
    from kindzicht.rules.watchdog import sweep

    concern_record(world.actors["vt"], child=world.child, kind="observation")
    continuity.request_make(world.actors["vt"], child=world.child, kind="investigation")
    continuity.decision_record(world.actors["raad"], child=world.child,
                               decision="investigation_declined", reasons="vrijwillig kader")
    task = Task.objects.get(code="answer_rejection")
    assert task.due_on == DAY + timedelta(days=14)
    with clock.frozen(task.due_on - timedelta(days=1)):
        raised = sweep(task.due_on - timedelta(days=1))
    assert [(t.kind, t.key) for t in raised if t.code == "answer_rejection"] == [
        ("reminder", f"task:{task.pk}")]
    overdue_day = task.due_on + timedelta(days=1)
    with clock.frozen(overdue_day):
        raised = sweep(overdue_day)
    alert = next(t for t in raised if t.code == "answer_rejection")
    assert alert.kind == "alert" and alert.raised_on == overdue_day
    from kindzicht.rules.tasks import task_answer

    task_answer(world.actors["vt"], task=task, status="done",
                answer="Veilig Thuis houdt de regie; afspraken vastgelegd")
    with clock.frozen(overdue_day):
        sweep(overdue_day)
    alert.refresh_from_db()
    assert alert.status == "done"


def test_veilig_thuis_safety_assessment_task_closes_with_its_assessment(world):
    from kindzicht.meldcode.services import report_accept, report_make

    report = report_make(world.actors["school"], child=world.child,
                         safe_at_home=world.orgs["vt"])
    report_accept(world.actors["vt"], report=report)
    task = Task.objects.get(code="safety_assessment", organisation=world.orgs["vt"])
    assert task.status == "open"
    assessment_record(world.actors["school"], child=world.child, safety="unsafe", risk="high")
    task.refresh_from_db()
    assert task.status == "open"  # another organisation's assessment does not answer it
    assessment_record(world.actors["vt"], child=world.child, safety="unsafe", risk="high")
    task.refresh_from_db()
    assert task.status == "done"


def test_transfer_organisation_command(world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    concern_record(world.actors["gi"], child=world.child, kind="observation")
    with pytest.raises(CommandError, match="no organisation"):
        call_command("transfer_organisation", 999999, world.orgs["jh"].pk, reason="x")
    out = StringIO()
    call_command("transfer_organisation", world.orgs["gi"].pk, world.orgs["jh"].pk,
                 reason="BJZ wordt GI", stdout=out)
    assert "1 verantwoordelijkheden" in out.getvalue()
    assert risk.holder_of(world.child.pk) == world.orgs["jh"]
    assert DomainEvent.objects.filter(type="organisation_transferred").exists()


def test_risk_and_responsibility_start_at_the_same_moment(world):
    from kindzicht.continuity.models import RiskPeriod

    concern_record(world.actors["school"], child=world.child, kind="observation")
    period = RiskPeriod.objects.get(child=world.child)
    first = ResponsibilityPeriod.objects.filter(child=world.child).order_by("at").first()
    assert first.at == period.at
