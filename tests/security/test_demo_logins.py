"""The demo enrols an authenticator for every demo account and prints its secret, so that a
newcomer can log in: password, then a code from an app given the printed secret (issue 8)."""

from __future__ import annotations

import re
from base64 import b32decode
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from kindzicht.people.seed import DEMO_PASSWORD, LOGINS

pytestmark = pytest.mark.django_db


def test_the_demo_prints_a_working_totp_secret_for_every_login(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    out = StringIO()
    call_command("demo", "--no-serve", "--families", "2", stdout=out)
    text = out.getvalue()
    secrets = dict(re.findall(r"^(\w+)\s+((?:[A-Z2-7]{4} ){7}[A-Z2-7]{4})$", text, re.M))
    assert set(secrets) == {username for username, *_ in LOGINS}
    assert all(len(line) <= 100 for line in text.splitlines() if "TOTP" in line or
               line.startswith(tuple(secrets)))

    for username in ("beheerder", "professional"):
        client = Client()
        client.post(reverse("web:login"), {"username": username, "password": DEMO_PASSWORD})
        code = f"{totp(b32decode(secrets[username].replace(' ', ''))):06d}"
        response = client.post(reverse("web:second_factor"), {"token": code})
        assert response.status_code == 302, response.content
        assert client.get(reverse("web:home")).status_code == 200

    again = StringIO()
    call_command("demo", "--no-serve", stdout=again)  # the second start prints them again
    assert secrets["beheerder"] in again.getvalue()
