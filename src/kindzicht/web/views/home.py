"""The professional's home: their organisation, role, and open tasks and alerts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kindzicht.rules.models import TaskStatus
from kindzicht.rules.selectors import tasks_of

from ..access import access_rule, actor, may_see_cases
from ..labels import role_label, sector_label

HOME_TASKS = 10


@access_rule("authenticated")
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    org = user.organisation
    tasks = tasks_of(actor(request, "home_tasks"), status=TaskStatus.OPEN) if org else []
    return render(request, "web/home.html", {
        "organisation": org,
        "sector": sector_label(org.sector) if org else "",
        "role": role_label(user.role),
        "tasks": tasks[:HOME_TASKS],
        "task_count": len(tasks),
        "may_see_cases": may_see_cases(user),
    })
