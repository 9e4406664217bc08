"""Hostile names on the screens (issue 8): markup is text. A person registered through the API
with script in the name, and script posted through the web forms that write about a person
(a concern's source and description, a signal's contact), are stored as given and shown
escaped on every page that shows them; a NUL byte or a control character in a form is a form
error, and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from auth_support import verified_login
from django.test import Client
from django.utils.html import escape

from kindzicht.core import clock
from kindzicht.meldcode.models import Concern

from .. import figures
from ..world import TODAY, build_world
from .test_hostile import client, counts

pytestmark = pytest.mark.django_db

VALUES = json.loads((Path(__file__).parent / "values.json").read_text())
#: The markup values of the corpus ("either": accepted as text, never rendered as markup).
MARKUP = [e["value"] for e in VALUES["text"]
          if e["expect"] == "either" and "<" in str(e.get("value", ""))]
#: Values a form must refuse with a form error.
def _sendable(value: str) -> bool:
    """A browser sends UTF-8: a lone surrogate cannot even be posted."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


REFUSED = [e["value"] for e in VALUES["text"] if e["expect"] == "refuse"
           and isinstance(e.get("value"), str) and _sendable(e["value"])]


def assert_escaped(html: str, value: str, where: str) -> None:
    assert value not in html, f"{where}: {value!r} rendered unescaped"
    assert escape(value) in html, f"{where}: {value!r} not shown (escaped) at all"


@pytest.fixture
def scene():
    with clock.frozen(TODAY):
        world = build_world()
        web = Client()
        verified_login(web, world.caller)  # Client.login has no request for django-axes
        yield world, web, client(world.caller)


def test_names_with_markup_are_stored_as_given_and_shown_escaped(scene):
    world, web, api = scene
    assert len(MARKUP) >= 3
    for n, value in enumerate(MARKUP):
        response = api.post("/api/v1/persons", {"given_name": value, "family_name": value,
                                                "birth_date": f"2016-03-0{n + 1}",
                                                "place": value}, format="json")
        assert response.status_code == 201, response.content
        person = response.json()
        assert (person["given_name"], person["family_name"]) == (value, value)
        assert api.post("/api/v1/involvements", {"person": person["id"], "service": value},
                        format="json").status_code == 201
        assert api.post("/api/v1/concerns", {"child": person["id"], "kind": "second_hand",
                                             "source": value, "text": value,
                                             "observations": [value]},
                        format="json").status_code == 201
        figures.count("hostile inputs tried")
        pages = {
            "person page": f"/personen/{person['id']}/",
            "search results": f"/personen/zoeken/?name={person['family_name'][:20]}"
                              f"&birth_date={person['birth_date']}",
            "my children": "/kinderen/",
            "concerns": "/zorgen/",
            "concern page": f"/zorgen/{Concern.objects.latest('pk').pk}/",
        }
        for where, url in pages.items():
            page = web.get(url)
            assert page.status_code == 200, (where, page.status_code)
            assert_escaped(page.content.decode(), value, where)


def test_markup_posted_through_the_web_forms_is_shown_escaped(scene):
    world, web, _ = scene
    mila = world.named["mila"]
    for value in MARKUP:
        response = web.post(f"/personen/{mila}/zorg/", {"kind": "second_hand", "source": value,
                                                       "text": value,
                                                       "observations": value})
        assert response.status_code == 302, response.content[:300]
        page = web.get(response["Location"])
        assert page.status_code == 200
        assert_escaped(page.content.decode(), value, "concern page after the form")
        figures.count("hostile inputs tried")


@pytest.mark.parametrize("value", REFUSED, ids=range(len(REFUSED)))
def test_control_characters_in_a_web_form_are_a_form_error(scene, value):
    world, web, _ = scene
    before = counts()
    response = web.post(f"/personen/{world.named['mila']}/zorg/",
                        {"kind": "second_hand", "source": value, "text": "gezien"})
    figures.count("hostile inputs tried")
    assert response.status_code == 400, response.status_code
    assert response.context["form"].errors.get("source"), response.context["form"].errors
    assert counts() == before
