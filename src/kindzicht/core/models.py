"""Append-only history: domain events, the audit chain and its seals, the notification outbox,
and regional policy values.

Events and audit entries name people only by reference (their id), never by content, so that
personal data can be purged lawfully while the chain stays verifiable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DomainEvent(models.Model):
    """One state change, written by a service in the same transaction as the change."""

    #: indexed in Meta: a plain index; the field's own ``db_index`` adds a second one for
    #: ``LIKE``, which no query uses and every event paid for
    type = models.CharField(max_length=80)
    occurred_at = models.DateTimeField(help_text="Domain time, from the injectable clock.")
    occurred_on = models.DateField(db_index=True, help_text="Domain date in Europe/Amsterdam.")
    recorded_at = models.DateTimeField(auto_now_add=True)
    #: who and for which organisation: shown with the event, never searched by — no index,
    #: which every event would pay for (issue 4)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, db_index=False, related_name="+",
    )
    organisation = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, db_index=False, related_name="+",
    )
    role = models.CharField(max_length=40, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
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
                              db_index=False, db_constraint=False)
    person_id = models.BigIntegerField(db_index=True)

    class Meta:
        unique_together = [("event", "person_id")]


class AuditChainHead(models.Model):
    """The latest entry of one of the parallel audit chains; locked while appending."""

    chain = models.PositiveSmallIntegerField(primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)


class AuditEntry(models.Model):
    """NEN 7513-style access and change log entry: who, organisation, role, what, whom, when, why.

    ``hash`` is SHA-256 over the canonical content and ``prev_hash`` (the previous entry of the
    same chain), so altering, removing, inserting or reordering entries is detectable.
    """

    chain = models.PositiveSmallIntegerField()
    seq = models.BigIntegerField(help_text="Position within the chain, from 1, without gaps.")
    recorded_at = models.DateTimeField()
    domain_at = models.DateTimeField(null=True, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=[("write", "write"), ("read", "read"),
                                                    ("system", "system")])
    person_ids = models.JSONField(default=list, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    event_id = models.BigIntegerField(null=True, blank=True)
    purpose = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique"),
        ]


class AuditSeal(models.Model):
    """A periodic root over every chain's head, itself chained to the previous seal."""

    sealed_at = models.DateTimeField()
    heads = models.JSONField(help_text="{chain: [seq, hash]} at sealing time.")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]


class Notification(models.Model):
    """Outbox: written in the transaction, sent (in-app and by e-mail) after commit."""

    #: no index of its own: ``notification_inbox`` (organisation, newest first) serves it
    organisation = models.ForeignKey("people.Organisation", on_delete=models.CASCADE,
                                     related_name="notifications", db_index=False)
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="notifications")
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    #: the person it is about (Berichten links to them)
    person_id = models.BigIntegerField(null=True, blank=True)
    #: everyone its text names (a match's family members, a move's children), ``person_id``
    #: among them (``notify_many`` adds it; migration 0005 filled older rows): reading it is
    #: audited for each of them
    person_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    #: times the mail server did not take it; at ``OUTBOX_MAIL_ATTEMPTS`` the outbox stops
    #: trying (it stays in Berichten, marked as not delivered by e-mail)
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    #: read in the system (the organisation's inbox is shared: one colleague reading it
    #: marks it read for all, and the inbox says who)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"],
                                name="notification_inbox")]

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

    region = models.ForeignKey("people.Region", null=True, blank=True, on_delete=models.CASCADE)
    key = models.CharField(max_length=60)
    value = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "key"], name="policy_region_key_unique"),
        ]


class Dated(models.Model):
    """A recorded fact: its domain moment, its local date (what rules count days on) and the
    domain event that recorded it (the evidence findings point to)."""

    at = models.DateTimeField()
    on = models.DateField(db_index=True)
    #: no index: a fact points to its event (evidence), nobody looks facts up by their event —
    #: and every fact written paid an insertion for it (a national import: five million)
    event = models.ForeignKey(DomainEvent, null=True, blank=True, on_delete=models.DO_NOTHING,
                              related_name="+", db_constraint=False, db_index=False)

    class Meta:
        abstract = True
