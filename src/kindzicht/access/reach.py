"""Reach: the persons an organisation's caseworkers may open (need to know, issue 8).

Defined once, set-based: :func:`reachable` answers, for a set of persons, which of them the
acting professional's organisation may open, in a fixed number of queries however many persons
are asked about. The person and continuity selectors, the API's person reads and the services
that write about a person ask it; nothing else decides.

An organisation reaches a person when it

* is *directly* concerned with them: open involvement, an active signal in the index, an open
  concern (or a report it made or received as Veilig Thuis), safety responsibility held, a
  handover offered to it or by it still open, a request it made or a decision it recorded about
  the child, an assessment of the child it made or in which it is named owner of a risk factor
  — and, for the Raad and the kinderrechter, any request about the child (that is how a case
  comes to them);
* is directly concerned with someone of a child's family (the child, its parents, guardians,
  step-parents, siblings, household — findings.md) of which the person is part: a school must
  see the family composition of its pupil and who else is involved, adult mental health care
  the children of its client (the Meldcode's kindcheck). The index shows involvement, never
  another organisation's content: what each organisation recorded stays scoped by its own
  rules (concerns, reports, assessments, plans);
* or, for one professional, holds an active break-the-glass grant for the person.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext as _

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.errors import Forbidden

#: Sectors to which a request about a child is addressed (continuity.models.REQUESTING_SECTORS).
DECIDING_SECTORS = frozenset({"child_protection_board", "juvenile_court"})


class OutOfReach(Forbidden):
    """The person is outside the acting organisation's reach. The web answers with the
    "buiten uw bereik" page offering break the glass; the API with a 403 problem."""

    code = "out_of_reach"

    def __init__(self, person_id: int):
        super().__init__(_("Deze persoon valt buiten het bereik van uw organisatie."),
                         field="person")
        self.person_id = person_id


def directly_reached(organisation_id: int, person_ids: Iterable[int]) -> set[int]:
    """Those of ``person_ids`` the organisation itself is concerned with (see the module)."""
    from kindzicht.continuity.models import (
        Decision,
        Handover,
        HandoverStatus,
        Involvement,
        Request,
        ResponsibilityPeriod,
    )
    from kindzicht.index.models import Signal
    from kindzicht.meldcode.models import Concern, Report
    from kindzicht.people.models import Organisation
    from kindzicht.safety.models import Assessment

    ids = set(person_ids)
    if not ids:
        return set()
    org = organisation_id
    open_handover = [HandoverStatus.OFFERED, HandoverStatus.ACCEPTED]
    found: set[int] = set()
    for qs in (
        Involvement.objects.filter(organisation_id=org, ended_at__isnull=True,
                                   person_id__in=ids).values_list("person_id", flat=True),
        Signal.objects.filter(organisation_id=org, ended_at__isnull=True,
                              person_id__in=ids).values_list("person_id", flat=True),
        Concern.objects.filter(organisation_id=org, decided_at__isnull=True,
                               child_id__in=ids).values_list("child_id", flat=True),
        Report.objects.filter(Q(reporter_id=org) | Q(safe_at_home_id=org),
                              child_id__in=ids).values_list("child_id", flat=True),
        ResponsibilityPeriod.objects.filter(organisation_id=org, ended_at__isnull=True,
                                            child_id__in=ids).values_list("child_id", flat=True),
        Handover.objects.filter(Q(receiver_id=org) | Q(sender_id=org),
                                status__in=open_handover, child_id__in=ids)
        .values_list("child_id", flat=True),
        Request.objects.filter(requester_id=org, child_id__in=ids)
        .values_list("child_id", flat=True),
        Decision.objects.filter(organisation_id=org, child_id__in=ids)
        .values_list("child_id", flat=True),
        Assessment.objects.filter(Q(organisation_id=org) | Q(factors__owner_id=org),
                                  child_id__in=ids).values_list("child_id", flat=True),
    ):
        found |= set(qs)
        if found >= ids:
            return found
    sector = Organisation.objects.filter(pk=org).values_list("sector", flat=True).first()
    if sector in DECIDING_SECTORS:
        found |= set(Request.objects.filter(child_id__in=ids - found)
                     .values_list("child_id", flat=True))
    return found


def granted(professional_id: int | None, person_ids: Iterable[int]) -> set[int]:
    """Those of ``person_ids`` the professional holds an active break-the-glass grant for.
    Remembers them (:mod:`.grants`) so that the reads that follow are audited with the
    grant's reason without another query."""
    from .grants import remember
    from .models import BreakGlass

    ids = set(person_ids)
    if professional_id is None or not ids:
        return set()
    rows = list(BreakGlass.objects.filter(professional_id=professional_id, person_id__in=ids,
                                          expires_at__gt=clock.now())
                .order_by("opened_at").values_list("person_id", "reason", "expires_at"))
    remember(professional_id, ids, rows)
    return {pid for pid, _reason, _until in rows}


def reachable(actor: Actor, person_ids: Iterable[int]) -> set[int]:
    """The persons of ``person_ids`` the actor may open. The system and replays (reconstruct
    mode) reach everyone; an actor without an organisation reaches nobody."""
    from kindzicht.people.family import children_and_families_of

    ids = {int(p) for p in person_ids}
    if not ids or actor.professional is None or not actor.is_live:
        return ids
    if actor.organisation_id is None:
        return set()
    from .grants import forget

    org = actor.organisation_id
    forget(actor.professional.pk, ids)
    found = directly_reached(org, ids)
    rest = ids - found
    if rest:
        # A child's family as one unit: concerned with one member, the organisation reaches
        # the child and every member (the school its pupil's parents, adult mental health
        # care its client's children — the Meldcode's kindcheck).
        day = clock.today()
        units = {kid: set(fam) | {kid}
                 for kid, fam in children_and_families_of(rest, day).items()}
        members = set().union(*units.values()) if units else set()
        concerned = (found & members) | directly_reached(org, members - found)
        for unit in units.values():
            if unit & concerned:
                found |= rest & unit
        rest = ids - found
    if rest:
        found |= granted(actor.professional.pk, rest)
    return found


def in_reach(actor: Actor, person_id: int) -> bool:
    return int(person_id) in reachable(actor, [person_id])


def require_reach(actor: Actor, person_id: int) -> None:
    """Refuse (:class:`OutOfReach`) a person outside the actor's reach."""
    if not in_reach(actor, person_id):
        raise OutOfReach(int(person_id))
