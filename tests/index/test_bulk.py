"""Bulk intake (issue 4): registrations from a regional index's CSV, validated row by row with
a report of the rejected rows, nothing half-imported; written set-based with an event and an
audit entry per registration, informing recorded or tasked, and matched."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import PersonFactory

from kindzicht.continuity.models import RiskPeriod
from kindzicht.core import ahead, audit
from kindzicht.core.errors import Forbidden, ValidationError
from kindzicht.core.models import AuditEntry, DomainEvent, EventSubject, Notification
from kindzicht.index.bulk import rows_of, signals_import
from kindzicht.index.models import Informing, Match, Signal
from kindzicht.index.services import INFORM_TASK, signal_register
from kindzicht.people import services as people
from kindzicht.rules.models import Task

from .conftest import DAY, SYSTEM


def snapshot():
    """What an import writes (the audit log's reads aside: a check that writes nothing has
    still read the persons it found)."""
    return (Signal.objects.count(), Informing.objects.count(), Match.objects.count(),
            DomainEvent.objects.count(), AuditEntry.objects.exclude(kind="read").count(),
            Task.objects.filter(code=INFORM_TASK).count())


@pytest.fixture
def csv_rows(orgs, fam):
    school, ggz, gemeente = orgs.org["school"], orgs.org["ggz"], orgs.org["gemeente"]
    signal_register(orgs.pro["jgz"], person=fam.half_brother)
    return [
        # 2: the girl by BSN, registered last year, family not yet informed
        {"organisation": school.pk, "bsn": fam.girl.bsn, "birth_date": "2013-06-01",
         "contact": "IB, 030-1", "registered_on": "2023-09-01"},
        # 3: the father by name and birth date (no BSN), informed
        {"organisation": ggz.pk, "given_name": "ruben", "family_name": "VISSER",
         "birth_date": "1982-03-03", "registered_on": "2024-01-10", "informed_on": "2024-01-20"},
        # 4 … rejected
        {"organisation": school.pk, "bsn": "123456789", "birth_date": "2013-06-01"},
        {"organisation": school.pk, "bsn": "111222333", "birth_date": "2013-06-01"},
        {"organisation": 999999, "bsn": fam.mother.bsn, "birth_date": "1986-01-01"},
        {"organisation": gemeente.pk, "bsn": fam.stepfather.bsn, "birth_date": "1983-02-02"},
        {"organisation": ggz.pk, "bsn": fam.grandmother.bsn, "birth_date": "1954-05-05"},
        {"organisation": school.pk, "bsn": fam.girl.bsn, "birth_date": "2013-06-01"},
        {"organisation": orgs.org["jgz"].pk, "bsn": fam.half_brother.bsn,
         "birth_date": "2019-04-04"},
        {"organisation": ggz.pk, "bsn": fam.mother.bsn, "birth_date": "1986-01-01",
         "registered_on": "2025-01-01"},
        {"organisation": ggz.pk, "bsn": fam.stepfather.bsn, "birth_date": "1983-02-02",
         "registered_on": "2021-01-01"},
        {"organisation": ggz.pk, "bsn": fam.mother.bsn, "birth_date": "1999-09-09"},
    ]


EXPECTED = {
    4: "elfproef", 5: "geen persoon met dit BSN", 6: "onbekende organisatie",
    7: "niet meldingsbevoegd", 8: "geen gezinslid", 9: "zelfde organisatie en persoon als regel 2",
    10: "al een actief signaal", 11: "in de toekomst", 12: "al verlopen",
    13: "wijkt af van de bekende geboortedatum",
}


def test_one_rejected_row_imports_nothing_and_every_row_is_reported(fam, csv_rows):
    before = snapshot()
    report = signals_import(SYSTEM, source=rows_of(csv_rows))
    assert not report.written and report.imported == 0 and report.rows == len(csv_rows)
    assert [line for line, _e in report.rejected] == sorted(EXPECTED)
    for line, errors in report.rejected:
        assert any(EXPECTED[line] in e for e in errors), (line, errors)
    # a BSN failing the elfproef is the row's error: not looked up by name instead
    assert dict(report.rejected)[4] == ["bsn: voldoet niet aan de elfproef"]
    assert snapshot() == before
    # what the check read of the persons it found is on record: one read entry for them all
    checked = AuditEntry.objects.get(action="signals_import_checked")
    assert checked.kind == "read" and checked.purpose == SYSTEM.purpose
    assert checked.person_ids == sorted(p.pk for p in (
        fam.girl, fam.father, fam.mother, fam.stepfather, fam.grandmother, fam.half_brother))
    assert audit.verify() == []


def test_the_valid_rows_are_written_with_an_event_and_audit_entry_each(orgs, fam, csv_rows):
    before_events = DomainEvent.objects.filter(type="signal_registered").count()
    report = signals_import(SYSTEM, source=rows_of(csv_rows), partial=True)
    assert report.written and report.imported == 2 and len(report.rejected) == len(EXPECTED)
    girl = Signal.objects.get(person=fam.girl)
    father = Signal.objects.get(person=fam.father)
    assert girl.on == date(2023, 9, 1) and girl.expires_on == date(2025, 9, 1)
    assert girl.contact == "IB, 030-1" and girl.organisation == orgs.org["school"]
    events = DomainEvent.objects.filter(type="signal_registered").order_by("id")
    assert events.count() == before_events + 2
    assert {e.object_id for e in events} >= {girl.pk, father.pk}
    assert girl.event.occurred_on == date(2023, 9, 1)
    assert set(EventSubject.objects.filter(event=girl.event).values_list("person_id",
                                                                          flat=True)) == {
        fam.girl.pk}
    assert AuditEntry.objects.filter(event_id=girl.event_id, action="signal_registered").exists()
    assert Task.objects.get(code=INFORM_TASK, key=f"signal:{girl.pk}").status == "open"
    informing = father.informings.get()
    assert informing.on == date(2024, 1, 20)
    # recorded with the row: part of the registration, whose one event it cites
    assert informing.event_id == father.event_id
    assert father.event.payload["informed_on"] == "2024-01-20"
    assert father.event.payload["informed"] == [informing.whom]
    assert not DomainEvent.objects.filter(type="signal_informing_recorded").exists()
    assert not Task.objects.filter(key=f"signal:{father.pk}").exists()
    # the girl's risk opened by her own registration: part of it, citing its event
    assert RiskPeriod.objects.get(child=fam.girl, closed_at__isnull=True).event_id == (
        girl.event_id)
    assert not DomainEvent.objects.filter(type="risk_opened", subjects__person_id=fam.girl.pk
                                          ).exists()
    family = Match.objects.get(child=fam.girl, level="family", ended_on__isnull=True)
    assert set(family.organisation_ids) >= {orgs.org["school"].pk, orgs.org["ggz"].pk}
    # the persons of the rejected rows were read and not written: one read entry names them
    # (the girl's second row was a duplicate); the father's only row was written
    checked = AuditEntry.objects.get(action="signals_import_checked")
    assert checked.person_ids == sorted(p.pk for p in (
        fam.girl, fam.mother, fam.stepfather, fam.grandmother, fam.half_brother))
    assert audit.verify() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("rejected", [False, True])
def test_an_import_in_a_fresh_transaction_reads_the_families_beside_its_work(
        orgs, fam, csv_rows, monkeypatch, rejected):
    """With nothing written before it (the fixtures committed), the import asks another
    connection for the families of everyone found while it checks the people and writes the
    signals; that connection cannot see them yet, so the imported people count as
    signalled — and the family match (the girl by the school, her father by mental health
    care) is there all the same. When the people's checks reject someone (the grandmother,
    not of a child's family; duplicates), it asks again for those it writes: the rejected
    do not count as signalled."""
    started = []
    read = ahead.read
    monkeypatch.setattr(ahead, "read", lambda fn: started.append(fn) or read(fn))
    report = signals_import(SYSTEM, source=rows_of(csv_rows if rejected else csv_rows[:2]),
                            partial=True)
    assert report.imported == 2 and len(started) == (2 if rejected else 1)
    written = sorted([fam.girl.pk, fam.father.pk])
    assert started[-1].args[0] == written  # the last question: the people written
    if rejected:
        assert fam.grandmother.pk in started[0].args[0]  # the first: everyone found
    family = Match.objects.get(child=fam.girl, level="family", ended_on__isnull=True)
    assert set(family.organisation_ids) >= {orgs.org["school"].pk, orgs.org["ggz"].pk}
    assert audit.verify() == []


def test_dry_run_and_bad_files(orgs, fam):
    good = [{"organisation": orgs.org["school"].pk, "bsn": fam.girl.bsn,
             "birth_date": "2013-06-01"}]
    before = snapshot()
    report = signals_import(SYSTEM, source=rows_of(good), dry_run=True)
    assert report.ok and not report.written and snapshot() == before
    assert AuditEntry.objects.get(action="signals_import_checked").person_ids == [fam.girl.pk]
    with pytest.raises(ValidationError) as exc:
        signals_import(SYSTEM, source="organisatie;bsn\n1;2\n")
    assert "ontbreekt: birth_date, organisation" in exc.value.message
    with pytest.raises(ValidationError):
        signals_import(SYSTEM, source=rows_of([]))
    with pytest.raises(Forbidden):
        signals_import(orgs.pro["school"], source=rows_of(good))


def test_the_command(orgs, fam, tmp_path):
    path = tmp_path / "vir.csv"
    path.write_text(rows_of([
        {"organisation": orgs.org["school"].pk, "bsn": fam.girl.bsn, "birth_date": "2013-06-01"},
        {"organisation": orgs.org["school"].pk, "bsn": "123456789", "birth_date": "2013-06-01"},
    ]).replace(",", ";"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("index_import", str(path), stdout=StringIO(), stderr=err)
    assert "vir.csv:3: bsn: voldoet niet aan de elfproef" in err.getvalue()
    out = StringIO()
    call_command("index_import", str(path), "--skip-rejected", stdout=out, stderr=StringIO())
    assert "Geïmporteerd: 1 signalen; afgewezen: 1 regels." in out.getvalue()
    assert Signal.objects.filter(person=fam.girl, organisation=orgs.org["school"]).exists()


def test_the_command_names_where_a_file_is_not_utf8_and_writes_nothing(orgs, fam, tmp_path):
    """A spreadsheet's export in Windows-1252: the command says where, not a traceback."""
    path = tmp_path / "vir.csv"
    path.write_bytes(rows_of([
        {"organisation": orgs.org["school"].pk, "bsn": fam.girl.bsn, "birth_date": "2013-06-01"},
        {"organisation": orgs.org["school"].pk, "given_name": "Zoë", "family_name": "Visser",
         "birth_date": "2013-06-01"},
    ]).encode("cp1252"))
    before = snapshot()
    with pytest.raises(CommandError) as exc:
        call_command("index_import", str(path), stdout=StringIO(), stderr=StringIO())
    assert str(exc.value) == (f"{path}: Het bestand is geen UTF-8-tekst (regel 3, byte "
                              f"{path.read_bytes().index(b'Zo') + 3}). Sla het op als CSV "
                              "(UTF-8).")
    assert snapshot() == before


