"""Reads of the oversight of access, for every interface (web, API): the access log filtered,
and the unusual-access findings — for the data protection officer (FG) only.

The FG reads the log, never case content: what is shown of a person is their name and birth
date, as the log's subject. Every read here is a read of person data, so it writes one audit
entry naming the persons shown (NEN 7513: the overseer is overseen too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from kindzicht.core import clock
from kindzicht.core.actions import Actor, audit_read
from kindzicht.core.errors import ValidationError
from kindzicht.core.models import AuditEntry
from kindzicht.people.models import Organisation, Person, Professional, Role
from kindzicht.people.sectors import SECTOR_CHOICES

from .models import Finding, Rule
from .services import _require_privacy_officer

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: An export holds at most this many entries (narrow the filters for more).
EXPORT_LIMIT = 20_000


@dataclass
class LogFilter:
    """The access log's filters; every one optional. The period is whole days (inclusive)."""

    period_from: date | None = None
    period_to: date | None = None
    actor_id: int | None = None
    actor_username: str = ""
    organisation_id: int | None = None
    person_id: int | None = None
    family_name: str = ""
    birth_date: date | None = None
    kind: str = ""
    action: str = ""
    purpose: str = ""

    def described(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in self.__dict__.items() if v not in (None, "")}


def _person_ids_named(f: LogFilter) -> list[int] | None:
    """The persons the filter names: by internal id, or by family name and birth date (both
    needed, as in the person search). None: no person filter."""
    if f.person_id is not None:
        return [f.person_id]
    if f.family_name.strip() or f.birth_date is not None:
        if not f.family_name.strip():
            raise ValidationError(_("Geef bij de geboortedatum ook de achternaam."),
                                  field="family_name")
        if f.birth_date is None:
            raise ValidationError(_("Geef bij de achternaam ook de geboortedatum."),
                                  field="birth_date")
        return list(Person.objects.filter(family_name__iexact=f.family_name.strip(),
                                          birth_date=f.birth_date).values_list("pk", flat=True))
    return None


def names_any_of(person_ids: Iterable[int]) -> RawSQL:
    """An entry naming any of these persons (the JSON array searched by the database)."""
    ids = sorted({int(p) for p in person_ids}) or [-1]
    marks = ", ".join(["%s"] * len(ids))
    table = AuditEntry._meta.db_table
    if connection.vendor == "postgresql":
        sql = (f"EXISTS (SELECT 1 FROM jsonb_array_elements_text({table}.person_ids) AS p(value)"
               f" WHERE CAST(p.value AS BIGINT) IN ({marks}))")
    else:
        sql = (f"EXISTS (SELECT 1 FROM json_each({table}.person_ids) AS p "
               f"WHERE CAST(p.value AS INTEGER) IN ({marks}))")
    return RawSQL(sql, ids, output_field=BooleanField())


def _log_queryset(f: LogFilter) -> QuerySet[AuditEntry]:
    if f.period_from and f.period_to and f.period_to < f.period_from:
        raise ValidationError(_("De periode eindigt vóór ze begint."), field="period_to")
    if f.kind and f.kind not in ("read", "write", "system"):
        raise ValidationError(_("Kies lezen, wijzigen of systeem."), field="kind")
    qs = AuditEntry.objects.all()
    if f.period_from:
        qs = qs.filter(domain_at__gte=clock.start_of(f.period_from))
    if f.period_to:
        qs = qs.filter(domain_at__lt=clock.start_of(f.period_to + timedelta(days=1)))
    if f.actor_id is not None:
        qs = qs.filter(actor_id=f.actor_id)
    if f.actor_username.strip():
        pro = Professional.objects.filter(username__iexact=f.actor_username.strip()).first()
        if pro is None:
            raise ValidationError(_("Er is geen gebruiker met deze gebruikersnaam."),
                                  field="actor_username")
        qs = qs.filter(actor_id=pro.pk)
    if f.organisation_id is not None:
        qs = qs.filter(organisation_id=f.organisation_id)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.action.strip():
        qs = qs.filter(action=f.action.strip())
    if f.purpose.strip():
        qs = qs.filter(purpose__icontains=f.purpose.strip())
    persons = _person_ids_named(f)
    if persons is not None:
        qs = qs.filter(names_any_of(persons))
    return qs.order_by("-domain_at", "-id")


