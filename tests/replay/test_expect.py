"""``expect`` evaluation (scenario-format.md) on synthetic replay results."""

from __future__ import annotations

from datetime import date

from kindzicht.learning.replay.expect import evaluate
from kindzicht.learning.replay.loader import (
    Expect,
    ExpectFinding,
    ExpectMatch,
    ExpectNoFinding,
    ExpectRefused,
)
from kindzicht.learning.replay.runner import (
    ActionResult,
    FindingResult,
    MatchResult,
    ReplayResult,
)

D = date


def action(line, day, do, by="raad", result="ok", **fields):
    return ActionResult(line=line, do=do, by=by, day=day, at=day.isoformat(),
                        fields={"do": do, "by": by, **fields}, result=result,
                        reason="refused because" if result != "ok" else None)


def finding(code, child, day, evidence=(1,)):
    return FindingResult(code=code, improvement_point="2.5", child=child, at=day,
                         text=f"{code} text", evidence=list(evidence))


def result(actions=(), findings=(), matches=()):
    return ReplayResult(title="t", mode="live", start=D(2012, 1, 1), end=D(2012, 12, 31),
                        actions=list(actions), findings=list(findings), matches=list(matches))


def test_no_expect_passes_unless_an_action_failed_with_an_error():
    assert evaluate(None, result([action(5, D(2012, 1, 1), "involve", result="refused")])).passed
    out = evaluate(None, result([action(5, D(2012, 1, 1), "involve", result="error")]))
    assert not out.passed and "line 5" in out.failures[0]


def test_findings_must_be_found_by_their_date():
    r = result(findings=[finding("C2", "noor", D(2012, 4, 18)),
                         finding("C1", "noor", D(2012, 4, 27))])
    ok = Expect(line=1, findings=[ExpectFinding(2, "C2", "noor", D(2012, 4, 18)),
                                  ExpectFinding(3, "C1", "noor")])
    assert evaluate(ok, r).passed
    late = Expect(line=1, findings=[ExpectFinding(7, "C1", "noor", D(2012, 4, 26))])
    out = evaluate(late, r)
    assert not out.passed and out.failures == [
        "line 7: finding C1 for noor expected by 2012-04-26, found only later (2012-04-27)"]
    other_child = Expect(line=1, findings=[ExpectFinding(8, "C2", "eva")])
    out = evaluate(other_child, r)
    assert not out.passed and "not found (found: C1 noor, C2 noor)" in out.failures[0]


def test_no_findings_by_code_or_for_one_child():
    r = result(findings=[finding("C2", "noor", D(2012, 4, 18), evidence=(23, 27))])
    assert evaluate(Expect(line=1, no_findings=[ExpectNoFinding(2, "C1"),
                                                ExpectNoFinding(3, "C2", "eva")]), r).passed
    out = evaluate(Expect(line=1, no_findings=[ExpectNoFinding(4, "C2")]), r)
    assert not out.passed
    assert out.failures[0].startswith("line 4: finding C2 for noor on 2012-04-18 was not expected")
    assert "evidence: lines 23, 27" in out.failures[0]
    assert not evaluate(Expect(line=1, no_findings=[ExpectNoFinding(5, "C2", "noor")]), r).passed


def test_refused_actions_and_every_other_action_must_succeed():
    actions = [action(10, D(2012, 4, 18), "end_involvement", by="raad", person="noor",
                      result="refused"),
               action(11, D(2012, 4, 18), "end_involvement", by="vt", person="noor"),
               action(12, D(2012, 4, 20), "involve", by="bjz", person="noor")]
    r = result(actions)
    named = Expect(line=1, refused=[ExpectRefused(3, D(2012, 4, 18), "end_involvement",
                                                  by="raad")])
    assert evaluate(named, r).passed
    # not listed: every action must succeed
    out = evaluate(Expect(line=1), r)
    assert out.failures == ["line 10: end_involvement on 2012-04-18 by raad was refused, and "
                            "expect does not list it: refused because"]
    # listed but carried out
    wrong = Expect(line=1, refused=[ExpectRefused(4, D(2012, 4, 20), "involve"),
                                    ExpectRefused(5, D(2012, 4, 18), "end_involvement",
                                                  by="raad")])
    out = evaluate(wrong, r)
    assert out.failures == ["line 4: involve on 2012-04-20 (line 12) should have been refused, "
                            "but it was carried out"]
    # named by person or child too, and an entry that names nothing fails
    by_person = Expect(line=1, refused=[ExpectRefused(6, D(2012, 4, 18), "end_involvement",
                                                      person="eva"),
                                        ExpectRefused(7, D(2012, 4, 18), "end_involvement",
                                                      by="raad", person="noor")])
    out = evaluate(by_person, r)
    assert out.failures == ["line 6: no action end_involvement on 2012-04-18 (person eva) in "
                            "the replay"]


def test_matches_are_contained_in_a_match_of_that_level_in_time():
    r = result(matches=[
        MatchResult(D(2012, 1, 10), "family", "noor", ["eva", "noor"], ["gi", "raad"]),
        MatchResult(D(2012, 2, 1), "child", "noor", ["noor"], ["gi", "raad", "vt"])])
    good = Expect(line=1, matches=[
        ExpectMatch(2, "family", ["eva"], ["raad"], D(2012, 1, 10)),
        ExpectMatch(3, "child", ["noor"], ["vt", "gi"]),
        ExpectMatch(4, "family", [], [])])
    assert evaluate(good, r).passed
    for bad in (ExpectMatch(5, "family", ["eva"], ["raad"], D(2012, 1, 9)),
                ExpectMatch(5, "child", ["noor"], ["vt"], D(2012, 1, 31)),
                ExpectMatch(5, "family", ["eva", "mark"], ["raad"]),
                ExpectMatch(5, "family", ["eva"], ["vt"])):
        out = evaluate(Expect(line=1, matches=[bad]), r)
        assert not out.passed and out.failures[0].startswith(f"line 5: no {bad.level} match")
