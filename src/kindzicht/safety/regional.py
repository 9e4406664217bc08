"""The factor list of a region: the standard codes of findings.md plus the codes a region adds
(``RegionalFactor``). An assessment of a child may name the codes of the region the child lives
in that day — the region of the municipality of the child's household, the same region whose
policy sets the rules' day counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction

from kindzicht.core.actions import Actor, record
from kindzicht.core.errors import Refused, ValidationError
from kindzicht.people.models import Region
from kindzicht.people.sectors import SECTORS

from .factors import DOMAINS, FACTORS, LABELS_NL
from .models import RegionalFactor

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,59}$")


@dataclass(frozen=True)
class Factor:
    """One code of a child's factor list: its domain, the specialist sector it needs (K5),
    its Dutch label, and whether a region added it."""

    code: str
    domain: str
    specialist_sector: str | None
    label: str
    regional: bool = False


def region_of(child_id: int, day: date) -> int | None:
    """The region of the municipality the child lives in on ``day`` (the rules' own reading)."""
    from kindzicht.rules.engine import Context

    return Context(as_of=day).region_of(child_id)


def standard_factors() -> dict[str, Factor]:
    return {code: Factor(code, domain, sector, LABELS_NL.get(code, code))
            for code, (domain, sector) in FACTORS.items()}


def factors_of_region(region_id: int | None) -> dict[str, Factor]:
    """The standard list, and the region's own codes after it."""
    out = standard_factors()
    if region_id is not None:
        for rf in RegionalFactor.objects.filter(region_id=region_id).order_by("domain", "code"):
            out.setdefault(rf.code, Factor(rf.code, rf.domain, rf.specialist_sector or None,
                                           rf.label, regional=True))
    return out


def factors_for_child(child_id: int, day: date) -> dict[str, Factor]:
    """What an assessment of this child on ``day`` may name."""
    return factors_of_region(region_of(child_id, day))


def regional_factor_add(actor: Actor, *, region: Region, code: str, domain: str, label: str,
                        specialist_sector: str | None = None) -> RegionalFactor:
    """A region extends the factor list (regional configuration; no person data)."""
    code = (code or "").strip()
    if not CODE_PATTERN.match(code):
        raise ValidationError("A factor code is lower-case letters, digits and underscores.",
                              field="code")
    if code in FACTORS:
        raise ValidationError(f"{code!r} is a standard factor code already.", field="code")
    if domain not in DOMAINS:
        raise ValidationError(f"Unknown domain {domain!r}; one of {', '.join(DOMAINS)}.",
                              field="domain")
    if not (label or "").strip():
        raise ValidationError("A regional factor needs a label.", field="label")
    if specialist_sector and specialist_sector not in SECTORS:
        raise ValidationError(f"Unknown sector {specialist_sector!r}.",
                              field="specialist_sector")
    try:
        with transaction.atomic():
            rf = RegionalFactor.objects.create(region=region, code=code, domain=domain,
                                               label=label.strip(),
                                               specialist_sector=specialist_sector or "")
            record(actor, "regional_factor_added", obj=rf,
                   payload={"region": region.pk, "code": code, "domain": domain,
                            "specialist_sector": specialist_sector or None})
    except IntegrityError:
        raise Refused(f"Region {region} has factor {code!r} already.", field="code") from None
    return rf


def factor_label(code: str, region_id: int | None = None) -> str:
    """The Dutch label of a code (translated for the standard codes); a regional code's own
    label; else the code itself."""
    from django.utils.translation import gettext

    if code in LABELS_NL:
        return gettext(LABELS_NL[code])
    rf = RegionalFactor.objects.filter(code=code)
    if region_id is not None:
        rf = rf.filter(region_id=region_id)
    label = rf.values_list("label", flat=True).first()
    return label or code
