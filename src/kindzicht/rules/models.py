"""Tasks and alerts inside an organisation: what the watchdog raised, who must answer, and the
answer on record."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("afgehandeld")
    NOT_APPLICABLE = "not_applicable", _("niet van toepassing")


class Task(models.Model):
    """One thing an organisation must do: a rule's reminder or alert, or a task of its own
    (re-assessment, answer after a rejecting decision, transition at 18, informing …)."""

    KIND_CHOICES = [("reminder", _("herinnering")), ("alert", _("signaal")),
                    ("task", _("taak"))]
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    code = models.CharField(max_length=40, help_text="Rule code (C1…) or task type.")
    key = models.CharField(max_length=200, help_text="The occurrence this is about (dedupe).")
    organisation = models.ForeignKey("people.Organisation", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="tasks")
    municipality_code = models.CharField(max_length=4, blank=True,
                                         help_text="Set when addressed to the municipality.")
    assignee = models.ForeignKey("people.Professional", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="tasks")
    child = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    raised_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(default=0,
                                             help_text="0 organisation, 1 coordinators, "
                                             "2 municipality")
    text = models.TextField()
    facts = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    answered_on = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code", "key", "organisation",
                                            "municipality_code"],
                                    name="task_once_per_occurrence_and_recipient"),
            models.UniqueConstraint(fields=["kind", "code", "key", "municipality_code"],
                                    condition=models.Q(organisation__isnull=True),
                                    name="task_once_per_occurrence_and_municipality"),
        ]


class SweepRun(models.Model):
    """One run of the watchdog, audited per run (not per row it reads)."""

    started_at = models.DateTimeField()
    as_of = models.DateField()
    raised = models.IntegerField(default=0)
    seconds = models.FloatField(default=0)
