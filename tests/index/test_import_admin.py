"""Importing a regional index's registrations in the Django admin (issue 4, bulk intake): the
administrator checks a file, reads the rejected rows with their line and reasons, and imports
it — all of it or, when asked, the valid rows — through the same service as the command line.
A file the screen cannot take, or a user who is not an administrator, is refused and nothing
is written."""

from __future__ import annotations

import pytest
from auth_support import verified_login
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from factories import OrganisationFactory, ProfessionalFactory

from kindzicht.core import audit
from kindzicht.core.models import AuditEntry
from kindzicht.index import admin as index_admin
from kindzicht.index import bulk
from kindzicht.index.bulk import rows_of
from kindzicht.index.models import Signal
from kindzicht.people.models import Professional

from .test_bulk import EXPECTED, csv_rows, snapshot  # noqa: F401 - csv_rows: a fixture

URL = reverse("admin:refindex_signal_import")


@pytest.fixture
def beheerder(client, day):
    user = ProfessionalFactory(organisation=OrganisationFactory(sector="municipality"),
                               role="admin", first_name="Bea", last_name="Beheer")
    verified_login(client, user)
    return user


def upload(client, text: str | bytes, *, button: str, skip: bool = False, name="regio.csv"):
    data = text.encode() if isinstance(text, str) else text
    form = {"file": SimpleUploadedFile(name, data, content_type="text/csv"), button: "1"}
    if skip:
        form["skip_rejected"] = "on"
    return client.post(URL, form)


def test_the_signal_list_offers_the_import(client, beheerder):
    html = client.get(reverse("admin:refindex_signal_changelist")).content.decode()
    assert URL in html and "Registraties importeren" in html
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="file"' in html and "Controleren" in html and "Importeren" in html


def test_check_then_import_all_or_the_valid_rows(client, beheerder, fam, csv_rows):  # noqa: F811
    text = rows_of(csv_rows)
    before = snapshot()

    checked = upload(client, text, button="_check")
    html = checked.content.decode()
    assert checked.status_code == 200
    assert f"Controle: {len(EXPECTED)} van de {len(csv_rows)} regels afgewezen" in html
    for line, reason in EXPECTED.items():
        assert f"<tr><td>{line}</td><td>" in html and reason in html
    assert "Er is niets geschreven" in html and snapshot() == before
    # the check's reads are the administrator's, for this file
    entry = AuditEntry.objects.get(action="signals_import_checked")
    assert entry.actor_id == beheerder.pk and entry.purpose.endswith("regio.csv")

    # all or nothing: one rejected row imports nothing
    refused = upload(client, text, button="_import")
    assert "Niets geïmporteerd: 10 van de 12 regels afgewezen" in refused.content.decode()
    assert snapshot() == before

    # the valid rows, when asked: the girl by the school, the father by mental health care
    done = upload(client, text, button="_import", skip=True)
    html = done.content.decode()
    assert "2 registraties geïmporteerd. 10 afgewezen regels overgeslagen." in html
    girl = Signal.objects.get(person=fam.girl)
    assert Signal.objects.filter(person=fam.father, ended_at__isnull=True).exists()
    written = AuditEntry.objects.get(event_id=girl.event_id)
    assert written.actor_id == beheerder.pk and written.action == "signal_registered"
    assert written.purpose == "import van registraties uit regio.csv"
    assert audit.verify() == []


def test_a_file_the_screen_cannot_take_is_refused_with_its_reason(client, beheerder, fam,
                                                                 monkeypatch):
    before = snapshot()
    latin = "organisation;birth_date\n1;2013-06-01 é\n"
    not_utf8 = upload(client, latin.encode("latin-1"), button="_import")
    assert not_utf8.status_code == 400
    assert (f"geen UTF-8-tekst (regel 2, byte {latin.index('é') + 1})"
            in not_utf8.content.decode())

    columns = upload(client, "organisatie;bsn\n1;2\n", button="_check")
    assert columns.status_code == 400
    assert "ontbreekt: birth_date, organisation" in columns.content.decode()

    # a file far larger than the screen's rows could fill is not even read
    monkeypatch.setattr(bulk, "ONLINE_MAX_BYTES", 1024 * 1024)
    big = upload(client, "x" * (3 * 1024 * 1024 // 2), button="_check")
    assert big.status_code == 400
    assert "Dit bestand is 1,5 MB; hier kan ten hoogste 1 MB" in big.content.decode()

    monkeypatch.setattr(bulk, "ONLINE_MAX_ROWS", 2)
    rows = [{"organisation": "1", "birth_date": "2013-06-01"}] * 3
    too_many = upload(client, rows_of(rows), button="_import")
    assert too_many.status_code == 400
    assert "Dit bestand heeft 3 regels; hier kunnen er ten hoogste 2" in (
        too_many.content.decode())
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="signals_import_checked").exists()


def test_only_an_administrator_imports(client, day, fam, csv_rows):  # noqa: F811
    # staff and superuser by hand in the database, but a coordinator: the import is an
    # administrator's
    coordinator = ProfessionalFactory(organisation=OrganisationFactory(sector="school"),
                                      role="coordinator")
    Professional.objects.filter(pk=coordinator.pk).update(is_staff=True, is_superuser=True)
    coordinator.refresh_from_db()
    verified_login(client, coordinator)
    before = snapshot()
    assert client.get(URL).status_code == 403
    assert upload(client, rows_of(csv_rows[:2]), button="_import").status_code == 403
    assert snapshot() == before
    html = client.get(reverse("admin:refindex_signal_changelist")).content.decode()
    assert URL not in html


def test_a_long_report_lists_the_first_rejected_rows_and_counts_the_rest(
        client, beheerder, fam, csv_rows, monkeypatch):  # noqa: F811
    monkeypatch.setattr(index_admin, "REPORT_SHOWN", 3)
    html = upload(client, rows_of(csv_rows), button="_check").content.decode()
    assert html.count("<tr><td>") == 3
    assert f"En nog {len(EXPECTED) - 3} afgewezen regels." in html


def test_the_screen_in_english(client, beheerder):
    client.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    html = client.get(URL).content.decode()
    for english in ("Import registrations", "CSV file", "Check", "Import the valid rows and "
                    "skip the rejected ones"):
        assert english in html
    assert "Controleren" not in html
