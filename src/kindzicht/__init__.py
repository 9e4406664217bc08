"""kindzicht — the child in sight: child-safety coordination for the Dutch youth-care chain."""

__version__ = "0.1.0"
