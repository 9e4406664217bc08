"""Who is *involved* with a person (findings.md): open involvement, an active signal, an open
concern, safety responsibility, or a received handover accepted but not yet confirmed."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Handover, HandoverStatus, Involvement, ResponsibilityPeriod


def involved_organisations(person_ids: Iterable[int]) -> dict[int, set[int]]:
    """person id -> ids of the organisations involved with that person now."""
    from kindzicht.index.models import Signal
    from kindzicht.meldcode.models import Concern

    ids = list(set(person_ids))
    out: dict[int, set[int]] = {p: set() for p in ids}
    sources = [
        Involvement.objects.filter(person_id__in=ids, ended_at__isnull=True)
        .values_list("person_id", "organisation_id"),
        Signal.objects.filter(person_id__in=ids, ended_at__isnull=True)
        .values_list("person_id", "organisation_id"),
        Concern.objects.filter(child_id__in=ids, decided_at__isnull=True)
        .values_list("child_id", "organisation_id"),
        ResponsibilityPeriod.objects.filter(child_id__in=ids, ended_at__isnull=True,
                                            organisation__isnull=False)
        .values_list("child_id", "organisation_id"),
        Handover.objects.filter(child_id__in=ids, status=HandoverStatus.ACCEPTED)
        .values_list("child_id", "receiver_id"),
    ]
    for qs in sources:
        for person_id, org_id in qs:
            out[person_id].add(org_id)
    return out


def is_involved(organisation_id: int, person_id: int) -> bool:
    return organisation_id in involved_organisations([person_id])[person_id]
