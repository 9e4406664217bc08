"""Fixtures for the replay tests: the contract's action table (scenario-format.md, "Actions")
as a stand-in for the real handlers, and the shared scenario files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_SCENARIOS = (REPO / "../shared/scenarios").resolve()


@dataclass(frozen=True)
class FakeSpec:
    required: frozenset[str]
    optional: frozenset[str]
    handler: Callable[[Any, dict], None]


def _noop(ctx: Any, action: dict) -> None:
    return None


#: do -> (required fields, optional fields) exactly as scenario-format.md lists them
CONTRACT: dict[str, tuple[set[str], set[str]]] = {
    "signal": ({"person"}, {"on_behalf_of", "contact"}),
    "withdraw_signal": ({"person"}, set()),
    "involve": ({"person", "service"}, {"intensive"}),
    "end_involvement": ({"person"}, {"aftercare", "reason"}),
    "concern": ({"child", "kind"}, {"source", "text", "as"}),
    "consult": ({"concern", "with"}, set()),
    "talk": ({"concern", "with"}, set()),
    "weigh": ({"concern", "answers"}, set()),
    "decide_concern": ({"concern", "outcome"}, {"reason"}),
    "report": ({"child"}, {"own_observation"}),
    "decline_report": ({"child", "reason"}, set()),
    "assess": ({"child", "safety", "risk"}, {"factors", "agreements"}),
    "life_event": ({"event"}, {"person", "household"}),
    "move": ({"household", "municipality", "postcode"}, set()),
    "join": ({"household", "person"}, set()),
    "leave": ({"household", "person"}, set()),
    "add_person": ({"person", "birth_date"}, {"name", "parents", "household"}),
    "plan": ({"goals"}, {"child", "household"}),
    "goal": ({"goal", "status"}, {"due"}),
    "parent_declines": ({"child"}, {"help"}),
    "missed_appointment": ({"child"}, set()),
    "take_responsibility": ({"child", "basis"}, set()),
    "handover": ({"child", "to"}, {"factors", "as"}),
    "accept_handover": ({"handover"}, {"factors"}),
    "accept_factors": ({"child", "factors"}, set()),
    "confirm_start": ({"handover"}, set()),
    "decline_handover": ({"handover", "reason"}, set()),
    "withdraw_handover": ({"handover", "reason"}, set()),
    "request": ({"child", "kind"}, set()),
    "decide": ({"child", "decision", "reasons"}, set()),
    "share": ({"person", "to", "topic", "basis"}, set()),
    "calamity": ({"child", "kind"}, {"text"}),
}


def contract_specs(handlers: dict[str, Callable[[Any, dict], None]] | None = None
                   ) -> dict[str, FakeSpec]:
    handlers = handlers or {}
    return {do: FakeSpec(frozenset(req), frozenset(opt), handlers.get(do, _noop))
            for do, (req, opt) in CONTRACT.items()}


@pytest.fixture
def specs() -> dict[str, FakeSpec]:
    return contract_specs()


@pytest.fixture
def make_specs() -> Callable[..., dict[str, FakeSpec]]:
    return contract_specs
