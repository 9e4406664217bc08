"""Development and demo settings: SQLite by default, console e-mail."""

from .base import *  # noqa: F401,F403

DEBUG = True
