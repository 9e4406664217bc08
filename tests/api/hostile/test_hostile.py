"""Hostile input against every write endpoint of the API (issue 8).

The corpus is data: ``values.json`` holds hostile values per kind of input (text, id, date,
enum, boolean, array, object, and whole malformed bodies); ``endpoints.json`` maps every write
endpoint to a request that is right in itself. The test takes the write endpoints from the
URL resolver (so a new endpoint is covered, or the test fails until the corpus maps it), the
kind of each body field from the committed OpenAPI schema, and sends each hostile value of a
field's kind in place of that field's value — one at a time, nested fields too
(``goals.0.due``) — and:

- a value the corpus marks ``refuse`` must get a 400 problem+json whose ``invalidParams``
  names the field; a malformed body a 4xx problem;
- a value marked ``either`` (markup, SQL-looking text, odd but valid unicode, plausible dates)
  may be accepted, or refused in the same way; never a server error;
- an id of another organisation's object in the path must get a 403 or 404 problem;
- whatever is refused writes nothing: the row counts of every kindzicht table, the domain
  events and the audit entries are those from before.

Each request runs in a savepoint that is rolled back, so one case cannot prepare the next.
The number of hostile inputs tried is counted (``figures.py``) and printed at the end of the
run.
"""

from __future__ import annotations

import base64
import copy
import csv
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from auth_support import verified_login
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

import kindzicht.api
from kindzicht.core import clock
from kindzicht.core.models import AuditEntry
from kindzicht.security.policy import needs_second_factor

from .. import figures
from ..world import PASSWORD, TODAY, World, build_world

pytestmark = pytest.mark.django_db

HERE = Path(__file__).parent
VALUES: dict[str, list[dict[str, Any]]] = {
    k: v for k, v in json.loads((HERE / "values.json").read_text()).items() if k != "_doc"}
CORPUS: dict[str, dict[str, Any]] = {
    k: v for k, v in json.loads((HERE / "endpoints.json").read_text()).items() if k != "_doc"}
SCHEMA = json.loads((Path(kindzicht.api.__file__).parent / "openapi.json").read_text())
WRITE_METHODS = ("post", "put", "patch", "delete")
#: ids in a path that no object can have (the URL converter takes any digits)
HOSTILE_PATH_IDS = ["0", "999999999", "99999999999999999999999999"]


def _api_patterns() -> list[tuple[str, str]]:
    """(URL name, route) of every pattern under /api/v1/."""
    found = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (
                    p.namespace or namespace)
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and namespace == "api" and p.name:
                found.append((p, prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "", "")
    return found


def write_endpoints() -> list[tuple[str, str]]:
    """("POST api:persons", "/api/v1/persons/{person_id}/…") for every write method of every
    API view, straight from the URL resolver."""
    endpoints = []
    for pattern, route in _api_patterns():
        view_class = getattr(pattern.callback, "view_class", None) or getattr(
            pattern.callback, "cls", None)
        for method in WRITE_METHODS:
            if view_class is not None and hasattr(view_class, method):
                path = "/" + route.replace("<int:", "{").replace(">", "}")
                endpoints.append((f"{method.upper()} api:{pattern.name}", path))
    return endpoints


ENDPOINTS = write_endpoints()


def test_every_write_endpoint_has_a_corpus_mapping():
    missing = [key for key, _ in ENDPOINTS if key not in CORPUS]
    assert not missing, f"write endpoints without a hostile-input mapping in endpoints.json: " \
                        f"{missing}"
    stale = set(CORPUS) - {key for key, _ in ENDPOINTS}
    assert not stale, f"endpoints.json maps endpoints that do not exist: {stale}"
    assert len(ENDPOINTS) >= 40


# --- the schema: which kind each body field is -----------------------------------------------

def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].split("/")[-1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0])
    return schema


def _kind(schema: dict[str, Any]) -> str:
    schema = _resolve(schema)
    if "enum" in schema:
        return "enum"
    kind = schema.get("type")
    if kind == "string":
        return "date" if schema.get("format") == "date" else "text"
    if kind == "integer":
        return "id"
    if kind in ("boolean", "array", "object"):
        return kind
    raise AssertionError(f"no hostile values for the schema {schema}")


