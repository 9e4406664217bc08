"""Break the glass (web): open a record outside reach with a reason, and the responsible
organisation's review of that use. Both go through kindzicht.access.services."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindzicht.access import selectors as access
from kindzicht.access.services import break_glass_open, break_glass_review
from kindzicht.core.errors import KindzichtError
from kindzicht.people.models import Person

from ..access import actor, case_access
from ..errors import add_service_error
from ..forms import BreakGlassForm, BreakGlassReviewForm


@require_POST
@case_access
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    """Posted from the "buiten uw bereik" page; on success the person's page opens."""
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise Http404
    form = BreakGlassForm(request.POST)
    if form.is_valid():
        try:
            break_glass_open(actor(request, "break_the_glass"), person,
                             form.cleaned_data["reason"])
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            messages.warning(request, _("U heeft het dossier opengebroken. Elke inzage wordt "
                                        "met uw reden vastgelegd."))
            return redirect("web:person", pk=person.pk)
    return render(request, "web/out_of_reach.html", {"person": person, "form": form},
                  status=400)


@require_POST
@case_access
def break_glass_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The responsible organisation judges a use of break the glass (from the child's page)."""
    act = actor(request, "break_glass_review")
    grant = access.grant_get(act, pk)
    if grant is None:
        raise Http404
    form = BreakGlassReviewForm(request.POST)
    if form.is_valid():
        try:
            break_glass_review(act, grant, verdict=form.cleaned_data["verdict"],
                               note=form.cleaned_data["note"])
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Uw beoordeling is vastgelegd."))
            return redirect("web:person", pk=grant.person_id)
    return render(request, "web/break_glass_review.html", {"grant": grant, "form": form},
                  status=400)


def access_context(request: HttpRequest, person: Person) -> dict:
    """What the person page adds for the responsible and involved organisations: who read
    the record ("Wie heeft dit dossier ingezien") and the break-the-glass uses to review."""
    act = actor(request, "view_access_log")
    if not access.may_see_access_log(act, person):
        return {"access_log": None}
    return {"access_log": access.access_log_of(act, person, limit=50),
            "grants_to_review": access.grants_to_review(act, person),
            "review_form": BreakGlassReviewForm()}
