"""Retention per data kind: exactly what is past its period is purged (per kind, national or
regional period), a dry run deletes nothing, a second run finds nothing, every purge is
audited, and the audit chain still verifies."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from factories import PersonFactory

from kindzicht.core import audit, clock
from kindzicht.core.actions import Actor
from kindzicht.core.models import AuditEntry, DomainEvent, PolicyValue
from kindzicht.index.policy import months_later
from kindzicht.meldcode.models import Concern, MeldcodeStep
from kindzicht.people.models import Municipality, Person, Region
from kindzicht.privacy.retention import KIND_BY_CODE, empty_person_ids, purge

from .conftest import DAY

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("test retention")


def _counts(results):
    return {r.kind.code: r.counts for r in results if r.total}


def test_closed_concerns_go_exactly_after_twenty_years(case):
    decided = Concern.objects.get(child=case.child)
    assert decided.decided_on == DAY
    open_concern = Concern.objects.get(child=case.sibling)
    last_day = months_later(DAY, 240)  # the first day on which it is no longer "before" cutoff
    assert _counts(purge(SYSTEM, last_day, kinds=["concerns_closed"])) == {}
    assert Concern.objects.filter(pk=decided.pk).exists()
    results = purge(SYSTEM, date.fromordinal(last_day.toordinal() + 1), kinds=["concerns_closed"])
    assert _counts(results) == {"concerns_closed": {"meldcode.Concern": 1}}
    assert not Concern.objects.filter(pk=decided.pk).exists()
    assert not MeldcodeStep.objects.filter(concern_id=decided.pk).exists()
    assert Concern.objects.filter(pk=open_concern.pk).exists()  # never decided: never purged


def test_dry_run_counts_and_deletes_nothing_then_purge_is_audited_and_idempotent(case):
    PolicyValue.objects.create(key="retention.concerns_closed.months", value=12)
    later = date(2027, 3, 3)
    events = DomainEvent.objects.count()
    dry = purge(SYSTEM, later, dry_run=True, kinds=["concerns_closed"])
    assert _counts(dry) == {"concerns_closed": {"meldcode.Concern": 1}}
    assert Concern.objects.filter(child=case.child).exists()
    assert DomainEvent.objects.count() == events
    with clock.frozen(later):
        purge(SYSTEM, later, kinds=["concerns_closed"])
        again = purge(SYSTEM, later, kinds=["concerns_closed"])
    assert _counts(again) == {}
    ev = DomainEvent.objects.get(type="retention_purged")
    assert ev.payload["kind"] == "concerns_closed" and ev.payload["months"] == 12
    assert ev.payload["counts"] == {"meldcode.Concern": 1}
    assert len(ev.payload["ids"]["meldcode.Concern"]) == 1
    assert list(ev.subjects.values_list("person_id", flat=True)) == [case.child.pk]
    entry = AuditEntry.objects.get(event_id=ev.pk)
    assert entry.kind == "system" and entry.person_ids == [case.child.pk]
    assert audit.verify() == []


def test_a_regional_period_applies_to_records_of_organisations_in_that_region(case):
    region = Region.objects.create(name="Regio Test")
    Municipality.objects.filter(code="0344").update(region=region)
    PolicyValue.objects.create(key="retention.concerns_closed.months", value=240)
    PolicyValue.objects.create(region=region, key="retention.concerns_closed.months", value=6)
    assert _counts(purge(SYSTEM, date(2026, 9, 1), dry_run=True,
                         kinds=["concerns_closed"])) == {}
    assert _counts(purge(SYSTEM, date(2026, 9, 3), dry_run=True, kinds=["concerns_closed"])) == {
        "concerns_closed": {"meldcode.Concern": 1}}
    Municipality.objects.filter(code="0344").update(region=None)
    assert _counts(purge(SYSTEM, date(2026, 9, 3), dry_run=True,
                         kinds=["concerns_closed"])) == {}


def test_each_kind_purges_only_its_own_records(case):
    from kindzicht.privacy.services import inzage_request_record
    from kindzicht.rules.models import Task
    from kindzicht.rules.tasks import task_answer

    # answered tasks: answer one task; after 5 years only it goes, no other kind is due yet

    with clock.frozen(DAY):
        req = inzage_request_record(case.fg_actor, person=case.child, requester_name="S. Jansen",
                                    requester_relation="parent_with_authority", received_on=DAY)
        task = Task.objects.get(key=f"inzage:{req.pk}")
        task_answer(case.fg_actor, task=task, status="done", answer="verstrekt")
    open_tasks = set(Task.objects.filter(status="open").values_list("pk", flat=True))
    later = date.fromordinal(months_later(DAY, 60).toordinal() + 1)
    counts = _counts(purge(SYSTEM, later, dry_run=True))
    assert counts["tasks_answered"] == {"rules.Task": 1}
    assert "concerns_closed" not in counts and "assessments" not in counts
    purge(SYSTEM, later, kinds=["tasks_answered"])
    assert not Task.objects.filter(pk=task.pk).exists()
    assert set(Task.objects.filter(status="open").values_list("pk", flat=True)) == open_tasks


def test_persons_with_nothing_left_go_but_the_family_of_a_case_stays(case):
    with clock.frozen(DAY):
        alone = PersonFactory(adult=True, family_name="Alleen")
    later = date(2027, 3, 3)
    ids = empty_person_ids(later, KIND_BY_CODE["persons_empty"].default_months)
    assert alone.pk in ids
    assert not {p.pk for p in case.family.members} & set(ids)
    assert empty_person_ids(date(2027, 3, 1), 12) == []  # not a year yet
    with clock.frozen(later):
        purge(SYSTEM, later, kinds=["persons_empty"])
    assert not Person.objects.filter(pk=alone.pk).exists()
    assert Person.objects.filter(pk=case.child.pk).exists()
    assert audit.verify() == []


def test_the_command_dry_run_and_the_sweep_step(case, capsys):
    PolicyValue.objects.create(key="retention.concerns_closed.months", value=12)
    call_command("retention", "--date", "2027-03-03", "--dry-run", "--kind", "concerns_closed")
    out = capsys.readouterr().out
    assert "concerns_closed" in out and "meldcode.Concern: 1" in out
    assert Concern.objects.filter(child=case.child).exists()
    with clock.frozen(date(2027, 3, 3)):
        call_command("sweep", "--date", "2027-03-03")
    out = capsys.readouterr().out
    assert "Bewaartermijn verstreken" in out
    assert not Concern.objects.filter(child=case.child).exists()
    with pytest.raises(Exception, match="Onbekende soort"):
        call_command("retention", "--kind", "everything")


def test_the_admin_offers_every_retention_key_in_the_policy_form():
    from kindzicht.core.admin import PolicyValueForm

    choices = dict(PolicyValueForm().fields["key"].choices)
    for kind in KIND_BY_CODE.values():
        assert kind.key in choices
        assert f"standaard {kind.default_months} maanden" in choices[kind.key]
    assert "C1.days" in choices  # the rules' day counts are still there


def test_at_twenty_years_exactly_the_closed_records_of_each_kind_are_due(case):
    """Everything in the case dates from DAY; only what is closed counts (the open
    involvement, the current plan, the undecided concern of the sibling never do)."""
    kinds = [k for k in KIND_BY_CODE if k != "persons_empty"]
    last_day = months_later(DAY, 240)
    assert _counts(purge(SYSTEM, last_day, dry_run=True, kinds=kinds)) == {}
    after = date.fromordinal(last_day.toordinal() + 1)
    assert _counts(purge(SYSTEM, after, dry_run=True, kinds=kinds)) == {
        "concerns_closed": {"meldcode.Concern": 1},
        "assessments": {"safety.Assessment": 1},
        "plans": {"plans.Cooperation": 1, "plans.Share": 1},
    }
