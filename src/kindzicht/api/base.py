"""The base of every API class: who may call it, how the caller is authenticated, and the
acting professional handed to the services and selectors.

One API class per operation (HackSoft): it validates input with its own small serializer,
calls one service or selector, and renders the result with its own output serializer. It
never writes a model itself.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import authentication, parsers, permissions, renderers
from rest_framework.request import Request
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from kindzicht.core.actions import Actor
from kindzicht.core.errors import NotFound
from kindzicht.people.models import Role

from .schema import KindzichtAutoSchema

#: Roles that work with cases: they may read and write person data (need to know applies).
CASEWORK_ROLES = frozenset({Role.PROFESSIONAL, Role.COORDINATOR})
API_PURPOSE = "api"


class IsCaseworker(permissions.BasePermission):
    """A professional or coordinator of an organisation: the people who work with children.

    The municipality as overseer sees aggregates only, never case content (product.md);
    inspectors and administrators use their own screens."""

    message = "Only professionals and coordinators of an organisation may use this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active
                    and getattr(user, "organisation_id", None)
                    and getattr(user, "role", None) in CASEWORK_ROLES)


class IsMemberOfOrganisation(permissions.BasePermission):
    """Any active professional who belongs to an organisation (any role)."""

    message = "Only professionals of an organisation may use this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active
                    and getattr(user, "organisation_id", None))


class ApiView(APIView):
    """Basic first, so that an unauthenticated call gets 401 with ``WWW-Authenticate: Basic``
    (DRF answers 403 when the first scheme cannot challenge); the session serves the web UI's
    own scripts and the browsable schema (with CSRF)."""

    authentication_classes = [authentication.BasicAuthentication,
                              authentication.SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, IsCaseworker]
    #: The declared access rule (web/access.RULES); it must match ``permission_classes``,
    #: which tests/test_access_rules.py checks for every API class.
    access_rule = "casework"
    parser_classes = [parsers.JSONParser]
    renderer_classes = [renderers.JSONRenderer]
    schema = KindzichtAutoSchema()

    #: The problem statuses an operation documents, if not the defaults (api/schema.py).
    problem_statuses: tuple[int, ...] | None = None
    #: POST actions that the domain can refuse (409) in the current state.
    refusable = False
    #: For GET: the serializer of the query parameters.
    query_serializer: type[Serializer] | None = None
    #: Service argument name -> API field name, for the ``invalidParams`` of errors.
    error_field_names: dict[str, str] = {}

    def actor(self) -> Actor:
        return Actor.of(self.request.user, purpose=API_PURPOSE)

    def input(self, serializer_class: type[Serializer]) -> dict[str, Any]:
        """The validated body (400 problem naming the field otherwise)."""
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def query(self) -> dict[str, Any]:
        """The validated query parameters of ``query_serializer``."""
        assert self.query_serializer is not None
        serializer = self.query_serializer(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def get_or_404(model: type[models.Model], pk: Any, *, what: str | None = None) -> Any:
    """The object, or a 404 problem saying which kind of thing was not found."""
    try:
        return model._default_manager.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"No {what or model._meta.verbose_name} with id {pk}.") from None


def person_in_reach(actor: Actor, person_id: Any) -> Any:
    """The person a person-scoped operation is about: 404 problem if unknown, 403 problem
    (``out_of_reach``) outside the caller's reach (kindzicht.access.reach)."""
    from kindzicht.access.reach import require_reach
    from kindzicht.people.models import Person

    person = get_or_404(Person, person_id, what="person")
    require_reach(actor, person.pk)
    return person
