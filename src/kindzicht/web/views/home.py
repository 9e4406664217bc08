"""The professional's home: their organisation, role, and open tasks and alerts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kindzicht.rules.models import TaskStatus
from kindzicht.rules.selectors import tasks_of

from ..access import access_rule, actor, is_privacy_officer, may_see_cases
from ..labels import role_label, sector_label

HOME_TASKS = 10


@access_rule("authenticated")
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    org = user.organisation
    if is_privacy_officer(user):
        return _privacy_officer_home(request)
    tasks = tasks_of(actor(request, "home_tasks"), status=TaskStatus.OPEN) if org else []
    return render(request, "web/home.html", {
        "organisation": org,
        "sector": sector_label(org.sector) if org else "",
        "role": role_label(user.role),
        "tasks": tasks[:HOME_TASKS],
        "task_count": len(tasks),
        "may_see_cases": may_see_cases(user),
    })


def _privacy_officer_home(request: HttpRequest) -> HttpResponse:
    """The FG's home: the way to the access log and the findings, how many findings wait for
    a review, and open alerts of a failed audit verification — no case content, so not the
    organisation's task list (which names children)."""
    from kindzicht.oversight.selectors import audit_alerts, open_findings_count

    user = request.user
    org = user.organisation
    return render(request, "web/home.html", {
        "organisation": org,
        "sector": sector_label(org.sector) if org else "",
        "role": role_label(user.role),
        "privacy_officer": True,
        "open_findings": open_findings_count(),
        "audit_alerts": audit_alerts(org),
    })
