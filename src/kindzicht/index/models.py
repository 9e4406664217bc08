"""The reference index (verwijsindex): that an organisation is involved because of concerns —
identity and contact only, never content — and the matches signals make at child and family
level (findings.md 2.2)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kindzicht.core.models import Dated


class Signal(Dated):
    #: no index of its own: ``(person, ended_at)`` below serves every lookup by person, and
    #: each index costs every registration an insertion (issue 4)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="signals",
                               db_index=False, verbose_name=_("persoon"))
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="signals", verbose_name=_("organisatie"))
    professional = models.ForeignKey("people.Professional", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("verantwoordelijke professional"),
                                     help_text=_(
                                         "De verantwoordelijke professional die anderen zien."))
    contact = models.CharField(_("contactgegevens"), max_length=200, blank=True,
                               help_text=_("Hoe de verantwoordelijke professional bereikbaar is."))
    observer = models.CharField(_("waarnemer"), max_length=200, blank=True,
                                help_text=_(
                                    "Afgeschermd: de waarnemende professional bij registratie "
                                    "namens een ander; nooit zichtbaar voor andere organisaties "
                                    "of het gezin."))
    expires_on = models.DateField(_("verloopt op"), null=True, blank=True)
    ended_at = models.DateTimeField(_("beëindigd om"), null=True, blank=True)
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    end_reason = models.CharField(_("reden van beëindigen"), max_length=30, blank=True,
                                  help_text="withdrawn | expired | death | age | ended_involvement")
    end_event_id = models.BigIntegerField(_("gebeurtenis van beëindigen (id)"), null=True,
                                          blank=True)

    class Meta:
        verbose_name = _("signaal in de verwijsindex")
        verbose_name_plural = _("signalen")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "person"],
                                    condition=Q(ended_at__isnull=True),
                                    name="one_active_signal_per_org_person"),
        ]
        indexes = [models.Index(fields=["person", "ended_at"])]


class Match(Dated):
    """A match of a child as it arose or grew: its level and everyone it then covered."""

    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="matches",
                              verbose_name=_("kind"))
    level = models.CharField(_("niveau"), max_length=10,
                             choices=[("child", _("kind")), ("family", _("gezin"))])
    person_ids = models.JSONField(_("personen (id's)"), default=list)
    organisation_ids = models.JSONField(_("organisaties (id's)"), default=list)
    proposed_coordinator = models.ForeignKey("people.Organisation", null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+",
                                             verbose_name=_("voorgestelde matchregisseur"))
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")


class IndexPolicy(models.Model):
    """A region's configuration of the index (product.md 2.2: the circle is wide and
    configurable). The row without a region holds the national values; a region without a row
    of its own follows it, and without any row the defaults of product.md apply."""

    region = models.ForeignKey("people.Region", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("regio"),
                               help_text=_(
                                   "Leeg: de landelijke waarden, voor elke regio zonder eigen "
                                   "regel."))
    authorised_sectors = models.JSONField(
        _("meldingsbevoegde sectoren"), default=list, blank=True,
        help_text=_("De sectoren die signalen mogen registreren (meldingsbevoegd)."))
    coordinator_priority = models.JSONField(
        _("volgorde voor de voorgestelde matchregisseur"), default=list, blank=True,
        help_text=_("De sectoren in de volgorde waarin een matchregisseur wordt voorgesteld."))
    signal_months = models.PositiveSmallIntegerField(
        _("looptijd van een signaal (maanden)"), default=24,
        help_text=_("Een signaal verloopt uiterlijk na zoveel maanden."))
    inform_days = models.PositiveSmallIntegerField(
        _("termijn voor informeren (dagen)"), default=28,
        help_text=_("Het aantal dagen waarbinnen het gezin over een signaal wordt geïnformeerd."))
    renew_notice_days = models.PositiveSmallIntegerField(
        _("herinnering voordat een signaal verloopt (dagen)"), default=28,
        help_text=_("Zoveel dagen voordat een signaal verloopt, krijgt de registrerende "
                    "organisatie een taak: verleng het als de zorgen er nog zijn."))
    archive_years = models.PositiveSmallIntegerField(
        _("bewaartermijn archief (jaren)"), default=5,
        help_text=_("Het aantal jaren dat de geschiedenis van een beëindigd signaal in het "
                    "archief blijft."))

    class Meta:
        verbose_name = _("beleid van de verwijsindex")
        verbose_name_plural = _("beleid van de verwijsindex per regio")
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

    WHOM = [("person", _("de persoon zelf")), ("parents", _("de ouders"))]
    OUTCOMES = [("informed", _("geïnformeerd")), ("postponed", _("uitgesteld"))]

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="informings",
                               verbose_name=_("signaal in de verwijsindex"))
    whom = models.CharField(_("wie geïnformeerd"), max_length=10, choices=WHOM)
    outcome = models.CharField(_("uitkomst"), max_length=10, choices=OUTCOMES)
    reason = models.TextField(_("reden"), blank=True)
    review_on = models.DateField(_("opnieuw afwegen op"), null=True, blank=True,
                                 help_text=_(
                                     "Uitgesteld: wanneer het informeren opnieuw wordt afgewogen."))
    professional = models.ForeignKey("people.Professional", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("professional"))

    class Meta:
        verbose_name = _("informeren van jongere of ouders")
        verbose_name_plural = _("informeren van jongeren of ouders")


class SignalMove(models.Model):
    """A household's move to another municipality that the active signals followed: kept so
    that following a move happens once (the service and the sweep may both see it)."""

    address = models.OneToOneField("people.HouseholdAddress", on_delete=models.CASCADE,
                                   related_name="+", verbose_name=_("adres van het huishouden"))
    from_code = models.CharField(_("van gemeentecode"), max_length=4, blank=True)
    to_code = models.CharField(_("naar gemeentecode"), max_length=4)
    at = models.DateTimeField(_("moment"))
    signal_ids = models.JSONField(_("signalen (id's)"), default=list, blank=True)
    notified = models.JSONField(_("organisaties met bericht (id's)"), default=list, blank=True,
                                help_text=_("De id's van de geïnformeerde organisaties."))

    class Meta:
        verbose_name = _("verhuizing van signalen")
        verbose_name_plural = _("verhuizingen van signalen")

    def __str__(self) -> str:
        return f"{self.from_code} → {self.to_code}"


class PersonMerge(Dated):
    """Two records of one person merged by an administrator: everything of ``merged_id`` now
    belongs to ``kept``. The merged record stays (empty) so that its history — events and audit
    entries refer to persons by id — still resolves."""

    kept = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("bewaarde persoon"))
    merged = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("samengevoegde persoon"))
    reason = models.TextField(_("reden"))
    moved = models.JSONField(_("verplaatste rijen"), default=dict, blank=True,
                             help_text=_("Overgezette rijen per soort (label: aantal)."))

    class Meta:
        verbose_name = _("samenvoeging van personen")
        verbose_name_plural = _("samenvoegingen van personen")
