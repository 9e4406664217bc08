"""The FG's screens for privacy rights (issue 8): requests for inzage (list, record, detail,
download as PDF or JSON), rectification of a person's data, and the retention periods.

Reads go through ``kindzicht.privacy.selectors`` (audited), writes through
``kindzicht.privacy.services``; the export is recorded as delivered each time it is made."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kindzicht.core.errors import KindzichtError, NotFound
from kindzicht.privacy import selectors
from kindzicht.privacy.models import RectificationOutcome
from kindzicht.privacy.services import (
    inzage_export,
    inzage_request_record,
    person_rectify,
    rectification_refuse,
)

from ..access import actor, privacy_access
from ..errors import add_service_error
from ..privacy_forms import InzageRequestForm, PersonLookupForm, RectificationForm


def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return render(request, "web/forbidden.html", {"reason": exc.message}, status=404)


@privacy_access
def requests(request: HttpRequest) -> HttpResponse:
    rows = selectors.inzage_requests(actor(request, "inzage"))
    return render(request, "web/privacy/requests.html", {
        "open_rows": [r for r in rows if r.status == "open"],
        "done_rows": [r for r in rows if r.status != "open"],
    })


@privacy_access
def request_new(request: HttpRequest) -> HttpResponse:
    form = InzageRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        act = actor(request, "inzage")
        d = form.cleaned_data
        try:
            person = selectors.person_for_request(act, bsn=d["bsn"], family_name=d["family_name"],
                                                  birth_date=d["birth_date"])
            req = inzage_request_record(act, person=person, requester_name=d["requester_name"],
                                        requester_relation=d["requester_relation"],
                                        received_on=d["received_on"], note=d["note"])
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Het inzageverzoek is vastgelegd. U heeft een taak "
                                        "met de termijn: uiterlijk %(due)s.")
                             % {"due": req.due_on.strftime("%d-%m-%Y")})
            return redirect("web:inzage_request", req.pk)
    return render(request, "web/privacy/request_new.html", {"form": form},
                  status=400 if form.errors else 200)


@privacy_access
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        req = selectors.inzage_request_get(actor(request, "inzage"), pk)
    except NotFound as exc:
        return _not_found(request, exc)
    return render(request, "web/privacy/request_detail.html", {
        "req": req, "rectifications": selectors.rectifications_of(req.person_id)})


def _export(request: HttpRequest, pk: int) -> dict | HttpResponse:
    act = actor(request, "inzage")
    try:
        req = selectors.inzage_request_get(act, pk)
    except NotFound as exc:
        return _not_found(request, exc)
    return inzage_export(act, request=req)


@privacy_access
def export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from kindzicht.privacy.pdf import inzage_pdf

    data = _export(request, pk)
    if isinstance(data, HttpResponse):
        return data
    response = HttpResponse(inzage_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="inzage-{pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@privacy_access
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    data = _export(request, pk)
    if isinstance(data, HttpResponse):
        return data
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inzage-{pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@privacy_access
def rectify_find(request: HttpRequest) -> HttpResponse:
    """Find the person whose data is to be corrected (BSN by POST only, never in a URL)."""
    form = PersonLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            person = selectors.person_for_request(actor(request, "rectificatie"), bsn=d["bsn"],
                                                  family_name=d["family_name"],
                                                  birth_date=d["birth_date"])
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            return redirect("web:rectify", person.pk)
    return render(request, "web/privacy/rectify_find.html", {"form": form},
                  status=400 if form.errors else 200)


@privacy_access
def rectify(request: HttpRequest, pk: int) -> HttpResponse:
    act = actor(request, "rectificatie")
    try:
        person = selectors.person_get(act, pk)
    except NotFound as exc:
        return _not_found(request, exc)
    form = RectificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        common = {"person": person, "field": d["field"], "reason": d["reason"],
                  "requested_by": d["requested_by"], "received_on": d["received_on"]}
        try:
            if d["outcome"] == RectificationOutcome.REFUSED:
                rectification_refuse(act, requested_value=d["value"], **common)
                messages.success(request, _("De weigering is vastgelegd, met de reden."))
            else:
                person_rectify(act, value=d["value"], **common)
                messages.success(request, _("Het gegeven is gecorrigeerd; de oude waarde "
                                            "staat in de geschiedenis."))
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            return redirect("web:rectify", person.pk)
    return render(request, "web/privacy/rectify.html", {
        "person": person, "form": form,
        "rectifications": selectors.rectifications_of(person.pk)},
        status=400 if form.errors else 200)


@privacy_access
def retention(request: HttpRequest) -> HttpResponse:
    """The retention period of each data kind, national and per region, with its source."""
    from kindzicht.people.models import Region
    from kindzicht.privacy.retention import KINDS, months_for

    regions = dict(Region.objects.values_list("pk", "name"))
    rows = []
    for kind in KINDS:
        national, regional = months_for(kind)
        rows.append({"kind": kind, "months": national, "default": kind.default_months,
                     "regional": sorted((regions.get(r, r), m) for r, m in regional.items())})
    return render(request, "web/privacy/retention.html", {"rows": rows})
