"""One mapping of the application's errors to problem+json (RFC 9457)."""

from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import exception_handler

from kindzicht.core.errors import KindzichtError


def problem_exception_handler(exc, context):
    if isinstance(exc, KindzichtError):
        body = {"type": f"https://kindzicht.nl/problems/{exc.code}", "title": exc.message,
                "status": exc.status, "detail": exc.message}
        if exc.field:
            body["invalidParams"] = [{"name": exc.field, "code": exc.code, "reason": exc.message}]
        return Response(body, status=exc.status, content_type="application/problem+json")
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    body = {"type": "about:blank", "status": response.status_code}
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        body["title"] = str(data["detail"])
    else:
        body["title"] = "Invalid input"
        params = []
        if isinstance(data, dict):
            for name, reasons in data.items():
                for reason in reasons if isinstance(reasons, list) else [reasons]:
                    params.append({"name": name, "code": "invalid", "reason": str(reason)})
        body["invalidParams"] = params
    response.data = body
    response.content_type = "application/problem+json"
    return response
