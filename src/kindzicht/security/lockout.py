"""What a locked-out user sees (django-axes' ``AXES_LOCKOUT_CALLABLE``): on the web a Dutch
page saying what to do, on the API a problem+json ``429`` with ``Retry-After``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from kindzicht.api.errors import PROBLEM_CONTENT_TYPE, problem

STATUS = 429


def cooloff_minutes() -> int | None:
    cooloff = settings.AXES_COOLOFF_TIME
    return int(cooloff.total_seconds() // 60) if cooloff else None


def api_problem() -> dict[str, Any]:
    minutes = cooloff_minutes()
    wait = (f"Try again in {minutes} minutes" if minutes
            else "Ask an administrator to unlock it")
    return problem(STATUS, f"Too many failed logins: this account is locked out. {wait}, or "
                   "ask an administrator (kindzicht unlock).", code="locked_out",
                   title="Locked out")


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    minutes = cooloff_minutes()
    if request.path.startswith("/api/"):
        body = api_problem()
        body["instance"] = request.path
        response = JsonResponse(body, status=STATUS, content_type=PROBLEM_CONTENT_TYPE)
        if minutes:
            response["Retry-After"] = str(minutes * 60)
        return response
    return render(request, "security/locked_out.html", {
        "minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT}, status=STATUS)
