"""The learning analysis: the same rules as the watchdog, over a whole history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kindzicht.core import clock

from .engine import CATALOGUE, Context, evaluate


@dataclass
class Finding:
    code: str
    improvement_point: str
    child_id: int
    at: date
    text: str
    evidence: list[int]
    facts: list[str]
    key: str


def findings(as_of: date | None = None, *, children: Iterable[int] | None = None,
             codes: Iterable[str] | None = None) -> list[Finding]:
    """Every occurrence dated on or before ``as_of``: what went wrong, when, and on which
    recorded actions that rests."""
    as_of = as_of or clock.today()
    ctx = Context(as_of=as_of, scope=set(children) if children is not None else None)
    out = [Finding(o.code, CATALOGUE[o.code].improvement_point, o.child_id, o.at, o.text,
                   sorted(set(o.evidence)), o.facts, o.key)
           for o in evaluate(ctx, codes) if o.at <= as_of]
    out.sort(key=lambda f: (f.at, f.code, f.child_id, f.key))
    return out
