"""``bench.measure.cpu_used``: the CPU a measurement used is the CPU that was used — work in
this process counts as its Python and as the machine's, waiting counts as neither."""

from __future__ import annotations

import hashlib
import time

from kindzicht.bench.measure import cpu_used


def _burn(seconds: float) -> None:
    """Keep this process's CPU busy for ``seconds`` of its own CPU time."""
    until = time.process_time() + seconds
    data = b"kindzicht"
    while time.process_time() < until:
        data = hashlib.sha256(data).digest()


def test_work_counts_as_this_process_and_as_the_machines():
    with cpu_used() as cpu:
        _burn(0.3)
    assert 0.3 <= cpu.python < 1.0
    assert cpu.wall >= 0.3
    if cpu.machine is not None:  # Linux: /proc/stat, in ticks of 10 ms per core
        assert cpu.machine >= 0.3 - 0.05 * cpu.cores
        # no more than every core for the whole time; this process's work among it
        assert 0 < cpu.busy <= 1.05
        assert cpu.bound <= cpu.wall * 1.05


def test_waiting_is_wall_clock_but_not_this_processs_cpu():
    with cpu_used() as cpu:
        time.sleep(0.3)
    assert cpu.wall >= 0.3
    assert cpu.python < 0.1
