"""Retention per data kind (issue 8): how long each kind of record is kept after the moment
that starts its period, and the purge that ``kindzicht sweep`` runs every night (and
``kindzicht retention`` runs on demand, with ``--dry-run`` to show what would go).

Periods are policy values (``core.PolicyValue``, the same store as the rules' day counts) under
the key ``retention.<kind>.months``: the national value (no region), overridden per region for
records whose organisation lies in that region. Without a value the default below applies;
docs/privacy.md gives the legal source of each.

Deletes are set-based (one query per batch of ids, cascades done by the database layer), and
each kind that purged anything records one ``retention_purged`` event + audit entry with the
counts and ids per model and the persons concerned. Domain events and audit entries name people
only by id and are never deleted, so the audit chain keeps verifying.

The access log (audit entries of kind ``read``) is not purged here: its entries are links of
the hash chain, and deleting them would break the chain's verification. NEN 7513 asks at least
five years; cutting the chain at a seal older than that is left to a later, separate measure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kindzicht.core import clock
from kindzicht.core.actions import Actor, record
from kindzicht.core.models import PolicyValue
from kindzicht.index.policy import months_later

BATCH = 500


@dataclass(frozen=True)
class Part:
    """One model of a kind: ``date_field`` is the day its period starts counting (it must be
    set: an open record is never purged), ``org_field`` the organisation whose region applies,
    ``person_field`` the person it is about (for the audit entry)."""

    model: str
    date_field: str
    org_field: str | None = None
    person_field: str | None = None
    filters: dict = field(default_factory=dict)
    is_datetime: bool = False


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # lazily translated, as are starts and source
    default_months: int
    starts: str
    source: str
    parts: tuple[Part, ...] = ()

    @property
    def key(self) -> str:
        return f"retention.{self.code}.months"


YOUTH_CARE = _("Jeugdwet art. 7.3.8: dossiers van jeugdhulp en jeugdbescherming 20 jaar, "
               "tenzij langer nodig voor goede hulp")

KINDS: tuple[Kind, ...] = (
    Kind("concerns_closed", _("Afgesloten zorgen en hun meldcodestappen"), 240,
         _("de dag dat over de zorg werd besloten"), YOUTH_CARE,
         (Part("meldcode.Concern", "decided_on", "organisation", "child"),)),
    Kind("meldcode_reports", _("Meldingen bij Veilig Thuis (behandeld)"), 240,
         _("de dag dat Veilig Thuis de melding afhandelde"),
         _("Als dossiers van jeugdhulp (Jeugdwet art. 7.3.8): 20 jaar; voor het eigen dossier "
           "van Veilig Thuis geldt de Wmo 2015"),
         (Part("meldcode.Report", "handled_on", "safe_at_home", "child"),)),
    Kind("assessments", _("Veiligheids- en risicotaxaties met hun factoren"), 240,
         _("de dag van de taxatie"), YOUTH_CARE,
         (Part("safety.Assessment", "on", "organisation", "child"),
          Part("safety.FactorOwnership", "ended_on", "organisation", "child"),
          Part("safety.LifeEvent", "on", "organisation", "person"))),
    Kind("plans", _("Vervangen gezinsplannen met doelen en afspraken"), 240,
         _("de dag dat het plan werd vervangen"), YOUTH_CARE,
         (Part("plans.FamilyPlan", "replaced_on", "coordinator", "child"),
          Part("plans.Cooperation", "on", "organisation", "child"),
          Part("plans.Share", "on", "from_organisation", "person"))),
    Kind("involvements_ended", _("Beëindigde betrokkenheid en de zorggeschiedenis"), 240,
         _("de dag dat de betrokkenheid (of het risico, de regie) eindigde"), YOUTH_CARE,
         (Part("continuity.Involvement", "ended_on", "organisation", "person"),
          Part("continuity.InvolvementEnd", "on", "organisation", "person"),
          Part("continuity.RiskPeriod", "closed_on", "opened_by", "child"),
          Part("continuity.ResponsibilityPeriod", "ended_on", "organisation", "child"),
          Part("continuity.ResponsibilityTaking", "on", "organisation", "child"),
          Part("continuity.Handover", "on", "sender", "child",
               {"status__in": ["confirmed", "declined", "withdrawn"]}),
          Part("continuity.Correction", "on", "organisation"))),
    Kind("requests_decisions", _("Verzoeken aan en besluiten van Raad en rechter"), 240,
         _("de dag van het verzoek of besluit"), YOUTH_CARE,
         (Part("continuity.Decision", "on", "organisation", "child"),
          Part("continuity.Request", "on", "requester", "child"))),
    Kind("tasks_answered", _("Beantwoorde taken en signaleringen"), 60,
         _("de dag dat de taak werd beantwoord"),
         _("Geen wettelijke termijn; 5 jaar, zoals het archief van de verwijsindex en het "
           "toegangslog (NEN 7513), om bij toezicht en calamiteitenonderzoek te kunnen "
           "verantwoorden wat is gesignaleerd"),
         (Part("rules.Task", "answered_on", "organisation", "child",
               {"status__in": ["done", "not_applicable"]}),)),
    Kind("notifications", _("Verzonden berichten (outbox)"), 12,
         _("het moment dat het bericht werd gemaakt"),
         _("Geen wettelijke termijn; een bericht is een kopie van wat elders is vastgelegd "
           "(AVG art. 5 lid 1 onder e: niet langer dan nodig)"),
         (Part("core.Notification", "created_at", "organisation", "person_id",
               {"sent_at__isnull": False}, is_datetime=True),)),
    Kind("inzage_requests", _("Afgehandelde inzageverzoeken"), 60,
         _("de dag dat de inzage werd verstrekt"),
         _("AVG art. 5 lid 2 (verantwoordingsplicht): 5 jaar om te kunnen laten zien dat een "
           "verzoek op tijd is behandeld"),
         (Part("privacy.InzageRequest", "delivered_on", "organisation", "person",
               {"status": "delivered"}),)),
    Kind("persons_empty", _("Personen over wie niets meer is vastgelegd"), 12,
         _("de laatste handeling die de persoon noemt"),
         _("AVG art. 5 lid 1 onder e: een naam zonder dossier heeft geen doel meer; een jaar "
           "marge voor wat nog kan volgen")),
)
KIND_BY_CODE = {k.code: k for k in KINDS}


def policy_keys() -> list[tuple[str, str]]:
    """The retention keys with their label and default, for the admin's policy form."""
    return [(k.key, f"{k.key} — bewaartermijn: {k.label} (standaard {k.default_months} "
                    f"maanden)") for k in KINDS]


