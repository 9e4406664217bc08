"""The base of every web form: the same text rule as the API (``kindzicht.core.text``).

Django's own ``CharField`` already refuses NUL; this refuses the rest of what text may not
hold (control characters, bidi overrides, lone surrogates, over-long text) in every string a
form cleans, as an error beside the field, so the screens and the API accept the same text."""

from __future__ import annotations

from django import forms

from kindzicht.core.text import text_problem


class TextRuleForm(forms.Form):
    def _clean_fields(self) -> None:
        super()._clean_fields()
        for name, value in list(self.cleaned_data.items()):
            values = value if isinstance(value, list | tuple) else [value]
            for item in values:
                if isinstance(item, str) and (problem := text_problem(item)):
                    self.add_error(name, problem)
                    break
