"""The continuity selectors shared by the web pages and the API: my organisation's children
with their holder, a child's responsibility and continuity, handovers for their sender and
receiver only, and the tasks of an organisation (and of a municipality) — each read audited
exactly once, list reads in a fixed number of queries."""

from __future__ import annotations

from dataclasses import replace

import pytest
from factories import OrganisationFactory, PersonFactory, ProfessionalFactory, actor_of

from kindzicht.access.reach import OutOfReach
from kindzicht.continuity import selectors
from kindzicht.continuity import services as continuity
from kindzicht.core import clock
from kindzicht.core.errors import Forbidden
from kindzicht.core.models import AuditEntry
from kindzicht.index.services import signal_register
from kindzicht.meldcode.services import concern_record
from kindzicht.people import services as people
from kindzicht.rules import selectors as task_selectors
from kindzicht.rules.models import TaskStatus
from kindzicht.rules.tasks import _may_answer, task_create


class Reads:
    """The audit entries of reads written since it was made."""

    def __init__(self) -> None:
        self.last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def entries(self) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(kind="read", id__gt=self.last).order_by("id"))


def at_risk_with_school(world):
    """The school records a concern: risk opens and the school holds responsibility."""
    concern_record(world.actors["school"], child=world.child, kind="observation")
    return world.child


class TestChildrenOfOrganisation:
    def test_every_way_of_being_involved_and_the_holder(self, world):
        wt, school = world.actors["wt"], world.actors["school"]
        at_risk_with_school(world)
        continuity.involvement_start(wt, person=world.child, service="ambulante hulp")
        other = PersonFactory(given_name="Daan")
        signal_register(wt, person=other)
        rows = {r.child: r for r in selectors.children_of_organisation(wt)}
        assert set(rows) == {world.child, other}
        mila = rows[world.child]
        assert (mila.holder, mila.at_open_risk, mila.why) == (world.orgs["school"], True,
                                                              ("involvement",))
        # The school holds it as the organisation that opened risk: since today, no basis.
        assert (mila.basis, mila.holder_since) == ("", clock.today())
        # The school's own view: it holds responsibility because of its concern.
        [row] = selectors.children_of_organisation(school)
        assert set(row.why) == {"concern", "responsibility"}

    def test_an_offered_handover_puts_the_child_on_the_receivers_list(self, world):
        at_risk_with_school(world)
        continuity.handover_offer(world.actors["school"], child=world.child,
                                  receiver=world.orgs["gi"])
        [row] = selectors.children_of_organisation(world.actors["gi"])
        assert (row.child, row.why, row.pending_handovers) == (world.child, ("handover_to_us",),
                                                               1)
        [sender_row] = selectors.children_of_organisation(world.actors["school"])
        assert sender_row.pending_handovers == 1

    def test_adults_and_the_dead_are_not_listed_and_others_see_nothing(self, world):
        wt = world.actors["wt"]
        signal_register(wt, person=world.mother)  # an adult in a child's family
        dead = PersonFactory()
        signal_register(wt, person=dead)
        people.person_record_death(wt, person=dead, on=clock.today())
        assert [r.child for r in selectors.children_of_organisation(wt)] == [world.child]
        assert selectors.children_of_organisation(world.actors["jh"]) == []

    def test_at_open_risk_without_a_holder_first(self, world):
        jh = world.actors["jh"]
        calm = PersonFactory(given_name="Aad", family_name="Aalbers")
        continuity.involvement_start(jh, person=calm, service="x")
        at_risk_with_school(world)
        continuity.involvement_start(jh, person=world.child, service="x")
        # In reconstruct mode ending releases responsibility: open risk without a holder.
        continuity.involvement_end(world.reconstruct("school"), person=world.child)
        rows = selectors.children_of_organisation(jh)
        assert [(r.child, r.holder) for r in rows] == [(world.child, None), (calm, None)]

    def test_one_audit_entry_naming_the_children(self, world):
        at_risk_with_school(world)
        reads = Reads()
        selectors.children_of_organisation(world.actors["school"])
        selectors.children_of_organisation(world.actors["jh"])  # nobody: still one entry
        listed, empty = reads.entries()
        assert (listed.action, listed.person_ids) == ("children_listed", [world.child.pk])
        assert (empty.action, empty.person_ids) == ("children_listed", [])

    def test_queries_do_not_grow_with_the_list(self, world, django_assert_max_num_queries):
        jh = world.actors["jh"]
        continuity.involvement_start(jh, person=world.child, service="x")
        with django_assert_max_num_queries(14) as one:
            selectors.children_of_organisation(jh)
        for _ in range(5):
            kid = PersonFactory()
            continuity.involvement_start(jh, person=kid, service="x")
            concern_record(jh, child=kid, kind="observation")
        with django_assert_max_num_queries(14) as six:
            assert len(selectors.children_of_organisation(jh)) == 6
        assert len(six.captured_queries) == len(one.captured_queries)

    def test_only_casework_roles(self, world):
        with pytest.raises(Forbidden):
            selectors.children_of_organisation(replace(world.actors["wt"],
                                                       role="municipality_officer"))


