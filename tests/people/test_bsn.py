"""The BSN and its 11-proef: valid and invalid numbers, normalisation, duplicates refused."""

from __future__ import annotations

from datetime import date

import pytest
from factories import make_bsn

from kindzicht.core.errors import ValidationError
from kindzicht.people import services
from kindzicht.people.bsn import is_valid_bsn, normalise_bsn
from kindzicht.people.models import Person


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999990019", "012345672"])
def test_valid_bsns_pass_the_11_proef(bsn):
    assert is_valid_bsn(bsn)


@pytest.mark.parametrize("bsn", [
    "123456789",   # checksum off by one
    "111222334",
    "000000000",   # all zeros passes the arithmetic but is no number
    "12345678",    # too short (not normalised)
    "1234567820",  # too long
    "12345678a",
    "",
])
def test_invalid_bsns_fail(bsn):
    assert not is_valid_bsn(bsn)


def test_normalise_strips_separators_and_pads_eight_digits():
    assert normalise_bsn(" 1234.56.782 ") == "123456782"
    assert normalise_bsn("12345672") == "012345672"
    assert is_valid_bsn(normalise_bsn("12345672"))


def test_generated_test_bsns_are_valid_and_distinct():
    numbers = [make_bsn() for _ in range(200)]
    assert all(is_valid_bsn(n) for n in numbers)
    assert len(set(numbers)) == 200


def test_person_create_normalises_the_bsn(actor):
    p = services.person_create(actor, birth_date=date(2015, 3, 1), given_name="Mila",
                               family_name="de Vries", bsn="1234 56 782")
    assert p.bsn == "123456782"


def test_duplicate_bsn_is_refused_naming_the_field_and_writes_nothing(actor, snapshot):
    services.person_create(actor, birth_date=date(2015, 3, 1), bsn="123456782")
    before = snapshot()
    with pytest.raises(ValidationError) as err:
        services.person_create(actor, birth_date=date(2016, 4, 2), given_name="Ander",
                               bsn="123456782")
    assert err.value.field == "bsn"
    assert before.changes() == {}
    assert Person.objects.filter(bsn="123456782").count() == 1


def test_duplicate_after_normalisation_is_refused(actor):
    services.person_create(actor, birth_date=date(2015, 3, 1), bsn="012345672")
    with pytest.raises(ValidationError) as err:
        services.person_create(actor, birth_date=date(2016, 4, 2), bsn="12345672")
    assert err.value.field == "bsn"


def test_persons_without_bsn_are_allowed_side_by_side(actor):
    services.person_create(actor, birth_date=date(2015, 3, 1), given_name="A")
    services.person_create(actor, birth_date=date(2015, 3, 1), given_name="B", bsn="")
    assert Person.objects.filter(bsn__isnull=True).count() == 2
