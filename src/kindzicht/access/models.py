"""Break the glass: a professional opened a record outside their organisation's reach, in an
acute situation, with a reason. The responsible organisation reviews the use.

The data protection officer's reports read this model and the audit entries with action
``break_glass_opened``; keep both names.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Review(models.TextChoices):
    PENDING = "pending", _("te beoordelen")
    OK = "ok", _("terecht")
    IMPROPER = "improper", _("onterecht")


class BreakGlass(models.Model):
    """A time-limited grant to one professional for one person, opened with a reason."""

    professional = models.ForeignKey("people.Professional", on_delete=models.PROTECT,
                                     related_name="break_glass_grants",
                                     verbose_name=_("professional"))
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="break_glass_grants",
                                     verbose_name=_("organisatie"))
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="break_glass_grants", verbose_name=_("persoon"))
    reason = models.TextField(_("reden"))
    opened_at = models.DateTimeField(_("geopend op"))
    expires_at = models.DateTimeField(_("verloopt op"))
    event_id = models.BigIntegerField(_("gebeurtenis-id"), null=True, blank=True)
    #: the organisations told and asked to review (holder of safety responsibility, else the
    #: organisations involved), as they were when the glass was broken
    reviewer_ids = models.JSONField(_("beoordelende organisaties"), default=list, blank=True)
    review = models.CharField(_("beoordeling"), max_length=10, choices=Review.choices,
                              default=Review.PENDING)
    reviewed_by = models.ForeignKey("people.Professional", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("beoordeeld door"))
    reviewed_at = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)
    review_note = models.TextField(_("toelichting bij beoordeling"), blank=True)

    class Meta:
        verbose_name = _("doorbreking (break the glass)")
        verbose_name_plural = _("doorbrekingen (break the glass)")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["professional", "person", "expires_at"]),
                   models.Index(fields=["person", "opened_at"])]

    def __str__(self) -> str:
        return f"break the glass #{self.pk} ({self.person_id})"
