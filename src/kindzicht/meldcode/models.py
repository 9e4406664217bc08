"""Concerns (including niet-pluis feelings), the five Meldcode steps and reports to Veilig
Thuis (findings.md 2.3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kindzicht.core.models import Dated
from kindzicht.people.sectors import SECTOR_CHOICES


class ConcernKind(models.TextChoices):
    NIET_PLUIS = "niet_pluis", _("niet-pluisgevoel")
    OBSERVATION = "observation", _("eigen waarneming")
    DISCLOSURE = "disclosure", _("onthulling door het kind")
    SECOND_HAND = "second_hand", _("informatie uit tweede hand")
    NON_PROFESSIONAL = "non_professional", _("informatie van een niet-professional")


class Outcome(models.TextChoices):
    REPORT = "report", _("melden bij Veilig Thuis")
    ORGANISE_HELP = "organise_help", _("hulp organiseren")
    NO_CONCERN = "no_concern", _("afsluiten: geen zorg")


class Concern(Dated):
    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="concerns",
                              verbose_name=_("kind"))
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="concerns", verbose_name=_("organisatie"))
    professional = models.ForeignKey("people.Professional", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("professional"))
    kind = models.CharField(_("soort"), max_length=20, choices=ConcernKind.choices)
    source = models.CharField(_("bron"), max_length=200, blank=True)
    text = models.TextField(_("tekst"), blank=True)
    observations = models.JSONField(_("waarnemingen"), default=list, blank=True)
    weighing_outcome = models.CharField(_("uitkomst afwegingskader"), max_length=20,
                                        choices=Outcome.choices, blank=True)
    outcome = models.CharField(_("besluit"), max_length=20, choices=Outcome.choices, blank=True)
    decided_at = models.DateTimeField(_("tijdstip besluit"), null=True, blank=True)
    decided_on = models.DateField(_("datum besluit"), null=True, blank=True)
    decision_reason = models.TextField(_("motivering besluit"), blank=True)
    decide_event_id = models.BigIntegerField(_("gebeurtenis-id besluit"), null=True, blank=True)

    class Meta:
        verbose_name = _("zorg")
        verbose_name_plural = _("zorgen")


class StepKind(models.TextChoices):
    MAP = "map", _("1. signalen in kaart brengen")
    CONSULT = "consult", _("2. collegiale consultatie / Veilig Thuis")
    TALK = "talk", _("3. gesprek met ouders / kind")
    WEIGH = "weigh", _("4. wegen met het afwegingskader")
    DECIDE = "decide", _("5. beslissen")


class MeldcodeStep(Dated):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="steps",
                                verbose_name=_("zorg"))
    step = models.CharField(_("stap"), max_length=10, choices=StepKind.choices)
    with_whom = models.CharField(_("met wie"), max_length=20, blank=True)
    answers = models.JSONField(_("antwoorden"), default=dict, blank=True)
    note = models.TextField(_("notitie"), blank=True)

    class Meta:
        verbose_name = _("Meldcodestap")
        verbose_name_plural = _("Meldcodestappen")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("ontvangen")
    ACCEPTED = "accepted", _("aangenomen")
    DECLINED = "declined", _("afgewezen")


class Report(Dated):
    """A melding at Veilig Thuis."""

    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="reports",
                              verbose_name=_("kind"))
    reporter = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                 related_name="reports_made", verbose_name=_("melder"))
    safe_at_home = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="reports_received",
                                     verbose_name=_("Veilig Thuis"))
    concern = models.ForeignKey(Concern, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="reports", verbose_name=_("zorg"))
    own_observation = models.BooleanField(_("eigen waarneming"), default=True)
    #: A joint consultation (CJG, ZAT, Veiligheidshuis) on whose behalf its coordinator reports.
    on_behalf_of_group = models.CharField(_("namens overleg"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.RECEIVED)
    decline_reason = models.CharField(_("reden afwijzing"), max_length=30, blank=True)
    decline_text = models.TextField(_("toelichting afwijzing"), blank=True)
    handled_on = models.DateField(_("afgehandeld op"), null=True, blank=True)
    handle_event_id = models.BigIntegerField(_("gebeurtenis-id afhandeling"), null=True,
                                             blank=True)

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")


class PartnerKnowledge(models.Model):
    """The chain-partner knowledge base (ketenkaart): per sector what it can do, what it must
    do, whom it reports to, and the misconceptions that cost children (findings.md 2.3). Not
    person data; written by administrators, every change recorded like any admin write."""

    sector = models.CharField(_("sector"), max_length=40, choices=SECTOR_CHOICES, unique=True)
    can_do = models.TextField(_("wat deze partner kan"))
    must_do = models.TextField(_("wat deze partner moet"))
    reports_to = models.TextField(_("meldt aan / legt verantwoording af aan"))
    misconceptions = models.TextField(
        _("bekende misverstanden"), blank=True,
        help_text=_("Eén misverstand per regel: het misverstand, een verticale streep (|) en "
                    "hoe het werkelijk zit."))

    class Meta:
        ordering = ["sector"]
        verbose_name = _("ketenpartner (kennisbank)")
        verbose_name_plural = _("ketenpartners (kennisbank)")

    def __str__(self) -> str:
        return str(self.get_sector_display())

    @property
    def misconception_list(self) -> list[tuple[str, str]]:
        """(misconception, how it really is) per non-empty line."""
        out = []
        for line in self.misconceptions.splitlines():
            if line.strip():
                myth, _sep, fact = line.partition("|")
                out.append((myth.strip(), fact.strip()))
        return out
