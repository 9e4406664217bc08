"""Tasks and alerts inside an organisation: what the watchdog raised, who must answer, and the
answer on record."""

from __future__ import annotations

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kindzicht.core.models import numbered


class TaskStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("afgehandeld")
    NOT_APPLICABLE = "not_applicable", _("niet van toepassing")


class Task(models.Model):
    """One thing an organisation must do: a rule's reminder or alert, or a task of its own
    (re-assessment, answer after a rejecting decision, transition at 18, informing …)."""

    KIND_CHOICES = [("reminder", _("herinnering")), ("alert", _("signaal")),
                    ("task", _("taak"))]
    kind = models.CharField(_("soort"), max_length=10, choices=KIND_CHOICES)
    code = models.CharField(_("code"), max_length=40, help_text=_(
                                                          "Regelcode (C1 …) of soort taak."))
    key = models.CharField(_("sleutel"), max_length=200,
                           help_text=_("Het voorval waarover dit gaat (tegen dubbelingen)."))
    organisation = models.ForeignKey("people.Organisation", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="tasks",
                                     verbose_name=_("organisatie"))
    municipality_code = models.CharField(_("gemeentecode"), max_length=4, blank=True,
                                         help_text=_(
                                             "Ingevuld als de taak aan de gemeente is gericht."))
    assignee = models.ForeignKey("people.Professional", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="tasks",
                                 verbose_name=_("toegewezen aan"))
    child = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+", verbose_name=_("kind"))
    raised_on = models.DateField(_("gesignaleerd op"))
    due_on = models.DateField(_("uiterlijk op"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("escalatieniveau"), default=0,
                                             help_text=_("0 organisatie, 1 coördinatoren, "
                                                         "2 gemeente"))
    text = models.TextField(_("tekst"))
    facts = models.JSONField(_("feiten"), default=list, blank=True)
    evidence = models.JSONField(_("bewijs"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices,
                              default=TaskStatus.OPEN)
    answered_on = models.DateField(_("beantwoord op"), null=True, blank=True)
    answer = models.TextField(_("antwoord"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt om"), auto_now_add=True)

    class Meta:
        verbose_name = _("taak")
        verbose_name_plural = _("taken")
        ordering = ["status", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code", "key", "organisation",
                                            "municipality_code"],
                                    name="task_once_per_occurrence_and_recipient"),
            models.UniqueConstraint(fields=["kind", "code", "key", "municipality_code"],
                                    condition=models.Q(organisation__isnull=True),
                                    name="task_once_per_occurrence_and_municipality"),
        ]
        # the nightly sweep's look-ups by day (rules.nightly): which open alerts reach their
        # escalation day, which tasks their reminder or deadline, which were answered since
        indexes = [
            models.Index(fields=["raised_on"], name="task_open_alert_raised",
                         condition=models.Q(kind="alert", status="open")),
            models.Index(fields=["due_on"], name="task_open_task_due",
                         condition=models.Q(kind="task", status="open")),
            models.Index(fields=["answered_on"], name="task_task_answered",
                         condition=models.Q(kind="task")),
            # the escalation to the municipality looks up the open alerts at the
            # coordinators' level of the children it sweeps: few among millions of tasks
            models.Index(fields=["child"], name="task_open_escalated_child",
                         condition=models.Q(kind="alert", status="open", level=1)),
        ]

    def __str__(self) -> str:
        # the rule or task code and when it was raised: never the text, which names the child
        return numbered(self, self.raised_on,
                        kind=f"{capfirst(self.get_kind_display())} {self.code}")


class SweepRun(models.Model):
    """One run of the watchdog, audited per run (not per row it reads)."""

    started_at = models.DateTimeField(_("gestart om"))
    as_of = models.DateField(_("peildatum"))
    raised = models.IntegerField(_("aantal gesignaleerd"), default=0)
    seconds = models.FloatField(_("seconden"), default=0)
    #: what the run covered: every child at open risk (``full``), the children whose rule
    #: state could have changed since the last covering run (``nightly``), or the children a
    #: caller named (``children``: a replay's people, an incremental sweep)
    mode = models.CharField(_("modus"), max_length=10, default="full")
    #: the newest domain event when the run started: the next nightly sweep reads the
    #: changes after it (with one run of overlap, see ``rules.nightly``)
    event_mark = models.BigIntegerField(_("laatste gebeurtenis bij de start"), null=True,
                                        blank=True)
    #: the rule catalogue's code version the run evaluated (``rules.nightly.rules_version``):
    #: stored state from another version is not trusted
    rules_version = models.CharField(_("versie van de regels"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("controleronde")
        verbose_name_plural = _("controlerondes")

    def __str__(self) -> str:
        return numbered(self, self.as_of)


class Wake(models.Model):
    """The first day on which a child's rule state can change without new facts: the earliest
    reminder, deadline or resolution still to come among the occurrences the last evaluation
    of the child found. The nightly sweep re-evaluates the children whose day has come and
    the children whose facts changed — not the whole population (issue 3)."""

    child = models.OneToOneField("people.Person", primary_key=True, on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("kind"))
    on = models.DateField(_("wekdatum"), db_index=True)

    class Meta:
        verbose_name = _("wekmoment")
        verbose_name_plural = _("wekmomenten")

    def __str__(self) -> str:
        return numbered(self, self.on)


class KnownOccurrence(models.Model):
    """An occurrence as the last evaluation of its child found it, not yet resolved by then:
    the rule, the occurrence's key and day, what it says and to whom. When only time moves
    for a child (a reminder or deadline comes, an alert waits for its escalation), the
    nightly sweep takes the child's occurrences from here instead of evaluating every rule
    again: the facts they rest on did not change, or the child would be re-evaluated
    (``rules.nightly``; issue 3: evaluating the 65,000 such children of a national night took
    more than the whole target). Every evaluation of a child replaces its rows."""

    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+",
                              db_index=True, verbose_name=_("kind"))
    code = models.CharField(_("code"), max_length=40)
    key = models.CharField(_("sleutel"), max_length=200)
    at = models.DateField(_("datum"))
    resolved_on = models.DateField(_("opgelost op"), null=True, blank=True)
    text = models.TextField(_("tekst"))
    recipients = models.JSONField(_("ontvangers"), default=list)
    evidence = models.JSONField(_("bewijs"), default=list)
    facts = models.JSONField(_("feiten"), default=list)
    municipality_code = models.CharField(_("gemeentecode"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("bekend voorval")
        verbose_name_plural = _("bekende voorvallen")

    def __str__(self) -> str:
        return numbered(self, self.at, kind=f"{capfirst(self._meta.verbose_name)} {self.code}")
