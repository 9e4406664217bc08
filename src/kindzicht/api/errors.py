"""One mapping of the application's errors to problem+json (RFC 9457), done once for the API.

Every refusal reaches the client as ``application/problem+json`` with ``type``, ``title``,
``status``, ``detail`` and ``instance``. When the problem lies in one input field, the
extension member ``invalidParams`` names it (``[{name, code, reason}]``, the form the Dutch
API strategy uses), so a client can put the message beside the right field.

The sources, and what they become:

==========================================  ======  ============================
``core.errors.ValidationError``             400     ``invalidParams`` if a field
DRF ``ValidationError`` (serializers)       400     one entry per field message
``core.errors.NotFound`` / ``Http404``      404
``core.errors.Forbidden`` / DRF 403         403
``NotAuthenticated``/``AuthenticationFailed`` 401   ``WWW-Authenticate: Basic``
``core.errors.Refused`` / ``GuardRefused``  409     ``invalidParams`` if a field
other DRF errors (405, 406, 415, 429 …)     as is
==========================================  ======  ============================
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from kindzicht.core.errors import KindzichtError

PROBLEM_CONTENT_TYPE = "application/problem+json"
#: ``type`` of kindzicht's own problems: a non-resolvable URI naming the code (RFC 9457 §3.1.1);
#: docs/api.md lists the codes.
PROBLEM_TYPE_PREFIX = "urn:kindzicht:problem:"

#: Titles per status, used when the error has no more specific one.
TITLES = {
    400: "Invalid input",
    401: "Authentication required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Refused",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Internal error",
}


def problem(status: int, detail: str, *, code: str | None = None, title: str | None = None,
            instance: str | None = None,
            invalid_params: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The problem document (the body) for one error."""
    body: dict[str, Any] = {
        "type": f"{PROBLEM_TYPE_PREFIX}{code}" if code else "about:blank",
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if invalid_params:
        body["invalidParams"] = invalid_params
    return body


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(body, status=body["status"], headers=headers,
                    content_type=PROBLEM_CONTENT_TYPE)


def _flatten(data: Any, prefix: str = "") -> Iterator[tuple[str, str, str]]:
    """(field path, code, message) for each message of a DRF error tree; nested fields are
    named with dots (``members.1``, ``factors.0.code``)."""
    if isinstance(data, dict):
        for key, value in data.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            yield from _flatten(value, f"{prefix}.{name}".strip(".") if name else prefix)
    elif isinstance(data, list):
        if all(isinstance(item, exceptions.ErrorDetail | str) for item in data):
            for item in data:
                yield prefix, getattr(item, "code", "invalid") or "invalid", str(item)
        else:  # one entry per list element; empty dicts mean "no error here"
            for index, item in enumerate(data):
                if item:
                    yield from _flatten(item, f"{prefix}.{index}".strip("."))
    else:
        yield prefix, getattr(data, "code", "invalid") or "invalid", str(data)


def _view_field_name(context: dict[str, Any], field: str) -> str:
    """Services name their arguments; a view may expose one under another name
    (``error_field_names = {"on": "death_date"}``) — the client sees its own field's name."""
    names = getattr(context.get("view"), "error_field_names", None) or {}
    return names.get(field, field)


def _instance(context: dict[str, Any]) -> str | None:
    request: HttpRequest | None = context.get("request")
    return request.path if request is not None else None


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's ``EXCEPTION_HANDLER``: every error of an API view as problem+json."""
    instance = _instance(context)
    if isinstance(exc, KindzichtError):
        set_rollback()
        params = None
        if exc.field:
            params = [{"name": _view_field_name(context, exc.field), "code": exc.code,
                       "reason": exc.message}]
        return problem_response(problem(exc.status, exc.message, code=exc.code,
                                        instance=instance, invalid_params=params))

    if isinstance(exc, exceptions.ValidationError):
        set_rollback()
        params = [{"name": name, "code": code, "reason": reason}
                  for name, code, reason in _flatten(exc.detail)]
        if len(params) == 1:
            where = f" ({params[0]['name']})" if params[0]["name"] else ""
            detail = f"{params[0]['reason']}{where}"
        else:
            detail = "Some input is not valid; invalidParams names each field."
        return problem_response(problem(400, detail, code="invalid", instance=instance,
                                        invalid_params=params))

    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: the middleware turns it into a 500 problem
    data = response.data
    detail = str(data["detail"]) if isinstance(data, dict) and "detail" in data else str(data)
    code = getattr(getattr(exc, "detail", None), "code", None)
    body = problem(response.status_code, detail, code=str(code) if code else None,
                   instance=instance)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


class InvalidParam(serializers.Serializer):
    """One input field that is wrong, and why."""

    name = serializers.CharField(help_text="The input field, dotted for nested fields "
                                 "(`members.1`); empty for the input as a whole.")
    code = serializers.CharField(help_text="A stable error code.")
    reason = serializers.CharField(help_text="What is wrong, for a person to read.")

    class Meta:
        ref_name = "InvalidParam"


class Problem(serializers.Serializer):
    """RFC 9457 problem details. Problems about input also carry the extension member
    ``invalidParams`` (see ``InvalidParamsProblem``)."""

    type = serializers.CharField(help_text="`urn:kindzicht:problem:<code>` for kindzicht's "
                                 "own problems (docs/api.md lists them), else `about:blank`.")
    title = serializers.CharField(help_text="A short summary of the kind of problem.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong in this case, for a person.")
    instance = serializers.CharField(required=False,
                                     help_text="The path of the request that failed.")

    class Meta:
        ref_name = "Problem"