def months_for(kind: Kind) -> tuple[int, dict[int, int]]:
    """The national period in months, and the regions' own periods {region_id: months}."""
    national = kind.default_months
    regional: dict[int, int] = {}
    for region_id, value in PolicyValue.objects.filter(key=kind.key).values_list("region_id",
                                                                                 "value"):
        if region_id is None:
            national = value
        else:
            regional[region_id] = value
    return national, regional


def _region_codes(region_ids: Iterable[int]) -> dict[int, list[str]]:
    from kindzicht.people.models import Municipality

    out: dict[int, list[str]] = {r: [] for r in region_ids}
    for code, region_id in Municipality.objects.filter(region_id__in=list(out)).values_list(
            "code", "region_id"):
        out[region_id].append(code)
    return out


def _before(part: Part, cutoff: date) -> Q:
    if part.is_datetime:
        return Q(**{f"{part.date_field}__lt": clock.start_of(cutoff)})
    return Q(**{f"{part.date_field}__lt": cutoff})


def due_query(kind: Kind, part: Part, day: date) -> Q:
    """Rows of ``part`` past their period on ``day`` (a record starts counting when its date
    field is set; the period of the region of its organisation applies, else the national)."""
    national, regional = months_for(kind)
    q = Q(**{f"{part.date_field}__isnull": False}, **part.filters)
    if not regional or part.org_field is None:
        return q & _before(part, months_later(day, -national))
    codes = _region_codes(regional)
    org_code = f"{part.org_field}__municipality_code__in"
    in_some = [c for cs in codes.values() for c in cs]
    by_period = ~Q(**{org_code: in_some}) & _before(part, months_later(day, -national))
    for region_id, months in regional.items():
        by_period |= Q(**{org_code: codes[region_id]}) & _before(
            part, months_later(day, -months))
    return q & by_period


@dataclass
class KindResult:
    kind: Kind
    counts: dict[str, int] = field(default_factory=dict)
    ids: dict[str, list[int]] = field(default_factory=dict)
    persons: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _person_attr(part: Part) -> str | None:
    if part.person_field is None:
        return None
    return part.person_field if part.person_field.endswith("_id") else f"{part.person_field}_id"


def _purge_parts(kind: Kind, day: date, dry_run: bool) -> KindResult:
    out = KindResult(kind)
    for part in kind.parts:
        model = apps.get_model(part.model)
        attr = _person_attr(part)
        fields = ["pk", attr] if attr else ["pk"]
        rows = list(model.objects.filter(due_query(kind, part, day)).values_list(*fields))
        ids = sorted(r[0] for r in rows)
        out.persons |= {r[1] for r in rows if attr and r[1] is not None}
        if not ids:
            continue
        out.ids[part.model] = ids
        out.counts[part.model] = len(ids)
        if not dry_run:
            for start in range(0, len(ids), BATCH):
                model.objects.filter(pk__in=ids[start:start + BATCH]).delete()
    return out


