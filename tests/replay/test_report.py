"""The replay's output: the contract's JSON object, and the readable report."""

from __future__ import annotations

import json
from datetime import date

from kindzicht.learning.replay.report import to_json, to_text
from kindzicht.learning.replay.runner import (
    ActionResult,
    AlertResult,
    ExpectResult,
    FindingResult,
    MatchResult,
    ReplayResult,
)


def sample() -> ReplayResult:
    return ReplayResult(
        title="Raad closes", mode="reconstruct", start=date(2012, 3, 1), end=date(2012, 6, 30),
        actions=[
            ActionResult(23, "decide", "raad", date(2012, 3, 1), "2012-03-01", {}, "ok",
                         events=[7]),
            ActionResult(27, "end_involvement", "raad", date(2012, 3, 2),
                         "2012-03-02T10:00:00+01:00", {}, "refused", "Draag eerst over."),
        ],
        alerts=[AlertResult(date(2012, 3, 10), "C1", "raad", "mila", "Niemand verantwoordelijk"),
                AlertResult(date(2012, 3, 17), "C1", "municipality:0344", "mila", "Escalatie",
                            level=2)],
        reminders=[AlertResult(date(2012, 3, 8), "C1", "raad", "mila", "Herinnering",
                               kind="reminder")],
        tasks=[AlertResult(date(2012, 3, 1), "rejected_decision", "raad", "mila", "Wie nu?",
                           kind="task")],
        matches=[MatchResult(date(2012, 3, 1), "family", "mila", ["mila", "sanne"],
                             ["gi", "raad"])],
        findings=[FindingResult("C2", "2.5", "mila", date(2012, 3, 2), "Afgesloten", [23, 27])],
        expect=ExpectResult(False, ["line 40: finding C3 …"]), has_expect=True)


def test_json_is_exactly_the_contract_object():
    out = to_json(sample())
    assert list(out) == ["format", "title", "start", "end", "actions", "alerts", "matches",
                         "findings", "expect", "reminders", "tasks"]
    assert out["format"] == 1 and out["start"] == "2012-03-01" and out["end"] == "2012-06-30"
    assert out["actions"] == [
        {"line": 23, "at": "2012-03-01", "do": "decide", "result": "ok"},
        {"line": 27, "at": "2012-03-02T10:00:00+01:00", "do": "end_involvement",
         "result": "refused", "reason": "Draag eerst over."}]
    assert out["alerts"] == [
        {"at": "2012-03-10", "code": "C1", "organisation": "raad", "person": "mila",
         "text": "Niemand verantwoordelijk"},
        {"at": "2012-03-17", "code": "C1", "organisation": "municipality:0344", "person": "mila",
         "text": "Escalatie"}]
    assert out["matches"] == [{"at": "2012-03-01", "level": "family", "child": "mila",
                               "people": ["mila", "sanne"], "organisations": ["gi", "raad"]}]
    assert out["findings"] == [{"code": "C2", "improvement_point": "2.5", "child": "mila",
                                "at": "2012-03-02", "text": "Afgesloten", "evidence": [23, 27]}]
    assert out["expect"] == {"passed": False, "failures": ["line 40: finding C3 …"]}
    assert out["reminders"][0]["text"] == "Herinnering" and out["tasks"][0]["code"] == (
        "rejected_decision")
    json.dumps(out)  # serialisable as is


def test_readable_report_names_lines_results_and_evidence():
    text = to_text(sample())
    assert "Raad closes" in text
    assert "regel   27" in text and "GEWEIGERD: Draag eerst over." in text
    assert "C1   aan municipality:0344" in text
    assert "rust op regels 23, 27" in text
    assert "NIET gehaald" in text and "line 40: finding C3" in text
