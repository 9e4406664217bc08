"""Lockout after failed logins (django-axes), on the web and on the API alike; audited; an
administrator unlocks (issue 8)."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import PASSWORD
from rest_framework.test import APIClient

from kindzicht.core.models import AuditEntry, DomainEvent

from .conftest import password_login

pytestmark = pytest.mark.django_db


def basic(user, password: str) -> APIClient:
    client = APIClient()
    token = base64.b64encode(f"{user.username}:{password}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return client


def fail_web(user, times: int):
    client = Client()
    return [password_login(client, user, password="wrong password!") for _ in range(times)]


def test_the_web_login_locks_out_after_the_limit_and_says_what_to_do(make_user):
    user = make_user("professional")
    limit = settings.AXES_FAILURE_LIMIT
    responses = fail_web(user, limit)
    assert [r.status_code for r in responses[:-1]] == [200] * (limit - 1)  # form errors
    locked = responses[-1]
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Account tijdelijk geblokkeerd" in html
    assert "Wacht 15 minuten" in html and "beheerder" in html
    # now even the right password is refused
    assert password_login(Client(), user).status_code == 429


def test_a_lockout_is_audited(make_user):
    user = make_user("professional")
    fail_web(user, settings.AXES_FAILURE_LIMIT)
    event = DomainEvent.objects.get(type="login_locked_out")
    assert event.payload["username"] == user.username
    assert event.object_id == user.pk and event.actor is None
    assert AuditEntry.objects.filter(event_id=event.pk, kind="system").exists()


def test_the_api_counts_towards_the_same_lockout_and_answers_a_problem(make_user):
    user = make_user("professional")
    fail_web(user, settings.AXES_FAILURE_LIMIT - 1)
    last = basic(user, "wrong password!").get("/api/v1/organisations")
    assert last.status_code in (401, 429)
    response = basic(user, PASSWORD).get("/api/v1/organisations")  # right password, locked
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == "urn:kindzicht:problem:locked_out" and body["status"] == 429
    assert response["Retry-After"] == str(15 * 60)


def test_basic_auth_alone_locks_out_too(make_user):
    user = make_user("professional")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        basic(user, "wrong password!").get("/api/v1/organisations")
    assert basic(user, PASSWORD).get("/api/v1/organisations").status_code == 429
    assert password_login(Client(), user).status_code == 429  # and the web with it


def test_the_lockout_ends_after_the_cool_off(make_user):
    user = make_user("professional")
    fail_web(user, settings.AXES_FAILURE_LIMIT)
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        response = password_login(Client(), user)
    assert response.status_code == 302


def test_an_administrator_unlocks_and_that_is_audited(make_user, capsys):
    user = make_user("professional")
    fail_web(user, settings.AXES_FAILURE_LIMIT)
    call_command("unlock", user.username)
    assert "vrijgegeven" in capsys.readouterr().out
    assert password_login(Client(), user).status_code == 302
    event = DomainEvent.objects.get(type="login_lockout_reset")
    assert event.payload["username"] == user.username and event.payload["attempts_removed"] >= 1


def test_a_successful_login_resets_the_count(make_user):
    user = make_user("professional")
    fail_web(user, settings.AXES_FAILURE_LIMIT - 1)
    assert password_login(Client(), user).status_code == 302
    fail_web(user, settings.AXES_FAILURE_LIMIT - 1)
    assert password_login(Client(), user).status_code == 302
    assert reverse("web:login")  # still the plain login page


def test_the_admin_lifts_a_lockout_only_through_the_audited_service(make_user):
    """Axes' own admin would delete lockout records without a trace; ours offers one action,
    which records who lifted whose lockout, and refuses deleting records or login logs."""
    from axes.models import AccessAttempt

    from auth_support import verified_login

    user = make_user("professional")
    fail_web(user, settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get(username=user.username)
    admin_user = make_user("admin")
    client = verified_login(Client(), admin_user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert client.get(reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
                      ).status_code == 403
    assert client.get(reverse("admin:axes_accesslog_changelist")).status_code == 200
    assert not DomainEvent.objects.filter(type="login_lockout_reset").exists()

    response = client.post(changelist, {"action": "unlock", "_selected_action": [attempt.pk]})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    event = DomainEvent.objects.get(type="login_lockout_reset")
    assert event.actor_id == admin_user.pk and event.payload["username"] == user.username
    assert AuditEntry.objects.filter(event_id=event.pk).exists()
    assert password_login(Client(), user).status_code == 302
