"""The chain-partner knowledge base: seeded for every sector with the report's
misconceptions, editable by administrators, every admin change recorded."""

from __future__ import annotations

import pytest
from auth_support import verified_login
from django.urls import reverse
from factories import OrganisationFactory, ProfessionalFactory

from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.meldcode.models import PartnerKnowledge
from kindzicht.people.sectors import SECTORS

pytestmark = pytest.mark.django_db


def test_every_sector_has_an_entry():
    entries = {k.sector: k for k in PartnerKnowledge.objects.all()}
    assert sorted(entries) == sorted(SECTORS)
    for k in entries.values():
        assert k.can_do and k.must_do and k.reports_to, k.sector


@pytest.mark.parametrize("sector, words", [
    ("child_protection_board", "zonder signalen bij het kind"),
    ("safe_at_home", "niet uit eigen waarneming"),
    ("youth_care", "blijft verantwoordelijk tot de vervolghulp echt gestart is"),
    ("district_team", "blijft verantwoordelijk tot de vervolghulp echt gestart is"),
    ("adult_mental_health", "rekening houden met de kinderen van haar cliënten"),
])
def test_the_reports_misconceptions_are_there(sector, words):
    k = PartnerKnowledge.objects.get(sector=sector)
    assert any(words in fact for _myth, fact in k.misconception_list), k.misconception_list
    assert all(myth and fact for myth, fact in k.misconception_list)


def test_an_admin_edit_is_recorded(client):
    org = OrganisationFactory(name="Gemeente Utrecht", sector="municipality")
    verified_login(client, ProfessionalFactory(organisation=org, role="admin"))
    k = PartnerKnowledge.objects.get(sector="housing")
    url = reverse("admin:meldcode_partnerknowledge_change", args=[k.pk])
    assert client.get(url).status_code == 200
    events, writes = DomainEvent.objects.count(), AuditEntry.objects.filter(kind="write").count()
    response = client.post(url, {"can_do": "Ziet overlast.", "must_do": k.must_do,
                                 "reports_to": k.reports_to,
                                 "misconceptions": k.misconceptions})
    assert response.status_code == 302, response.content.decode()[:2000]
    k.refresh_from_db()
    assert k.can_do == "Ziet overlast." and k.sector == "housing"
    event = DomainEvent.objects.latest("id")
    assert DomainEvent.objects.count() == events + 1
    assert event.type == "partnerknowledge_changed_by_admin"
    assert event.payload == {"fields": ["Wat deze partner kan"]}  # the field's label
    assert AuditEntry.objects.filter(kind="write").count() == writes + 1


def test_professionals_cannot_edit_it(client):
    verified_login(client, ProfessionalFactory(role="coordinator"))
    k = PartnerKnowledge.objects.get(sector="housing")
    url = reverse("admin:meldcode_partnerknowledge_change", args=[k.pk])
    assert client.post(url, {"can_do": "x"}).status_code == 302  # to the admin login
    k.refresh_from_db()
    assert k.can_do != "x"


def test_a_flushed_knowledge_base_is_loaded_again_without_overwriting_edits():
    from kindzicht.meldcode.knowledge_seed import load_partner_knowledge

    PartnerKnowledge.objects.filter(sector="gp").update(can_do="Eigen tekst")
    PartnerKnowledge.objects.exclude(sector="gp").delete()
    assert load_partner_knowledge() == len(SECTORS) - 1
    assert PartnerKnowledge.objects.count() == len(SECTORS)
    assert PartnerKnowledge.objects.get(sector="gp").can_do == "Eigen tekst"
