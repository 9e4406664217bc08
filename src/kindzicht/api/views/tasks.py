"""Tasks and alerts inside my organisation: list them, and answer one — done, or not
applicable with a reason; the answer is on record and shown beside the finding later."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from kindzicht.rules.models import Task, TaskStatus
from kindzicht.rules.selectors import tasks_of
from kindzicht.rules.tasks import task_answer

from .. import reads
from ..base import ApiView
from ..serializers import OrganisationSummary, PersonSummary


class AssigneeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")

    class Meta:
        ref_name = "Assignee"


class TaskOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Task.KIND_CHOICES,
                                   help_text="reminder (before a deadline), alert (at expiry) "
                                   "or task.")
    code = serializers.CharField(help_text="The rule code (C1 … ) or the kind of task.")
    text = serializers.CharField()
    child = PersonSummary(allow_null=True)
    organisation = OrganisationSummary(allow_null=True,
                                       help_text="null: addressed to the municipality.")
    municipality_code = serializers.CharField()
    assignee = AssigneeOutput(allow_null=True)
    level = serializers.IntegerField(help_text="0 organisation, 1 its coordinators, "
                                     "2 the municipality.")
    raised_on = serializers.DateField()
    due_on = serializers.DateField(allow_null=True)
    facts = serializers.ListField(child=serializers.CharField())
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    answer = serializers.CharField()
    answered_on = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "Task"


class TaskListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False,
                                     help_text="Only tasks with this status.")
    mine = serializers.BooleanField(required=False, default=False,
                                    help_text="Only tasks assigned to me.")


#: A task list answers at most this many tasks.
TASK_LIST_LIMIT = 500


class TaskListApi(ApiView):
    query_serializer = TaskListQuery

    @extend_schema(operation_id="task_list", tags=["tasks"],
                   summary="My organisation's tasks and alerts",
                   description="Open first, then by due date (at most 500).",
                   responses={200: TaskOutput(many=True)})
    def get(self, request: Request) -> Response:
        query = self.query()
        found = tasks_of(self.actor(), status=query.get("status", ""), mine=query["mine"],
                         limit=TASK_LIST_LIMIT)
        return Response(TaskOutput(found, many=True).data)


class TaskAnswerInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=[TaskStatus.DONE, TaskStatus.NOT_APPLICABLE])
    answer = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="What was done; required (the reason) for "
                                   "not_applicable.")


class TaskAnswerApi(ApiView):
    refusable = True

    @extend_schema(operation_id="task_answer", tags=["tasks"], summary="Answer a task",
                   description="Done, or not applicable with a reason. Refused (409) when it "
                   "was already answered.",
                   request=TaskAnswerInput, responses={200: TaskOutput})
    def post(self, request: Request, task_id: int) -> Response:
        actor = self.actor()
        task = reads.task_get(actor, task_id)
        task = task_answer(actor, task=task, **self.input(TaskAnswerInput))
        return Response(TaskOutput(task).data)
