"""Family plans with goals that escalate, parents' cooperation on record, and sharing on a
legal basis (findings.md 2.1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kindzicht.core.models import Dated


class FamilyPlan(Dated):
    """Gezinsplan of one child or of a whole household (covering every child in it)."""

    child = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="plans")
    household = models.ForeignKey("people.Household", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="plans")
    coordinator = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                    related_name="plans_coordinated")
    replaced_on = models.DateField(null=True, blank=True)
    agreements = models.TextField(blank=True)
    #: The professional of the coordinating organisation who owns the plan (de regisseur):
    #: "1 gezin, 1 plan, 1 regisseur". Escalation tasks go to them first.
    regisseur = models.ForeignKey("people.Professional", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="plans_owned")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("open")
    MET = "met", _("behaald")
    MISSED = "missed", _("niet behaald")
    POSTPONED = "postponed", _("uitgesteld")


class Goal(Dated):
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField()
    owner = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="+")
    due = models.DateField(help_text="The due date in force (moved by a postponement).")
    original_due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    status_on = models.DateField(null=True, blank=True)


class GoalUpdate(Dated):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=10, choices=GoalStatus.choices)
    new_due = models.DateField(null=True, blank=True)


class Cooperation(Dated):
    """Parents' refusals/postponements of help, and missed appointments ('not brought')."""

    KINDS = [("parent_declines", _("ouder weigert of stelt hulp uit")),
             ("missed_appointment", _("niet gebracht / niet verschenen"))]
    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    kind = models.CharField(max_length=20, choices=KINDS)
    help = models.CharField(max_length=300, blank=True)
    #: A parent_declines that postpones the help rather than refusing it (both count for P2).
    #: A database default too, so that bulk loaders that name their columns still insert.
    postponed = models.BooleanField(default=False, db_default=False)


class ShareBasis(models.TextChoices):
    CONSENT = "consent", _("toestemming")
    LEGAL_DUTY = "legal_duty", _("wettelijke plicht")
    MELDRECHT = "meldrecht", _("meldrecht")


class Share(Dated):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    from_organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                          related_name="+")
    to_organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                        related_name="+")
    topic = models.TextField()
    basis = models.CharField(max_length=20, choices=ShareBasis.choices)


class PlanAgreement(Dated):
    """An agreement with the parents and what happens if it is not kept — written down so
    that a broken agreement leads to the consequence agreed, not to another postponement."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="parent_agreements")
    text = models.TextField()
    consequence = models.TextField(help_text="What happens if the agreement is not kept.")


class PlanEvaluation(Dated):
    """An evaluation moment of the plan: planned for ``due``, held on ``held_on`` with a note."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="evaluations")
    due = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    held_event_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
