"""Every shared scenario (../shared/scenarios) replays through the real services with its
expectations holding, well within the time a test suite can afford."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = (Path(__file__).resolve().parents[2] / "../shared/scenarios").resolve()
FILES = sorted(SHARED.glob("*.yaml")) if SHARED.is_dir() else []


@pytest.mark.skipif(not FILES, reason=f"no shared scenarios at {SHARED}")
@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_shared_scenario_replays_with_its_expectations(path):
    from kindzicht.learning.replay.loader import load
    from kindzicht.learning.replay.runner import run

    result = run(load(path))
    assert result.expect.passed, "\n".join(result.expect.failures)
    assert all(a.result in ("ok", "refused") for a in result.actions)


def test_the_real_actions_accept_every_file_the_contract_allows(make_specs):
    """Each ``do:`` of scenario-format.md is known, takes at least the contract's fields and
    requires no field the contract leaves optional."""
    from kindzicht.learning.replay.actions import ACTIONS

    for do, spec in make_specs().items():
        assert do in ACTIONS, do
        real = ACTIONS[do]
        assert spec.required | spec.optional <= real.required | real.optional, do
        assert real.required <= spec.required, do