@dataclass
class Names:
    """Display names of the ids a page of entries or findings mentions, fetched in bulk."""

    actors: dict[int, Professional] = field(default_factory=dict)
    organisations: dict[int, Organisation] = field(default_factory=dict)
    persons: dict[int, Person] = field(default_factory=dict)

    @classmethod
    def of(cls, actor_ids: Iterable[int | None], org_ids: Iterable[int | None],
           person_ids: Iterable[int]) -> Names:
        return cls(
            actors=Professional.objects.in_bulk({a for a in actor_ids if a is not None}),
            organisations=Organisation.objects.in_bulk({o for o in org_ids if o is not None}),
            persons=Person.objects.in_bulk(set(person_ids)))

    def actor(self, pk: int | None) -> str:
        if pk is None:
            return _("systeem")
        pro = self.actors.get(pk)
        return f"{pro} ({pro.username})" if pro else f"#{pk}"

    def organisation(self, pk: int | None) -> str:
        if pk is None:
            return "—"
        org = self.organisations.get(pk)
        return org.name if org else f"#{pk}"

    def person(self, pk: int) -> str:
        p = self.persons.get(pk)
        if p is None:
            return _("#%(id)s (niet meer aanwezig)") % {"id": pk}
        return f"{p.name} ({p.birth_date.isoformat()}, #{p.pk})"


@dataclass
class LogRow:
    entry: AuditEntry
    actor: str
    organisation: str
    persons: list[tuple[int, str]]

    @property
    def role(self) -> str:
        return str(dict(Role.choices).get(self.entry.role, self.entry.role))


def _rows(entries: list[AuditEntry]) -> tuple[list[LogRow], set[int]]:
    shown = {int(p) for e in entries for p in e.person_ids}
    names = Names.of((e.actor_id for e in entries), (e.organisation_id for e in entries), shown)
    rows = [LogRow(e, names.actor(e.actor_id), names.organisation(e.organisation_id),
                   [(int(p), names.person(int(p))) for p in e.person_ids]) for e in entries]
    return rows, shown


def access_log(actor: Actor, f: LogFilter, *, page: int = 1,
               page_size: int = PAGE_SIZE) -> tuple[Page, list[LogRow]]:
    """One page of the filtered log, newest first, with the names of actors, organisations
    and persons. Audited as one read naming the persons on the page."""
    _require_privacy_officer(actor)
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    paginator = Paginator(_log_queryset(f), page_size)
    current = paginator.get_page(page)
    rows, shown = _rows(list(current.object_list))
    audit_read(actor, "access_log_viewed", person_ids=shown)
    return current, rows


def access_log_export(actor: Actor, f: LogFilter) -> tuple[list[LogRow], bool]:
    """The filtered log for a CSV export (at most EXPORT_LIMIT entries; the flag says whether
    more matched). Audited as one read naming every person exported."""
    _require_privacy_officer(actor)
    entries = list(_log_queryset(f)[:EXPORT_LIMIT + 1])
    more = len(entries) > EXPORT_LIMIT
    rows, shown = _rows(entries[:EXPORT_LIMIT])
    audit_read(actor, "access_log_exported", person_ids=shown)
    return rows, more


def log_choices() -> dict[str, list[tuple[Any, str]]]:
    """What the filters offer to choose from: the organisations. (Users are typed by user
    name and actions by name: listing every user, or every action that occurs in a log of
    millions of entries, would cost more than it helps.)"""
    return {"organisations": [(o.pk, o.name) for o in Organisation.objects.order_by("name")]}


# --- findings ---------------------------------------------------------------------------------


@dataclass
class FindingView:
    """A finding with the names it mentions and its facts in words."""

    finding: Finding
    actor: str
    organisation: str
    persons: list[tuple[int, str]]
    facts: list[str]