def test_a_cell_past_the_csv_readers_limit_refuses_the_file_naming_its_line(orgs, fam):
    """Found by the API's hostile input: a megabyte in one cell crashed the reader."""
    school = orgs.org["school"].pk
    with pytest.raises(ValidationError) as exc:
        signals_import(SYSTEM, source=rows_of([
            {"organisation": school, "bsn": fam.girl.bsn, "birth_date": "2013-06-01"},
            {"organisation": school, "family_name": "x" * 200_000, "birth_date": "2013-06-01"},
        ]), dry_run=True)
    assert exc.value.field == "file"
    assert exc.value.message == ("Regel 3 is geen leesbare CSV: een veld is langer dan "
                                 "131.072 tekens.")


def test_a_date_outside_the_range_kindzicht_takes_is_the_rows_error(orgs, fam):
    """Found by the API's hostile input: 9999-12-31 had no expiry two years on (a crash)."""
    school = orgs.org["school"].pk
    report = signals_import(SYSTEM, source=rows_of([
        {"organisation": school, "bsn": fam.girl.bsn, "birth_date": "2013-06-01",
         "registered_on": "9999-12-31"},
        {"organisation": orgs.org["ggz"].pk, "bsn": fam.girl.bsn, "birth_date": "1899-12-31"},
    ]), dry_run=True)
    assert [(line, [e.split(":")[0] for e in errors]) for line, errors in report.rejected] == [
        (2, ["registered_on"]), (3, ["birth_date"])]
    assert "buiten het bereik" in report.rejected[0][1][0]