def empty_person_ids(day: date, months: int) -> list[int]:
    """Persons with nothing left: no record of their own, no relative or household member who
    still has one (the family must stay whole while anyone in it is a case), and nothing that
    names them since ``months`` before ``day``."""
    from kindzicht.core.models import EventSubject
    from kindzicht.people.models import HouseholdMembership, Person, Relation

    holding: set[int] = set()
    for label, attr in HOLDING:
        holding |= set(apps.get_model(label).objects.exclude(**{f"{attr}__isnull": True})
                       .values_list(attr, flat=True).distinct())
    related = set()
    for a, b in Relation.objects.values_list("person_id", "other_id"):
        if a in holding:
            related.add(b)
        if b in holding:
            related.add(a)
    members: dict[int, set[int]] = {}
    for hh, p in HouseholdMembership.objects.values_list("household_id", "person_id"):
        members.setdefault(hh, set()).add(p)
    for ps in members.values():
        if ps & holding:
            related |= ps
    cutoff = months_later(day, -months)
    candidates = [pk for pk in Person.objects.values_list("pk", flat=True)
                  if pk not in holding and pk not in related]
    out = []
    for start in range(0, len(candidates), BATCH):
        batch = candidates[start:start + BATCH]
        named = set(EventSubject.objects.filter(person_id__in=batch).values_list(
            "person_id", flat=True))
        recent = set(EventSubject.objects.filter(
            person_id__in=batch, event__occurred_on__gte=cutoff).values_list(
            "person_id", flat=True))
        young = set(Person.objects.filter(pk__in=[p for p in batch if p not in named],
                                          created_at__gte=clock.start_of(cutoff))
                    .values_list("pk", flat=True))
        out += [pk for pk in batch if pk not in recent and pk not in young]
    return sorted(out)


#: (model, person field) of every record that keeps a person: while any exists the person is
#: not "empty".
HOLDING: tuple[tuple[str, str], ...] = (
    ("continuity.Involvement", "person_id"), ("continuity.InvolvementEnd", "person_id"),
    ("continuity.RiskPeriod", "child_id"), ("continuity.ResponsibilityPeriod", "child_id"),
    ("continuity.ResponsibilityTaking", "child_id"), ("continuity.Handover", "child_id"),
    ("continuity.Request", "child_id"), ("continuity.Decision", "child_id"),
    ("refindex.Signal", "person_id"), ("refindex.Match", "child_id"),
    ("meldcode.Concern", "child_id"), ("meldcode.Report", "child_id"),
    ("safety.Assessment", "child_id"), ("safety.FactorOwnership", "child_id"),
    ("safety.LifeEvent", "person_id"), ("plans.FamilyPlan", "child_id"),
    ("plans.Cooperation", "child_id"), ("plans.Share", "person_id"),
    ("rules.Task", "child_id"), ("privacy.InzageRequest", "person_id"),
    ("learning.Calamity", "child_id"),
)


def purge(actor: Actor, day: date, *, dry_run: bool = False,
          kinds: Iterable[str] | None = None) -> list[KindResult]:
    """Purge every kind (or ``kinds``) past its period on ``day``; with ``dry_run`` only count.
    Idempotent: a second run on the same day finds nothing. One transaction per kind."""
    from kindzicht.people.models import Person

    wanted = list(kinds) if kinds else [k.code for k in KINDS]
    unknown = [c for c in wanted if c not in KIND_BY_CODE]
    if unknown:
        from kindzicht.core.errors import ValidationError

        raise ValidationError(f"Onbekende soort: {', '.join(unknown)}; kies uit: "
                              f"{', '.join(KIND_BY_CODE)}.", field="kind")
    results = []
    for code in wanted:
        kind = KIND_BY_CODE[code]
        with transaction.atomic():
            if code == "persons_empty":
                ids = empty_person_ids(day, months_for(kind)[0])
                res = KindResult(kind)
                if ids:
                    res.ids["people.Person"] = ids
                    res.counts["people.Person"] = len(ids)
                    res.persons = set(ids)
                    if not dry_run:
                        for start in range(0, len(ids), BATCH):
                            Person.objects.filter(pk__in=ids[start:start + BATCH]).delete()
            else:
                res = _purge_parts(kind, day, dry_run)
            if res.total and not dry_run:
                record(actor, "retention_purged", subjects=sorted(res.persons),
                       payload={"kind": code, "as_of": day.isoformat(),
                                "months": months_for(kind)[0], "counts": res.counts,
                                "ids": res.ids})
        results.append(res)
    return results


def run(day: date) -> list[str]:
    """The sweep's step: purge what is past its period; lines say what (Dutch)."""
    actor = Actor.system("bewaartermijnen")
    lines = []
    for res in purge(actor, day):
        if res.total:
            parts = ", ".join(f"{n} {model.split('.')[-1]}" for model, n in res.counts.items())
            lines.append(f"Bewaartermijn verstreken — {res.kind.label}: {parts}.")
    return lines