def _n(value: float | int) -> str:
    """A figure as people write it: 2, not 2.0; 2.5 stays."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _local(moment) -> str:
    return moment.astimezone(clock.zone()).strftime("%Y-%m-%d %H:%M") if moment else "?"


def finding_facts(f: Finding, names: Names) -> list[str]:
    """The recorded figures a finding rests on, in words: the rule is transparent."""
    g = f.figures
    period = _("van %(start)s tot en met %(end)s") % {"start": f.period_from.isoformat(),
                                                      "end": f.period_to.isoformat()}
    if f.rule == Rule.HEAVY_READER:
        return [
            _("%(persons)s verschillende personen ingezien in %(reads)s inzagen, %(period)s.")
            % {"persons": g["persons"], "reads": g["reads"], "period": period},
            _("Collega's met dezelfde rol (%(role)s) in dezelfde sector (%(sector)s): "
              "%(peers)s; mediaan %(median)s personen.")
            % {"role": dict(Role.choices).get(g["role"], g["role"]),
               "sector": dict(SECTOR_CHOICES).get(g["sector"], g["sector"] or "—"),
               "peers": g["peers"],
               "median": _n(g["peer_median"])},
            _("Regel: meer dan max(%(factor)s × mediaan, %(minimum)s) = %(threshold)s personen.")
            % {"factor": _n(g["factor"]), "minimum": g["minimum"],
               "threshold": _n(g["threshold"])},
        ]
    if f.rule == Rule.BREAK_GLASS:
        return [
            _("Dossier geopend met doorbreking op %(at)s; opgegeven reden: “%(reason)s”.")
            % {"at": _local(f.first_at),
               "reason": g.get("reason", "")},
            _("Inzagen onder doorbreking door deze gebruiker, %(period)s: %(n)s.")
            % {"period": period, "n": g.get("reads_under_break_glass", 0)},
        ]
    return [
        _("%(reads)s inzage(n) %(period)s, tussen %(first)s en %(last)s.")
        % {"reads": g["reads"], "period": period,
           "first": _local(f.first_at),
           "last": _local(f.last_at)},
        _("Door: %(users)s.") % {"users": ", ".join(names.actor(a) for a in g["actor_ids"])},
        _("Geen betrokkenheid, signaal in de verwijsindex, zorg, melding, veiligheidsregie of "
          "overdracht van deze organisatie met deze persoon op dat moment (marge %(days)s "
          "dagen).") % {"days": g["grace_days"]},
    ]


def _who(f: Finding, names: Names) -> str:
    if f.rule == Rule.OUTSIDE_INVOLVEMENT:
        return ", ".join(names.actor(a) for a in f.figures.get("actor_ids", []))
    return names.actor(f.actor_id)


def finding_views(found: list[Finding]) -> list[FindingView]:
    """Findings with names and facts (no audit entry: the caller's read or write has one)."""
    actor_ids = {f.actor_id for f in found} | {a for f in found
                                               for a in f.figures.get("actor_ids", [])}
    names = Names.of(actor_ids, (f.organisation_id for f in found),
                     {p for f in found for p in f.person_ids})
    return [FindingView(f, _who(f, names), names.organisation(f.organisation_id),
                        [(p, names.person(p)) for p in f.person_ids], finding_facts(f, names))
            for f in found]


def findings(actor: Actor, *, rule: str = "", status: str = "open",
             period_from: date | None = None, period_to: date | None = None,
             limit: int = 500) -> list[FindingView]:
    """The findings, newest period first: open (not reviewed), reviewed, or all; those
    overlapping the period. Audited as one read naming the persons in them."""
    _require_privacy_officer(actor)
    qs = Finding.objects.select_related("reviewed_by")
    if rule:
        qs = qs.filter(rule=rule)
    if status == "open":
        qs = qs.filter(reviewed_at__isnull=True)
    elif status == "reviewed":
        qs = qs.filter(reviewed_at__isnull=False)
    if period_from:
        qs = qs.filter(period_to__gte=period_from)
    if period_to:
        qs = qs.filter(period_from__lte=period_to)
    found = list(qs.order_by("-period_to", "rule", "id")[:limit])
    audit_read(actor, "oversight_findings_viewed",
               person_ids={p for f in found for p in f.person_ids})
    return finding_views(found)


def finding_get(actor: Actor, pk: int) -> FindingView | None:
    _require_privacy_officer(actor)
    f = Finding.objects.select_related("reviewed_by").filter(pk=pk).first()
    if f is None:
        return None
    audit_read(actor, "oversight_finding_viewed", person_ids=f.person_ids, obj=f)
    return finding_views([f])[0]


def open_findings_count() -> int:
    """For the FG's home page (no person data: a number)."""
    return Finding.objects.filter(reviewed_at__isnull=True).count()


def audit_alerts(organisation: Organisation | None) -> list:
    """Open alerts of a failed audit verification addressed to the FG's organisation (they
    name a chain and a position, no person)."""
    from kindzicht.rules.models import Task, TaskStatus

    from .alerts import CODE

    if organisation is None:
        return []
    return list(Task.objects.filter(code=CODE, status=TaskStatus.OPEN,
                                    organisation=organisation).order_by("-raised_on", "-id"))
