"""Finding a person, the person page, and recording a death."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindzicht.core.errors import KindzichtError
from kindzicht.people import selectors
from kindzicht.people.services import person_record_death

from ..access import actor, case_access
from ..errors import add_service_error
from ..forms import BsnSearchForm, DeathForm, PersonSearchForm
from ..selectors import person_profile


@case_access
def person_search(request: HttpRequest) -> HttpResponse:
    """Search by name and birth date (GET). The BSN form beside it posts elsewhere."""
    form = PersonSearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = selectors.person_search(actor(request, "find_person"),
                                          name=form.cleaned_data["name"],
                                          birth_date=form.cleaned_data["birth_date"])
    return render(request, "web/person_search.html", {
        "form": form, "bsn_form": BsnSearchForm(), "results": results,
    })


@require_POST
@case_access
def person_search_bsn(request: HttpRequest) -> HttpResponse:
    """Search by BSN, by POST only. A hit redirects to the person page, whose URL carries the
    person's internal id, never the BSN."""
    bsn_form = BsnSearchForm(request.POST)
    if bsn_form.is_valid():
        person = selectors.person_find_by_bsn(actor(request, "find_person"),
                                              bsn=bsn_form.cleaned_data["bsn"])
        if person is not None:
            return redirect("web:person", pk=person.pk)
        bsn_form.add_error("bsn", _("Er is geen persoon met dit BSN bekend."))
    return render(request, "web/person_search.html", {
        "form": PersonSearchForm(), "bsn_form": bsn_form, "results": None,
    }, status=400)


@case_access
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = person_profile(actor(request, "view_person"), pk)
    if profile is None:
        raise Http404
    org_id = request.user.organisation_id
    from kindzicht.privacy.selectors import corrections_shown

    context = {"profile": profile, "person": profile.person,
               "my_involvement": next((i for i in profile.current_involvements
                                       if i.organisation_id == org_id), None),
               # read as part of this page, whose person read is audited above
               "corrections": corrections_shown(profile.person.pk)}
    if profile.is_child:
        from .continuity import child_context

        context.update(child_context(request, profile.person))
        from .meldcode import person_context

        context.update(person_context(request, profile.person))
    from .safety import safety_context

    context.update(safety_context(request, profile.person))
    from .plans import person_context as plans_context

    context.update(plans_context(request, profile.person, profile.is_child))
    from .access import access_context

    context.update(access_context(request, profile.person))
    return render(request, "web/person_detail.html", context)


@case_access
def person_death(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(actor(request, "record_death"), pk)
    if person is None:
        raise Http404
    form = DeathForm(request.POST or None, person=person)
    if request.method == "POST" and not person.death_date and form.is_valid():
        try:
            person_record_death(actor(request, "record_death"), person=person,
                                on=form.cleaned_data["on"])
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            return redirect("web:person", pk=person.pk)
    return render(request, "web/person_death.html", {"person": person, "form": form},
                  status=400 if form.errors else 200)
