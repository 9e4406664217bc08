"""The one injectable clock.

Every service and rule asks this module for the time, never ``datetime.now()`` or
``timezone.now()``: production reads real time, while tests and the scenario replay set it,
so a replay can move through years of a family's history in seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

#: The scenario format's time zone (scenario-format.md: dates are Europe/Amsterdam).
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def zone() -> ZoneInfo:
    """The time zone of domain dates: ``KINDZICHT_TIME_ZONE`` (default Europe/Amsterdam)."""
    from django.conf import settings

    return _zone(settings.TIME_ZONE)


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)

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
    """The current domain date in the domain time zone."""
    return now().astimezone(zone()).date()


def stamp() -> dict[str, datetime | date]:
    """``at`` and ``on`` of a fact recorded now (every Dated model has both)."""
    moment = now()
    return {"at": moment, "on": local_date(moment)}


def local_date(moment: datetime) -> date:
    return moment.astimezone(zone()).date()


def start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in the domain time zone."""
    return datetime.combine(day, time(0, 0), tzinfo=zone())


def set_now(moment: datetime | date | None) -> None:
    """Set (or with ``None`` clear) the clock for this thread."""
    if isinstance(moment, date) and not isinstance(moment, datetime):
        moment = start_of(moment) + timedelta(hours=12)
    if moment is not None and timezone.is_naive(moment):
        moment = moment.replace(tzinfo=zone())
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


@contextmanager
def frozen_everywhere(moment: datetime | date) -> Iterator[None]:
    """Fix the domain time for every thread — a live test server's too — not only this one
    (``frozen`` is per thread)."""
    if isinstance(moment, date) and not isinstance(moment, datetime):
        moment = start_of(moment) + timedelta(hours=12)
    _global_override.append(moment)
    try:
        with frozen(moment):
            yield
    finally:
        _global_override.remove(moment)
