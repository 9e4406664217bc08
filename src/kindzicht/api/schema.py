"""What drf-spectacular must know beyond the serializers, so that the schema tells the truth
about every response: the ``API-Version`` header (the middleware adds it to every response)
and the problem+json responses each operation can give (``api/errors.py`` produces them).

The committed schema is linted with Logius' API Design Rules ruleset; the shapes here are
what that ruleset asks for (problem members ``type/title/status/detail/instance``, a version
header on every success response).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from .errors import PROBLEM_CONTENT_TYPE, InvalidParam, Problem

API_VERSION_HEADER = OpenApiParameter(
    "API-Version", OpenApiTypes.STR, OpenApiParameter.HEADER, response=True, required=True,
    description="The full version of the API that answered (Dutch API Design Rules, "
    "/core/version-header).",
)

PROBLEM_DESCRIPTIONS = {
    400: "Invalid input: `invalidParams` names each wrong field. Nothing was written.",
    401: "Not authenticated: log in (session) or send HTTP Basic credentials.",
    403: "Authenticated, but this professional or organisation may not do this.",
    404: "The resource does not exist (or is not visible to this professional).",
    409: "Refused in the current state (for example a continuity guard); `detail` says what "
         "to do instead. Nothing was written but the refusal.",
}
SUCCESS_DESCRIPTIONS = {"200": "OK.", "201": "Created.", "204": "Done; no content."}
#: Problems whose body may name the field at fault.
WITH_INVALID_PARAMS = {400, 409}


class KindzichtAutoSchema(AutoSchema):
    """Adds the API-Version header to every response and the problem responses of each
    operation: 401 and 403 everywhere, 404 where the path names a resource, 400 where there
    is input, 409 for actions that the domain can refuse. A view may list its own statuses
    in ``problem_statuses``."""

    def get_override_parameters(self) -> list[Any]:
        return [*super().get_override_parameters(), API_VERSION_HEADER]

    def problem_statuses(self) -> list[int]:
        declared = getattr(self.view, "problem_statuses", None)
        if declared is not None:
            return sorted(set(declared))
        statuses = {401, 403}
        if "{" in self.path:
            statuses.add(404)
        if self.method in ("POST", "PUT", "PATCH") or getattr(self.view, "query_serializer",
                                                              None):
            statuses.add(400)
        if self.method == "POST" and getattr(self.view, "refusable", False):
            statuses.add(409)
        return sorted(statuses)

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status, response in responses.items():
            if isinstance(response, dict) and not response.get("description"):
                response["description"] = SUCCESS_DESCRIPTIONS.get(status, "Done.")
        for status in self.problem_statuses():
            responses.setdefault(str(status), self._problem_response_ref(status))
        return responses

    def _get_parameters(self) -> list[dict[str, Any]]:
        """Query parameters from the view's ``query_serializer`` (HackSoft's FilterSerializer),
        so that the parameters a view validates are the ones documented."""
        parameters = super()._get_parameters()
        query_serializer = getattr(self.view, "query_serializer", None)
        if query_serializer is not None and self.method == "GET":
            known = {(p["name"], p["in"]) for p in parameters}
            for name, field in query_serializer().fields.items():
                if (name, "query") in known:
                    continue
                schema = self._map_serializer_field(field, "request")
                param: dict[str, Any] = {"in": "query", "name": name, "schema": schema,
                                         "required": field.required}
                if field.help_text:
                    param["description"] = str(field.help_text)
                parameters.append(param)
        return parameters

    # --- components -------------------------------------------------------------------

    def _problem_response_ref(self, status: int) -> dict[str, str]:
        name = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
                409: "Conflict"}.get(status, f"Problem{status}")
        schema_ref = self._problem_schema_ref(with_params=status in WITH_INVALID_PARAMS)
        headers = {"API-Version": self._api_version_header_ref()}
        if status == 401:
            headers["WWW-Authenticate"] = {
                "schema": {"type": "string"},
                "description": "The authentication scheme to use (`Basic`).",
            }
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.RESPONSE, object=f"problem-response-{status}",
            schema={"description": PROBLEM_DESCRIPTIONS.get(status, "A problem."),
                    "headers": headers,
                    "content": {PROBLEM_CONTENT_TYPE: {"schema": schema_ref}}},
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _api_version_header_ref(self) -> dict[str, str]:
        component = ResolvedComponent(
            name="API-Version", type=ResolvedComponent.HEADER, object="api-version-header",
            schema={"schema": {"type": "string", "example": settings.API_VERSION},
                    "required": True, "description": API_VERSION_HEADER.description},
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _problem_schema_ref(self, *, with_params: bool) -> dict[str, str]:
        problem = self.resolve_serializer(Problem, "response")
        if not with_params:
            return problem.ref
        invalid_param = self.resolve_serializer(InvalidParam, "response")
        component = ResolvedComponent(
            name="InvalidParamsProblem", type=ResolvedComponent.SCHEMA,
            object="invalid-params-problem",
            schema={
                "description": "A problem about the input: RFC 9457 problem details with the "
                               "extension member `invalidParams`, one entry per wrong field.",
                "allOf": [
                    problem.ref,
                    {"type": "object", "properties": {
                        "invalidParams": {"type": "array", "items": invalid_param.ref}}},
                ],
            },
        )
        self.registry.register_on_missing(component)
        return component.ref
