"""The application's error hierarchy, mapped once to problem+json (API), form errors (UI)
and messages naming the file line (CLI, replay)."""

from __future__ import annotations


class KindzichtError(Exception):
    """Base of every refusal a user can see. ``field`` names the offending input, if any."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationError(KindzichtError):
    """Input that can never be right (an invalid BSN, a date in the future)."""


class NotFound(KindzichtError):
    status = 404
    code = "not_found"


class Forbidden(KindzichtError):
    """The acting professional or organisation may not do this (need to know, sector rules)."""

    status = 403
    code = "forbidden"


class Refused(KindzichtError):
    """A step that is impossible in the current state (a hard refusal)."""

    status = 409
    code = "refused"


class GuardRefused(Refused):
    """A continuity guard: refused in live mode, recorded as a fact in reconstruct mode."""

    code = "continuity_guard"
