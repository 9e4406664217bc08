"""The project's own scenarios (scenarios/rules/): for every rule of the catalogue a case that
triggers it and a near-miss that must not."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "scenarios" / "rules"
FILES = sorted(ROOT.glob("*.yaml"))


def test_every_rule_has_a_hit_and_a_near_miss():
    from kindzicht.rules.engine import CATALOGUE, _load

    _load()
    names = {p.stem for p in FILES}
    missing = [f"{code.lower()}-{kind}" for code in CATALOGUE for kind in ("hit", "near-miss")
               if f"{code.lower()}-{kind}" not in names]
    assert not missing


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_rule_scenario(path):
    from kindzicht.learning.replay.loader import load
    from kindzicht.learning.replay.runner import run

    scenario = load(path)
    result = run(scenario)
    assert result.expect.passed, "\n".join(result.expect.failures)
    code = path.stem.split("-")[0].upper()
    found = {f.code for f in result.findings}
    if path.stem.endswith("-hit"):
        assert code in found
    else:
        assert code not in found
