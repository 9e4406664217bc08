"""The base of every web form: the same input rules as the API.

Django's own ``CharField`` already refuses NUL; this adds the rest of the text rule
(``core.text``: control characters, bidi overrides, lone surrogates, over-long text) and the
plausible date range (``core.bounds``: 1900–2099) for every value a form cleans, as an error
beside the field, so the screens and the API accept the same input."""

from __future__ import annotations

from datetime import date

from django import forms

from kindzicht.core.bounds import date_problem
from kindzicht.core.text import text_problem


def _problem(value: object) -> str | None:
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, date):
        return date_problem(value)
    return None


class InputRulesForm(forms.Form):
    def _post_clean(self) -> None:
        """After the fields' and the form's own checks, so that a form's more specific message
        (a birth date in the future) comes first; a field already in error is left alone."""
        super()._post_clean()
        for name, value in list(self.cleaned_data.items()):
            if name in self.errors:
                continue
            values = value if isinstance(value, list | tuple) else [value]
            for item in values:
                if problem := _problem(item):
                    self.add_error(name, problem)
                    break
