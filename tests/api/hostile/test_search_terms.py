"""SQL and LIKE wildcards in search terms (issue 8): the person search of the API and of the
web matches the words as text. ``%`` and ``_`` match themselves (Django escapes them in
``icontains``), not every name; SQL is a name nobody has; the tables are still there."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from auth_support import verified_login
from django.test import Client

from kindzicht.core import clock
from kindzicht.people.models import Person

from .. import figures
from ..world import TODAY, build_world
from .test_hostile import client

pytestmark = pytest.mark.django_db

#: Search terms that would widen or break a query built by pasting strings.
TERMS = ["%", "_", "%_%", "__", "'; DROP TABLE people_person; --", "' OR '1'='1", "\\",
         "\\%", "[a-z]*", ".*", "*", "%' --", "Vi%er", "V_sser"]
MILA_BORN = "2015-06-01"


@pytest.fixture
def scene():
    with clock.frozen(TODAY):
        world = build_world()
        web = Client()
        verified_login(web, world.caller)  # Client.login has no request for django-axes
        yield world, web, client(world.caller)


def test_the_search_finds_by_name_at_all(scene):
    _, web, api = scene
    found = api.get("/api/v1/persons", {"family_name": "viss", "birth_date": MILA_BORN})
    assert [p["given_name"] for p in found.json()] == ["Mila"]
    page = web.get("/personen/zoeken/", {"name": "mila", "birth_date": MILA_BORN})
    assert "Mila" in page.content.decode()


@pytest.mark.parametrize("term", TERMS)
def test_wildcards_and_sql_in_a_search_term_match_nobody(scene, term):
    _, web, api = scene
    persons = Person.objects.count()
    for params in ({"family_name": term, "birth_date": MILA_BORN},
                   {"family_name": "Visser", "given_name": term, "birth_date": MILA_BORN}):
        response = api.get("/api/v1/persons?" + urlencode(params))
        figures.count("hostile inputs tried")
        assert response.status_code == 200, response.content
        assert response.json() == [], (term, response.json())
    page = web.get("/personen/zoeken/?" + urlencode({"name": term, "birth_date": MILA_BORN}))
    figures.count("hostile inputs tried")
    assert page.status_code == 200
    assert "Mila" not in page.content.decode()
    assert Person.objects.count() == persons


@pytest.mark.parametrize("params", [{"municipality_code": "%"}, {"municipality_code": "' OR 1"},
                                    {"sector": "%"}, {"sector": ""}])
def test_a_filter_outside_its_domain_is_a_problem(scene, params):
    _, _, api = scene
    response = api.get("/api/v1/organisations?" + urlencode(params))
    figures.count("hostile inputs tried")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert [p["name"] for p in response.json()["invalidParams"]] == list(params)
