"""The reference index (verwijsindex): that an organisation is involved because of concerns —
identity and contact only, never content — and the matches signals make at child and family
level (findings.md 2.2)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce

from kindzicht.core.models import Dated


class Signal(Dated):
    #: no index of its own: ``(person, ended_at)`` below serves every lookup by person, and
    #: each index costs every registration an insertion (issue 4)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="signals",
                               db_index=False)
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


class IndexPolicy(models.Model):
    """A region's configuration of the index (product.md 2.2: the circle is wide and
    configurable). The row without a region holds the national values; a region without a row
    of its own follows it, and without any row the defaults of product.md apply."""

    region = models.ForeignKey("people.Region", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+",
                               help_text="Empty: the national values, for every region "
                               "without a row of its own.")
    authorised_sectors = models.JSONField(
        default=list, blank=True,
        help_text="Sectors that may register signals (meldingsbevoegd).")
    coordinator_priority = models.JSONField(
        default=list, blank=True,
        help_text="Sectors in the order in which a match's coordinator is proposed.")
    signal_months = models.PositiveSmallIntegerField(
        default=24, help_text="A signal expires at the latest after this many months.")
    inform_days = models.PositiveSmallIntegerField(
        default=28, help_text="Days within which the family is informed of a signal.")
    archive_years = models.PositiveSmallIntegerField(
        default=5, help_text="Years an ended signal's history stays in the archive.")

    class Meta:
        verbose_name = "index policy"
        verbose_name_plural = "index policies"
        constraints = [
            # one row per region, and one national row (region empty)
            models.UniqueConstraint(Coalesce("region", Value(0)),
                                    name="index_policy_one_per_region"),
        ]

    def __str__(self) -> str:
        return f"Verwijsindex: {self.region or 'landelijk'}"


class Informing(Dated):
    """That the registering organisation informed the young person (from 12) or the parents
    (of a young person under 16) of a signal — or postponed it, with the reason, because
    informing would endanger the child. Kept with the signal, for its organisation only."""

    WHOM = [("person", "person"), ("parents", "parents")]
    OUTCOMES = [("informed", "informed"), ("postponed", "postponed")]

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="informings")
    whom = models.CharField(max_length=10, choices=WHOM)
    outcome = models.CharField(max_length=10, choices=OUTCOMES)
    reason = models.TextField(blank=True)
    review_on = models.DateField(null=True, blank=True,
                                 help_text="Postponed: when to weigh informing again.")
    professional = models.ForeignKey("people.Professional", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")


class SignalMove(models.Model):
    """A household's move to another municipality that the active signals followed: kept so
    that following a move happens once (the service and the sweep may both see it)."""

    address = models.OneToOneField("people.HouseholdAddress", on_delete=models.CASCADE,
                                   related_name="+")
    from_code = models.CharField(max_length=4, blank=True)
    to_code = models.CharField(max_length=4)
    at = models.DateTimeField()
    signal_ids = models.JSONField(default=list, blank=True)
    notified = models.JSONField(default=list, blank=True,
                                help_text="Organisation ids notified.")

    def __str__(self) -> str:
        return f"{self.from_code} → {self.to_code}"


class PersonMerge(Dated):
    """Two records of one person merged by an administrator: everything of ``merged_id`` now
    belongs to ``kept``. The merged record stays (empty) so that its history — events and audit
    entries refer to persons by id — still resolves."""

    kept = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    merged = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    moved = models.JSONField(default=dict, blank=True,
                             help_text="Rows moved per model (label: count).")
