"""Inzage (AVG art. 15): the request is recorded with a deadline task, the export holds every
kind of fact about the person and withholds what protects others, and it is audited."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date

import pytest

from kindzicht.core import audit, clock
from kindzicht.core.errors import Forbidden, ValidationError
from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.privacy.models import InzageRequest
from kindzicht.privacy.pdf import inzage_pdf
from kindzicht.privacy.services import inzage_export, inzage_request_record
from kindzicht.rules.models import Task

from .conftest import DAY

pytestmark = pytest.mark.django_db


def _request(case, **kw):
    args = {"person": case.child, "requester_name": "S. Jansen",
            "requester_relation": "parent_with_authority", "received_on": DAY}
    args.update(kw)
    return inzage_request_record(case.fg_actor, **args)


def _section(data, key):
    return next(s for s in data["sections"] if s["key"] == key)


def test_request_is_recorded_with_a_deadline_task_for_the_fg(case):
    with clock.frozen(DAY):
        req = _request(case)
    assert req.due_on == date(2026, 4, 2)
    event = DomainEvent.objects.get(type="inzage_requested")
    assert list(event.subjects.values_list("person_id", flat=True)) == [case.child.pk]
    assert AuditEntry.objects.filter(event_id=event.pk, person_ids=[case.child.pk]).exists()
    task = Task.objects.get(code="inzage", key=f"inzage:{req.pk}")
    assert task.due_on == req.due_on and task.assignee == case.fg
    assert task.organisation == case.fg.organisation


def test_the_watchdog_reminds_of_the_deadline(case):
    from kindzicht.rules.watchdog import task_deadlines

    with clock.frozen(DAY):
        req = _request(case)
    made, overdue, _days = task_deadlines(date(2026, 4, 3))
    assert any(t.kind == "alert" and t.key == f"task:{Task.objects.get(key=f'inzage:{req.pk}').pk}"
               for t in made)


def test_a_child_under_16_cannot_request_alone_and_bad_input_writes_nothing(case):
    before = DomainEvent.objects.count()
    with clock.frozen(DAY):
        with pytest.raises(ValidationError) as e:
            _request(case, requester_relation="self")
        assert e.value.field == "requester_relation"
        with pytest.raises(ValidationError) as e:
            _request(case, requester_name="  ")
        assert e.value.field == "requester_name"
        with pytest.raises(ValidationError) as e:
            _request(case, received_on=date(2026, 3, 9))
        assert e.value.field == "received_on"
        with pytest.raises(ValidationError) as e:
            _request(case, requester_relation="neighbour")
        assert e.value.field == "requester_relation"
        with pytest.raises(Forbidden):
            inzage_request_record(case.school, person=case.child, requester_name="x",
                                  requester_relation="parent_with_authority", received_on=DAY)
    assert DomainEvent.objects.count() == before
    assert not InzageRequest.objects.exists()


def test_export_contains_every_kind_of_fact_and_withholds_what_protects_others(case):
    with clock.frozen(DAY):
        req = _request(case)
        data = inzage_export(case.fg_actor, request=req)
    text = json.dumps(data, ensure_ascii=False)
    # every kind of fact
    assert _section(data, "identity")["rows"][0]["family_name"] == "Jansen"
    assert _section(data, "identity")["rows"][0]["bsn"] == case.child.bsn
    relations = _section(data, "relations")["rows"]
    assert {r["relation"] for r in relations} == {"kind van"}
    assert {r["name"] for r in relations} == {p.name for p in case.family.parents}
    assert _section(data, "households")["rows"][0]["members"] == 3
    assert _section(data, "involvements")["rows"][0]["service"] == "leerlingbegeleiding"
    signal = _section(data, "signals")["rows"][0]
    assert signal["organisation"] == "Basisschool De Linde"
    assert "030-1234567" in signal["contact"] and "Petra" in signal["contact"]
    concern = _section(data, "concerns")["rows"][0]
    assert concern["text"] == "Kind komt vaak hongerig op school."
    assert _section(data, "meldcode_steps")["rows"]
    assert _section(data, "reports")["rows"][0]["reporter"] == "Basisschool De Linde"
    assert _section(data, "assessments")["rows"][0]["safety"] == "voorwaardelijk veilig"
    assert "Elke dag ontbijt" in _section(data, "plans")["rows"][0]["goals"]
    assert any("Inzageverzoek" in t["text"] for t in _section(data, "tasks")["rows"])
    whats = {e["what"] for e in _section(data, "events")["rows"]}
    assert {"zorg vastgelegd", "signaal in de verwijsindex", "inzageverzoek ontvangen"} <= whats
    assert _section(data, "access_log")["rows"]
    assert _section(data, "responsibility")["rows"][0]["organisation"] == "Basisschool De Linde"
    assert _section(data, "cooperation")["rows"][0]["help"] == "gesprek IB"
    assert _section(data, "shares")["rows"][0]["to"] == "Gemeente Utrecht"
    assert {r["kind"] for r in data["retention"]} >= {"Afgesloten zorgen en hun meldcodestappen"}
    # withheld: the shielded observer, the second-hand source, the sibling's content
    assert signal["observer"] == "[achtergehouden]"
    assert "Annemarie" not in text and "Observer" not in text
    assert concern["source"] == "[achtergehouden]" and "Klaasen" not in text
    assert "SIBLINGSECRET" not in text
    assert case.sibling.bsn not in text
    assert case.sibling.birth_date.isoformat() not in text
    assert {w["rule"] for w in data["withheld"]} >= {"observer", "source", "others"}
    # the professional's name is not in the access log, only organisation and role
    assert all("Petra" not in str(r) for r in _section(data, "access_log")["rows"])


def test_a_parents_export_marks_records_of_their_children_as_withheld(case):
    with clock.frozen(DAY):
        req = _request(case, person=case.mother, requester_relation="self")
        data = inzage_export(case.fg_actor, request=req)
    text = json.dumps(data, ensure_ascii=False)
    assert "SIBLINGSECRET" not in text and "hongerig" not in text
    assert not _section(data, "concerns")["rows"]
    relations = {r["relation"] for r in _section(data, "relations")["rows"]}
    assert {"ouder van", "partner van"} <= relations


def test_export_is_audited_with_purpose_inzage_and_delivers_the_request(case):
    with clock.frozen(DAY):
        req = _request(case)
        inzage_export(case.fg_actor, request=req)
    read = AuditEntry.objects.get(action="inzage_export")
    assert read.kind == "read" and read.person_ids == [case.child.pk]
    assert read.purpose == "inzage" and read.actor_id == case.fg.pk
    ev = DomainEvent.objects.get(type="inzage_exported")
    assert AuditEntry.objects.get(event_id=ev.pk).purpose == "inzage"
    req.refresh_from_db()
    assert req.status == "delivered" and req.delivered_on == DAY
    assert Task.objects.get(key=f"inzage:{req.pk}").status == "done"
    assert audit.verify() == []


def test_the_pdf_renders_in_dutch(case, tmp_path):
    with clock.frozen(DAY):
        req = _request(case)
        data = inzage_export(case.fg_actor, request=req)
    pdf = inzage_pdf(data)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2 or b"/Count " in pdf
    if shutil.which("pdftotext"):
        path = tmp_path / "inzage.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                              capture_output=True, text=True).stdout
        assert "Inzage in uw gegevens" in text
        assert "Signalen in de verwijsindex" in text
        assert "achtergehouden" in text
        assert "Annemarie" not in text and "SIBLINGSECRET" not in text


def test_the_command_records_a_request_and_writes_pdf_and_json(case, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    with clock.frozen(DAY):
        call_command("inzage", "request", "--as", case.fg.username, "--bsn", case.child.bsn,
                     "--requester", "S. Jansen", "--relation", "parent_with_authority",
                     "--received", "2026-03-01")
        req = InzageRequest.objects.get()
        call_command("inzage", "export", "--as", case.fg.username, "--request", str(req.pk),
                     "--output", str(tmp_path))
        with pytest.raises(CommandError, match="jonger dan 16.*requester_relation"):
            call_command("inzage", "request", "--as", case.fg.username, "--person",
                         str(case.child.pk), "--requester", "kind", "--relation", "self",
                         "--received", "2026-03-01")
        with pytest.raises(CommandError, match="--received: not a date"):
            call_command("inzage", "request", "--as", case.fg.username, "--person",
                         str(case.child.pk), "--requester", "x", "--relation", "self",
                         "--received", "1-3-2026")
    assert (tmp_path / f"inzage-{req.pk}.pdf").read_bytes().startswith(b"%PDF-")
    data = json.loads((tmp_path / f"inzage-{req.pk}.json").read_text(encoding="utf-8"))
    assert data["request"]["id"] == req.pk
    assert InzageRequest.objects.count() == 1
