"""Berichten: my organisation's notifications in the system — what was mailed after a
handover, a decision, a match or a move — with who read them; marking read is a change
like any other (one service, an event and an audit entry)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindzicht.core import inbox
from kindzicht.core.errors import NotFound

from ..access import actor, case_access


@case_access
def notifications(request: HttpRequest) -> HttpResponse:
    """The inbox, newest first; ``?ongelezen=1`` shows only what nobody read yet."""
    unread_only = request.GET.get("ongelezen") == "1"
    act = actor(request, "notifications")
    found = inbox.notifications_of(act, unread=unread_only)
    return render(request, "web/notifications.html", {
        "notifications": found,
        "any_unread": any(n.read_at is None for n in found),
        "unread_only": unread_only,
        "limit": inbox.LIMIT,
    })


@case_access
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    act = actor(request, "notification_read")
    try:
        found = inbox.notification_get(act, pk)
    except NotFound:
        raise Http404 from None
    inbox.notifications_mark_read(act, notifications=[found])
    return _back(request)


@case_access
@require_POST
def notifications_all_read(request: HttpRequest) -> HttpResponse:
    marked = inbox.notifications_mark_all_read(actor(request, "notification_read"))
    messages.success(request, _("Als gelezen gemarkeerd: %(n)s.") % {"n": len(marked)})
    return _back(request)


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the inbox as the user was looking at it."""
    response = redirect("web:notifications")
    if request.POST.get("ongelezen") == "1":
        response["Location"] += "?ongelezen=1"
    return response
