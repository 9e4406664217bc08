"""The scenario loader: everything the contract calls an error is found before anything runs,
each named by its file line."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest

from kindzicht.core.clock import AMSTERDAM
from kindzicht.learning.replay.loader import ScenarioError, parse

SHARED = (Path(__file__).resolve().parents[2] / "../shared/scenarios").resolve()

BASE = """\
format: 1
title: "Test"
start: 2012-03-01
organisations:
  raad: {sector: child_protection_board, name: "Raad"}
  gi:   {sector: youth_protection}
people:
  mila:  {birth_date: 2009-06-01, name: "Mila de Vries", bsn: "111222333"}
  sanne: {birth_date: 1985-02-01}
relations:
  - [sanne, parent_of, mila]
households:
  h1: {members: [sanne, mila], municipality: "0344", postcode: "3511AB"}
timeline:
  - {at: 2012-03-01, by: raad, do: decide, child: mila, decision: no_measure, reasons: "x"}
  - {at: 2012-03-02, by: raad, do: end_involvement, person: mila, reason: "done"}
"""
# line numbers in BASE
L_ORG_RAAD, L_MILA, L_REL, L_H1, L_DECIDE, L_END = 5, 8, 11, 13, 15, 16


def problems(text: str, specs) -> list[tuple[int, str]]:
    with pytest.raises(ScenarioError) as info:
        parse(text, "s.yaml", specs)
    return [(p.line, p.message) for p in info.value.problems]


def one_problem(text: str, specs) -> tuple[int, str]:
    found = problems(text, specs)
    assert len(found) == 1, found
    return found[0]


def test_base_scenario_is_valid(specs):
    s = parse(BASE, "s.yaml", specs)
    assert s.title == "Test" and s.mode == "reconstruct" and s.start == date(2012, 3, 1)
    assert s.end == date(2012, 5, 1)  # last action + 60 days
    assert list(s.organisations) == ["raad", "gi"]
    assert s.organisations["gi"].name == ""
    assert s.people["mila"].given_name == "Mila" and s.people["mila"].family_name == "de Vries"
    assert s.people["mila"].bsn == "111222333"
    assert [(r.person, r.kind, r.other) for r in s.relations] == [("sanne", "parent_of", "mila")]
    assert s.households["h1"].members == ["sanne", "mila"]
    assert [(a.line, a.do, a.by) for a in s.timeline] == [(L_DECIDE, "decide", "raad"),
                                                          (L_END, "end_involvement", "raad")]
    assert s.timeline[0].fields["child"] == "mila"


@pytest.mark.parametrize("path", sorted(SHARED.glob("*.yaml")) if SHARED.is_dir() else [],
                         ids=lambda p: p.stem)
def test_every_shared_scenario_is_valid(path, specs):
    scenario = parse(path.read_text(), path, specs)
    assert scenario.timeline


def test_unknown_top_level_key(specs):
    line, msg = one_problem(BASE + "colour: blue\n", specs)
    assert line == 17 and "unknown key 'colour'" in msg


def test_unknown_key_in_organisation_and_person(specs):
    text = BASE.replace('name: "Raad"}', 'name: "Raad", city: "Utrecht"}').replace(
        "sanne: {birth_date: 1985-02-01}", "sanne: {birth_date: 1985-02-01, age: 27}")
    assert [(line, "city" in m or "age" in m) for line, m in problems(text, specs)] == [
        (L_ORG_RAAD, True), (9, True)]


def test_unknown_key_in_action(specs):
    text = BASE.replace('reason: "done"}', 'reason: "done", colour: red}')
    line, msg = one_problem(text, specs)
    assert line == L_END and "unknown key 'colour'" in msg and "end_involvement" in msg


def test_unknown_do(specs):
    text = BASE.replace("do: end_involvement", "do: close_case")
    line, msg = one_problem(text, specs)
    assert line == L_END and "unknown do" in msg and "close_case" in msg


def test_missing_required_field(specs):
    text = BASE.replace(', reasons: "x"}', "}")
    line, msg = one_problem(text, specs)
    assert line == L_DECIDE and "decide needs reasons" in msg


def test_missing_at_and_by(specs):
    text = BASE.replace("{at: 2012-03-02, by: raad, ", "{")
    assert {line for line, _ in problems(text, specs)} == {L_END}
    assert len(problems(text, specs)) == 2


def test_undefined_references(specs):
    text = BASE.replace("child: mila, decision", "child: noor, decision").replace(
        "- {at: 2012-03-02, by: raad", "- {at: 2012-03-02, by: bjz")
    found = problems(text, specs)
    assert [line for line, _ in found] == [L_DECIDE, L_END]
    assert "'noor' is not a defined person" in found[0][1]
    assert "'bjz' is not an organisation" in found[1][1]


def test_undefined_reference_to_handover_and_wrong_kind(specs):
    text = BASE + (
        "  - {at: 2012-03-03, by: raad, do: concern, child: mila, kind: observation, as: c1}\n"
        "  - {at: 2012-03-04, by: gi, do: accept_handover, handover: c1}\n"
        "  - {at: 2012-03-05, by: gi, do: confirm_start, handover: h9}\n"
        "  - {at: 2012-03-06, by: raad, do: handover, child: mila, to: gi, as: h9}\n")
    found = problems(text, specs)
    assert [line for line, _ in found] == [18, 19]
    assert "names a concern (line 17)" in found[0][1]
    assert "not defined yet (it is defined at line 20)" in found[1][1]


def test_add_person_key_usable_after_it_not_before(specs):
    text = BASE + (
        "  - {at: 2012-03-03, by: gi, do: signal, person: kevin}\n"
        "  - {at: 2012-03-04, by: gi, do: add_person, person: kevin, birth_date: 1980-01-01,"
        " household: h1}\n"
        "  - {at: 2012-03-05, by: gi, do: signal, person: kevin}\n")
    line, msg = one_problem(text, specs)
    assert line == 17 and "add_person introduces it at line 18" in msg


def test_add_person_cannot_reuse_a_key_or_be_born_later(specs):
    text = BASE + ("  - {at: 2012-03-04, by: gi, do: add_person, person: mila,"
                   " birth_date: 2012-03-09}\n")
    found = problems(text, specs)
    assert [line for line, _ in found] == [17, 17]
    assert any("already exists" in m for _, m in found)
    assert any("lies after the action's date" in m for _, m in found)


def test_dates_out_of_order(specs):
    text = BASE.replace("at: 2012-03-02", "at: 2012-02-28")
    found = problems(text, specs)
    assert (L_END, "dates out of order: 2012-02-28 comes after 2012-03-01 (line 15); `at` may "
            "never go back") in found


def test_time_goes_back_within_a_day_but_a_plain_date_equals_every_time(specs):
    ok = BASE.replace("at: 2012-03-01,", "at: 2012-03-02T15:00:00,") + (
        "  - {at: 2012-03-02T16:00:00, by: gi, do: signal, person: mila}\n")
    s = parse(ok, "s.yaml", specs)
    assert [a.moment.time() for a in s.timeline] == [time(15), time(15), time(16)]
    bad = ok.replace("2012-03-02T16:00:00", "2012-03-02T14:00:00")
    line, msg = one_problem(bad, specs)
    assert line == 17 and "out of order" in msg


def test_moments_of_plain_dates_and_offsets(specs):
    text = BASE.replace("at: 2012-03-01,", 'at: "2012-03-02T09:30",') + (
        "  - {at: 2012-03-03T10:00:00+00:00, by: gi, do: signal, person: mila}\n")
    s = parse(text, "s.yaml", specs)
    first, second, third = s.timeline
    assert first.moment == datetime(2012, 3, 2, 9, 30, tzinfo=AMSTERDAM)
    assert second.moment == datetime(2012, 3, 2, 12, tzinfo=AMSTERDAM)  # noon, after 09:30
    assert third.moment.astimezone(AMSTERDAM).hour == 11 and third.day == date(2012, 3, 3)
    assert parse(BASE, "s.yaml", specs).timeline[0].moment == datetime(
        2012, 3, 1, 12, tzinfo=AMSTERDAM)


def test_action_before_start_or_after_end(specs):
    text = BASE.replace("start: 2012-03-01", "start: 2012-03-02\nend: 2012-03-01")
    found = problems(text, specs)
    assert any(line == 4 and "before start" in m for line, m in found)


def test_invalid_bsn(specs):
    text = BASE.replace('bsn: "111222333"', 'bsn: "111222334"')
    line, msg = one_problem(text, specs)
    assert line == L_MILA and "11-proef" in msg


def test_unquoted_municipality_code_read_as_a_number(specs):
    text = BASE.replace('municipality: "0344"', "municipality: 0344")
    line, msg = one_problem(text, specs)
    assert line == L_H1 and "quoted four-digit" in msg and "228" in msg


def test_unknown_sector_and_enum_values(specs):
    text = BASE.replace("sector: youth_protection", "sector: bureau_jeugdzorg").replace(
        "decision: no_measure", "decision: maybe") + (
        "  - {at: 2012-03-03, by: gi, do: concern, child: mila, kind: rumour}\n"
        "  - {at: 2012-03-03, by: gi, do: assess, child: mila, safety: ok, risk: high,"
        " factors: [{domain: school, code: debts}]}\n")
    found = problems(text, specs)
    assert [line for line, _ in found] == [6, L_DECIDE, 17, 18, 18]
    assert "unknown sector" in found[0][1] and "decision must be one of" in found[1][1]
    assert "kind must be one of niet_pluis" in found[2][1]


def test_unknown_relation_and_yaml_booleans(specs):
    text = BASE.replace("[sanne, parent_of, mila]", "[sanne, aunt_of, mila]") + (
        "  - {at: 2012-03-03, by: gi, do: involve, person: mila, service: yes}\n")
    found = problems(text, specs)
    assert [line for line, _ in found] == [L_REL, 17]
    assert "boolean" in found[1][1]


def test_format_must_be_1(specs):
    line, msg = one_problem(BASE.replace("format: 1", "format: 2"), specs)
    assert line == 1 and "format must be 1" in msg


def test_bad_yaml_names_its_line(specs):
    text = BASE.replace('reason: "done"}', 'reason: "done"')
    found = problems(text, specs)
    assert len(found) == 1 and found[0][1].startswith("invalid YAML")
    assert found[0][0] >= L_END


def test_duplicate_key(specs):
    text = BASE.replace("gi:   {sector: youth_protection}",
                        "gi:   {sector: youth_protection}\n  raad: {sector: police}")
    line, msg = one_problem(text, specs)
    assert line == 7 and "duplicate key 'raad'" in msg


def test_weigh_answers_accept_yes_no_strings(specs):
    text = BASE + (
        "  - {at: 2012-03-03, by: gi, do: concern, child: mila, kind: niet_pluis, as: c1}\n"
        "  - {at: 2012-03-04, by: gi, do: weigh, concern: c1,"
        " answers: {q1: yes, q2: \"no\", q3: \"Yes\", q4: true, q5: no}}\n")
    s = parse(text, "s.yaml", specs)
    assert s.timeline[-1].fields["answers"] == {"q1": True, "q2": False, "q3": True,
                                                "q4": True, "q5": False}
    line, msg = one_problem(text.replace("q5: no", "q6: no"), specs)
    assert line == 18 and "q6" in msg


def test_one_of_person_or_household_and_postponed_goal(specs):
    text = BASE + (
        "  - {at: 2012-03-03, by: gi, do: life_event, event: moved}\n"
        "  - {at: 2012-03-03, by: gi, do: plan, child: mila,"
        " goals: [{key: g1, text: t, due: 2012-05-01, owner: gi}]}\n"
        "  - {at: 2012-03-04, by: gi, do: goal, goal: g1, status: postponed}\n")
    found = problems(text, specs)
    assert [line for line, _ in found] == [17, 19]
    assert "exactly one of person or household" in found[0][1]
    assert "new due date" in found[1][1]


def test_expect_is_validated(specs):
    text = BASE + (
        "expect:\n"
        "  findings:\n"
        "    - {code: C9, child: mila}\n"
        "  refused:\n"
        "    - {at: 2012-03-05, do: end_involvement}\n"
        "  no_findings: [C1, {code: C2, child: noor}]\n"
        "  extra: 1\n")
    found = problems(text, specs)
    assert [line for line, _ in found] == [19, 21, 22, 23]


def test_expect_refused_must_name_one_action(specs):
    text = BASE + (
        "  - {at: 2012-03-02, by: gi, do: end_involvement, person: mila, reason: r}\n"
        "expect:\n"
        "  refused:\n"
        "    - {at: 2012-03-02, do: end_involvement}\n")
    line, msg = one_problem(text, specs)
    assert line == 20 and "lines 16, 17" in msg and "tell them apart" in msg
    s = parse(text.replace("do: end_involvement}", "do: end_involvement, by: gi}"),
              "s.yaml", specs)
    assert s.expect.refused[0].by == "gi"


def test_people_must_be_born_by_the_start(specs):
    line, msg = one_problem(BASE.replace("birth_date: 2009-06-01", "birth_date: 2012-06-01"),
                            specs)
    assert line == L_MILA and "add_person" in msg


def test_every_problem_is_reported_at_once(specs):
    text = BASE.replace("sector: youth_protection", "sector: nope").replace(
        'bsn: "111222333"', 'bsn: "1"').replace("do: end_involvement", "do: nope")
    assert len(problems(text, specs)) == 3
