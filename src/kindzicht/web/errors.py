"""Services refuse with kindzicht.core.errors; a page shows the refusal as a form error on the
field the service named (or above the form when it named none or a field the form lacks)."""

from __future__ import annotations

from django import forms

from kindzicht.core.errors import KindzichtError

#: service argument name -> form field name, where they differ
FIELD_ALIASES = {"other": "person", "left_on": "on", "valid_to": "on"}


def add_service_error(form: forms.Form, exc: KindzichtError) -> None:
    name = exc.field
    if name and name not in form.fields:
        name = FIELD_ALIASES.get(name, name)
    form.add_error(name if name in form.fields else None, exc.message)
