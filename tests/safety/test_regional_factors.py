"""A region extends the standard factor list: its codes are accepted for children living in
that region (and only there); an unknown code stays a specific error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auth_support import verified_login

from kindzicht.core import clock
from kindzicht.core.errors import Refused, ValidationError
from kindzicht.core.models import DomainEvent
from kindzicht.people import services as people
from kindzicht.people.models import Municipality
from kindzicht.rules.engine import Context
from kindzicht.rules.signalling import K5PartnerNeverEngaged
from kindzicht.safety.factors import specialist_sector
from kindzicht.safety.regional import factor_label, factors_for_child, regional_factor_add

from .conftest import DAY, SYSTEM


@pytest.fixture
def loverboy(world):
    """Region Utrecht Stad adds a code that needs the police."""
    region = Municipality.objects.get(code="0344").region
    return regional_factor_add(SYSTEM, region=region, code="loverboy_risk", domain="child",
                               label="risico op loverboy", specialist_sector="police")


def test_a_regional_code_is_accepted_for_a_child_in_the_region(world, loverboy):
    a = world.assess("wt", factors=[{"domain": "child", "code": "loverboy_risk"}])
    assert list(a.factors.values_list("code", flat=True)) == ["loverboy_risk"]
    assert factors_for_child(world.child.pk, DAY)["loverboy_risk"].regional
    assert factor_label("loverboy_risk") == "risico op loverboy"
    assert DomainEvent.objects.filter(type="regional_factor_added").count() == 1


def test_not_for_a_child_in_another_region(world, loverboy):
    with clock.frozen(DAY + timedelta(days=1)):
        people.household_move(SYSTEM, household=world.home, municipality_code="0363",
                              postcode="1012AB")
    with clock.frozen(DAY + timedelta(days=2)), pytest.raises(ValidationError) as exc:
        world.assess("wt", factors=[{"domain": "child", "code": "loverboy_risk"}])
    assert exc.value.field == "factors[0].code"


def test_the_domain_of_a_regional_code_is_checked(world, loverboy):
    with pytest.raises(ValidationError) as exc:
        world.assess("wt", factors=[{"domain": "family", "code": "loverboy_risk"}])
    assert exc.value.field == "factors[0].domain"


def test_a_regional_code_can_need_a_specialist_sector_k5(world, loverboy):
    assert specialist_sector("loverboy_risk") == "police"
    world.assess("wt", factors=[{"domain": "child", "code": "loverboy_risk"}])
    found = list(K5PartnerNeverEngaged().occurrences(Context(as_of=DAY + timedelta(days=61))))
    assert [o.key.split(":")[-1] for o in found] == ["loverboy_risk"]


@pytest.mark.parametrize("kwargs, field", [
    ({"code": "Loverboy Risk"}, "code"),
    ({"code": "new_partner"}, "code"),
    ({"domain": "school"}, "domain"),
    ({"label": " "}, "label"),
    ({"specialist_sector": "wizards"}, "specialist_sector"),
])
def test_bad_regional_factors(world, kwargs, field):
    region = Municipality.objects.get(code="0344").region
    args = {"code": "gaming_addiction", "domain": "child", "label": "gameverslaving"} | kwargs
    with pytest.raises(ValidationError) as exc:
        regional_factor_add(SYSTEM, region=region, **args)
    assert exc.value.field == field


def test_a_code_once_per_region(world, loverboy):
    with pytest.raises(Refused):
        regional_factor_add(SYSTEM, region=loverboy.region, code="loverboy_risk",
                            domain="child", label="nogmaals")


def test_an_administrator_adds_a_regional_code_in_the_admin(client, world):
    from django.urls import reverse
    from factories import ProfessionalFactory

    from kindzicht.safety.models import RegionalFactor

    verified_login(client, ProfessionalFactory(organisation=world.orgs["wt"], role="admin"))
    region = Municipality.objects.get(code="0344").region
    url = reverse("admin:safety_regionalfactor_add")
    data = {"region": region.pk, "code": "gaming_addiction", "domain": "child",
            "label": "gameverslaving", "specialist_sector": ""}
    response = client.post(url, data | {"code": "new_partner"})
    assert response.status_code == 200 and not RegionalFactor.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    rf = RegionalFactor.objects.get()
    assert (rf.code, rf.specialist_sector) == ("gaming_addiction", "")
    assert DomainEvent.objects.filter(type="regional_factor_added").count() == 1
