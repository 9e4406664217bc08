"""Bulk intake (issue 4): registrations imported from an existing regional index (CSV) — one
service like any other, not a side door.

The rows are staged in a temporary table (COPY on PostgreSQL, a batched insert on SQLite) and
looked up set-based (persons by BSN, else by name and birth date; active signals of the same
organisation); every row is validated and the rejected ones are reported with their line and
reasons. Then, in one transaction, the signals are written set-based with a domain event and an
audit entry per registration (the informing a row records is part of its registration and
cites its event; a row without one gets an informing task), and open risk and the matches are
evaluated once for everyone — the same facts ``signal_register`` writes one by one. Nothing is
half-imported: by default one rejected row imports nothing (fix the file and run it again);
``partial=True`` imports the valid rows and reports the rest.

CSV columns (a header row; ``;`` or ``,``): ``organisation`` (id), ``bsn``, ``given_name``,
``family_name``, ``birth_date`` (YYYY-MM-DD), ``contact``, ``registered_on`` (default today),
``informed_on`` (the family was informed; empty: an informing task is made).
"""

from __future__ import annotations

import csv
import functools
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TextIO

from django.db import connection, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext

from kindzicht.continuity import risk
from kindzicht.core import ahead, clock, rows
from kindzicht.core.actions import Actor, Change, audit_read, record_many, reserve
from kindzicht.core.bounds import date_problem
from kindzicht.core.errors import Forbidden, ValidationError
from kindzicht.core.rows import Ids
from kindzicht.core.text import forbidden_character, text_problem
from kindzicht.people.bsn import is_valid_bsn, normalise_bsn
from kindzicht.people.family import (
    _years_before,
    children_and_families_of,
    signalled_families,
)
from kindzicht.people.models import Organisation, Person

from .models import Informing, Match, Signal
from .policy import Policy, policies_for_organisations
from .services import INFORM_TASK, MAX_AGE, WHOM_LABELS, _expiry, inform_duties

COLUMNS = ["organisation", "bsn", "given_name", "family_name", "birth_date", "contact",
           "registered_on", "informed_on"]
REQUIRED = {"organisation", "birth_date"}
STAGE = "index_import_stage"
BATCH = 2000

#: the most rows a file imported within a web request may have (the admin's screen, the API):
#: a larger file runs longer than a web request may (a regional index is tens of thousands; a
#: national one a million: the command line, ``kindzicht index_import``, docs/operations.md)
ONLINE_MAX_ROWS = 50_000
#: the largest such file read at all: 50,000 rows of a regional index are a few megabytes; a
#: file far larger is refused before it is read into the web process's memory
ONLINE_MAX_BYTES = 30 * 1024 * 1024


@dataclass
class Row:
    line: int
    raw: dict[str, str]
    errors: list[str] = field(default_factory=list)
    organisation: Organisation | None = None
    person_id: int | None = None
    registered_on: date | None = None
    informed_on: date | None = None
    birth_date: date | None = None
    #: a cell naming the person was refused (a BSN failing the elfproef, a name breaking the
    #: text rules): that is the row's error, the person is not looked up another way
    identity_refused: bool = False


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    rejected: list[tuple[int, list[str]]] = field(default_factory=list)
    written: bool = False
    signal_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


