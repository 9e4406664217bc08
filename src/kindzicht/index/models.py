"""The reference index (verwijsindex): that an organisation is involved because of concerns —
identity and contact only, never content — and the matches signals make at child and family
level (findings.md 2.2)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from kindzicht.core.models import Dated


class Signal(Dated):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="signals")
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="signals")
    professional = models.ForeignKey("people.Professional", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     help_text="The responsible professional shown to others.")
    contact = models.CharField(max_length=200, blank=True,
                               help_text="How to reach the responsible professional.")
    observer = models.CharField(max_length=200, blank=True,
                                help_text="Shielded: the observing professional when registered "
                                "on behalf; never shown to other organisations or the family.")
    expires_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=30, blank=True,
                                  help_text="withdrawn | expired | death | age | ended_involvement")
    end_event_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "person"],
                                    condition=Q(ended_at__isnull=True),
                                    name="one_active_signal_per_org_person"),
        ]
        indexes = [models.Index(fields=["person", "ended_at"])]


class Match(Dated):
    """A match of a child as it arose or grew: its level and everyone it then covered."""

    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="matches")
    level = models.CharField(max_length=10, choices=[("child", "child"), ("family", "family")])
    person_ids = models.JSONField(default=list)
    organisation_ids = models.JSONField(default=list)
    proposed_coordinator = models.ForeignKey("people.Organisation", null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+")
    ended_on = models.DateField(null=True, blank=True)
