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

from kindzicht.core.actions import Actor
from kindzicht.people.models import Role

CASE_ROLES = frozenset({Role.PROFESSIONAL, Role.COORDINATOR})


def actor(request: HttpRequest, purpose: str) -> Actor:
    """The acting professional for this request, with the purpose the audit log records."""
    return Actor.of(request.user, purpose=purpose)  # type: ignore[arg-type]


def may_see_cases(user: Any) -> bool:
    return bool(user.is_authenticated and user.organisation_id and user.role in CASE_ROLES)


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
        return view(request, *args, **kwargs)

    return wrapped