def test_a_row_for_an_unknown_person_by_name_is_rejected_and_an_ambiguous_one_too(orgs, fam):
    PersonFactory(birth_date=date(2013, 6, 1), given_name="Lotte", family_name="Visser",
                  bsn=None)  # a second Lotte Visser born the same day
    report = signals_import(SYSTEM, source=rows_of([
        {"organisation": orgs.org["school"].pk, "given_name": "Lotte", "family_name": "Visser",
         "birth_date": "2013-06-01"},
        {"organisation": orgs.org["school"].pk, "given_name": "Niemand", "family_name": "X",
         "birth_date": "2013-06-01"},
    ]), dry_run=True)
    assert "meerdere personen" in report.rejected[0][1][0]
    assert "geen persoon met deze naam" in report.rejected[1][1][0]


def families_to_import(orgs, n: int) -> list[dict]:
    """n households of a mother and her child, and two rows for each: the child by the school
    (not yet informed), the mother by mental health care (informed) — a family-level match
    each, and open risk for each child."""
    rows = []
    for i in range(n):
        mother = PersonFactory(birth_date=date(1985, 1, 1 + i % 28))
        child = PersonFactory(birth_date=date(2014, 2, 1 + i % 28))
        people.relation_add(SYSTEM, person=mother, kind="parent_of", other=child)
        people.household_create(SYSTEM, members=[mother, child], municipality_code="0344",
                                postcode="3511AB")
        rows.append({"organisation": orgs.org["school"].pk, "bsn": child.bsn,
                     "birth_date": child.birth_date.isoformat()})
        rows.append({"organisation": orgs.org["ggz"].pk, "bsn": mother.bsn,
                     "birth_date": mother.birth_date.isoformat(),
                     "informed_on": DAY.isoformat()})
    return rows


