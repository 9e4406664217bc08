"""Password rules: Django's validators, at least 12 characters (issue 8)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from kindzicht.people.seed import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["kort1!", "elf tekens!", "123456789012345",
                                      "password1234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_twelve_characters_that_are_not_common_pass():
    validate_password("zeeslag-op-dinsdag")
    validate_password("twaalf tken!")


def test_the_demo_password_still_passes():
    validate_password(DEMO_PASSWORD)
    assert len(DEMO_PASSWORD) >= 12


def test_a_password_like_the_user_name_is_refused(make_user):
    user = make_user(username="jansen.utrecht")
    with pytest.raises(ValidationError):
        validate_password("jansen.utrecht1", user=user)
