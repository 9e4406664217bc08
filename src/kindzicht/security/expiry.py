"""Session expiry: an idle timeout and an absolute lifetime.

Both run on wall-clock time (``time.time()``), not on the domain clock (``core.clock``): the
domain clock is what scenarios and tests move through a family's years, and moving it must not
log anyone out; a session's age is a fact about the real world, like the audit chain's
``recorded_at``. Tests move wall time with time-machine.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

LOGIN_AT = "kindzicht_login_at"
SEEN_AT = "kindzicht_seen_at"
#: Write the "last seen" stamp at most this often: one session write per minute, not per page.
SEEN_RESOLUTION = 60


def start(session: Any) -> None:
    now = time.time()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def expired(session: Any) -> str | None:
    """"absolute", "idle", or None while the session may go on."""
    now = time.time()
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if login_at is None or seen_at is None:  # a session from before this check: start now
        start(session)
        return None
    if now - login_at > settings.SESSION_COOKIE_AGE:
        return "absolute"
    if now - seen_at > settings.SESSION_IDLE_SECONDS:
        return "idle"
    if now - seen_at > SEEN_RESOLUTION:
        session[SEEN_AT] = now
    return None
