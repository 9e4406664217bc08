"""Evaluating a scenario's ``expect`` against what the replay produced (scenario-format.md).

- ``findings``: each {code, child} is found (with ``by``: its finding's day is no later).
- ``no_findings``: these codes are found for no child (or, given as {code, child}, not for
  that child).
- ``refused``: the named actions are refused, and every action not named succeeds.
- ``matches``: each {level, people, organisations} is contained in one match of that level
  that arose no later than ``by``.

Works on any objects with the attributes of :mod:`.runner`'s results, so the logic is tested
on synthetic results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .loader import Expect, ExpectRefused, matching_actions

if TYPE_CHECKING:
    from .runner import ExpectResult, ReplayResult


def _who(refused: ExpectRefused) -> str:
    parts = [f"{k} {v}" for k, v in (("by", refused.by), ("person", refused.person),
                                      ("child", refused.child)) if v]
    return f" ({', '.join(parts)})" if parts else ""


def evaluate(expect: Expect | None, result: ReplayResult) -> ExpectResult:
    from .runner import ExpectResult

    failures: list[str] = []
    errors = [a for a in result.actions if a.result == "error"]
    for a in errors:
        failures.append(f"line {a.line}: {a.do} failed with an internal error: {a.reason}")
    if expect is None:
        return ExpectResult(passed=not failures, failures=failures)

    for e in expect.findings:
        found = [f for f in result.findings if f.code == e.code and f.child == e.child]
        in_time = [f for f in found if e.by is None or f.at <= e.by]
        if in_time:
            continue
        by = f" by {e.by}" if e.by else ""
        if found:
            days = ", ".join(sorted({f.at.isoformat() for f in found}))
            failures.append(f"line {e.line}: finding {e.code} for {e.child} expected{by}, "
                            f"found only later ({days})")
        else:
            others = sorted({f"{f.code} {f.child}" for f in result.findings})
            failures.append(f"line {e.line}: finding {e.code} for {e.child} expected{by}, not "
                            f"found (found: {', '.join(others) or 'none'})")

    for n in expect.no_findings:
        hits = [f for f in result.findings
                if f.code == n.code and (n.child is None or f.child == n.child)]
        for f in hits:
            evidence = f"; evidence: lines {', '.join(map(str, f.evidence))}" if f.evidence else ""
            failures.append(f"line {n.line}: finding {f.code} for {f.child} on {f.at} was not "
                            f"expected: {f.text}{evidence}")

    expected_refused: set[int] = set()
    for r in expect.refused:
        hits = matching_actions(r, result.actions)
        if not hits:
            failures.append(f"line {r.line}: no action {r.do} on {r.at}{_who(r)} in the replay")
        for a in hits:
            expected_refused.add(a.line)
            if a.result != "refused":
                failures.append(f"line {r.line}: {a.do} on {a.day} (line {a.line}) should have "
                                f"been refused, but it was {_done(a.result)}")
    for a in result.actions:
        if a.line not in expected_refused and a.result == "refused":
            failures.append(f"line {a.line}: {a.do} on {a.day} by {a.by} was refused, and expect "
                            f"does not list it: {a.reason}")

    for m in expect.matches:
        people, orgs = set(m.people), set(m.organisations)
        ok = any(x.level == m.level and people <= set(x.people) and orgs <= set(x.organisations)
                 and (m.by is None or x.at <= m.by) for x in result.matches)
        if not ok:
            by = f" by {m.by}" if m.by else ""
            seen = "; ".join(f"{x.at} {x.level} {x.child}: {', '.join(x.people)} / "
                             f"{', '.join(x.organisations)}" for x in result.matches
                             if x.level == m.level) or "none"
            failures.append(f"line {m.line}: no {m.level} match{by} covering people "
                            f"{', '.join(m.people) or '-'} and organisations "
                            f"{', '.join(m.organisations) or '-'} (matches of that level: {seen})")
    return ExpectResult(passed=not failures, failures=failures)


def _done(result: str) -> str:
    return {"ok": "carried out", "error": "an error"}.get(result, result)
