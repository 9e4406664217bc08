"""Reads about risk factors and their owners."""

from __future__ import annotations

from .models import FactorOwnership


def owned_factors(child_id: int, organisation_id: int) -> dict[str, str]:
    """{factor code: via} that ``organisation`` owns (accepted, not released) for the child."""
    return dict(FactorOwnership.objects.filter(child_id=child_id, organisation_id=organisation_id,
                                               ended_on__isnull=True)
                .values_list("code", "via"))
