"""The one injectable clock.

Every service and rule asks this module for the time, never ``datetime.now()`` or
``timezone.now()``: production reads real time, while tests and the scenario replay set it,
so a replay can move through years of a family's history in seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

_state = threading.local()
_global_override: list[datetime] = []


def _override() -> datetime | None:
    local = getattr(_state, "now", None)
    if local is not None:
        return local
    return _global_override[-1] if _global_override else None


def now() -> datetime:
    """The current domain time, timezone-aware."""
    return _override() or timezone.now()


def today() -> date:
    """The current domain date in Europe/Amsterdam."""
    return now().astimezone(AMSTERDAM).date()


def local_date(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM).date()


def start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in Europe/Amsterdam."""
    return datetime.combine(day, time(0, 0), tzinfo=AMSTERDAM)


def set_now(moment: datetime | date | None) -> None:
    """Set (or with ``None`` clear) the clock for this thread."""
    if isinstance(moment, date) and not isinstance(moment, datetime):
        moment = start_of(moment) + timedelta(hours=12)
    if moment is not None and timezone.is_naive(moment):
        moment = moment.replace(tzinfo=AMSTERDAM)
    _state.now = moment


@contextmanager
def frozen(moment: datetime | date) -> Iterator[None]:
    """Run a block at a fixed domain time (this thread), restoring the previous one after."""
    previous = getattr(_state, "now", None)
    set_now(moment)
    try:
        yield
    finally:
        _state.now = previous


def add_days(day: date, n: int) -> date:
    return day + timedelta(days=n)
