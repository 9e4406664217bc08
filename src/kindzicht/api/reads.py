"""What the API makes of the domain reads: a read that finds nothing visible to the caller is
a 404 problem.

The reads themselves — need to know, and one audit entry per request (NEN 7513) — are the
domain selectors' (``kindzicht.people.selectors``, ``kindzicht.continuity.selectors``,
``kindzicht.rules.selectors``), the same the web pages read through.
"""

from __future__ import annotations

from kindzicht.continuity import selectors as continuity
from kindzicht.continuity.models import Handover
from kindzicht.core.actions import Actor
from kindzicht.core.errors import NotFound
from kindzicht.people import selectors as people
from kindzicht.people.models import Person
from kindzicht.rules import selectors as rules
from kindzicht.rules.models import Task


def person_read(actor: Actor, person_id: int) -> Person:
    person = people.person_get(actor, person_id)
    if person is None:
        raise NotFound(f"No person with id {person_id}.")
    return person


def person_by_bsn(actor: Actor, *, bsn: str) -> Person:
    person = people.person_find_by_bsn(actor, bsn=bsn)
    if person is None:
        raise NotFound("No person with this BSN is registered.")
    return person


def handover_get(actor: Actor, handover_id: int, *, audit: bool = True) -> Handover:
    """A handover, for its sender or receiver only (others get 404: need to know)."""
    handover = continuity.handover_get(actor, handover_id, audit=audit)
    if handover is None:
        raise NotFound(f"No handover with id {handover_id} of your organisation.")
    return handover


def task_get(actor: Actor, task_id: int) -> Task:
    """The task to answer; the answer's own audit entry covers the read."""
    task = rules.task_get(actor, task_id, audit=False)
    if task is None:
        raise NotFound(f"No task with id {task_id} of your organisation.")
    return task
