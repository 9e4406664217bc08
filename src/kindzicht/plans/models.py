"""Family plans with goals that escalate, parents' cooperation on record, and sharing on a
legal basis (findings.md 2.1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kindzicht.core.models import Dated


class FamilyPlan(Dated):
    """Gezinsplan of one child or of a whole household (covering every child in it)."""

    child = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="plans", verbose_name=_("kind"))
    household = models.ForeignKey("people.Household", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="plans",
                                  verbose_name=_("huishouden"))
    coordinator = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                    related_name="plans_coordinated",
                                    verbose_name=_("coördinerende organisatie"))
    replaced_on = models.DateField(_("vervangen op"), null=True, blank=True)
    agreements = models.TextField(_("afspraken"), blank=True)
    #: The professional of the coordinating organisation who owns the plan (de regisseur):
    #: "1 gezin, 1 plan, 1 regisseur". Escalation tasks go to them first.
    regisseur = models.ForeignKey("people.Professional", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="plans_owned",
                                  verbose_name=_("gezinsregisseur"))

    class Meta:
        verbose_name = _("gezinsplan")
        verbose_name_plural = _("gezinsplannen")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("open")
    MET = "met", _("behaald")
    MISSED = "missed", _("niet behaald")
    POSTPONED = "postponed", _("uitgesteld")


class Goal(Dated):
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="goals",
                             verbose_name=_("gezinsplan"))
    text = models.TextField(_("doel"))
    owner = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("verantwoordelijke organisatie"))
    due = models.DateField(_("streefdatum"),
                           help_text=_("De geldende streefdatum (verschoven bij uitstel)."))
    original_due = models.DateField(_("oorspronkelijke streefdatum"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=GoalStatus.choices,
                              default=GoalStatus.OPEN)
    status_on = models.DateField(_("status sinds"), null=True, blank=True)

    class Meta:
        verbose_name = _("doel")
        verbose_name_plural = _("doelen")


class GoalUpdate(Dated):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates",
                             verbose_name=_("doel"))
    status = models.CharField(_("status"), max_length=10, choices=GoalStatus.choices)
    new_due = models.DateField(_("nieuwe streefdatum"), null=True, blank=True)

    class Meta:
        verbose_name = _("voortgang doel")
        verbose_name_plural = _("voortgang doelen")


class Cooperation(Dated):
    """Parents' refusals/postponements of help, and missed appointments ('not brought')."""

    KINDS = [("parent_declines", _("ouder weigert of stelt hulp uit")),
             ("missed_appointment", _("niet gebracht / niet verschenen"))]
    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("kind"))
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organisatie"))
    kind = models.CharField(_("soort"), max_length=20, choices=KINDS)
    help = models.CharField(_("hulp"), max_length=300, blank=True)
    #: A parent_declines that postpones the help rather than refusing it (both count for P2).
    #: A database default too, so that bulk loaders that name their columns still insert.
    postponed = models.BooleanField(_("uitgesteld"), default=False, db_default=False)

    class Meta:
        verbose_name = _("medewerking ouders")
        verbose_name_plural = _("medewerking ouders")


class ShareBasis(models.TextChoices):
    CONSENT = "consent", _("toestemming")
    LEGAL_DUTY = "legal_duty", _("wettelijke plicht")
    MELDRECHT = "meldrecht", _("meldrecht")


class Share(Dated):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("persoon"))
    from_organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                          related_name="+", verbose_name=_("van organisatie"))
    to_organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("aan organisatie"))
    topic = models.TextField(_("onderwerp"))
    basis = models.CharField(_("grondslag"), max_length=20, choices=ShareBasis.choices)

    class Meta:
        verbose_name = _("gedeelde informatie")
        verbose_name_plural = _("gedeelde informatie")


class PlanAgreement(Dated):
    """An agreement with the parents and what happens if it is not kept — written down so
    that a broken agreement leads to the consequence agreed, not to another postponement."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="parent_agreements",
                             verbose_name=_("gezinsplan"))
    text = models.TextField(_("afspraak"))
    consequence = models.TextField(_("gevolg bij niet nakomen"),
                                   help_text=_(
                                       "Wat er gebeurt als de afspraak niet wordt nagekomen."))

    class Meta:
        verbose_name = _("afspraak met ouders")
        verbose_name_plural = _("afspraken met ouders")


class PlanEvaluation(Dated):
    """An evaluation moment of the plan: planned for ``due``, held on ``held_on`` with a note."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="evaluations",
                             verbose_name=_("gezinsplan"))
    due = models.DateField(_("gepland op"))
    held_on = models.DateField(_("gehouden op"), null=True, blank=True)
    note = models.TextField(_("notitie"), blank=True)
    held_event_id = models.BigIntegerField(_("gebeurtenis van de evaluatie"), null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("evaluatiemoment")
        verbose_name_plural = _("evaluatiemomenten")
