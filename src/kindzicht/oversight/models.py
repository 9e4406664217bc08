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

    rule = models.CharField(_("regel"), max_length=30, choices=Rule.choices)
    key = models.CharField(_("sleutel"), max_length=120,
                           help_text=_(
                               "Waarover de bevinding gaat binnen de regel (tegen dubbelingen)."))
    period_from = models.DateField(_("periode vanaf"),
                                   help_text=_("Eerste dag van de periode (inbegrepen)."))
    period_to = models.DateField(_("periode tot en met"),
                                 help_text=_("Laatste dag van de periode (inbegrepen)."))
    actor_id = models.BigIntegerField(_("gebruiker-id"), null=True, blank=True)
    organisation_id = models.BigIntegerField(_("organisatie-id"), null=True, blank=True)
    person_ids = models.JSONField(_("persoon-id's"), default=list, blank=True)
    figures = models.JSONField(_("cijfers"), default=dict, blank=True,
                               help_text=_("De vastgelegde cijfers waarop de bevinding berust."))
    first_at = models.DateTimeField(_("eerste moment"), null=True, blank=True)
    last_at = models.DateTimeField(_("laatste moment"), null=True, blank=True)
    made_at = models.DateTimeField(_("vastgesteld op"))
    reviewed_at = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("beoordeeld door"))
    review_note = models.TextField(_("toelichting bij beoordeling"), blank=True)

    class Meta:
        verbose_name = _("bevinding")
        verbose_name_plural = _("bevindingen")
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
