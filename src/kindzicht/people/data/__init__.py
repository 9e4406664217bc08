"""Reference data: real CBS municipality codes, grouped in youth-care regions (jeugdregio's).

``municipalities.csv`` holds a selection of real municipalities (CBS code, name, province,
youth-care region) with an approximate four-digit postcode range each, so that synthetic
addresses look plausible. It is loaded by the people data migration (0002) and reloaded,
idempotently, by ``kindzicht seed``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CSV_PATH = Path(__file__).with_name("municipalities.csv")


@dataclass(frozen=True)
class MunicipalityRow:
    code: str
    name: str
    province: str
    region: str
    pc4_from: int
    pc4_to: int


@cache
def municipality_rows() -> tuple[MunicipalityRow, ...]:
    with CSV_PATH.open(encoding="utf-8", newline="") as fh:
        return tuple(
            MunicipalityRow(r["code"], r["name"], r["province"], r["region"],
                            int(r["pc4_from"]), int(r["pc4_to"]))
            for r in csv.DictReader(fh)
        )


def by_code() -> dict[str, MunicipalityRow]:
    return {r.code: r for r in municipality_rows()}


def regions() -> dict[str, list[MunicipalityRow]]:
    """Region name -> its municipalities, in file order (the first is the region's centre)."""
    out: dict[str, list[MunicipalityRow]] = {}
    for r in municipality_rows():
        out.setdefault(r.region, []).append(r)
    return out


def load_municipalities(region_model: Any = None, municipality_model: Any = None) -> int:
    """Create or update every region and municipality of the CSV; returns the number of
    municipalities. Takes the model classes so that a migration can pass its historical ones."""
    if region_model is None or municipality_model is None:
        from kindzicht.people.models import Municipality, Region

        region_model, municipality_model = Region, Municipality
    region_ids: dict[str, int] = {}
    for name in regions():
        region, _ = region_model.objects.get_or_create(name=name)
        region_ids[name] = region.pk
    rows = municipality_rows()
    for r in rows:
        municipality_model.objects.update_or_create(
            code=r.code, defaults={"name": r.name, "region_id": region_ids[r.region]})
    return len(rows)
