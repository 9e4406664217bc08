"""Figures of the fuzzing and hostile-input runs (how many examples and inputs were tried), added
up over the session and printed at its end by ``pytest_terminal_summary`` in this folder's
conftest, so the figure appears in every run's output (also in .ci/run's logs)."""

from __future__ import annotations

from collections import Counter

FIGURES: Counter[str] = Counter()


def count(name: str, n: int = 1) -> None:
    FIGURES[name] += n
