"""Organisations, professionals, persons, their relations and households.

Person data lives here and only here, so that a purge (retention, erasure) removes it while
the event log and the audit chain, which refer to persons by id, stay verifiable.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kindzicht.core.models import numbered

from .sectors import SECTOR_CHOICES


class Region(models.Model):
    """A youth-care region (jeugdregio): the unit whose policy sets the rules' day counts."""

    name = models.CharField(_("naam"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("regio")
        verbose_name_plural = _("regio's")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A municipality by its four-digit CBS code."""

    code = models.CharField(_("CBS-code"), max_length=4, primary_key=True)
    name = models.CharField(_("naam"), max_length=120)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="municipalities", verbose_name=_("regio"))

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Organisation(models.Model):
    name = models.CharField(_("naam"), max_length=200)
    sector = models.CharField(_("sector"), max_length=40, choices=SECTOR_CHOICES)
    municipality_code = models.CharField(_("gemeentecode"), max_length=4, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=40, blank=True)
    address = models.CharField(_("adres"), max_length=200, blank=True)
    active = models.BooleanField(_("actief"), default=True)
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="predecessors", verbose_name=_("opvolger"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    COORDINATOR = "coordinator", _("Coördinator")
    MUNICIPALITY_OFFICER = "municipality_officer", _("Beleidsmedewerker gemeente")
    INSPECTOR = "inspector", _("Inspecteur")
    PRIVACY_OFFICER = "privacy_officer", _("Functionaris gegevensbescherming")
    ADMIN = "admin", _("Beheerder")


class Professional(AbstractUser):
    """A user of kindzicht: a professional of exactly one organisation, with one role."""

    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="professionals",
                                     verbose_name=_("organisatie"))
    role = models.CharField(_("rol"), max_length=30, choices=Role.choices,
                            default=Role.PROFESSIONAL)
    phone = models.CharField(_("telefoon"), max_length=40, blank=True)
    function = models.CharField(_("functie"), max_length=120, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Person(models.Model):
    """A child or adult the chain is concerned with. BSN is optional but unique when known."""

    bsn = models.CharField(_("BSN"), max_length=9, null=True, blank=True, unique=True)
    given_name = models.CharField(_("voornaam"), max_length=120, blank=True)
    family_name = models.CharField(_("achternaam"), max_length=120, blank=True)
    birth_date = models.DateField(_("geboortedatum"))
    death_date = models.DateField(_("overlijdensdatum"), null=True, blank=True)
    place = models.CharField(_("woonplaats"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        indexes = [models.Index(fields=["family_name", "birth_date"]),
                   models.Index(fields=["birth_date"])]

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p) or f"#{self.pk}"

    def __str__(self) -> str:
        return self.name


class RelationKind(models.TextChoices):
    PARENT_OF = "parent_of", _("ouder van")
    PARTNER_OF = "partner_of", _("partner van")
    GUARDIAN_OF = "guardian_of", _("voogd van")


class Relation(models.Model):
    """``person`` is ``kind`` of ``other`` (partner_of is symmetric), valid between two dates."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations_from",
                               verbose_name=_("persoon"))
    kind = models.CharField(_("soort relatie"), max_length=20, choices=RelationKind.choices)
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations_to",
                              verbose_name=_("andere persoon"))
    valid_from = models.DateField(_("geldig vanaf"), null=True, blank=True)
    valid_to = models.DateField(_("geldig tot"), null=True, blank=True)

    class Meta:
        verbose_name = _("relatie")
        verbose_name_plural = _("relaties")
        constraints = [
            models.CheckConstraint(condition=~Q(person=F("other")), name="relation_not_self"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="relation_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["other", "kind"]), models.Index(fields=["person", "kind"])]

    def __str__(self) -> str:
        return numbered(self, self.valid_from)


class Household(models.Model):
    """A household (huishouden): who lived together where, over time."""

    label = models.CharField(_("naam"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("huishouden")
        verbose_name_plural = _("huishoudens")

    def __str__(self) -> str:
        return self.label or f"Huishouden {self.pk}"


class HouseholdMembership(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships",
                                  verbose_name=_("huishouden"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships",
                               verbose_name=_("persoon"))
    joined_on = models.DateField(_("lid sinds"), null=True, blank=True)
    left_on = models.DateField(_("vertrokken op"), null=True, blank=True)

    class Meta:
        verbose_name = _("lidmaatschap van een huishouden")
        verbose_name_plural = _("lidmaatschappen van huishoudens")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="membership_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["person", "household"])]

    def __str__(self) -> str:
        return numbered(self, self.joined_on)


class HouseholdAddress(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="addresses",
                                  verbose_name=_("huishouden"))
    municipality_code = models.CharField(_("gemeentecode"), max_length=4)
    postcode = models.CharField(_("postcode"), max_length=7)
    valid_from = models.DateField(_("geldig vanaf"), null=True, blank=True)
    valid_to = models.DateField(_("geldig tot"), null=True, blank=True)

    class Meta:
        ordering = ["valid_from", "id"]
        verbose_name = _("woonadres")
        verbose_name_plural = _("woonadressen")

    def __str__(self) -> str:
        return numbered(self, self.valid_from)
