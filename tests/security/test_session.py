"""Session expiry: idle timeout and absolute lifetime on wall-clock time (time-machine), and
other sessions end when the password changes (issue 8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kindzicht.core import clock

from .conftest import password_login

pytestmark = pytest.mark.django_db


def at(start, **delta):
    return time_machine.travel(start + timedelta(**delta), tick=False)


def test_an_idle_session_ends(make_user):
    start = timezone.now()
    client = Client()
    with at(start):
        password_login(client, make_user())
    with at(start, seconds=settings.SESSION_IDLE_SECONDS - 60):
        assert client.get(reverse("web:home")).status_code == 200
    with at(start, seconds=2 * settings.SESSION_IDLE_SECONDS - 120):  # active in between
        assert client.get(reverse("web:home")).status_code == 200
    with at(start, seconds=3 * settings.SESSION_IDLE_SECONDS):
        response = client.get(reverse("web:home"))
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("web:login"))
        page = client.get(response["Location"])
        assert "een tijd niets hebt gedaan" in page.content.decode()


def test_the_absolute_lifetime_ends_even_an_active_session(make_user):
    start = timezone.now()
    client = Client()
    with at(start):
        password_login(client, make_user())
    step = settings.SESSION_IDLE_SECONDS - 60
    seconds = step
    while seconds < settings.SESSION_COOKIE_AGE:
        with at(start, seconds=seconds):
            assert client.get(reverse("web:home")).status_code == 200, seconds
        seconds += step
    with at(start, seconds=settings.SESSION_COOKIE_AGE + 1):
        response = client.get(reverse("web:home"))
        assert response.status_code == 302
        assert "Uw sessie is verlopen" in client.get(response["Location"]).content.decode()


def test_moving_the_domain_clock_logs_no_one_out(make_user):
    """Deadline tests and replays move core.clock by months; the session runs on wall time."""
    client = Client()
    password_login(client, make_user())
    with clock.frozen(clock.today() + timedelta(days=90)):
        assert client.get(reverse("web:home")).status_code == 200


def test_changing_the_password_ends_other_sessions(make_user):
    user = make_user()
    client = Client()
    password_login(client, user)
    assert client.get(reverse("web:home")).status_code == 200
    user.set_password("een heel ander wachtwoord")
    user.save()
    assert client.get(reverse("web:home")).status_code == 302


def test_changing_ones_password_on_the_screen_keeps_this_session_and_ends_the_others(make_user):
    from factories import PASSWORD

    from kindzicht.core.models import DomainEvent

    # Django's similarity validator compares the password with the user's names: a random
    # Dutch name such as "van Nederlotharingen" is close enough to refuse the new password.
    user = make_user(first_name="Anna", last_name="Bakker")
    here, elsewhere = Client(), Client()
    password_login(here, user)
    password_login(elsewhere, user)
    url = reverse("web:password_change")
    weak = here.post(url, {"old_password": PASSWORD, "new_password1": "kort",
                           "new_password2": "kort"})
    assert weak.status_code == 400
    new = "een nieuw lang wachtwoord"
    response = here.post(url, {"old_password": PASSWORD, "new_password1": new,
                               "new_password2": new})
    assert response.status_code == 302
    assert here.get(reverse("web:home")).status_code == 200
    assert elsewhere.get(reverse("web:home")).status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    event = DomainEvent.objects.filter(type="password_changed").get()
    assert event.actor == user and new not in str(event.payload)
