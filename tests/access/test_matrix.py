"""The authorisation matrix (issue 8): every route of the project (web and API, every method it
accepts), called as every role of ``people.models.Role``, for a person (or an object about a
person) inside and one outside the caller's reach, against the expectations that
docs/access.md publishes ("Authorisation matrix"). The test reads its expectations from that
document, so the document and the behaviour cannot drift apart; a route or a role missing from
it fails the test, naming it.

Outcomes: ``open`` — past the access checks (2xx, 3xx other than to the login page, or a 400,
405 or 409 of the operation itself); ``denied`` — 403 or 404, nothing written, and for a read
none of the outside family's content in the answer.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from auth_support import enrol_totp, verified_login
from django.db import transaction
from django.test import Client
from django.urls import get_resolver
from rest_framework.test import APIClient
from test_access_rules import walk

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.models import DomainEvent
from kindzicht.people.models import Role
from kindzicht.security.policy import needs_second_factor

DOC = Path(__file__).resolve().parents[2] / "docs" / "access.md"
#: Content of the family outside reach that no denied answer may contain.
SECRETS = ("GEHEIMDIENST-B", "GEHEIMEZORG-B")
SIDES = ("in", "out")


def doc_tables() -> tuple[dict[tuple[str, str], str], dict[str, dict[str, tuple[str, str]]]]:
    """(route, method) -> class, and class -> role -> (inside, outside), from docs/access.md."""
    text = DOC.read_text()
    section = text.split("## Authorisation matrix", 1)[1]
    rows: dict[tuple[str, str], str] = {}
    for route, method, cls in re.findall(r"^\| `([^`]*)` \| (GET|POST) \| (\w+) \|$",
                                         section, re.M):
        rows[("" if route == "/" else route, method)] = cls
    header = re.search(r"^\| class \|(.*)\|$", section, re.M)
    assert header, "docs/access.md: the class table's header is missing"
    roles = [c.strip() for c in header.group(1).split("|")]
    classes: dict[str, dict[str, tuple[str, str]]] = {}
    for line in section[header.end():].splitlines()[2:]:
        if not line.startswith("| `"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        classes[cells[0].strip("`")] = {
            role: tuple(cell.split("/")) for role, cell in zip(roles, cells[1:], strict=True)}
    return rows, classes


ROWS, CLASSES = doc_tables()


def routes() -> list[tuple[str, object]]:
    return list(walk(get_resolver().url_patterns))


def test_the_document_covers_every_route_method_and_role():
    missing = []
    for route, callback in routes():
        cls = getattr(callback, "cls", None)
        methods = ([m.upper() for m in ("get", "post", "put", "patch", "delete")
                    if hasattr(cls, m)] if cls else None)
        listed = sorted(m for (r, m) in ROWS if r == route)
        if not listed or (methods is not None and listed != sorted(methods)):
            missing.append(f"{route or '/'} {methods or ''}")
    assert missing == [], f"routes missing from the matrix in docs/access.md: {missing}"
    known = {r for r, _ in routes()}
    assert {r for r, _ in ROWS} <= known, {r for r, _ in ROWS} - known
    for cls, by_role in CLASSES.items():
        assert set(by_role) == set(Role.values), (cls, set(Role.values) ^ set(by_role))
    assert {c for c in ROWS.values()} <= set(CLASSES)


# --- the world: one organisation's cases inside reach, another's outside --------------------


class World:
    pass


def build_world() -> World:
    from kindzicht.access.services import break_glass_open
    from kindzicht.continuity.services import handover_offer, involvement_start
    from kindzicht.index.services import signal_register
    from kindzicht.meldcode.services import concern_record, report_make
    from kindzicht.oversight.models import Finding
    from kindzicht.oversight.services import findings_record
    from kindzicht.people import services as people
    from kindzicht.plans import follow_up
    from kindzicht.plans.models import Goal, PlanEvaluation
    from kindzicht.plans.services import plan_make
    from kindzicht.privacy.services import inzage_request_record
    from kindzicht.rules.tasks import task_create

    system = Actor.system("matrix set-up")
    w = World()
    org = {key: people.organisation_create(system, name=name, sector=sector,
                                           municipality_code="0344")
           for key, name, sector in (("a", "Jeugdhulp Binnen", "youth_care"),
                                     ("b", "Wijkteam Buiten", "district_team"),
                                     ("x", "Jeugdbescherming Regio", "youth_protection"),
                                     ("vt", "Veilig Thuis Regio", "safe_at_home"),
                                     ("q", "Basisschool Elders", "school"))}
    w.org = org
    n = iter(range(1, 1000))

    def pro(o, role="professional"):
        return people.professional_create(system, organisation=o, username=f"m{next(n)}",
                                          role=role, password="x" * 12)

    w.users = {role: pro(org["a"], role) for role in Role.values}
    for user in w.users.values():  # enrolled before any count: the roles that need it log in
        if needs_second_factor(user):  # with a second factor (issue 8, login hardening)
            enrol_totp(user)
    today = clock.today()
    for side, key in (("in", "a"), ("out", "b")):
        actor = Actor.of(pro(org[key]))
        child = people.person_create(system, birth_date=today - timedelta(days=365 * 8),
                                     given_name=f"Kind{side}", family_name="Matrix")
        mother = people.person_create(system, birth_date=today - timedelta(days=365 * 35),
                                      given_name=f"Moeder{side}", family_name="Matrix")
        people.relation_add(system, person=mother, kind="parent_of", other=child)
        home = people.household_create(system, members=[mother, child],
                                       municipality_code="0344", postcode="3511AB")
        secret = "" if side == "in" else "-B"
        involvement_start(actor, person=child, service=f"GEHEIMDIENST{secret}")
        concern = concern_record(actor, child=child, kind="observation",
                                 text=f"GEHEIMEZORG{secret}")
        report = report_make(actor, child=child, safe_at_home=org["vt"])
        handover = handover_offer(actor, child=child, receiver=org["x"])
        signal_register(actor, person=mother)
        plan = plan_make(actor, child=child, goals=[
            {"text": "veilig thuis", "owner": org[key], "due": today + timedelta(days=30)}],
            evaluations=[today + timedelta(days=20)])
        goal = Goal.objects.filter(plan=plan).first()
        task = task_create(organisation=org[key], code=follow_up.CODE,
                           key=follow_up.task_key(goal.pk, today), child=child,
                           text="doel loopt uit")
        grant = break_glass_open(Actor.of(pro(org["q"])), child,
                                 "acute situatie: kind alleen thuis aangetroffen")
        from kindzicht.core.models import Notification
        from kindzicht.index.models import Signal

        fg = Actor.of(w.users["privacy_officer"])
        inzage = inzage_request_record(fg, person=child, requester_name=f"Moeder{side} Matrix",
                                       requester_relation="parent_with_authority",
                                       received_on=today)
        findings = findings_record(fg, period_from=today, period_to=today)
        setattr(w, side, {
            "person": child.pk, "household": home.pk, "concern": concern.pk,
            "report": report.pk, "handover": handover.pk,
            "signal": Signal.objects.get(person=mother, ended_at__isnull=True).pk,
            "plan": plan.pk, "goal": goal.pk,
            "evaluation": PlanEvaluation.objects.filter(plan=plan).first().pk,
            "task": task.pk, "grant": grant.pk, "organisation": org[key].pk,
            "request": inzage.pk, "inzage": inzage.pk,
            "finding": (findings[0] if findings else Finding.objects.latest("pk")).pk,
            "device": enrol_totp(w.users["privacy_officer"]).pk,
            # the break-the-glass notice to the organisation responsible (Berichten)
            "notification": Notification.objects.filter(organisation=org[key],
                                                        kind="break_glass_opened").get().pk})
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


#: What a web address's ``pk`` is, by its first segment.
WEB_PK = {"personen": "person", "zorgen": "concern", "meldingen": "report",
          "overdrachten": "handover", "gezinsplannen": "plan", "doelen": "goal",
          "evaluaties": "evaluation", "taken": "task", "verwijsindex": "signal",
          "openbreken": "grant", "toezicht": "finding",
          "berichten": "notification"}
#: ... and by its first two segments, where the first does not decide.
WEB_PK2 = {"privacy/inzage": "inzage", "privacy/personen": "person",
           "beveiliging/authenticator": "device"}
STR_ARGS = {"action": "accept", "step": "map"}


def url_for(route: str, ids: dict) -> str:
    def arg(m: re.Match) -> str:
        conv, name = m.group(1), m.group(2)
        if conv == "str":
            return STR_ARGS[name]
        if name == "pk":
            two = "/".join(route.split("/")[:2])
            return str(ids[WEB_PK2[two] if two in WEB_PK2 else WEB_PK[route.split("/")[0]]])
        return str(ids[name.removesuffix("_id")])
    return "/" + re.sub(r"<(\w+):(\w+)>", arg, route)


def call(user, route: str, method: str, url: str):
    if route.startswith("api/"):
        client = APIClient()
        client.force_authenticate(user)
        return client.generic(method, url, "{}", content_type="application/json")
    client = Client()
    if needs_second_factor(user):
        verified_login(client, user)
    else:
        client.force_login(user)
    return client.get(url) if method == "GET" else client.post(url, {})


def outcome(route: str, response) -> str:
    status = response.status_code
    if status in (401, 403, 404):
        return "denied"
    if route != "uitloggen/" and status in (301, 302) \
            and "/login/" in response.get("Location", ""):
        return "denied"
    return "open"


CASES = sorted(ROWS.items())


def test_count_of_checks():
    """The number of endpoint × role × person checks the matrix makes (for the closing note)."""
    checks = len(CASES) * len(Role.values) * len(SIDES)
    print(f"\nauthorisation matrix: {len(CASES)} route-methods x {len(Role.values)} roles x "
          f"{len(SIDES)} persons = {checks} checks")
    assert checks >= 1000


@pytest.mark.django_db
@pytest.mark.parametrize("route_method, cls", CASES, ids=[f"{m} /{r}" for (r, m), _ in CASES])
def test_matrix(world, route_method, cls):
    route, method = route_method
    wrong = []
    for role in Role.values:
        for side, expected in zip(SIDES, CLASSES[cls][role], strict=True):
            ids = getattr(world, side)
            events = DomainEvent.objects.count()
            with transaction.atomic():
                response = call(world.users[role], route, method, url_for(route, ids))
                got = outcome(route, response)
                body = response.content.decode(errors="replace")
                transaction.set_rollback(True)
            if got != expected:
                wrong.append(f"{role} {side}: {expected} expected, got {response.status_code}")
            elif got == "denied":
                if DomainEvent.objects.count() != events:
                    wrong.append(f"{role} {side}: denied, but something was written")
                if any(s in body for s in SECRETS):
                    wrong.append(f"{role} {side}: denied, but the answer shows content")
    assert wrong == [], f"{method} /{route}: {wrong}"
