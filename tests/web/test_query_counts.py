"""List pages read in a fixed number of queries, however many children or tasks they show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.people import services as people
from kindzicht.rules.tasks import task_create

from .conftest import open_risk, years_ago

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_children(pro, n: int) -> None:
    for i in range(n):
        child = people.person_create(Actor.of(pro), birth_date=years_ago(5 + i),
                                     given_name=f"Kind{i}", family_name="Test")
        open_risk(Actor.of(pro), child, factors=[])
        task_create(organisation=pro.organisation, code="C1", key=f"k{i}", child=child,
                    text="t", raised_on=clock.today())


@pytest.mark.parametrize("page", ["web:my_children", "web:tasks", "web:home"])
def test_list_pages_do_not_grow_with_the_list(web, pro, page):
    add_children(pro, 1)
    one = queries(web, reverse(page))
    add_children(pro, 4)
    five = queries(web, reverse(page))
    assert five == one, (one, five)
