"""A server killed mid-write loses no acknowledged write and leaves nothing half-written.

A real ``kindzicht serve`` process (waitress, its own connections) takes concurrent API writes
from several client threads over loopback; SIGKILL hits it while requests are in flight. What
PostgreSQL kept afterwards must be whole: every write the client saw succeed is there with its
domain event and audit entry, no person exists without them, and the audit chain verifies."""

from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from kindzicht.core import audit
from kindzicht.core.actions import Actor
from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.people import services as people
from kindzicht.people.models import Person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
CLIENTS, WRITES_PER_CLIENT = 4, 40
KILL_AFTER_SUCCESSES = 25
SRC = Path(__file__).resolve().parents[2] / "src"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The test database pytest-django created (``test_<name>``), for the server process."""
    base = os.environ["KINDZICHT_DATABASE_URL"]
    return urlunsplit(urlsplit(base)._replace(path=f"/{connection.settings_dict['NAME']}"))


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "KINDZICHT_DATABASE_URL": database_url(),
           "DJANGO_SETTINGS_MODULE": "kindzicht.settings.test",
           "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, "-c", "from kindzicht.cli import main; main()", "serve",
         "--host", "127.0.0.1", "--port", str(port), "--threads", "4", "--no-sweep",
         "--no-migrate"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited before it served"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not listen on port {port} within {timeout} s")


def post(port: int, token: str, body: dict) -> tuple[int, dict | None]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/persons", data=json.dumps(body).encode(),
        method="POST", headers={"Content-Type": "application/json",
                                "Authorization": f"Basic {token}"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None


def wait_for_backends_to_go(timeout: float = 30) -> None:
    """The killed server's PostgreSQL sessions end (rolling back what was open) once the
    server notices the closed sockets; wait for that before reading and before the flush."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                           "current_database() AND pid <> pg_backend_pid()")
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.2)
    raise AssertionError("the killed server's database sessions did not end")


def test_sigkill_mid_write_keeps_acknowledged_writes_whole_and_nothing_partial():
    system = Actor.system("crash test set-up")
    org = people.organisation_create(system, name="Jeugdhulp Utrecht", sector="youth_care",
                                     municipality_code="0344")
    pro = people.professional_create(system, organisation=org, username="crashclient",
                                     role="professional", first_name="Test",
                                     last_name="Gebruiker", password=PASSWORD)
    token = base64.b64encode(f"{pro.username}:{PASSWORD}".encode()).decode()
    persons_before = set(Person.objects.values_list("pk", flat=True))
    connection.close()  # hold no session of our own while the server writes

    port = free_port()
    server = start_server(port)
    acknowledged: list[tuple[int, str]] = []  # (person id, family name) answered 201
    failed: list[str] = []
    lock = threading.Lock()
    enough = threading.Event()

    def client(number: int) -> None:
        for n in range(WRITES_PER_CLIENT):
            name = f"Crash{number}x{n}"
            try:
                code, body = post(port, token, {"given_name": "Kind", "family_name": name,
                                                "birth_date": "2016-04-01"})
            except (OSError, http.client.HTTPException, ValueError):
                # refused, reset or cut off by the kill: not acknowledged
                failed.append(name)
                continue
            with lock:
                if code == 201 and body is not None:
                    acknowledged.append((body["id"], name))
                    if len(acknowledged) >= KILL_AFTER_SUCCESSES:
                        enough.set()
                else:
                    failed.append(f"{name}: HTTP {code}")

    try:
        wait_until_up(port, server)
        threads = [threading.Thread(target=client, args=(i,), daemon=True)
                   for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        assert enough.wait(120), f"too few writes succeeded before the kill: {failed[:5]}"
        server.send_signal(signal.SIGKILL)  # mid-way: the clients are still writing
        server.wait(10)
        for thread in threads:
            thread.join(60)
        assert not any(t.is_alive() for t in threads)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)
    wait_for_backends_to_go()

    assert len(acknowledged) >= KILL_AFTER_SUCCESSES
    assert failed, "the kill came after every write had finished: nothing was cut off"
    # every acknowledged write is there, with its domain event and audit entry
    for person_id, name in acknowledged:
        person = Person.objects.get(pk=person_id)
        assert person.family_name == name
        event = DomainEvent.objects.get(type="person_created", object_id=person_id)
        assert AuditEntry.objects.filter(event_id=event.pk, kind="write").count() == 1
    # nothing partial: every person written through the server has its event and audit entry,
    # and every such event its person
    new_persons = set(Person.objects.values_list("pk", flat=True)) - persons_before
    assert {pid for pid, _ in acknowledged} <= new_persons
    events = dict(DomainEvent.objects.filter(type="person_created", object_id__in=new_persons)
                  .values_list("object_id", "pk"))
    assert set(events) == new_persons
    audited = set(AuditEntry.objects.filter(event_id__in=events.values())
                  .values_list("event_id", flat=True))
    assert audited == set(events.values())
    orphans = DomainEvent.objects.filter(type="person_created").exclude(object_id__in=new_persons)
    assert not orphans.filter(actor_id=pro.pk).exists()
    assert audit.verify() == []
