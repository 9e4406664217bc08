"""Safety and risk assessments, their factors and owners, and life events (findings.md 2.4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kindzicht.core.models import Dated


class Safety(models.TextChoices):
    SAFE = "safe", _("veilig")
    CONDITIONALLY_SAFE = "conditionally_safe", _("voorwaardelijk veilig")
    UNSAFE = "unsafe", _("onveilig")


class RiskLevel(models.TextChoices):
    LOW = "low", _("laag")
    MODERATE = "moderate", _("matig")
    HIGH = "high", _("hoog")
    VERY_HIGH = "very_high", _("zeer hoog")


class Assessment(Dated):
    child = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                              related_name="assessments")
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="assessments")
    safety = models.CharField(max_length=20, choices=Safety.choices)
    risk = models.CharField(max_length=10, choices=RiskLevel.choices)
    agreements = models.TextField(blank=True)

    @property
    def opens_risk(self) -> bool:
        return not (self.safety == Safety.SAFE and self.risk == RiskLevel.LOW)


class AssessmentFactor(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="factors")
    domain = models.CharField(max_length=10)
    code = models.CharField(max_length=60)
    owner = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="+",
                              help_text="The named owner; the assessor when none is named.")

    class Meta:
        unique_together = [("assessment", "code")]


class FactorOwnership(Dated):
    """An organisation's accepted ownership of a child's risk factor, until released."""

    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=60)
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    via = models.CharField(max_length=20, help_text="assessment | accept_factors | handover")
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=30, blank=True)


class LifeEvent(Dated):
    KINDS = ["moved", "new_partner", "partner_left", "job_loss", "mental_health_admission",
             "mental_health_treatment", "addiction", "birth", "school_change", "gp_change",
             "detention_release", "eviction", "separation"]
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="life_events")
    household = models.ForeignKey("people.Household", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="life_events")
    kind = models.CharField(max_length=30, choices=[(k, k) for k in KINDS])
    derived = models.BooleanField(default=False)
    organisation = models.ForeignKey("people.Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")


class RegionalFactor(models.Model):
    """A risk factor code a region adds to the standard list (findings.md, Factor codes): an
    assessment of a child living in that region may name it. ``specialist_sector`` is the
    sector the factor needs (K5), if any."""

    region = models.ForeignKey("people.Region", on_delete=models.CASCADE,
                               related_name="factors")
    code = models.CharField(max_length=60)
    domain = models.CharField(max_length=10, choices=[
        ("child", _("kind")), ("parent", _("ouder")), ("family", _("gezin")),
        ("context", _("sociaal-economisch en cultureel"))])
    label = models.CharField(_("omschrijving"), max_length=200,
                             help_text="The Dutch label the screens show.")
    specialist_sector = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["region", "domain", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="regional_factor_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.region})"
