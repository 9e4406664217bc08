"""The base of every API class: who may call it, how the caller is authenticated, and the
acting professional handed to the services and selectors.

One API class per operation (HackSoft): it validates input with its own small serializer,
calls one service or selector, and renders the result with its own output serializer. It
never writes a model itself.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import exceptions, permissions, renderers
from rest_framework.request import Request
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from kindzicht.core.actions import Actor
from kindzicht.core.bounds import date_problems
from kindzicht.core.errors import NotFound
from kindzicht.core.text import text_problems
from kindzicht.people.models import Role

from .auth import GuardedBasicAuthentication, VerifiedSessionAuthentication
from .parsers import JsonParser
from .schema import KindzichtAutoSchema

#: Roles that work with cases: they may read and write person data (need to know applies).
CASEWORK_ROLES = frozenset({Role.PROFESSIONAL, Role.COORDINATOR})
API_PURPOSE = "api"


class _ActiveUserWithRole(permissions.BasePermission):
    """An active, authenticated user — of an organisation where ``organisation`` says so —
    whose role is one of ``roles`` (``None``: any role). Each permission below names who, and
    says so in its message."""

    roles: frozenset[str] | None = None
    organisation = True

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active
                    and (not self.organisation or getattr(user, "organisation_id", None))
                    and (self.roles is None or getattr(user, "role", None) in self.roles))


class IsCaseworker(_ActiveUserWithRole):
    """A professional or coordinator of an organisation: the people who work with children.

    The municipality as overseer sees aggregates only, never case content (product.md);
    inspectors and administrators use their own screens."""

    message = "Only professionals and coordinators of an organisation may use this."
    roles = CASEWORK_ROLES


class IsMemberOfOrganisation(_ActiveUserWithRole):
    """Any active professional who belongs to an organisation (any role)."""

    message = "Only professionals of an organisation may use this."


class IsPrivacyOfficer(_ActiveUserWithRole):
    """The data protection officer (FG): the access log and the unusual-access reports, never
    case content (issue 8)."""

    message = "Only the data protection officer (privacy_officer) may use this."
    roles = frozenset({Role.PRIVACY_OFFICER})
    organisation = False


class IsPrivacyHandler(_ActiveUserWithRole):
    """The data protection officer (FG) or an administrator of an organisation: they handle
    requests to exercise privacy rights (inzage, rectification), never case work."""

    message = "Only the data protection officer (FG) or an administrator may use this."
    roles = frozenset({Role.PRIVACY_OFFICER, Role.ADMIN})


class IsAdministrator(_ActiveUserWithRole):
    """An administrator (role admin): the bulk intake of a regional index (issue 4), never
    case work."""

    message = "Only an administrator (role admin) may use this."
    roles = frozenset({Role.ADMIN})
    organisation = False


class ApiView(APIView):
    """Basic first, so that an unauthenticated call gets 401 with ``WWW-Authenticate: Basic``
    (DRF answers 403 when the first scheme cannot challenge); the session serves the web UI's
    own scripts and the browsable schema (with CSRF)."""

    # Both guarded by the login hardening: lockout and the second factor (api/auth.py).
    authentication_classes = [GuardedBasicAuthentication, VerifiedSessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, IsCaseworker]
    #: The declared access rule (web/access.RULES); it must match ``permission_classes``,
    #: which tests/test_access_rules.py checks for every API class.
    access_rule = "casework"
    parser_classes = [JsonParser]
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
        """The validated body (400 problem naming the field otherwise). Every string in it,
        known field or not, first passes the one text rule (``core.text``)."""
        refuse_bad_text(self.request.data)
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        refuse_implausible_dates(serializer.validated_data)
        return serializer.validated_data

    def query(self, serializer_class: type[Serializer] | None = None) -> dict[str, Any]:
        """The validated query parameters of ``serializer_class`` (default: the view's
        ``query_serializer``, which documents a GET's)."""
        serializer_class = serializer_class or self.query_serializer
        assert serializer_class is not None
        # A plain dict, not the QueryDict: DRF reads a QueryDict as an HTML form, where an
        # empty optional field counts as absent, so ``?sector=`` would list everything instead
        # of being refused as the schema says (the last value counts for a repeated name).
        params = self.request.query_params.dict()
        refuse_bad_text(params)
        serializer = serializer_class(data=params)
        serializer.is_valid(raise_exception=True)
        refuse_implausible_dates(serializer.validated_data)
        return serializer.validated_data


def refuse_bad_text(data: Any) -> None:
    """A 400 problem naming each field whose text breaks the rule of ``core.text`` (control
    characters, NUL, bidi overrides, lone surrogates, over-long text)."""
    problems = dict(text_problems(data))
    if problems:
        raise exceptions.ValidationError({name: [message] for name, message in problems.items()})


def refuse_implausible_dates(data: Any) -> None:
    """A 400 problem naming each date outside the range of ``core.bounds`` (1900–2099)."""
    problems = dict(date_problems(data))
    if problems:
        raise exceptions.ValidationError({name: [message] for name, message in problems.items()})


def get_or_404(model: type[models.Model], pk: Any, *, what: str) -> Any:
    """The object, or a 404 problem saying which kind of thing (``what``, in the API's
    English; the model's verbose name is the admin's Dutch) was not found."""
    try:
        return model._default_manager.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"No {what} with id {pk}.") from None


def person_in_reach(actor: Actor, person_id: Any) -> Any:
    """The person a person-scoped operation is about: 404 problem if unknown, 403 problem
    (``out_of_reach``) outside the caller's reach (kindzicht.access.reach)."""
    from kindzicht.access.reach import require_reach
    from kindzicht.people.models import Person

    person = get_or_404(Person, person_id, what="person")
    require_reach(actor, person.pk)
    return person
