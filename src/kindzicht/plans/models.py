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
