"""The bench's own database is dropped after a run unless it is to be kept — and a population
measured again with ``--reuse`` is kept, even when ``--keep`` was forgotten (twice on
2026-12-04 a 4.5M-person population, 30 minutes to build, was lost that way)."""

from __future__ import annotations

import pytest

from kindzicht.bench import database


@pytest.fixture
def dropped(monkeypatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(database, "drop", lambda target: seen.append(target.url))
    return seen


def test_a_fresh_population_is_dropped_unless_kept(dropped):
    target = database.Target("postgresql://postgres@127.0.0.1:5432/kz_bench_example")
    database.finish(target, keep=True, log=lambda _line: None)
    assert dropped == []
    database.finish(target, keep=False, log=lambda _line: None)
    assert dropped == [target.url]


@pytest.mark.parametrize("keep", [False, True])
def test_a_reused_population_is_kept(dropped, monkeypatch, keep):
    from kindzicht.bench import index, sweep

    target = database.Target("postgresql://postgres@127.0.0.1:5432/kz_bench_example")
    monkeypatch.setattr(database, "prepare", lambda *a, **k: True)   # a kept population
    monkeypatch.setattr(database, "read_stamp", lambda: {"as_of": "2026-12-03"})
    monkeypatch.setattr(database, "check_scale", lambda *a, **k: None)
    for module in (sweep, index):
        def stop(*a, **k):
            raise RuntimeError("measured")
        monkeypatch.setattr(module, "_measure", stop)
    with pytest.raises(RuntimeError, match="measured"):
        sweep.run(children=10, url=target.url, keep=keep, reuse=True, seed=1, as_of=None,
                  changes=1, budget=1.0, rule_budget=1.0, log=lambda _line: None)
    with pytest.raises(RuntimeError, match="measured"):
        index.run(young=10, signals=1, registrations=1, import_rows=0, url=target.url,
                  keep=keep, reuse=True, seed=1, as_of=None, workers=1, log=lambda _line: None)
    assert dropped == []
