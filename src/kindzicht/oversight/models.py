"""What the data protection officer (FG) keeps of the oversight of access: the findings of the
unusual-access reports, each with the rule, the period and the recorded facts it rests on, and
the FG's review of it.

A finding names people by id only (actor, organisation, persons), like the audit chain it is
computed from, so that purging personal data leaves it meaningful as a record of oversight.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Rule(models.TextChoices):
    HEAVY_READER = "heavy_reader", _("Veel meer personen ingezien dan collega's")
    BREAK_GLASS = "break_glass", _("Doorbreking (break the glass)")
    OUTSIDE_INVOLVEMENT = "outside_involvement", _("Inzage zonder betrokkenheid")


class Finding(models.Model):
    """One finding of one rule over one period: made once (the key names its subject), then
    reviewed by the FG with a note."""

    rule = models.CharField(max_length=30, choices=Rule.choices)
    key = models.CharField(max_length=120, help_text="The subject within the rule (dedupe).")
    period_from = models.DateField(help_text="First day of the period (inclusive).")
    period_to = models.DateField(help_text="Last day of the period (inclusive).")
    actor_id = models.BigIntegerField(null=True, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    person_ids = models.JSONField(default=list, blank=True)
    figures = models.JSONField(default=dict, blank=True,
                               help_text="The recorded figures the finding rests on.")
    first_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)
    made_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-period_to", "rule", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "key", "period_from", "period_to"],
                                    name="oversight_finding_once_per_period"),
        ]
        indexes = [models.Index(fields=["reviewed_at", "period_to"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.key} {self.period_from}–{self.period_to}"

    @property
    def reviewed(self) -> bool:
        return self.reviewed_at is not None
