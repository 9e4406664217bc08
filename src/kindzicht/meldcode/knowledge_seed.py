"""The seeded text of the chain-partner knowledge base, loadable again after a test's flush.

The text itself lives in data migration 0004 (a migration keeps the content it shipped); this
puts back what is missing without overwriting an administrator's edits.
"""

from __future__ import annotations

import importlib


def seeded_knowledge() -> dict[str, tuple[str, str, str, str]]:
    """sector -> (can_do, must_do, reports_to, misconceptions) as migration 0004 seeds them."""
    migration = importlib.import_module(
        "kindzicht.meldcode.migrations.0004_seed_partner_knowledge")
    return migration.KNOWLEDGE


def load_partner_knowledge(model=None) -> int:
    """Create the entries of sectors that have none; returns how many were created."""
    if model is None:
        from .models import PartnerKnowledge as model
    have = set(model.objects.values_list("sector", flat=True))
    missing = [
        model(sector=sector, can_do=can_do, must_do=must_do, reports_to=reports_to,
              misconceptions=misconceptions)
        for sector, (can_do, must_do, reports_to, misconceptions) in seeded_knowledge().items()
        if sector not in have
    ]
    model.objects.bulk_create(missing)
    return len(missing)
