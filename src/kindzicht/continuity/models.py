"""Involvement, open risk, safety responsibility (veiligheidsregie), handovers, requests and
decisions — the facts behind the handelingsplicht (findings.md 2.5)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kindzicht.core.models import Dated


class Involvement(Dated):
    """An organisation works with a person: from ``on`` until ``ended_on``."""

    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="involvements",
                                     verbose_name=_("organisatie"))
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="involvements", verbose_name=_("persoon"))
    professional = models.ForeignKey("people.Professional", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("professional"))
    service = models.CharField(_("dienst"), max_length=300)
    intensive = models.BooleanField(_("intensief"), default=False)
    ended_at = models.DateTimeField(_("tijdstip beëindigd"), null=True, blank=True)
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    aftercare = models.TextField(_("nazorg"), blank=True)
    end_reason = models.TextField(_("reden van beëindiging"), blank=True)
    end_event_id = models.BigIntegerField(_("gebeurtenis-ID beëindiging"), null=True, blank=True)

    class Meta:
        verbose_name = _("betrokkenheid")
        verbose_name_plural = _("betrokkenheden")
        indexes = [models.Index(fields=["person", "organisation"])]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "person"],
                                    condition=Q(ended_at__isnull=True),
                                    name="one_open_involvement_per_org_person"),
        ]


class RiskPeriod(Dated):
    """A period of open risk for a child (findings.md 'Open risk'). ``on`` is when it opened."""

    child = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                              related_name="risk_periods", verbose_name=_("kind"))
    opened_by = models.ForeignKey("people.Organisation", null=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("geopend door"))
    closed_at = models.DateTimeField(_("tijdstip gesloten"), null=True, blank=True)
    closed_on = models.DateField(_("gesloten op"), null=True, blank=True)
    close_reason = models.CharField(_("reden van sluiting"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("periode van open risico")
        verbose_name_plural = _("periodes van open risico")
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=Q(closed_at__isnull=True),
                                    name="one_open_risk_period_per_child"),
        ]


class Basis(models.TextChoices):
    VOLUNTARY = "voluntary", _("vrijwillig kader")
    SUPERVISION_ORDER = "supervision_order", _("ondertoezichtstelling")
    GUARDIANSHIP = "guardianship", _("voogdij")
    INVESTIGATION = "investigation", _("onderzoek")
    COORDINATION = "coordination", _("coördinatie (regie)")


class ResponsibilityPeriod(Dated):
    """Who held safety responsibility for a child, from ``on`` until ``ended_on``.

    A period with no organisation records a gap: the child was at open risk and nobody held
    it (possible only in reconstruct mode). While a child is at open risk its periods form a
    clean sequence; the partial unique index makes two current holders impossible.
    """

    child = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                              related_name="responsibility_periods", verbose_name=_("kind"))
    organisation = models.ForeignKey("people.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="responsibilities",
                                     verbose_name=_("organisatie"))
    basis = models.CharField(_("kader"), max_length=30, choices=Basis.choices, blank=True)
    how = models.CharField(_("wijze"), max_length=30,
                           help_text="opened | taken | handover | transfer | released")
    ended_at = models.DateTimeField(_("tijdstip beëindigd"), null=True, blank=True)
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    end_reason = models.CharField(_("reden van beëindiging"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("periode van veiligheidsregie")
        verbose_name_plural = _("periodes van veiligheidsregie")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=Q(ended_at__isnull=True),
                                    name="one_current_responsibility_per_child"),
        ]


class ResponsibilityTaking(Dated):
    """An explicit ``take_responsibility`` (C3 and V2 count these)."""

    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("kind"))
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organisatie"))
    basis = models.CharField(_("kader"), max_length=30, choices=Basis.choices)

    class Meta:
        verbose_name = _("aanvaarding van veiligheidsregie")
        verbose_name_plural = _("aanvaardingen van veiligheidsregie")


class HandoverStatus(models.TextChoices):
    OFFERED = "offered", _("aangeboden")
    ACCEPTED = "accepted", _("geaccepteerd")
    CONFIRMED = "confirmed", _("gestart")
    DECLINED = "declined", _("afgewezen")
    WITHDRAWN = "withdrawn", _("ingetrokken")


class Handover(Dated):
    """Warme overdracht: offer → accept → confirmed start (or declined / withdrawn).

    ``on`` is the offer date. Responsibility moves only when the start is confirmed and the
    sender held it at that moment."""

    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="handovers",
                              verbose_name=_("kind"))
    sender = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                               related_name="handovers_sent",
                               verbose_name=_("overdragende organisatie"))
    receiver = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                 related_name="handovers_received",
                                 verbose_name=_("ontvangende organisatie"))
    status = models.CharField(_("status"), max_length=12, choices=HandoverStatus.choices,
                              default=HandoverStatus.OFFERED)
    note = models.TextField(_("toelichting"), blank=True)
    accepted_on = models.DateField(_("geaccepteerd op"), null=True, blank=True)
    confirmed_on = models.DateField(_("start bevestigd op"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("tijdstip start bevestigd"), null=True, blank=True)
    declined_on = models.DateField(_("afgewezen op"), null=True, blank=True)
    withdrawn_on = models.DateField(_("ingetrokken op"), null=True, blank=True)
    reason = models.TextField(_("reden"), blank=True,
                              help_text=_("Waarom de overdracht is geweigerd of ingetrokken."))
    moved_responsibility = models.BooleanField(_("veiligheidsregie overgegaan"), default=False)
    accept_event_id = models.BigIntegerField(_("gebeurtenis-ID acceptatie"), null=True,
                                             blank=True)
    confirm_event_id = models.BigIntegerField(_("gebeurtenis-ID start"), null=True, blank=True)
    close_event_id = models.BigIntegerField(_("gebeurtenis-ID afsluiting"), null=True,
                                            blank=True)

    class Meta:
        verbose_name = _("overdracht")
        verbose_name_plural = _("overdrachten")


class HandoverFactor(models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="factors",
                                 verbose_name=_("overdracht"))
    domain = models.CharField(_("domein"), max_length=10)
    code = models.CharField(_("code"), max_length=60)
    accepted = models.BooleanField(_("geaccepteerd"), default=False)

    class Meta:
        verbose_name = _("overdrachtsfactor")
        verbose_name_plural = _("overdrachtsfactoren")
        unique_together = [("handover", "code")]

    def __str__(self) -> str:
        return f"{self.code} ({self.domain})"


class RequestKind(models.TextChoices):
    INVESTIGATION = "investigation", _("verzoek tot onderzoek (Raad)")
    SUPERVISION_ORDER = "supervision_order", _("verzoek ondertoezichtstelling (kinderrechter)")
    SUPERVISION_EXTENSION = "supervision_extension", _("verzoek verlenging OTS (kinderrechter)")


class Request(Dated):
    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="requests",
                              verbose_name=_("kind"))
    kind = models.CharField(_("soort"), max_length=30, choices=RequestKind.choices)
    requester = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                  related_name="requests_made",
                                  verbose_name=_("verzoekende organisatie"))
    addressee_sector = models.CharField(_("sector van de geadresseerde"), max_length=40)
    reasons = models.TextField(_("motivering"), blank=True)

    class Meta:
        verbose_name = _("verzoek")
        verbose_name_plural = _("verzoeken")


class DecisionKind(models.TextChoices):
    INVESTIGATION_DECLINED = "investigation_declined", _("onderzoek afgewezen")
    NO_MEASURE = "no_measure", _("geen maatregel nodig")
    MEASURE_REQUESTED = "measure_requested", _("maatregel verzocht")
    SUPERVISION_GRANTED = "supervision_granted", _("OTS uitgesproken")
    SUPERVISION_REJECTED = "supervision_rejected", _("OTS afgewezen")
    EXTENSION_GRANTED = "extension_granted", _("verlenging OTS toegewezen")
    EXTENSION_REJECTED = "extension_rejected", _("verlenging OTS afgewezen")
    SUPERVISION_ENDED = "supervision_ended", _("OTS beëindigd")


#: Decisions after which someone must explicitly answer for the child's safety (C3).
REJECTING_DECISIONS = frozenset({"investigation_declined", "no_measure", "supervision_rejected",
                                 "extension_rejected", "supervision_ended"})
DECIDING_SECTOR = {
    "investigation_declined": "child_protection_board",
    "no_measure": "child_protection_board",
    "measure_requested": "child_protection_board",
    "supervision_granted": "juvenile_court",
    "supervision_rejected": "juvenile_court",
    "extension_granted": "juvenile_court",
    "extension_rejected": "juvenile_court",
    "supervision_ended": "juvenile_court",
}
REQUESTING_SECTORS = {
    "investigation": ({"safe_at_home", "youth_protection", "district_team", "municipality"},
                      "child_protection_board"),
    "supervision_order": ({"child_protection_board"}, "juvenile_court"),
    "supervision_extension": ({"youth_protection"}, "juvenile_court"),
}


class Decision(Dated):
    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="decisions",
                              verbose_name=_("kind"))
    request = models.ForeignKey(Request, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="decisions", verbose_name=_("verzoek"))
    decision = models.CharField(_("besluit"), max_length=30, choices=DecisionKind.choices)
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organisatie"))
    reasons = models.TextField(_("motivering"))

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")


class Correction(Dated):
    """A mistaken entry corrected by a later action with a reason — history is never edited."""

    object_type = models.CharField(_("objecttype"), max_length=60)
    object_id = models.BigIntegerField(_("object-ID"))
    reason = models.TextField(_("reden"))
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organisatie"))

    class Meta:
        verbose_name = _("correctie")
        verbose_name_plural = _("correcties")


class InvolvementEnd(Dated):
    """The fact that an organisation ended its involvement with a person, with what held at
    that moment (C2, C4 and R3 judge it; a continuity guard may have refused it live)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("persoon"))
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organisatie"))
    at_open_risk = models.BooleanField(_("bij open risico"), default=False)
    held_responsibility = models.BooleanField(_("had veiligheidsregie"), default=False)
    intensive = models.BooleanField(_("intensief"), default=False)
    aftercare = models.TextField(_("nazorg"), blank=True)
    reason = models.TextField(_("reden"), blank=True)

    class Meta:
        verbose_name = _("beëindiging van betrokkenheid")
        verbose_name_plural = _("beëindigingen van betrokkenheid")
