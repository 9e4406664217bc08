"""The index policy per region in the Django admin: who may register (never the municipality
or the court), the coordinator priority, the periods — recorded and audited like any write."""

from __future__ import annotations

import pytest
from auth_support import verified_login
from django.urls import reverse
from factories import OrganisationFactory, ProfessionalFactory

from kindzicht.core.models import DomainEvent
from kindzicht.index.models import IndexPolicy
from kindzicht.index.policy import DEFAULT, policy_for_region
from kindzicht.people.models import Region

ADD = reverse("admin:refindex_indexpolicy_add")


@pytest.fixture
def beheerder(client, day):
    user = ProfessionalFactory(organisation=OrganisationFactory(sector="municipality"),
                               role="admin")
    verified_login(client, user)
    return user


def form(region, sectors, priority="youth_care, school", months=12):
    return {"region": region.pk if region else "", "authorised_sectors": sectors,
            "coordinator_priority": priority, "signal_months": months, "inform_days": 28,
            "renew_notice_days": 42, "archive_years": 5}


def test_an_administrator_sets_a_regions_circle(client, beheerder):
    region = Region.objects.create(name="Testregio Rijnland")
    response = client.post(ADD, form(region, ["school", "gp", "police"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    row = IndexPolicy.objects.get(region=region)
    assert row.authorised_sectors == ["school", "gp", "police"]
    assert row.coordinator_priority == ["youth_care", "school"]
    assert DomainEvent.objects.filter(type="indexpolicy_added_by_admin").exists()
    policy = policy_for_region(region.pk)
    assert policy.authorised_sectors == {"school", "gp", "police"} and policy.signal_months == 12
    assert policy.renew_notice_days == 42
    assert policy_for_region(None) == DEFAULT


def test_the_municipality_and_court_cannot_join_the_circle(client, beheerder):
    response = client.post(ADD, form(None, ["school", "municipality"]))
    assert response.status_code == 200
    assert "registreren geen signalen" in response.content.decode()
    response = client.post(ADD, form(None, ["school"], priority="school, nonsense", months=36))
    html = response.content.decode()
    assert "Onbekende sectorcode: nonsense" in html and "1 tot 24 maanden" in html
    response = client.post(ADD, {**form(None, ["school"]), "renew_notice_days": 0})
    assert "1 tot 180 dagen" in response.content.decode()
    assert not IndexPolicy.objects.exists()


def test_one_row_per_region_and_one_national(client, beheerder):
    assert client.post(ADD, form(None, ["school"])).status_code == 302
    assert client.post(ADD, form(None, ["gp"])).status_code == 200  # a second national row
    assert IndexPolicy.objects.count() == 1
