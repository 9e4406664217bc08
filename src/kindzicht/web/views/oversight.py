"""The data protection officer's (FG) screens: the access log with filters and its CSV export,
the unusual-access findings, a report over a period, and reviewing a finding (issue 8).

The FG reads the log and the findings, never case content. Every page that shows entries or
findings is itself audited by its selector, naming the persons shown.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindzicht.core import clock
from kindzicht.core.errors import KindzichtError
from kindzicht.oversight import selectors
from kindzicht.oversight.services import finding_review as finding_review_service
from kindzicht.oversight.services import findings_record

from ..access import actor, privacy_officer_access
from ..errors import add_service_error
from ..oversight_forms import (
    LOG_FIELDS,
    FindingFilterForm,
    LogFilterForm,
    ReportForm,
    ReviewForm,
)

#: Without filters the log opens on the last week (the whole log can hold millions).
DEFAULT_DAYS = 7


def _log_form(request: HttpRequest) -> LogFilterForm:
    today = clock.today()
    return LogFilterForm(request.GET or None, choices=selectors.log_choices(), initial={
        "van": today - timedelta(days=DEFAULT_DAYS - 1), "tot": today})


def _default_filter() -> selectors.LogFilter:
    today = clock.today()
    return selectors.LogFilter(period_from=today - timedelta(days=DEFAULT_DAYS - 1),
                               period_to=today)


def _service_error(form, exc: KindzichtError) -> None:
    exc.field = LOG_FIELDS.get(exc.field or "", exc.field)
    add_service_error(form, exc)


@privacy_officer_access
def access_log(request: HttpRequest) -> HttpResponse:
    """The access log, newest first, filtered; 50 entries a page."""
    form = _log_form(request)
    page = rows = None
    if form.is_bound:
        if form.is_valid():
            try:
                page, rows = selectors.access_log(actor(request, "access_log"),
                                                  form.to_filter(),
                                                  page=request.GET.get("pagina") or 1)
            except KindzichtError as exc:
                _service_error(form, exc)
    else:
        page, rows = selectors.access_log(actor(request, "access_log"), _default_filter())
    query = {k: v for k, v in request.GET.items() if k != "pagina" and v}
    return render(request, "web/oversight/access_log.html", {
        "form": form, "page": page, "rows": rows, "query": urlencode(query),
    }, status=400 if form.errors else 200)


@privacy_officer_access
def access_log_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as CSV (UTF-8, semicolons: what Dutch spreadsheets open directly)."""
    form = _log_form(request)
    if form.is_bound and not form.is_valid():
        return render(request, "web/oversight/access_log.html",
                      {"form": form, "page": None, "rows": None, "query": ""}, status=400)
    try:
        rows, more = selectors.access_log_export(
            actor(request, "access_log_export"),
            form.to_filter() if form.is_bound else _default_filter())
    except KindzichtError as exc:
        _service_error(form, exc)
        return render(request, "web/oversight/access_log.html",
                      {"form": form, "page": None, "rows": None, "query": ""}, status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = clock.now().astimezone(clock.zone()).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="toegangslog-{stamp}.csv"'
    response.write("\ufeff")  # so that spreadsheets read UTF-8
    out = csv.writer(response, delimiter=";")
    out.writerow(["id", "moment", "gebruiker_id", "gebruiker", "organisatie_id", "organisatie",
                  "rol", "soort", "handeling", "personen_id", "personen", "doel", "keten",
                  "positie"])
    for r in rows:
        e = r.entry
        out.writerow([e.pk, e.domain_at.astimezone(clock.zone()).isoformat(), e.actor_id or "",
                      r.actor, e.organisation_id or "", r.organisation, e.role, e.kind,
                      e.action, " ".join(str(p) for p, _n in r.persons),
                      " | ".join(n for _p, n in r.persons), e.purpose, e.chain, e.seq])
    if more:
        out.writerow([_("Afgekapt na %(n)s regels: verfijn de filters.")
                      % {"n": selectors.EXPORT_LIMIT}])
    return response


@privacy_officer_access
def findings(request: HttpRequest) -> HttpResponse:
    """The unusual-access findings (open ones first), and a report over a chosen period."""
    form = FindingFilterForm(request.GET or None)
    found = []
    if not form.is_bound or form.is_valid():
        d = form.cleaned_data if form.is_bound else {}
        found = selectors.findings(actor(request, "unusual_access"), rule=d.get("regel") or "",
                                   status=d.get("status") or "open",
                                   period_from=d.get("van"), period_to=d.get("tot"))
    today = clock.today()
    report = ReportForm(initial={"van": today.replace(day=1), "tot": today})
    return render(request, "web/oversight/findings.html",
                  {"form": form, "found": found, "report": report})


@require_POST
@privacy_officer_access
def report_make(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            made = findings_record(actor(request, "unusual_access_report"),
                                   period_from=form.cleaned_data["van"],
                                   period_to=form.cleaned_data["tot"])
        except KindzichtError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Rapport opgesteld: %(n)s nieuwe bevinding(en).")
                             % {"n": len(made)})
            return redirect("web:oversight_findings")
    return render(request, "web/oversight/findings.html", {
        "form": FindingFilterForm(), "report": form,
        "found": selectors.findings(actor(request, "unusual_access"))}, status=400)


@privacy_officer_access
def finding_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One finding with its facts; the FG marks it reviewed with a note."""
    act = actor(request, "unusual_access_review")
    view = selectors.finding_get(act, pk)
    if view is None:
        raise Http404
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            finding_review_service(act, finding=view.finding, note=form.cleaned_data["note"])
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("De bevinding is als beoordeeld vastgelegd."))
            return redirect("web:oversight_findings")
    return render(request, "web/oversight/finding.html", {"view": view, "form": form},
                  status=400 if form.errors else 200)
