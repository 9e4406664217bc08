"""The replay's output: the contract's JSON object, or a readable report for people.

The JSON object is the public contract (scenario-format.md "Output"); it adds only the keys
``reminders`` and ``tasks`` (the other things the watchdog and the services raised), which
readers of format 1 may ignore.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .runner import AlertResult, ReplayResult


def _alert(a: AlertResult) -> dict[str, Any]:
    return {"at": a.at.isoformat(), "code": a.code, "organisation": a.organisation,
            "person": a.person, "text": a.text}


def to_json(result: ReplayResult) -> dict[str, Any]:
    actions = []
    for a in result.actions:
        item: dict[str, Any] = {"line": a.line, "at": a.at, "do": a.do, "result": a.result}
        if a.result != "ok":
            item["reason"] = a.reason
        actions.append(item)
    return {
        "format": 1,
        "title": result.title,
        "start": result.start.isoformat(),
        "end": result.end.isoformat(),
        "actions": actions,
        "alerts": [_alert(a) for a in result.alerts],
        "matches": [{"at": m.at.isoformat(), "level": m.level, "child": m.child,
                     "people": m.people, "organisations": m.organisations}
                    for m in result.matches],
        "findings": [{"code": f.code, "improvement_point": f.improvement_point, "child": f.child,
                      "at": f.at.isoformat(), "text": f.text, "evidence": f.evidence}
                     for f in result.findings],
        "expect": {"passed": result.expect.passed, "failures": list(result.expect.failures)},
        "reminders": [_alert(a) for a in result.reminders],
        "tasks": [_alert(a) for a in result.tasks],
    }


def _mode(mode: str) -> str:
    return _("live (de bewakingsregels dwingen af)") if mode == "live" else _(
        "reconstructie (de geschiedenis zoals die gebeurde)")


def to_text(result: ReplayResult) -> str:
    """A report to read in a terminal or hand out in a training meeting."""
    out: list[str] = []
    add = out.append
    add(f"{_('Scenario')}: {result.title}")
    add(f"{_('Modus')}: {_mode(result.mode)}")
    add(f"{_('Periode')}: {result.start} {_('t/m')} {result.end} "
        f"({result.days_swept} {_('dagen')}, {result.seconds:.1f} s)")
    add("")
    add(_("Tijdlijn"))
    width = max((len(a.do) for a in result.actions), default=10)
    by_width = max((len(a.by) for a in result.actions), default=6)
    for a in result.actions:
        state = {"ok": _("ok"), "refused": _("GEWEIGERD"), "error": _("FOUT")}.get(a.result,
                                                                               a.result)
        line = (f"  {_('regel')} {a.line:>4}  {a.at:<10}  {a.by:<{by_width}}  "
                f"{a.do:<{width}}  {state}")
        if a.reason:
            line += f": {a.reason}"
        add(line)
    for title, items in ((_("Signalen van de bewaking (alerts)"), result.alerts),
                         (_("Herinneringen"), result.reminders), (_("Taken"), result.tasks)):
        add("")
        add(f"{title}: {len(items)}")
        for x in items:
            who = f" ({_('kind')} {x.person})" if x.person else ""
            add(f"  {x.at}  {x.code:<4} {_('aan')} {x.organisation}{who}: {x.text}")
    add("")
    add(f"{_('Matches in de verwijsindex')}: {len(result.matches)}")
    for m in result.matches:
        add(f"  {m.at}  {m.level:<6} {_('kind')} {m.child}: {_('personen')} "
            f"{', '.join(m.people)}; {_('organisaties')} {', '.join(m.organisations)}")
    add("")
    add(f"{_('Bevindingen (leeranalyse)')}: {len(result.findings)}")
    for f in result.findings:
        add(f"  {f.code} ({f.improvement_point})  {f.child}  {f.at}: {f.text}")
        if f.evidence:
            add(f"      {_('rust op regels')} {', '.join(map(str, f.evidence))}")
    add("")
    if result.has_expect or result.expect.failures:
        verdict = _("gehaald") if result.expect.passed else _("NIET gehaald")
        add(f"{_('Verwachtingen (expect)')}: {verdict}")
        for failure in result.expect.failures:
            add(f"  - {failure}")
    else:
        add(_("Verwachtingen (expect): geen opgegeven"))
    return "\n".join(out) + "\n"
