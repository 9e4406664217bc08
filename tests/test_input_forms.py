"""Every web form of kindzicht applies the input rules of the API (``web/input_forms``: control
characters and bidi overrides refused, dates within 1900-2099) — a new form that inherits
Django's ``Form`` directly fails here."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms

import kindzicht
from kindzicht.security.forms import TokenForm
from kindzicht.web.input_forms import InputRulesForm
from kindzicht.web.oversight_forms import ReportForm, ReviewForm
from kindzicht.web.privacy_forms import InzageRequestForm, RectificationForm


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_every_plain_web_form_inherits_the_input_rules():
    for module in pkgutil.walk_packages(kindzicht.__path__, "kindzicht."):
        if module.name.endswith(("_forms", ".forms")):
            importlib.import_module(module.name)
    plain = [f"{cls.__module__}.{cls.__qualname__}"
             for cls in _all_subclasses(forms.Form)
             if cls.__module__.startswith("kindzicht.")
             and not issubclass(cls, InputRulesForm) and cls is not InputRulesForm]
    assert not plain, f"web forms without the input rules (web/input_forms.py): {plain}"


@pytest.mark.parametrize("form_class, data, field", [
    (InzageRequestForm, {"bsn": "111222333", "requester_name": "An\u202eouk",
                         "requester_relation": "self", "received_on": "2024-05-01"},
     "requester_name"),
    (InzageRequestForm, {"bsn": "111222333", "requester_name": "Anouk",
                         "requester_relation": "self", "received_on": "1899-12-31"},
     "received_on"),
    (RectificationForm, {"field": "given_name", "value": "Fen\x1bna", "outcome": "rectified",
                         "reason": "typefout", "requested_by": "Fenna",
                         "received_on": "2024-05-01"}, "value"),
    (ReviewForm, {"note": "nagegaan\x07"}, "note"),
    (ReportForm, {"van": "1899-12-31", "tot": "2024-05-01"}, "van"),
    (TokenForm, {"token": "123\x1b456"}, "token"),
])
def test_the_fg_and_second_factor_forms_refuse_what_the_api_refuses(form_class, data, field):
    form = form_class(data=data)
    assert not form.is_valid()
    assert field in form.errors, form.errors
