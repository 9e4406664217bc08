from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kindzicht.web.input_forms import InputRulesForm


class TokenForm(InputRulesForm):
    """The six digits an authenticator app shows."""

    token = forms.CharField(
        label=_("Code uit de authenticator-app"), max_length=8, min_length=6,
        help_text=_("Zes cijfers; de code verandert elke 30 seconden."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "pattern": "[0-9 ]*", "size": "8"}))
