"""The privacy app in the Django admin: view only (requests and rectifications are written
by the services; retention periods are policy values, edited under *Termijninstellingen*)."""

from kindzicht.core.admin import register_read_only

register_read_only("privacy")
