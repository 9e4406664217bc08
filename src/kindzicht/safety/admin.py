"""Django admin: this app's records are domain facts written by its services only, so the
admin shows them view only (reads of person data are audited)."""

from kindzicht.core.admin import register_read_only

register_read_only("safety")
