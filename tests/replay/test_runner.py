"""The runner's mechanics with stand-in handlers, watchdog and analysis: the order of actions
and sweeps, the clock, refusals that write nothing, keys of refused actions, evidence lines,
alerts and matches named by scenario keys, and skipping days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from kindzicht.core import clock
from kindzicht.core.actions import record
from kindzicht.core.errors import Refused
from kindzicht.core.models import DomainEvent
from kindzicht.index.models import Match
from kindzicht.learning.replay.loader import parse
from kindzicht.learning.replay.runner import run
from kindzicht.people.models import Person
from kindzicht.rules import analysis, watchdog
from kindzicht.rules.models import Task

pytestmark = pytest.mark.django_db

TEXT = """\
format: 1
title: "Mechanics"
start: 2012-03-01
end: 2012-03-06
organisations:
  raad: {sector: child_protection_board}
  gi:   {sector: youth_protection}
people:
  mila:  {birth_date: 2009-06-01}
  sanne: {birth_date: 1985-02-01}
households:
  h1: {members: [sanne, mila], municipality: "0344", postcode: "3511AB"}
timeline:
  - {at: 2012-03-01, by: raad, do: signal, person: mila}
  - {at: 2012-03-01T15:00:00, by: gi, do: concern, child: mila, kind: observation, as: c1}
  - {at: 2012-03-03, by: gi, do: consult, concern: c1, with: colleague}
  - {at: 2012-03-03, by: gi, do: signal, person: mila}