class TestResponsibilityAndContinuity:
    def test_periods_holder_and_open_risk(self, world):
        at_risk_with_school(world)
        continuity.responsibility_take(world.actors["wt"], child=world.child, basis="voluntary")
        # Jeugdhulp is not involved with the child: the child is outside its reach.
        with pytest.raises(OutOfReach):
            selectors.responsibility_of(world.actors["jh"], world.child)
        reads = Reads()
        resp = selectors.responsibility_of(world.actors["wt"], world.child)
        assert [p.organisation for p in resp.periods] == [world.orgs["school"], world.orgs["wt"]]
        assert (resp.holder, resp.at_open_risk, resp.open_risk_since) == (
            world.orgs["wt"], True, clock.today())
        [entry] = reads.entries()
        assert (entry.action, entry.person_ids) == ("responsibility_read", [world.child.pk])

    def test_a_gap_has_no_holder(self, world):
        at_risk_with_school(world)
        continuity.involvement_end(world.reconstruct("school"), person=world.child)
        resp = selectors.responsibility_of(world.actors["wt"], world.child, audit=False)
        assert resp.at_open_risk and resp.holder is None and resp.current is None
        assert resp.periods[-1].organisation is None

    def test_continuity_shows_open_and_earlier_handovers_and_where_we_stand(self, world):
        school, gi = world.actors["school"], world.actors["gi"]
        at_risk_with_school(world)
        first = continuity.handover_offer(school, child=world.child, receiver=world.orgs["gi"])
        continuity.handover_decline(gi, handover=first, reason="geen plek")
        second = continuity.handover_offer(school, child=world.child, receiver=world.orgs["jh"])
        reads = Reads()
        cont = selectors.continuity_of(school, world.child)
        assert (cont.pending, cont.closed_handovers) == ([second], [first])
        assert cont.we_hold and cont.we_are_involved
        assert cont.responsibility.holder == world.orgs["school"]
        theirs = selectors.continuity_of(gi, world.child, audit=False)
        assert not theirs.we_hold and not theirs.we_are_involved
        [entry] = reads.entries()
        assert (entry.action, entry.person_ids) == ("continuity_read", [world.child.pk])


class TestHandovers:
    @pytest.fixture
    def handover(self, world):
        at_risk_with_school(world)
        return continuity.handover_offer(world.actors["school"], child=world.child,
                                         receiver=world.orgs["gi"])

    def test_for_the_sender_and_the_receiver_only(self, world, handover):
        assert selectors.handover_get(world.actors["school"], handover.pk) == handover
        assert selectors.handover_get(world.actors["gi"], handover.pk) == handover
        reads = Reads()
        assert selectors.handover_get(world.actors["wt"], handover.pk) is None
        assert selectors.handovers_of(world.actors["wt"]) == []
        assert [e.person_ids for e in reads.entries()] == [[]]  # the empty list, once

    def test_one_entry_per_read(self, world, handover):
        reads = Reads()
        selectors.handover_get(world.actors["gi"], handover.pk)
        selectors.handover_get(world.actors["gi"], handover.pk, audit=False)
        [entry] = reads.entries()
        assert (entry.action, entry.person_ids) == ("handover_viewed", [world.child.pk])
        assert (entry.object_type, entry.object_id) == ("continuity.handover", handover.pk)

    def test_direction_and_open_only(self, world, handover):
        school, gi = world.actors["school"], world.actors["gi"]
        assert selectors.handovers_of(school, direction="sent") == [handover]
        assert selectors.handovers_of(school, direction="received") == []
        assert selectors.handovers_of(gi, direction="received", open_only=True) == [handover]
        continuity.handover_decline(gi, handover=handover, reason="geen plek")
        assert selectors.handovers_of(gi, open_only=True) == []
        assert selectors.handovers_of(gi) == [handover]

    def test_the_list_reads_in_a_fixed_number_of_queries(self, world, handover,
                                                         django_assert_max_num_queries):
        school = world.actors["school"]
        with django_assert_max_num_queries(7) as one:
            selectors.handovers_of(school)
        for key in ("wt", "jh", "vt"):
            continuity.handover_offer(school, child=world.child, receiver=world.orgs[key])
        with django_assert_max_num_queries(7) as four:
            assert len(selectors.handovers_of(school)) == 4
        assert len(four.captured_queries) == len(one.captured_queries)


