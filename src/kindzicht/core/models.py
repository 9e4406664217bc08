"""Append-only history: domain events, the audit chain and its seals, the notification outbox,
and regional policy values.

Events and audit entries name people only by reference (their id), never by content, so that
personal data can be purged lawfully while the chain stays verifiable.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


def numbered(obj: models.Model, day=None, *, kind: str | None = None) -> str:
    """What the admin calls a record (a change page's title, a deletion's list): its Dutch
    kind (``kind``, else the model's name), number and date — never a person's name or the
    record's content, which the admin's lists show only where an administrator needs them
    (and audit as a read)."""
    if isinstance(day, datetime):
        day = timezone.localdate(day)
    when = f" ({day:%d-%m-%Y})" if day else ""
    return f"{kind or capfirst(obj._meta.verbose_name)} #{obj.pk}{when}"


class DomainEvent(models.Model):
    """One state change, written by a service in the same transaction as the change."""

    #: indexed in Meta: a plain index; the field's own ``db_index`` adds a second one for
    #: ``LIKE``, which no query uses and every event paid for
    type = models.CharField(_("soort"), max_length=80)
    occurred_at = models.DateTimeField(_("tijdstip"),
                                       help_text=_(
                                           "Het moment in het domein, van de klok van kindzicht."))
    occurred_on = models.DateField(_("datum"), db_index=True,
                                   help_text=_("De datum in het domein (Nederlandse tijd)."))
    recorded_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)
    #: who and for which organisation: shown with the event, never searched by — no index,
    #: which every event would pay for (issue 4)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, db_index=False, related_name="+", verbose_name=_("gebruiker"),
    )
    organisation = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, db_index=False, related_name="+", verbose_name=_("organisatie"),
    )
    role = models.CharField(_("rol"), max_length=40, blank=True)
    object_type = models.CharField(_("objectsoort"), max_length=60, blank=True)
    object_id = models.BigIntegerField(_("object-id"), null=True, blank=True)
    payload = models.JSONField(_("gegevens"), default=dict, blank=True)

    class Meta:
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"]),
                   models.Index(fields=["type"], name="domainevent_type")]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.type} #{self.pk}"


class EventSubject(models.Model):
    """The persons an event is about, by reference (no foreign key: purging must not cascade)."""

    #: no index of its own: the unique ``(event, person_id)`` serves lookups by event. No
    #: database constraint either: subjects are written with their event in one statement
    #: (``actions``) and events are never deleted (append-only), so the key would only check,
    #: at commit, each subject's event and lock it — a national import's three million
    #: subjects took 15 s of it (migration 0008)
    event = models.ForeignKey(DomainEvent, on_delete=models.DO_NOTHING, related_name="subjects",
                              db_index=False, db_constraint=False,
                              verbose_name=_("gebeurtenis"))
    person_id = models.BigIntegerField(_("persoon-id"), db_index=True)

    class Meta:
        verbose_name = _("persoon bij gebeurtenis")
        verbose_name_plural = _("personen bij gebeurtenissen")
        unique_together = [("event", "person_id")]

    def __str__(self) -> str:
        return numbered(self)


class AuditChainHead(models.Model):
    """The latest entry of one of the parallel audit chains; locked while appending."""

    chain = models.PositiveSmallIntegerField(_("keten"), primary_key=True)
    last_seq = models.BigIntegerField(_("laatste volgnummer"), default=0)
    last_hash = models.CharField(_("laatste hash"), max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("kop van auditketen")
        verbose_name_plural = _("koppen van auditketens")

    def __str__(self) -> str:
        return f"{capfirst(self._meta.verbose_name)} {self.chain}"


class AuditEntry(models.Model):
    """NEN 7513-style access and change log entry: who, organisation, role, what, whom, when, why.

    ``hash`` is SHA-256 over the canonical content and ``prev_hash`` (the previous entry of the
    same chain), so altering, removing, inserting or reordering entries is detectable.
    """

    chain = models.PositiveSmallIntegerField(_("keten"))
    seq = models.BigIntegerField(_("volgnummer"),
                                 help_text=_("Plaats in de keten, vanaf 1, zonder gaten."))
    recorded_at = models.DateTimeField(_("vastgelegd op"))
    domain_at = models.DateTimeField(_("domeintijdstip"), null=True, blank=True)
    actor_id = models.BigIntegerField(_("gebruiker-id"), null=True, blank=True)
    organisation_id = models.BigIntegerField(_("organisatie-id"), null=True, blank=True)
    role = models.CharField(_("rol"), max_length=40, blank=True)
    action = models.CharField(_("handeling"), max_length=80)
    kind = models.CharField(_("soort"), max_length=10,
                            choices=[("write", _("wijziging")), ("read", _("inzage")),
                                     ("system", _("systeem"))])
    person_ids = models.JSONField(_("persoon-id's"), default=list, blank=True)
    object_type = models.CharField(_("objectsoort"), max_length=60, blank=True)
    object_id = models.BigIntegerField(_("object-id"), null=True, blank=True)
    event_id = models.BigIntegerField(_("gebeurtenis-id"), null=True, blank=True)
    purpose = models.CharField(_("verwerkingsdoel"), max_length=300, blank=True)
    prev_hash = models.CharField(_("vorige hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("auditregel")
        verbose_name_plural = _("auditregels")
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique"),
        ]

    def __str__(self) -> str:
        return numbered(self, self.recorded_at)


class AuditSeal(models.Model):
    """A periodic root over every chain's head, itself chained to the previous seal."""

    sealed_at = models.DateTimeField(_("verzegeld op"))
    heads = models.JSONField(_("ketenkoppen"), help_text=_(
                                                   "{keten: [volgnummer, hash]} op het moment van "
                                                   "verzegelen."))
    prev_hash = models.CharField(_("vorige hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("auditzegel")
        verbose_name_plural = _("auditzegels")
        ordering = ["id"]

    def __str__(self) -> str:
        return numbered(self, self.sealed_at)


class Notification(models.Model):
    """Outbox: written in the transaction, sent (in-app and by e-mail) after commit."""

    #: no index of its own: ``notification_inbox`` (organisation, newest first) serves it
    organisation = models.ForeignKey("people.Organisation", on_delete=models.CASCADE,
                                     related_name="notifications", db_index=False,
                                     verbose_name=_("organisatie"))
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="notifications",
                                     verbose_name=_("professional"))
    kind = models.CharField(_("soort"), max_length=60)
    subject = models.CharField(_("onderwerpregel"), max_length=200)
    body = models.TextField(_("tekst"), blank=True)
    #: the person it is about (Berichten links to them)
    person_id = models.BigIntegerField(_("persoon-id"), null=True, blank=True)
    #: everyone its text names (a match's family members, a move's children), ``person_id``
    #: among them (``notify_many`` adds it; migration 0005 filled older rows): reading it is
    #: audited for each of them
    person_ids = models.JSONField(_("persoon-id's"), default=list, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"))
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    #: times the mail server did not take it; at ``OUTBOX_MAIL_ATTEMPTS`` the outbox stops
    #: trying (it stays in Berichten, marked as not delivered by e-mail)
    mail_attempts = models.PositiveSmallIntegerField(_("verzendpogingen"), default=0)
    #: read in the system (the organisation's inbox is shared: one colleague reading it
    #: marks it read for all, and the inbox says who)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("gelezen door"))

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"],
                                name="notification_inbox")]

    def __str__(self) -> str:
        return numbered(self, self.created_at)

    @property
    def email_status(self) -> str:
        """``sent``; ``waiting`` (the mail server did not take it yet, the sweep tries
        again); ``not_delivered`` (the outbox gave up on it)."""
        if self.sent_at is not None:
            return "sent"
        if self.mail_attempts >= settings.OUTBOX_MAIL_ATTEMPTS:
            return "not_delivered"
        return "waiting"


class PolicyValue(models.Model):
    """A region's override of a rule's or task's default day count."""

    region = models.ForeignKey("people.Region", null=True, blank=True, on_delete=models.CASCADE,
                               verbose_name=_("regio"))
    key = models.CharField(_("sleutel"), max_length=60)
    value = models.IntegerField(_("waarde"))

    class Meta:
        verbose_name = _("termijninstelling")
        verbose_name_plural = _("termijninstellingen")
        constraints = [
            models.UniqueConstraint(fields=["region", "key"], name="policy_region_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class Dated(models.Model):
    """A recorded fact: its domain moment, its local date (what rules count days on) and the
    domain event that recorded it (the evidence findings point to)."""

    at = models.DateTimeField(_("moment"))
    on = models.DateField(_("datum"), db_index=True)
    #: no index: a fact points to its event (evidence), nobody looks facts up by their event —
    #: and every fact written paid an insertion for it (a national import: five million)
    event = models.ForeignKey(DomainEvent, null=True, blank=True, on_delete=models.DO_NOTHING,
                              related_name="+", db_constraint=False, db_index=False,
                              verbose_name=_("gebeurtenis"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return numbered(self, self.on)
