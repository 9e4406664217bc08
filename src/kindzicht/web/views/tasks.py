"""My organisation's tasks and alerts, and answering one: done, or not applicable with a
reason — the answer stays on record beside the finding."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kindzicht.core.errors import KindzichtError
from kindzicht.rules.models import TaskStatus
from kindzicht.rules.selectors import task_get, tasks_of
from kindzicht.rules.tasks import task_answer as task_answer_service

from ..access import access_rule, actor
from ..errors import add_service_error
from ..forms import TaskAnswerForm


@access_rule("authenticated")
@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    """Tasks and alerts of the organisation (and, for a municipality, escalations to it)."""
    items = tasks_of(actor(request, "tasks"))
    open_items = [t for t in items if t.status == TaskStatus.OPEN]
    return render(request, "web/tasks.html", {
        "open_tasks": open_items,
        "answered_tasks": [t for t in items if t.status != TaskStatus.OPEN],
        "organisation": request.user.organisation,
    })


@access_rule("authenticated")
@login_required
def task_answer(request: HttpRequest, pk: int) -> HttpResponse:
    act = actor(request, "answer_task")
    task = task_get(act, pk)
    if task is None:
        raise Http404
    form = TaskAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task_answer_service(act, task=task, status=form.cleaned_data["status"],
                                answer=form.cleaned_data["answer"])
        except KindzichtError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Uw antwoord is vastgelegd."))
            return redirect("web:tasks")
    return render(request, "web/task_answer.html", {"task": task, "form": form},
                  status=400 if form.errors else 200)