class TestTasks:
    """rules.selectors: the same rule as who may answer a task."""

    @pytest.fixture
    def gemeente(self, world):
        org = OrganisationFactory(name="Gemeente Utrecht", sector="municipality",
                                  municipality_code="0344")
        return actor_of(ProfessionalFactory(organisation=org, role="municipality_officer"))

    def test_own_tasks_and_the_municipalitys_own(self, world, gemeente):
        own = task_create(organisation=world.orgs["wt"], code="C1", key="a", child=world.child,
                          text="t")
        escalated = task_create(organisation=None, municipality_code="0344", code="C1",
                                key="a", child=world.child, text="t", level=2)
        elsewhere = task_create(organisation=None, municipality_code="0363", code="C1",
                                key="a", child=world.child, text="t", level=2)
        assert task_selectors.tasks_of(world.actors["wt"]) == [own]
        assert task_selectors.tasks_of(gemeente) == [escalated]
        assert task_selectors.tasks_of(world.actors["jh"]) == []
        for act in (world.actors["wt"], gemeente, world.actors["jh"]):
            for task in (own, escalated, elsewhere):
                seen = task_selectors.task_get(act, task.pk, audit=False) is not None
                assert seen == _may_answer(act, task), (act.organisation, task.pk)

    def test_open_first_then_by_due_date_without_one_last(self, world):
        wt = world.orgs["wt"]
        later = task_create(organisation=wt, code="C1", key="later", text="t", due_in_days=9)
        undated = task_create(organisation=wt, code="C1", key="undated", text="t")
        sooner = task_create(organisation=wt, code="C1", key="sooner", text="t", due_in_days=2)
        answered = task_create(organisation=wt, code="C1", key="done", text="t", due_in_days=1)
        answered.status = TaskStatus.DONE
        answered.save(update_fields=["status"])
        act = world.actors["wt"]
        assert task_selectors.tasks_of(act) == [sooner, later, undated, answered]
        assert task_selectors.tasks_of(act, status=TaskStatus.OPEN, limit=2) == [sooner, later]

    def test_one_entry_naming_the_children_in_a_fixed_number_of_queries(
            self, world, django_assert_max_num_queries):
        wt = world.orgs["wt"]
        for i in range(5):
            task_create(organisation=wt, code="C1", key=f"k{i}", child=PersonFactory(),
                        text="t")
        reads = Reads()
        with django_assert_max_num_queries(6):
            found = task_selectors.tasks_of(world.actors["wt"])
        [entry] = reads.entries()
        assert (entry.action, sorted(entry.person_ids)) == (
            "tasks_listed", sorted(t.child_id for t in found))

    def test_a_task_read_names_its_child(self, world):
        task = task_create(organisation=world.orgs["wt"], code="C1", key="a", child=world.child,
                           text="t")
        reads = Reads()
        assert task_selectors.task_get(world.actors["wt"], task.pk) == task
        [entry] = reads.entries()
        assert (entry.action, entry.person_ids) == ("task_viewed", [world.child.pk])


def test_the_selectors_need_an_organisation(world):
    nobody = replace(world.actors["wt"], organisation=None)
    with pytest.raises(Forbidden):
        selectors.handovers_of(nobody)
    assert task_selectors.tasks_of(nobody) == []