"""
L_SIGNAL, L_CONCERN, L_CONSULT, L_SIGNAL2, L_H1 = 14, 15, 16, 17, 12


@dataclass
class FakeFinding:
    code: str
    improvement_point: str
    child_id: int
    at: date
    text: str
    evidence: list[int]


class World:
    """Records what the stand-ins saw, in order."""

    def __init__(self):
        self.log: list[tuple] = []
        self.findings: list[FakeFinding] = []
        self.next_due: date | None = None


@pytest.fixture
def world(monkeypatch, make_specs):
    w = World()

    def sweep(as_of=None, children=None):
        w.log.append(("sweep", as_of, clock.now()))
        swept = watchdog.SweepResult()
        swept.next_due = w.next_due
        return swept

    def findings(as_of=None, children=None, codes=None):
        w.log.append(("findings", as_of))
        return w.findings

    def signal(ctx, a):
        w.log.append(("signal", a["by"], clock.now()))
        with_event(ctx, a, "test_signal", ctx.people[a["person"]].pk)

    def concern(ctx, a):
        w.log.append(("concern", a["by"], clock.now()))
        ctx.refs[a["as"]] = object()
        with_event(ctx, a, "test_concern", ctx.people[a["child"]].pk)
        raise Refused("Deze organisatie mag dit niet.")

    def consult(ctx, a):  # never reached: its concern was refused
        w.log.append(("consult",))

    monkeypatch.setattr(watchdog, "sweep", sweep)
    monkeypatch.setattr(analysis, "findings", findings)
    w.specs = make_specs({"signal": signal, "concern": concern, "consult": consult})
    return w


def with_event(ctx, a, kind, person_id):
    record(ctx.actor(a["by"]), kind, subjects=[person_id])


def replay(world, text=TEXT, **kwargs):
    scenario = parse(text, "m.yaml", world.specs)
    return run(scenario, specs=world.specs, every_day=kwargs.pop("every_day", True), **kwargs)


def test_actions_of_a_day_run_before_its_sweep_at_the_end_of_the_day(world):
    replay(world)
    steps = [(s[0], s[1]) for s in world.log]
    assert steps == [("signal", "raad"), ("concern", "gi"), ("sweep", date(2012, 3, 1)),
                     ("sweep", date(2012, 3, 2)), ("signal", "gi"), ("sweep", date(2012, 3, 3)),
                     ("sweep", date(2012, 3, 4)), ("sweep", date(2012, 3, 5)),
                     ("sweep", date(2012, 3, 6)), ("findings", date(2012, 3, 6))]
    local = [s[2].astimezone(clock.AMSTERDAM) for s in world.log if len(s) == 3]
    assert local[0] == datetime(2012, 3, 1, 12, tzinfo=clock.AMSTERDAM)  # a plain date: noon
    assert local[1] == datetime(2012, 3, 1, 15, tzinfo=clock.AMSTERDAM)
    assert local[2].date() == date(2012, 3, 1) and local[2].hour == 23


def test_refused_action_writes_nothing_and_its_keys_stay_undefined(world):
    result = replay(world)
    by_line = {a.line: a for a in result.actions}
    assert by_line[L_CONCERN].result == "refused"
    assert by_line[L_CONCERN].reason == "Deze organisatie mag dit niet."
    assert by_line[L_CONCERN].events == []
    assert not DomainEvent.objects.filter(type="test_concern").exists()
    assert "c1" not in result.context.refs
    assert by_line[L_CONSULT].result == "refused"
    assert by_line[L_CONSULT].reason == ("concern 'c1' does not exist (the action at line 15 "
                                         "that creates it was refused)")
    assert ("consult",) not in world.log
    assert by_line[L_SIGNAL].result == by_line[L_SIGNAL2].result == "ok"
    assert result.expect.passed  # no expect section: a refusal is part of the story


def test_evidence_event_ids_become_file_lines(world, monkeypatch):
    world_person_events = []

    def findings(as_of=None, children=None, codes=None):
        mila = Person.objects.get(given_name="mila")
        signal_events = list(DomainEvent.objects.filter(type="test_signal").values_list(
            "id", flat=True))
        household = DomainEvent.objects.get(type="household_created").pk
        world_person_events.extend(signal_events)
        return [FakeFinding("V1", "2.2", mila.pk, date(2012, 3, 5), "x",
                            signal_events + [household, 10**9])]

    monkeypatch.setattr(analysis, "findings", findings)
    result = replay(world)
    assert len(world_person_events) == 2
    (f,) = result.findings
    assert (f.code, f.child, f.at, f.evidence) == ("V1", "mila", date(2012, 3, 5),
                                                   [L_H1, L_SIGNAL, L_SIGNAL2])


def test_alerts_and_matches_are_named_by_scenario_keys(world, monkeypatch):
    def sweep(as_of=None, children=None):
        ctx_people = {p.given_name: p for p in Person.objects.all()}
        if as_of == date(2012, 3, 4):
            Task.objects.create(kind="alert", code="C1", key="gap:1",
                                organisation=replay_ctx["ctx"].orgs["raad"],
                                child=ctx_people["mila"], raised_on=as_of, text="Niemand")
            Task.objects.create(kind="alert", code="C1", key="gap:1", municipality_code="0344",
                                child=ctx_people["mila"], raised_on=as_of, text="Gemeente",
                                level=2)
            Task.objects.create(kind="reminder", code="C1", key="gap:1",
                                organisation=replay_ctx["ctx"].orgs["gi"],
                                child=ctx_people["mila"], raised_on=as_of, text="Bijna")
        if as_of == date(2012, 3, 3):
            ctx = replay_ctx["ctx"]
            Match.objects.create(at=clock.now(), on=as_of, level="child",
                                 child=ctx.people["mila"],
                                 person_ids=[ctx.people["mila"].pk],
                                 organisation_ids=[ctx.orgs["raad"].pk, ctx.orgs["gi"].pk])
        return []

    replay_ctx = {}
    monkeypatch.setattr(watchdog, "sweep", sweep)
    result = replay(world, on_day=lambda day, ctx: replay_ctx.setdefault("ctx", ctx))
    assert [(a.at, a.code, a.organisation, a.person, a.text) for a in result.alerts] == [
        (date(2012, 3, 4), "C1", "raad", "mila", "Niemand"),
        (date(2012, 3, 4), "C1", "municipality:0344", "mila", "Gemeente")]
    assert [(r.organisation, r.text) for r in result.reminders] == [("gi", "Bijna")]
    assert [(m.at, m.level, m.child, m.people, m.organisations) for m in result.matches] == [
        (date(2012, 3, 3), "child", "mila", ["mila"], ["gi", "raad"])]


def test_days_on_which_nothing_can_fall_due_are_skipped(world, monkeypatch):
    world.next_due = date(2012, 3, 5)  # the watchdog's answer: something can fall due then
    replay(world, every_day=False)
    # the day before the next action's day is skipped too; the last day is always swept
    assert [s[1] for s in world.log if s[0] == "sweep"] == [
        date(2012, 3, 1), date(2012, 3, 3), date(2012, 3, 5), date(2012, 3, 6)]


def test_an_unexpected_error_is_recorded_or_raised(world, make_specs):
    def broken(ctx, a):
        raise ZeroDivisionError("bug")

    world.specs = make_specs({"signal": broken})
    with pytest.raises(ZeroDivisionError):
        replay(world)
    result = replay(world, on_error="record")
    assert [a.result for a in result.actions][:1] == ["error"]
    assert "ZeroDivisionError: bug" in result.actions[0].reason
    assert not result.expect.passed


def test_setup_creates_the_world_through_the_services(world):
    result = replay(world)
    ctx = result.context
    assert list(ctx.orgs) == ["raad", "gi"]
    assert ctx.orgs["raad"].sector == "child_protection_board"
    actor = ctx.actor("gi")
    assert actor.role == "coordinator" and actor.mode == "reconstruct"
    assert actor.professional.organisation == ctx.orgs["gi"]
    assert ctx.first_org_of_sector("youth_protection") == ctx.orgs["gi"]
    assert ctx.first_org_of_sector("safe_at_home") is None
    assert set(ctx.households["h1"].memberships.values_list("person_id", flat=True)) == {
        ctx.people["mila"].pk, ctx.people["sanne"].pk}
    assert DomainEvent.objects.filter(type="person_created").count() == 2