def test_importing_140_or_700_rows_makes_the_same_number_of_queries(
        orgs, django_capture_on_commit_callbacks):
    # more than core.prepared.SMALL mothers (the validation asks about them alone) either
    # way: up to there the family statements are prepared, above it planned for their size
    # (a few statements more), and that step is not growth
    counts = {}
    for n in (70, 350):  # 140 and 700 rows
        rows = families_to_import(orgs, n)
        before = snapshot()
        with CaptureQueriesContext(connection) as ctx, \
                django_capture_on_commit_callbacks(execute=True):
            report = signals_import(SYSTEM, source=rows_of(rows))
        sql = [q["sql"] for q in ctx.captured_queries]
        counts[2 * n] = (sum(not q.startswith("INSERT") for q in sql),
                         sum(q.startswith("INSERT") for q in sql))
        assert report.imported == 2 * n and report.ok
        signals, informings, matches, events, entries, tasks = (
            after - was for after, was in zip(snapshot(), before, strict=True))
        # per registration a signal, an event and an audit entry; an informing (part of the
        # registration) for the mother's, a task for the child's; each child's risk opened
        # by the signal on the child (part of that registration) and a family-level match;
        # both organisations told
        assert (signals, informings, tasks, matches) == (2 * n, n, n, n)
        assert events == entries == 2 * n
    # matches of the same organisations are told once per import to each of them, and sent
    notes = Notification.objects.filter(kind="match")
    assert sorted(notes.values_list("organisation_id", flat=True)) == sorted(
        [orgs.org["school"].pk, orgs.org["ggz"].pk] * 2)
    assert not notes.filter(sent_at__isnull=True).exists()
    assert audit.verify() == []
    # the same reads and updates; the same inserts — on SQLite, which caps a statement at 999
    # parameters, Django splits a bulk insert of more than ~60-500 rows into a few batches
    (reads_10, inserts_10), (reads_100, inserts_100) = counts[140], counts[700]
    assert reads_10 == reads_100, counts
    if connection.vendor == "postgresql":
        assert inserts_10 == inserts_100, counts
    else:
        assert inserts_10 <= inserts_100 <= inserts_10 + 8, counts


