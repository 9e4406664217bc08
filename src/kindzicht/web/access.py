"""Who may use which screens, and the acting identity of a request.

Person data is need-to-know: professionals and coordinators of an organisation work with
children and families; the municipality as overseer, inspectors and administrators never see
individual case content through these screens (product.md, Users).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kindzicht.access.reach import OutOfReach
from kindzicht.core.actions import Actor
from kindzicht.people.models import Role

CASE_ROLES = frozenset({Role.PROFESSIONAL, Role.COORDINATOR})

#: Every access rule a web view or API view may declare, with what it lets through. The URL
#: walk in tests/test_access_rules.py refuses a view without one of these names, so that a new
#: address cannot appear without someone deciding who may use it (issue #8).
RULES: dict[str, str] = {
    "public": "anyone, logged in or not (login page, language switch, the OpenAPI document)",
    "authenticated": "any logged-in user, whatever role or organisation",
    "casework": "a professional or coordinator of an organisation (web 403 page, API 403)",
    "organisation_member": "any logged-in user who belongs to an organisation (any role)",
    "privacy_officer": "the data protection officer (FG, role privacy_officer): the access log "
    "and the unusual-access reports, never case content (web 403 page, API 403)",
    "privacy_rights": "the data protection officer (FG, role privacy_officer) or an "
                      "administrator of an organisation: inzage, rectification, retention",
    "administrator": "an administrator (role admin): the bulk intake of a regional index's "
                     "registrations, never case work (API 403)",
}


def access_rule(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a view's access rule by name. It only labels the view; the enforcement is the
    decorator or permission class next to it, which the authorisation matrix test checks."""
    if name not in RULES:
        raise ValueError(f"unknown access rule {name!r}")

    def declare(view: Callable[..., Any]) -> Callable[..., Any]:
        view.access_rule = name  # type: ignore[attr-defined]
        return view

    return declare


def actor(request: HttpRequest, purpose: str) -> Actor:
    """The acting professional for this request, with the purpose the audit log records."""
    return Actor.of(request.user, purpose=purpose)  # type: ignore[arg-type]


PRIVACY_ROLES = frozenset({Role.PRIVACY_OFFICER, Role.ADMIN})


def may_handle_privacy(user: Any) -> bool:
    return bool(user.is_authenticated and user.organisation_id and user.role in PRIVACY_ROLES)


def privacy_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required, and the FG or an administrator of an organisation; else a 403 page."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_handle_privacy(request.user):
            return render(request, "web/forbidden.html", {
                "reason": _("Alleen de functionaris gegevensbescherming of een beheerder "
                            "behandelt verzoeken over privacyrechten."),
            }, status=403)
        return view(request, *args, **kwargs)

    wrapped.access_rule = "privacy_rights"  # type: ignore[attr-defined]
    return wrapped


def may_see_cases(user: Any) -> bool:
    return bool(user.is_authenticated and user.organisation_id and user.role in CASE_ROLES)


def out_of_reach(request: HttpRequest, person_id: int) -> HttpResponse:
    """The "buiten uw bereik" page: the person's identity only, and the break-the-glass form
    for an acute situation (kindzicht.access.services.break_glass_open)."""
    from kindzicht.people.models import Person

    from .forms import BreakGlassForm

    person = Person.objects.filter(pk=person_id).only(
        "pk", "given_name", "family_name", "birth_date").first()
    return render(request, "web/out_of_reach.html", {
        "person": person, "form": BreakGlassForm(),
    }, status=403)


def case_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required, and a case role in an organisation; otherwise a 403 page that says why."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_see_cases(request.user):
            return render(request, "web/forbidden.html", {
                "reason": _("Alleen professionals en coördinatoren van een organisatie zien "
                            "gegevens van personen."),
            }, status=403)
        try:
            return view(request, *args, **kwargs)
        except OutOfReach as exc:
            return out_of_reach(request, exc.person_id)

    wrapped.access_rule = "casework"  # type: ignore[attr-defined]
    return wrapped


def is_privacy_officer(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.PRIVACY_OFFICER)


def privacy_officer_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required, and the FG role; otherwise a 403 page that says why. The access log
    names who read whom: only the data protection officer oversees it (issue 8)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_privacy_officer(request.user):
            return render(request, "web/forbidden.html", {
                "reason": _("Alleen de functionaris gegevensbescherming ziet het toegangslog en "
                            "de rapporten over ongebruikelijke toegang."),
            }, status=403)
        return view(request, *args, **kwargs)

    wrapped.access_rule = "privacy_officer"  # type: ignore[attr-defined]
    return wrapped
