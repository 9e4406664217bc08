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
                              related_name="assessments", verbose_name=_("kind"))
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="assessments", verbose_name=_("organisatie"))
    safety = models.CharField(_("veiligheid"), max_length=20, choices=Safety.choices)
    risk = models.CharField(_("risiconiveau"), max_length=10, choices=RiskLevel.choices)
    agreements = models.TextField(_("afspraken"), blank=True)

    class Meta:
        verbose_name = _("risicotaxatie")
        verbose_name_plural = _("risicotaxaties")

    @property
    def opens_risk(self) -> bool:
        return not (self.safety == Safety.SAFE and self.risk == RiskLevel.LOW)


class AssessmentFactor(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="factors",
                                   verbose_name=_("risicotaxatie"))
    domain = models.CharField(_("domein"), max_length=10)
    code = models.CharField(_("code"), max_length=60)
    owner = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="+",
                              help_text=_(
                                  "De genoemde eigenaar; de beoordelaar als er geen is genoemd."),
                              verbose_name=_("eigenaar"))

    class Meta:
        unique_together = [("assessment", "code")]
        verbose_name = _("risicofactor in risicotaxatie")
        verbose_name_plural = _("risicofactoren in risicotaxaties")

    def __str__(self) -> str:
        return f"{self.code} ({self.domain})"


class FactorOwnership(Dated):
    """An organisation's accepted ownership of a child's risk factor, until released."""

    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("kind"))
    code = models.CharField(_("factorcode"), max_length=60)
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organisatie"))
    via = models.CharField(_("verkregen via"), max_length=20,
                           help_text="assessment | accept_factors | handover")
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    end_reason = models.CharField(_("reden beëindiging"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("eigenaarschap van een risicofactor")
        verbose_name_plural = _("eigenaarschap van risicofactoren")


class LifeEvent(Dated):
    LABELS = {
        "moved": _("verhuisd"),
        "new_partner": _("nieuwe partner in het huishouden"),
        "partner_left": _("partner vertrokken"),
        "job_loss": _("baanverlies"),
        "mental_health_admission": _("opname in de GGZ"),
        "mental_health_treatment": _("behandeling in de GGZ"),
        "addiction": _("verslaving"),
        "birth": _("geboorte"),
        "school_change": _("andere school"),
        "gp_change": _("andere huisarts"),
        "detention_release": _("vrijgelaten uit detentie"),
        "eviction": _("uitzetting uit de woning"),
        "separation": _("scheiding"),
    }
    KINDS = list(LABELS)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="life_events", verbose_name=_("persoon"))
    household = models.ForeignKey("people.Household", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="life_events",
                                  verbose_name=_("huishouden"))
    kind = models.CharField(_("soort"), max_length=30, choices=list(LABELS.items()))
    derived = models.BooleanField(_("afgeleid"), default=False)
    organisation = models.ForeignKey("people.Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("organisatie"))

    class Meta:
        verbose_name = _("levensgebeurtenis")
        verbose_name_plural = _("levensgebeurtenissen")


class RegionalFactor(models.Model):
    """A risk factor code a region adds to the standard list (findings.md, Factor codes): an
    assessment of a child living in that region may name it. ``specialist_sector`` is the
    sector the factor needs (K5), if any."""

    region = models.ForeignKey("people.Region", on_delete=models.CASCADE,
                               related_name="factors", verbose_name=_("regio"))
    code = models.CharField(_("code"), max_length=60)
    domain = models.CharField(_("domein"), max_length=10, choices=[
        ("child", _("kind")), ("parent", _("ouder")), ("family", _("gezin")),
        ("context", _("sociaal-economisch en cultureel"))])
    label = models.CharField(_("omschrijving"), max_length=200,
                             help_text=_("Het Nederlandse label dat de schermen tonen."))
    specialist_sector = models.CharField(_("specialistische sector"), max_length=40, blank=True)

    class Meta:
        ordering = ["region", "domain", "code"]
        verbose_name = _("regionale risicofactor")
        verbose_name_plural = _("regionale risicofactoren")
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="regional_factor_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.region})"