def test_the_matching_reads_an_import_makes_first_are_those_rematch_makes_itself(orgs, fam):
    """``matching.read_first`` (the import reads them before it writes the risk periods):
    the same signals, open matches and policies as the matching's own reads; nothing for no
    families."""
    from kindzicht.core import clock
    from kindzicht.index import matching
    from kindzicht.index.policy import policies_of_persons
    from kindzicht.people.family import children_and_families_of

    signal_register(orgs.pro["probation"], person=fam.stepfather)
    signal_register(orgs.pro["school"], person=fam.girl)
    families = children_and_families_of([fam.stepfather.pk], clock.today())
    children = set(families)
    everyone = children | {m for f in families.values() for m in f}
    first = matching.read_first(families)
    apart = matching._active_signals(everyone)
    assert dict(first.signals.by_person) == dict(apart.by_person) != {}
    assert first.signals.contacts == apart.contacts and first.signals.names == apart.names
    assert set(first.signals.orgs) == set(apart.orgs)
    assert sorted(m.pk for m in first.open_matches) == sorted(
        m.pk for m in matching._open_matches(children)) != []
    assert first.policies == policies_of_persons(children, clock.today())
    empty = matching.read_first({})
    assert (empty.signals.by_person, empty.open_matches, empty.policies) == ({}, [], {})


@pytest.mark.parametrize("collector_on", [True, False])
def test_the_import_builds_its_rows_with_the_cycle_collector_off_and_leaves_it_as_found(
        csv_rows, monkeypatch, collector_on):
    """A national import's millions of row tuples are built without Python's cycle
    collector (``rows.cycles_collected_after``), which ran over all of them again and again;
    after the import the collector is as the caller had it — also when the import fails."""
    import gc

    from kindzicht.index import bulk

    seen = []
    write = bulk._write

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return write(*args, **kwargs)

    monkeypatch.setattr(bulk, "_write", watched)
    was = gc.isenabled()
    (gc.enable if collector_on else gc.disable)()
    try:
        assert signals_import(SYSTEM, source=rows_of(csv_rows), partial=True).imported == 2
        assert seen == [False] and gc.isenabled() is collector_on
        with pytest.raises(ValidationError):
            signals_import(SYSTEM, source="organisation;birth_date\n")
        assert gc.isenabled() is collector_on
    finally:
        (gc.enable if was else gc.disable)()


def test_a_cell_that_breaks_the_input_rules_is_its_rows_error(orgs, fam):
    """The screens' and the API's text rules hold for the file too: no bidi override or control
    character, no cell longer than the staging table takes — each the row's error with its
    line, the rest of the file checked as usual, and nothing written."""
    school = orgs.org["school"].pk
    rows = [
        {"organisation": school, "bsn": fam.girl.bsn, "birth_date": "2013-06-01"},
        {"organisation": school, "given_name": "Lo\u202ette", "family_name": "Bakker",
         "birth_date": "2013-06-01"},
        {"organisation": school, "given_name": "Lotte", "family_name": "B" * 121,
         "birth_date": "2013-06-01"},
        {"organisation": f"{school}\x07", "bsn": fam.girl.bsn, "birth_date": "2013-06-01"},
        {"organisation": school, "bsn": f"{fam.mother.bsn}\x00", "birth_date": "1986-01-01"},
        # the contact other organisations read: 200 characters, and no bidi override either
        {"organisation": school, "bsn": fam.mother.bsn, "birth_date": "1986-01-01",
         "contact": "IB, 030-\u202e1"},
        {"organisation": school, "bsn": fam.stepfather.bsn, "birth_date": "1983-02-02",
         "contact": "x" * 201},
    ]
    before = snapshot()
    report = signals_import(SYSTEM, source=rows_of(rows))
    assert not report.written and snapshot() == before
    assert [line for line, _e in report.rejected] == [3, 4, 5, 6, 7, 8]
    reasons = dict(report.rejected)
    assert reasons[3] == ["given_name: Deze tekst bevat een teken dat niet is toegestaan "
                          "(U+202E)."]
    assert reasons[4] == ["family_name: Deze tekst is te lang: 121 tekens, ten hoogste 120."]
    assert reasons[5] == ["organisation: Deze tekst bevat een teken dat niet is toegestaan "
                          "(U+0007)."]
    assert reasons[6] == ["bsn: Deze tekst bevat een teken dat niet is toegestaan (U+0000)."]
    assert reasons[7] == ["contact: Deze tekst bevat een teken dat niet is toegestaan "
                          "(U+202E)."]
    assert reasons[8] == ["contact: Deze tekst is te lang: 201 tekens, ten hoogste 200."]
    # in a file without any forbidden character the lengths are checked all the same
    report = signals_import(SYSTEM, source=rows_of([rows[2]]))
    assert report.rejected == [
        (2, ["family_name: Deze tekst is te lang: 121 tekens, ten hoogste 120."])]
