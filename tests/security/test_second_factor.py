"""The second factor (TOTP, django-otp): enrolment through the real screens, the code after the
password, mandatory roles sent to enrolment, and no way around it (issue 8)."""

from __future__ import annotations

from base64 import b32decode

import pytest
from auth_support import enrol_totp, totp_code, verified_login
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from factories import PASSWORD

from kindzicht.core.models import AuditEntry, DomainEvent

from .conftest import password_login, secret_on_page

pytestmark = pytest.mark.django_db

MANDATORY = ["admin", "inspector", "coordinator", "privacy_officer"]


def code_from_secret(secret: str) -> str:
    """What an authenticator app that was given ``secret`` shows now."""
    return f"{totp(b32decode(secret), step=30, t0=0, digits=6):06d}"


def test_a_professional_without_a_device_logs_in_with_a_password_only(make_user):
    client = Client()
    response = password_login(client, make_user("professional"))
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200
    assert client.get(reverse("web:person_search")).status_code == 200


@pytest.mark.parametrize("role", MANDATORY)
def test_a_mandatory_role_is_sent_to_enrolment_and_can_do_nothing_else(make_user, role):
    client = Client()
    password_login(client, make_user(role))
    for name in ("web:home", "web:tasks", "web:security"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("web:totp_enrol")), name
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("web:totp_enrol"))
    # the API does not take this session either
    problem = client.get("/api/v1/organisations")
    assert problem.status_code == 403
    assert problem.json()["type"] == "urn:kindzicht:problem:second_factor_required"


@pytest.mark.parametrize("role", MANDATORY)
def test_enrolment_through_the_screens_with_the_secret_shown(make_user, role):
    user = make_user(role)
    client = Client()
    password_login(client, user)
    page = client.get(reverse("web:totp_enrol"), {"next": reverse("web:tasks")})
    assert page.status_code == 200
    html = page.content.decode()
    assert "verplicht" in html
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, made on the server
    secret = secret_on_page(html)
    assert "otpauth://totp/kindzicht%3A" in html and f"secret={secret}" in html
    events = DomainEvent.objects.count()

    response = client.post(reverse("web:totp_enrol"),
                           {"token": code_from_secret(secret), "next": reverse("web:tasks")})
    assert response.status_code == 302 and response["Location"] == reverse("web:tasks")
    assert client.get(reverse("web:tasks")).status_code == 200
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    event = DomainEvent.objects.order_by("pk").last()
    assert event.type == "totp_device_enrolled" and event.actor == user
    assert DomainEvent.objects.count() == events + 1
    assert AuditEntry.objects.filter(event_id=event.pk, action="totp_device_enrolled").exists()
    assert secret not in str(event.payload)


def test_a_wrong_first_code_enrols_nothing(make_user):
    user = make_user("coordinator")
    client = Client()
    password_login(client, user)
    html = client.get(reverse("web:totp_enrol")).content.decode()
    right = code_from_secret(secret_on_page(html))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(reverse("web:totp_enrol"), {"token": wrong})
    assert response.status_code == 400
    assert "Deze code klopt niet" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get(reverse("web:home")).status_code == 302  # still only enrolment


def test_with_a_device_the_password_is_followed_by_the_code(make_user):
    user = make_user("professional")
    device = enrol_totp(user)  # a professional who chose to enrol
    client = Client()
    assert password_login(client, user).status_code == 302
    response = client.get(reverse("web:home"))
    assert response["Location"].startswith(reverse("web:second_factor"))
    wrong = client.post(reverse("web:second_factor"), {"token": "000000"})
    if totp_code(device) != "000000":
        assert wrong.status_code == 400
        assert "klopt niet" in wrong.content.decode()
        assert client.get(reverse("web:home")).status_code == 302
    # django-otp slows down after a wrong code: step past the wait
    device.refresh_from_db()
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post(reverse("web:second_factor"),
                           {"token": totp_code(device), "next": reverse("web:tasks")})
    assert response.status_code == 302 and response["Location"] == reverse("web:tasks")
    assert client.get(reverse("web:home")).status_code == 200


def test_a_password_alone_cannot_add_a_second_device(make_user):
    user = make_user("coordinator")
    enrol_totp(user)
    client = Client()
    password_login(client, user)
    response = client.get(reverse("web:totp_enrol"))
    assert response["Location"].startswith(reverse("web:second_factor"))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_code_is_accepted_once(make_user):
    user = make_user("inspector")
    device = enrol_totp(user)
    code = totp_code(device)
    first, second = Client(), Client()
    for client in (first, second):
        password_login(client, user)
    assert first.post(reverse("web:second_factor"), {"token": code}).status_code == 302
    assert second.post(reverse("web:second_factor"), {"token": code}).status_code == 400


def test_the_admin_needs_a_verified_session(make_user):
    admin = make_user("admin")
    client = Client()
    password_login(client, admin)
    assert client.get("/admin/")["Location"].startswith(reverse("web:totp_enrol"))
    verified_login(client, admin)
    assert client.get("/admin/").status_code == 200
    # the admin's own login form is not used: it sends to the web login (password, then code)
    response = Client().get("/admin/login/?next=/admin/")
    assert response["Location"].startswith(reverse("web:login"))


def test_removing_ones_device_is_recorded_and_a_mandatory_role_enrols_again(make_user):
    user = make_user("coordinator")
    client = verified_login(Client(), user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    page = client.get(reverse("web:security"))
    assert page.status_code == 200 and device.name in page.content.decode()
    response = client.post(reverse("web:totp_remove", args=[device.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = DomainEvent.objects.order_by("pk").last()
    assert event.type == "totp_device_removed" and event.actor == user
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("web:totp_enrol"))


def test_no_one_removes_another_users_device(make_user):
    owner, other = make_user("coordinator"), make_user("professional")
    device = enrol_totp(owner)
    client = verified_login(Client(), other)
    client.post(reverse("web:totp_remove", args=[device.pk]))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_administrator_resets_a_lost_phone_on_the_command_line(make_user, capsys):
    user = make_user("coordinator")
    enrol_totp(user)
    call_command("reset_second_factor", user.username, "--reason", "telefoon kwijt")
    assert not TOTPDevice.objects.filter(user=user).exists()
    event = DomainEvent.objects.filter(type="totp_device_removed").get()
    assert event.payload["reason"] == "telefoon kwijt"
    client = Client()
    password_login(client, user)
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("web:totp_enrol"))


def test_next_may_not_leave_the_site(make_user):
    user = make_user("coordinator")
    device = enrol_totp(user)
    client = Client()
    password_login(client, user)
    response = client.post(reverse("web:second_factor"),
                           {"token": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("web:home")


def test_password_is_still_checked_first(make_user):
    user = make_user("coordinator")
    client = Client()
    response = password_login(client, user, password=PASSWORD + "x")
    assert response.status_code == 200
    assert client.get(reverse("web:totp_enrol")).status_code == 302  # to the login page


def test_the_admin_shows_who_has_an_authenticator_but_never_the_secret(make_user):
    admin = make_user("admin")
    client = verified_login(Client(), admin)
    device = TOTPDevice.objects.get(user=admin)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]),
                       {"post": "yes"}).status_code == 403


def test_the_second_factor_page_lets_a_password_only_user_through(make_user):
    client = Client()
    password_login(client, make_user("professional"))
    response = client.get(reverse("web:second_factor"), {"next": reverse("web:tasks")})
    assert response["Location"] == reverse("web:tasks")
