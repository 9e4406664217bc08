"""Every API response carries ``API-Version`` (Dutch API Design Rules, /core/version-header),
and every API error is problem+json — also those that never reach a DRF view (an unknown
URL under /api/, an unexpected server error)."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .errors import PROBLEM_CONTENT_TYPE, problem

API_PREFIX = "/api/"


class ApiVersionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
                PROBLEM_CONTENT_TYPE):
            response = self._as_problem(request, response)
        response["API-Version"] = settings.API_VERSION
        return response

    @staticmethod
    def _as_problem(request: HttpRequest, original: HttpResponse) -> HttpResponse:
        """Django's own HTML error pages, replaced by a problem document (nothing else of the
        original is kept: a 500 page must not leak internals)."""
        status = original.status_code
        detail = {404: f"There is no API resource at {request.path}.",
                  500: "An unexpected error occurred; it has been logged."}.get(
            status, "The request could not be handled.")
        body = problem(status, detail, instance=request.path)
        response = HttpResponse(json.dumps(body), status=status,
                                content_type=PROBLEM_CONTENT_TYPE)
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if original.has_header(header):
                response[header] = original[header]
        return response