def fields(schema: dict[str, Any], base: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(dotted path, kind) of every field of a request body: the schema's properties, and the
    fields inside the base body's first list element or nested object."""
    schema = _resolve(schema)
    out: list[tuple[str, str]] = []
    for name, prop in schema.get("properties", {}).items():
        if _resolve(prop).get("readOnly"):
            continue
        path = f"{prefix}{name}"
        kind = _kind(prop)
        out.append((path, kind))
        value = base.get(name) if isinstance(base, dict) else None
        if kind == "array" and isinstance(value, list) and value:
            items = _resolve(prop)["items"]
            if _resolve(items).get("type") == "object":
                out += fields(items, value[0], f"{path}.0.")
            else:
                out.append((f"{path}.0", _kind(items)))
        elif kind == "object" and isinstance(value, dict):
            out += fields(prop, value, f"{path}.")
    return out


def request_schema(path: str, method: str) -> dict[str, Any] | None:
    operation = SCHEMA["paths"][path[len("/api/v1"):]][method.lower()]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return body["schema"] if body else None


# --- the world's names, the cases ------------------------------------------------------------

def fill(value: Any, world: World) -> Any:
    if isinstance(value, str) and value.startswith(("$today+", "$today-")):
        return (TODAY + timedelta(days=int(value[len("$today"):]))).isoformat()
    if isinstance(value, str) and value.startswith("$"):
        return world.named[value[1:]]
    if isinstance(value, list):
        return [fill(v, world) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    return value


def put(body: Any, path: str, value: Any) -> Any:
    body = copy.deepcopy(body)
    *parents, leaf = path.split(".")
    target = body
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(leaf)] = value
    else:
        target[leaf] = value
    return body


def hostile_value(entry: dict[str, Any]) -> Any:
    if "repeat" in entry:
        return entry["repeat"] * entry["times"]
    return entry["value"]


def raw_body(entry: dict[str, Any]) -> bytes:
    if "raw" in entry:
        return entry["raw"].encode("utf-8", "surrogatepass")
    if "raw_hex" in entry:
        return bytes.fromhex(entry["raw_hex"])
    if "raw_nested" in entry:
        return b"[" * entry["raw_nested"] + b"]" * entry["raw_nested"]
    return b'{"note": "' + b"a" * entry["raw_repeat"] + b'"}'


def counts() -> dict[str, int]:
    """Rows of every kindzicht table (domain data, events, outbox …) and the audit entries of
    writes, in one query. (A refused request may leave the audit entry of a read: the caller
    did read.)"""
    models = [m for m in apps.get_models() if m.__module__.startswith("kindzicht.")]
    parts = []
    for model in models:
        table = connection.ops.quote_name(model._meta.db_table)
        where = " WHERE kind = 'write'" if model is AuditEntry else ""
        parts.append(f"(SELECT COUNT(*) FROM {table}{where})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return {model._meta.label: n for model, n in zip(models, row, strict=True)}


def client(user) -> APIClient:
    """HTTP Basic, as an API client authenticates — except for a user who needs a second
    factor (coordinator, FG …), for whom Basic is refused: a verified web session, which must
    send the CSRF token on writes like the web UI's scripts do (the client enforces CSRF)."""
    if not needs_second_factor(user):
        api = APIClient()
        token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
        api.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
        return api
    api = APIClient(enforce_csrf_checks=True)
    verified_login(api, user)
    request = HttpRequest()
    masked = get_token(request)
    api.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    api.credentials(HTTP_X_CSRFTOKEN=masked)
    return api


def send(api: APIClient, method: str, url: str, payload: bytes,
         content_type: str = "application/json"):
    return api.generic(method, url, payload, content_type=content_type)


class Outcome:
    def __init__(self):
        self.failures: list[str] = []
        self.tried = 0

    def fail(self, case: str, why: str) -> None:
        self.failures.append(f"{case}: {why}")


def check(outcome: Outcome, case: str, response, *, expect: str, field: str | None,
          before: dict[str, int], statuses: tuple[int, ...] = (400,)) -> None:
    """Judge one response (see the module docstring) and the rows left behind."""
    status = response.status_code
    if status >= 500:
        outcome.fail(case, f"server error {status}")
        return
    content_type = response.get("Content-Type", "")
    if 200 <= status < 300:
        if expect == "refuse":
            outcome.fail(case, f"accepted ({status}) — expected a refusal")
        return
    if not content_type.startswith("application/problem+json"):
        outcome.fail(case, f"{status} with Content-Type {content_type!r}")
        return
    problem = json.loads(response.content)
    if not (problem.get("status") == status and problem.get("detail")):
        outcome.fail(case, f"not a complete problem: {problem}")
    if status not in statuses and not (expect == "either" and 400 <= status < 500):
        outcome.fail(case, f"status {status}, expected one of {statuses}: {problem['detail']}")
    if field is not None and status == 400:
        names = [p.get("name", "") for p in problem.get("invalidParams", [])]
        # an item of a list may be named by its list (``factors`` for ``factors.0``): the
        # message then quotes the item
        head, _, last = field.rpartition(".")
        accepted = {field, head} if last.isdigit() else {field}
        if not any(n in accepted or n.startswith(field + ".") for n in names):
            outcome.fail(case, f"invalidParams {names} do not name {field!r} "
                               f"({problem['detail'][:200]})")
    after = counts()
    if after != before:
        changed = {k: (before[k], after[k]) for k in after if after[k] != before.get(k)}
        outcome.fail(case, f"refused ({status}) but wrote: {changed}")


def attempt(outcome: Outcome, case: str, do, **judge) -> None:
    """One hostile request in a savepoint that is rolled back afterwards."""
    outcome.tried += 1
    with transaction.atomic():
        try:
            response = do()
        except Exception as exc:  # the test client re-raises what the view did not handle
            outcome.fail(case, f"server error: {type(exc).__name__}: {str(exc)[:200]}")
        else:
            check(outcome, case, response, **judge)
        transaction.set_rollback(True)


def base_request(key: str, mapping: dict[str, Any], do) -> None:
    """The corpus's request, right in itself, gets one of the statuses the corpus names for it
    (rolled back)."""
    with transaction.atomic():
        response = do()
        assert response.status_code in mapping["base"], (key, response.content[:500])
        transaction.set_rollback(True)


def malformed_bodies(outcome: Outcome, post, before: dict[str, int]) -> None:
    """Each malformed body of the corpus sent whole (``post(payload)``): a 4xx problem."""
    for entry in VALUES["body"]:
        payload = raw_body(entry)
        attempt(outcome, f"body={entry['name']}", lambda payload=payload: post(payload),
                expect=entry["expect"], field=None, before=before, statuses=(400, 413))


def conclude(key: str, outcome: Outcome) -> None:
    """Count what was tried (the figures printed at the end) and fail on any mishandled."""
    figures.count("hostile inputs tried", outcome.tried)
    assert outcome.tried
    assert not outcome.failures, f"{key}: {len(outcome.failures)} of {outcome.tried} " \
        "hostile inputs were mishandled:\n  " + "\n  ".join(outcome.failures[:60])


@pytest.fixture
def world() -> World:
    with clock.frozen(TODAY):
        yield build_world()


@pytest.mark.parametrize("key, path", ENDPOINTS, ids=[k for k, _ in ENDPOINTS])
def test_hostile_input(key, path, world):
    mapping = CORPUS[key]
    method = key.split()[0]
    user = world.users[mapping.get("as", "caller")]
    api = client(user)
    ids = {name: fill(value, world) for name, value in mapping.get("path", {}).items()}
    url = "/api/v1" + path[len("/api/v1"):].format(**ids)
    if "csv" in mapping:
        return csv_cases(key, mapping, api, method, url, world)
    base = fill(mapping.get("body", {}), world)
    schema = request_schema(path, method)
    outcome = Outcome()

    with clock.frozen(TODAY):
        before = counts()
        base_request(key, mapping, lambda: send(api, method, url, json.dumps(base).encode()))

        for field, kind in (fields(schema, base) if schema else []):
            for entry in VALUES[kind]:
                body = put(base, field, hostile_value(entry))
                for other in mapping.get("exclusive", {}).get(field.split(".")[0], []):
                    body.pop(other, None)  # the alternative to this field
                attempt(outcome, f"{field}={entry['name']}",
                        lambda body=body: send(api, method, url, json.dumps(body).encode()),
                        expect=entry["expect"], field=field, before=before)

        malformed_bodies(outcome, lambda payload: send(api, method, url, payload), before)

        # ids of another organisation's objects (when the user is of the caller's
        # organisation, for whom the world's ``foreign`` holds), ids nobody has
        for name in ids:
            foreign = world.foreign.get(name, []) if user.organisation_id == world.me.pk else []
            route_ids = [*foreign, *HOSTILE_PATH_IDS]
            for other in route_ids:
                other_url = "/api/v1" + path[len("/api/v1"):].format(**{**ids, name: other})
                attempt(outcome, f"{name}={other}",
                        lambda other_url=other_url: send(api, method, other_url,
                                                         json.dumps(base).encode()),
                        expect="refuse", field=None, before=before, statuses=(403, 404))

    conclude(key, outcome)


def csv_cases(key: str, mapping: dict[str, Any], api: APIClient, method: str, url: str,
              world: World) -> None:
    """A CSV endpoint (the import of a regional index): each hostile text value of a column's
    kind in each cell of the file's one row, one at a time — refused means a 400 naming the
    row (``line.2``), or the file where the value makes it no UTF-8 — and the malformed bodies
    as the file."""
    from kindzicht.index.bulk import rows_of

    base = fill(mapping["csv"], world)

    def file(rows: list[dict[str, Any]]) -> bytes:
        return rows_of(rows).encode("utf-8", "surrogatepass")

    def post(payload: bytes):
        return send(api, method, url, payload, content_type="text/csv")

    outcome = Outcome()
    with clock.frozen(TODAY):
        before = counts()
        base_request(key, mapping, lambda: post(file(base)))
        for column, kind in mapping["columns"].items():
            for entry in VALUES[kind]:
                value = hostile_value(entry)
                if not isinstance(value, str):
                    continue  # a list or a number is text in a CSV file: another case
                expect = entry["expect"]
                if value == "" and column in mapping.get("optional", []):
                    expect = "either"
                rows = [{**base[0], column: value}, *base[1:]]
                # the row is rejected — or the file, where the value makes it no UTF-8 or
                # longer than a CSV reader's field may be
                try:
                    value.encode("utf-8")
                    field = "file" if len(value) > csv.field_size_limit() else "line"
                except UnicodeEncodeError:
                    field = "file"
                attempt(outcome, f"{column}={entry['name']}",
                        lambda rows=rows: post(file(rows)),
                        expect=expect, field=field, before=before)
        malformed_bodies(outcome, post, before)

    conclude(key, outcome)
