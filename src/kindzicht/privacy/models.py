"""Privacy rights of the persons kindzicht holds data about (AVG art. 15 and 16, issue 8):
requests for inzage and the rectifications (or refusals to rectify) of person data.

Both are person data themselves and live here, next to the person, so that a lawful purge
removes them with the person; the domain events name the person by id only (never the old or
new value), which keeps the audit chain free of personal content.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kindzicht.core.models import Dated


class RequesterRelation(models.TextChoices):
    SELF = "self", _("de persoon zelf")
    PARENT = "parent_with_authority", _("ouder met gezag")
    GUARDIAN = "guardian", _("voogd")
    REPRESENTATIVE = "representative", _("gemachtigde of wettelijk vertegenwoordiger")


class InzageStatus(models.TextChoices):
    OPEN = "open", _("in behandeling")
    DELIVERED = "delivered", _("verstrekt")


class InzageRequest(Dated):
    """A request for inzage (AVG art. 15): who asked, for whom, when it was received and the
    legal deadline (one month after receipt, art. 12(3)). ``on`` is the day it was recorded."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="inzage_requests", verbose_name=_("persoon"))
    requester_name = models.CharField(_("aanvrager"), max_length=200)
    requester_relation = models.CharField(_("relatie tot de persoon"), max_length=30,
                                          choices=RequesterRelation.choices)
    received_on = models.DateField(_("ontvangen op"))
    due_on = models.DateField(_("uiterlijk"))
    note = models.TextField(_("toelichting"), blank=True)
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organisatie"))
    recorded_by = models.ForeignKey("people.Professional", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("vastgelegd door"))
    status = models.CharField(_("status"), max_length=12, choices=InzageStatus.choices,
                              default=InzageStatus.OPEN)
    delivered_on = models.DateField(_("verstrekt op"), null=True, blank=True)
    exports = models.PositiveIntegerField(_("aantal exports"), default=0,
                                          help_text=_("Hoe vaak de inzage is geëxporteerd."))

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("inzageverzoek")
        verbose_name_plural = _("inzageverzoeken")


class RectificationField(models.TextChoices):
    GIVEN_NAME = "given_name", _("voornaam")
    FAMILY_NAME = "family_name", _("achternaam")
    BIRTH_DATE = "birth_date", _("geboortedatum")
    BSN = "bsn", _("BSN")
    PLACE = "place", _("woonplaats")


class RectificationOutcome(models.TextChoices):
    RECTIFIED = "rectified", _("gecorrigeerd")
    REFUSED = "refused", _("geweigerd")


class Rectification(Dated):
    """One request to rectify one field of a person (AVG art. 16) and what was done: the value
    before and after (or the value asked for, when refused), the reason and the request it
    answers. The person row holds the current value; this is its history."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="rectifications", verbose_name=_("persoon"))
    field = models.CharField(_("gegeven"), max_length=20, choices=RectificationField.choices)
    before = models.CharField(_("oude waarde"), max_length=200, blank=True)
    after = models.CharField(_("nieuwe (of gevraagde) waarde"), max_length=200, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=10,
                               choices=RectificationOutcome.choices)
    reason = models.TextField(_("reden"))
    requested_by = models.CharField(_("verzoek van"), max_length=200)
    received_on = models.DateField(_("verzoek ontvangen op"))
    organisation = models.ForeignKey("people.Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("organisatie"))
    professional = models.ForeignKey("people.Professional", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("professional"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("rectificatie")
        verbose_name_plural = _("rectificaties")