def decoded(data: bytes) -> str:
    """A file's text: UTF-8, with or without a byte order mark — else an error naming where
    it is not, so that the one odd character can be found (a spreadsheet's export in
    Windows-1252 differs from UTF-8 only in its accented names)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(gettext(
            "Het bestand is geen UTF-8-tekst (regel %(line)d, byte %(at)d). Sla het op als "
            "CSV (UTF-8).") % {"line": data.count(b"\n", 0, exc.start) + 1,
                               "at": exc.start + 1}, field="file") from None


def refuse_too_large(size: int) -> None:
    """A file larger than a web request may import (:data:`ONLINE_MAX_BYTES`), refused before
    it is read."""
    if size > ONLINE_MAX_BYTES:
        raise ValidationError(gettext(
            "Dit bestand is %(size)s MB; hier kan ten hoogste %(max)s MB. Importeer een "
            "groter bestand op de server met kindzicht index_import.")
            % {"size": number_format(size / 2**20, 1),
               "max": number_format(ONLINE_MAX_BYTES / 2**20, 0)}, field="file")


def online_text(data: bytes) -> str:
    """The text of a file imported within a web request (the admin's screen, the API): within
    its limits (:data:`ONLINE_MAX_BYTES`, :data:`ONLINE_MAX_ROWS`) and UTF-8."""
    refuse_too_large(len(data))
    text = decoded(data)
    rows = max(0, len(text.splitlines()) - 1)
    if rows > ONLINE_MAX_ROWS:
        raise ValidationError(gettext(
            "Dit bestand heeft %(rows)s regels; hier kunnen er ten hoogste %(max)s. "
            "Importeer een groter bestand op de server met kindzicht index_import.")
            % {"rows": number_format(rows, force_grouping=True),
               "max": number_format(ONLINE_MAX_ROWS, force_grouping=True)}, field="file")
    return text


def _date(value: str, what: str, row: Row) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        row.errors.append(f"{what}: geen datum (JJJJ-MM-DD): {value!r}")
        return None
    if problem := date_problem(day):  # 9999-12-31 has no expiry two years on
        row.errors.append(f"{what}: {problem}")
        return None
    return day


def _read(text: str) -> list[Row]:
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise _unreadable(reader, exc) from None
    missing = REQUIRED - set(header)
    unknown = set(header) - set(COLUMNS)
    if missing or unknown:
        raise ValidationError(
            f"Kolommen: verwacht {', '.join(COLUMNS)}; "
            f"ontbreekt: {', '.join(sorted(missing)) or '-'}; "
            f"onbekend: {', '.join(sorted(unknown)) or '-'}.", field="file")
    rows = []
    try:
        for i, raw in enumerate(reader, start=2):
            clean = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
            rows.append(Row(line=i, raw={c: clean.get(c, "") for c in COLUMNS}))
    except csv.Error as exc:
        raise _unreadable(reader, exc) from None
    if not rows:
        raise ValidationError("Het bestand bevat geen registraties.", field="file")
    return rows


def _unreadable(reader: csv.DictReader, exc: csv.Error) -> ValidationError:
    """A file the CSV reader cannot read on — a cell longer than its limit (131,072
    characters; a registration's longest is 200): the whole file is refused, naming the line
    (the reader counts the lines it finished)."""
    limit = csv.field_size_limit()
    why = (gettext("een veld is langer dan %(max)s tekens")
           % {"max": number_format(limit, force_grouping=True)}
           if f"({limit})" in str(exc) else str(exc))
    return ValidationError(gettext("Regel %(line)d is geen leesbare CSV: %(why)s.")
                           % {"line": reader.line_num + 1, "why": why}, field="file")


# --- staging and set-based lookups ----------------------------------------------------------


def _stage(rows: list[Row]) -> None:
    """The rows in a temporary table: COPY on PostgreSQL, batched inserts elsewhere."""
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cur.execute(f"CREATE TEMPORARY TABLE {STAGE} (line integer, bsn varchar(9), "
                    "given_name varchar(120), family_name varchar(120), birth_date date)")
        data = [(r.line, r.raw["bsn"] or None, r.raw["given_name"].lower(),
                 r.raw["family_name"].lower(), r.birth_date) for r in rows]
        if connection.vendor == "postgresql":
            with cur.cursor.copy(
                    f"COPY {STAGE} (line, bsn, given_name, family_name, birth_date) "
                    "FROM STDIN") as copy:
                for item in data:
                    copy.write_row(item)
        else:
            for start in range(0, len(data), BATCH):
                cur.executemany(f"INSERT INTO {STAGE} VALUES (%s, %s, %s, %s, %s)",
                                data[start:start + BATCH])


def _lookups() -> tuple[dict[int, int], dict[int, list[int]]]:
    """line -> person id by BSN; line -> person ids by name and birth date (rows without a
    BSN)."""
    person = Person._meta.db_table
    by_bsn: dict[int, int] = {}
    by_name: dict[int, list[int]] = defaultdict(list)
    with connection.cursor() as cur:
        cur.execute(f"SELECT s.line, p.id FROM {STAGE} s JOIN {person} p ON p.bsn = s.bsn")
        by_bsn.update(cur.fetchall())
        cur.execute(f"SELECT s.line, p.id FROM {STAGE} s JOIN {person} p "
                    "ON p.birth_date = s.birth_date AND LOWER(p.given_name) = s.given_name "
                    "AND LOWER(p.family_name) = s.family_name WHERE s.bsn IS NULL")
        for line, pid in cur.fetchall():
            by_name[line].append(pid)
        cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
    return by_bsn, by_name


# --- validation -----------------------------------------------------------------------------


#: the longest a cell may be: the staging table's names take 120 characters, a signal's
#: contact 200 (as ``signal_register``'s)
CELL_MAX = {"contact": 200}
CELL_MAX_OTHERS = 120


def _text_rules(r: Row, *, characters: bool) -> set[str]:
    """The input rules of every screen and the API (``core.text``: no control characters,
    bidi overrides or over-long text) for each cell; a cell that breaks them is the row's
    error, and left out of the staging and the lookups. Returns those columns.
    ``characters``: the file holds a character the rules forbid somewhere, so each cell's are
    looked at too (else only their lengths: a national file's 8 million cells)."""
    refused = set()
    for column, value in r.raw.items():
        limit = CELL_MAX.get(column, CELL_MAX_OTHERS)
        if value and (characters or len(value) > limit) and (
                problem := text_problem(value, max_length=limit)):
            r.errors.append(f"{column}: {problem}")
            r.raw[column] = ""
            refused.add(column)
    return refused


def _validate(rows: list[Row], today: date, *, characters: bool = True
              ) -> dict[int, Policy]:
    """Each row's own checks and its person looked up. ``characters``: see
    :func:`_text_rules`."""
    org_ids = {int(r.raw["organisation"]) for r in rows if r.raw["organisation"].isdigit()}
    orgs = Organisation.objects.in_bulk(list(org_ids))
    policies = policies_for_organisations(orgs.values())
    for r in rows:
        raw = r.raw
        refused = _text_rules(r, characters=characters)
        r.identity_refused = bool(refused & {"bsn", "given_name", "family_name"})
        if "organisation" in refused:
            pass  # the text rules' error is the cell's
        elif not raw["organisation"].isdigit() or int(raw["organisation"]) not in orgs:
            r.errors.append(f"organisation: onbekende organisatie {raw['organisation']!r}")
        else:
            r.organisation = orgs[int(raw["organisation"])]
            if r.organisation.sector not in policies[r.organisation.pk].authorised_sectors:
                r.errors.append(f"organisation: {r.organisation.name} "
                                f"({r.organisation.get_sector_display()}) is niet "
                                f"meldingsbevoegd")
        if raw["bsn"]:
            raw["bsn"] = normalise_bsn(raw["bsn"])
            if not is_valid_bsn(raw["bsn"]):
                r.errors.append("bsn: voldoet niet aan de elfproef")
                raw["bsn"] = ""
                r.identity_refused = True
        r.birth_date = _date(raw["birth_date"], "birth_date", r)
        if r.birth_date is None and not any(e.startswith("birth_date") for e in r.errors):
            r.errors.append("birth_date: verplicht")
        r.registered_on = _date(raw["registered_on"], "registered_on", r) or today
        r.informed_on = _date(raw["informed_on"], "informed_on", r)
        if r.registered_on > today:
            r.errors.append("registered_on: ligt in de toekomst")
        if r.informed_on and not (r.registered_on <= r.informed_on <= today):
            r.errors.append("informed_on: ligt niet tussen de registratie en vandaag")
    _stage(rows)
    by_bsn, by_name = _lookups()
    for r in rows:
        if r.raw["bsn"]:
            r.person_id = by_bsn.get(r.line)
            if r.person_id is None:
                r.errors.append("bsn: er is geen persoon met dit BSN bekend")
        elif r.birth_date is not None and not r.identity_refused:
            found = by_name.get(r.line, [])
            if len(found) == 1:
                r.person_id = found[0]
            elif not found:
                r.errors.append("persoon: geen persoon met deze naam en geboortedatum bekend")
            else:
                r.errors.append("persoon: meerdere personen met deze naam en geboortedatum; "
                                "geef het BSN")
    return policies


@dataclass(frozen=True, slots=True)
class _Person:
    """What the import reads of a person: their dates (the checks, the expiry, whom to
    inform) and their name (the informing task) — as a plain row: a national import reads a
    million persons, and their model instances cost it seven seconds."""

    pk: int
    birth_date: date
    death_date: date | None
    given_name: str
    family_name: str

    name = property(Person.name.fget)


_PERSON_READ = ("pk", "birth_date", "death_date", "given_name", "family_name")


def _validate_people(rows: list[Row], today: date, policies: dict[int, Policy]
                     ) -> dict[int, _Person]:
    """The checks on the persons found; returns them (the writing needs them again)."""
    persons = {values[0]: _Person(*values) for values in Person.objects.filter(
        pk__among=Ids([r.person_id for r in rows if r.person_id])).values_list(*_PERSON_READ)}
    born_by = _years_before(today, MAX_AGE)  # born on or before it: 23 or older
    adults = {pid for pid, p in persons.items() if p.birth_date <= born_by}
    # the children whose family holds one of these adults, with those families: one read
    fams = children_and_families_of(adults, today)
    in_family = adults & {m for f in fams.values() for m in f}
    pairs = {(r.organisation.pk, r.person_id) for r in rows if r.organisation and r.person_id}
    active = set(Signal.objects.filter(
        ended_at__isnull=True, person_id__among=Ids({p for _o, p in pairs}),
        organisation_id__in={o for o, _p in pairs}).values_list("organisation_id", "person_id"))
    seen: dict[tuple[int, int], int] = {}
    for r in rows:
        if r.person_id is None:
            continue
        p = persons[r.person_id]
        if r.birth_date and p.birth_date != r.birth_date:
            r.errors.append(f"birth_date: wijkt af van de bekende geboortedatum "
                            f"({p.birth_date:%Y-%m-%d})")
        if p.death_date:
            r.errors.append("persoon: is overleden")
        if p.pk in adults and p.pk not in in_family:
            r.errors.append("persoon: ouder dan 23 en geen gezinslid van een kind")
        if r.organisation is None:
            continue
        key = (r.organisation.pk, p.pk)
        if key in active:
            r.errors.append("dubbel: de organisatie heeft al een actief signaal op deze persoon")
        elif key in seen:
            r.errors.append(f"dubbel: zelfde organisatie en persoon als regel {seen[key]}")
        else:
            seen[key] = r.line
        if r.registered_on and _expiry(p, r.registered_on,
                                        policies[r.organisation.pk].signal_months) < today:
            r.errors.append("registered_on: het signaal zou al verlopen zijn")
    return persons


# --- set-based writing ----------------------------------------------------------------------


def _moment(day: date, today: date):
    return clock.now() if day == today else clock.start_of(day) + timedelta(hours=12)


def _signal_contact(r: Row) -> str:
    return r.raw["contact"] or ", ".join(x for x in (r.organisation.phone, r.organisation.email)
                                         if x)


def _write(actor: Actor, good: list[Row], today: date, policies: dict[int, Policy],
           persons: dict[int, _Person], *, clean: bool = False,
           early: tuple[list[int], Future] | None = None) -> list[int]:
    """The signals, an event and an audit entry each (``record_many``), the informing or its
    task, then open risk and the matches for everyone at once. Returns the signals' ids.

    Everything is written from plain rows (COPY on PostgreSQL): the ids of the signals and
    informings are reserved first, so that each event names its object and each object cites
    its event as it is written, without model instances or an UPDATE afterwards.

    The families are asked for before the writing starts (the imported people count as
    signalled already) and, where another connection sees what this one does (``clean``:
    :func:`core.ahead.clean` before the import wrote), read on that connection while this
    one writes: a national import's families are a minute of the database's work, which
    the other core does meanwhile. ``early``: the families asked for that way before the
    people's checks (:func:`signals_import`), for these people; used if they are the
    people written.

    It runs in a ``rows.behind`` block with its keys checked as written
    (:func:`signals_import`): its COPYs and their key checks are the server's work while
    its Python builds the next rows, so it reads (ids, locks, what open risk and the
    matching need) before it writes where it can — a read waits for the writes before it."""
    from kindzicht.rules.models import Task

    from .matching import read_first, rematch

    everyone = sorted({r.person_id for r in good})
    ask = _asking(everyone, today)
    if early is not None and early[0] == everyone:
        pending = early[1]  # asked for before the people's checks, who rejected no one
    else:
        pending = ahead.read(ask) if clean else None

    # written in the order of their persons (ids too): each row's key check on its person
    # then reads people_person's pages in order, not at random (a million rows checked: 13 s
    # of the server's instead of 21 s); who opens each child's risk keeps the file's order
    by_person = sorted(good, key=lambda r: r.person_id)
    signal_ids = rows.reserve_ids(Signal, len(good))
    # the events' ids and the audit chain's head, read before any write is pending; then the
    # signals, informings and tasks, which the database writes while the Python builds their
    # events. One event and one audit entry per registration: the informing a row records
    # (``informed_on``) is part of its registration, and cites the registration's event
    reserved = reserve(len(good))
    signal_events = reserved.ids
    whom = {r.line: inform_duties(persons[r.person_id], r.registered_on)
            for r in by_person if r.informed_on}
    informed = [(r, sid, w, eid)
                for r, sid, eid in zip(by_person, signal_ids, signal_events, strict=True)
                if r.informed_on for w in whom[r.line]]
    informing_ids = rows.reserve_ids(Informing, len(informed))
    moments = [_moment(r.registered_on, today) for r in by_person]
    rows.insert(Signal, ("id", "person_id", "organisation_id", "contact", "at", "on",
                         "expires_on", "event_id"), [
        (sid, r.person_id, r.organisation.pk, _signal_contact(r), at, r.registered_on,
         _expiry(persons[r.person_id], r.registered_on,
                 policies[r.organisation.pk].signal_months), eid)
        for r, sid, at, eid in zip(by_person, signal_ids, moments, signal_events, strict=True)])
    rows.insert(Informing, ("id", "signal_id", "whom", "outcome", "at", "on", "event_id"), [
        (iid, sid, w, "informed", _moment(r.informed_on, today), r.informed_on, eid)
        for (r, sid, w, eid), iid in zip(informed, informing_ids, strict=True)])

    # a task's key names its new signal, so no task of the file can exist already
    rows.insert(Task, ("kind", "code", "key", "organisation_id", "child_id", "raised_on",
                       "due_on", "text", "facts", "evidence"), [
        ("task", INFORM_TASK, f"signal:{sid}", r.organisation.pk, r.person_id, today,
         today + timedelta(days=policies[r.organisation.pk].inform_days),
         _inform_text(r, persons[r.person_id]),
         [f"{r.registered_on}: signaal geregistreerd (import)"], [eid])
        for r, sid, eid in zip(by_person, signal_ids, signal_events, strict=True)
        if not r.informed_on])
    record_many(actor, [
        Change("signal_registered", [r.person_id], payload=_payload(r, whom),
               at=at, object_type=_SIGNAL, object_id=sid)
        for r, sid, at in zip(by_person, signal_ids, moments, strict=True)],
        reserved=reserved)

    concerned, families = _families(pending, ask)
    risk.lock_children(families.keys() | {c for cs in concerned.values() for c in cs})
    matching_reads = read_first(families)  # before the risk periods are written
    registered = {(r.organisation.pk, r.person_id): eid
                  for r, eid in zip(by_person, signal_events, strict=True)}
    risk.open_risk(actor, _openings(good, concerned, registered), locked=True)
    rematch(actor, everyone, families=families, ahead=matching_reads)
    return signal_ids


_IMPORTED = {"on_behalf": False, "imported": True}


def _payload(r: Row, whom: dict[int, list[str]]) -> dict:
    """A registration event's payload; with whom the row says were informed, and when."""
    if not r.informed_on:
        return _IMPORTED
    return {**_IMPORTED, "informed": whom[r.line], "informed_on": r.informed_on.isoformat()}


def _asking(everyone: list[int], today: date) -> Callable[[], tuple]:
    """The question for the families of these people: whom each signal concerns, and the
    children around the imported people with their signalled family members, answered in
    the database (``people.family.signalled_families``; read family by family, a million
    rows' families were 12.9 million rows for Python)."""
    return functools.partial(signalled_families, everyone, today, signalled=ACTIVE_SIGNALLED,
                             kept=OPEN_MATCHED, themselves=True)


def _families(pending: Future | None, ask: Callable[[], tuple]) -> tuple:
    """The families read ahead (waiting for them if need be), else read now."""
    return pending.result() if pending is not None else ask()


_SIGNAL = Signal._meta.label_lower
#: whose family members count for matching, and whose matches must be looked at whatever
#: the families say (signalled_families)
ACTIVE_SIGNALLED = f"SELECT person_id FROM {Signal._meta.db_table} WHERE ended_at IS NULL"
OPEN_MATCHED = f"SELECT child_id FROM {Match._meta.db_table} WHERE ended_on IS NULL"


def _inform_text(r: Row, person: _Person) -> str:
    """The informing task's text, as ``signal_register`` words it for an imported signal."""
    whom = " en ".join(WHOM_LABELS[w] for w in inform_duties(person, r.registered_on))
    return (f"Informeer {whom} over het signaal in de verwijsindex op {person.name} "
            f"(overgenomen uit de regionale verwijsindex, geregistreerd "
            f"{r.registered_on:%d-%m-%Y}), of leg vast waarom u dat uitstelt.")


def _openings(good: list[Row], concerned: dict[int, set[int]],
              events: dict[tuple[int, int], int]) -> dict[int, risk.Opening]:
    """Which organisation opens each child's risk: as if each organisation's signals were
    registered together, organisation after organisation in the file's order. Where that
    organisation's signal is on the child itself, its registration's event (``events``:
    per organisation and person) records the opening, as ``signal_register``'s does."""
    by_org: dict[int, set[int]] = defaultdict(set)
    orgs = {}
    for r in good:
        by_org[r.organisation.pk] |= concerned.get(r.person_id, set())
        orgs[r.organisation.pk] = r.organisation
    out = risk.openings((orgs[o], children) for o, children in by_org.items())
    for child, o in out.items():
        own = events.get((o.opener.pk, child))
        if own is not None:
            out[child] = risk.Opening(o.opener, own, named=True)
    return out


def signals_import(actor: Actor, *, source: TextIO | str, partial: bool = False,
                   dry_run: bool = False) -> ImportReport:
    """Import registrations from a CSV (see the module docstring); administrators only."""
    if not actor.administers:
        raise Forbidden("Alleen een beheerder kan registraties importeren.", field="file")
    with rows.cycles_collected_after():
        return _import(actor, source, partial=partial, dry_run=dry_run)


def _import(actor: Actor, source: TextIO | str, *, partial: bool, dry_run: bool
            ) -> ImportReport:
    today = clock.today()
    text = source if isinstance(source, str) else source.read()
    read = _read(text)
    report = ImportReport(rows=len(read))
    with transaction.atomic():
        clean = ahead.clean()
        policies = _validate(read, today, characters=forbidden_character(text) is not None)
        # the families of everyone found, asked for now on another connection (when the
        # import is going to write): the people's own checks (seconds at a million rows) run
        # meanwhile and rarely reject anyone; when they do, _write asks again
        found = sorted({r.person_id for r in read if r.person_id and not r.errors})
        early = (found, ahead.read(_asking(found, today))) if (
            clean and found and not dry_run
            and (partial or not any(r.errors for r in read))) else None
        try:
            persons = _validate_people(read, today, policies)
            report.rejected = [(r.line, r.errors) for r in read if r.errors]
            good = [r for r in read if not r.errors]
            if dry_run or not good or (report.rejected and not partial):
                _audit_checked(actor, read)
                return report
            with rows.checked_as_written(), rows.behind():
                report.signal_ids = _write(actor, good, today, policies, persons,
                                           clean=clean, early=early)
            _audit_checked(actor, [r for r in read if r.errors])
        finally:
            if early is not None:  # its answer used, or not: never left reading after us
                wait([early[1]])
        report.imported = len(report.signal_ids)
        report.written = True
    return report


def _audit_checked(actor: Actor, rows_read: list[Row]) -> None:
    """The check read these rows' persons (their birth and death dates, their organisation's
    signals) without writing a registration, whose own audit entry would name them: one read
    entry for them all (NEN 7513), so that a dry run — an administrator trying out a file in
    the admin — is on the record too."""
    found = [r.person_id for r in rows_read if r.person_id]
    if found:
        audit_read(actor, "signals_import_checked", person_ids=found)


def rows_of(records: Iterable[dict[str, str]]) -> str:
    """A CSV text from dicts (tests, and callers that hold rows already)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for rec in records:
        writer.writerow({c: rec.get(c, "") for c in COLUMNS})
    return out.getvalue()
