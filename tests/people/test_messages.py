"""Service refusals speak the user's language: Dutch, the source language, and English through
the catalogue — the same words on the screen, in the API and in a replay."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation
from factories import PersonFactory

from kindzicht.core.errors import Refused, ValidationError
from kindzicht.people import services as people
from kindzicht.rules.tasks import task_answer, task_create


def test_a_refusal_is_dutch_by_default_and_english_when_chosen(actor):
    with pytest.raises(ValidationError) as nl:
        people.person_create(actor, birth_date=date(2999, 1, 1))
    assert nl.value.message == "De geboortedatum ligt in de toekomst."
    with translation.override("en"), pytest.raises(ValidationError) as en:
        people.person_create(actor, birth_date=date(2999, 1, 1))
    assert en.value.message == "The birth date lies in the future."
    assert (nl.value.field, en.value.field) == ("birth_date", "birth_date")


def test_names_and_values_are_filled_in_after_translation(actor):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        people.household_create(actor, members=[], municipality_code="12", postcode="3511AB")
    assert exc.value.message == "A municipality code is four digits (the CBS code), not '12'."


def test_a_task_refusal_in_both_languages(actor):
    task = task_create(organisation=actor.organisation, code="C1", key="k",
                       child=PersonFactory(), text="t")
    task_answer(actor, task=task, status="done")
    with pytest.raises(Refused) as nl:
        task_answer(actor, task=task, status="done")
    assert nl.value.message == "Deze taak is al beantwoord."
    with translation.override("en"), pytest.raises(Refused) as en:
        task_answer(actor, task=task, status="done")
    assert en.value.message == "This task has already been answered."
