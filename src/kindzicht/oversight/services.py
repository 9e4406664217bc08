"""Changes the oversight of access makes: recording a report's findings for a period (by the
FG, or by the nightly sweep for the day before), and the FG's review of a finding. Each writes
its change, a domain event and an audit entry in one transaction (core.actions.record)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from kindzicht.core import clock
from kindzicht.core.actions import Actor, notify, record
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.core.models import DomainEvent
from kindzicht.people.models import Professional, Role

from . import reports
from .models import Finding

REPORT_MADE = "oversight_report_made"

#: The longest period one report may cover (the audit table is large; a year is plenty).
MAX_PERIOD_DAYS = 366


def is_privacy_officer(actor: Actor) -> bool:
    pro = actor.professional
    return bool(pro is not None and pro.is_active and pro.role == Role.PRIVACY_OFFICER)


def _require_privacy_officer(actor: Actor) -> None:
    if not is_privacy_officer(actor):
        raise Forbidden(_("Alleen de functionaris gegevensbescherming houdt toezicht op de "
                          "toegang."), field="actor")


def check_period(start: date | None, end: date | None) -> reports.Period:
    """A period of whole days, not in the future, at most a year; errors name the field."""
    if start is None:
        raise ValidationError(_("Geef de eerste dag van de periode."), field="period_from")
    if end is None:
        raise ValidationError(_("Geef de laatste dag van de periode."), field="period_to")
    if start > clock.today():
        raise ValidationError(_("De periode begint in de toekomst."), field="period_from")
    if end < start:
        raise ValidationError(_("De periode eindigt vóór ze begint."), field="period_to")
    if end > clock.today():
        raise ValidationError(_("De periode ligt (deels) in de toekomst."), field="period_to")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError(_("Een rapport beslaat hoogstens %(n)s dagen.")
                              % {"n": MAX_PERIOD_DAYS}, field="period_from")
    return reports.Period(start, end)


def findings_record(actor: Actor, *, period_from: date | None, period_to: date | None
                    ) -> list[Finding]:
    """Run the three rules over the period and keep what they find, once: a finding already
    made for the same rule, subject and period is not made again. Returns the new ones."""
    if actor.professional is not None:
        _require_privacy_officer(actor)
    period = check_period(period_from, period_to)
    found = reports.unusual_access(period)
    with transaction.atomic():
        existing = set(Finding.objects.filter(
            period_from=period.start, period_to=period.end).values_list("rule", "key"))
        now = clock.now()
        new = [Finding(rule=f.rule, key=f.key, period_from=period.start, period_to=period.end,
                       actor_id=f.actor_id, organisation_id=f.organisation_id,
                       person_ids=f.person_ids, figures=f.figures, first_at=f.first_at,
                       last_at=f.last_at, made_at=now)
               for f in found if (f.rule, f.key) not in existing]
        Finding.objects.bulk_create(new, ignore_conflicts=True)
        made = list(Finding.objects.filter(
            period_from=period.start, period_to=period.end,
            key__in=[f.key for f in new]).order_by("id")) if new else []
        by_rule: dict[str, int] = {}
        for f in made:
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
        record(actor, REPORT_MADE,
               subjects={p for f in made for p in f.person_ids},
               payload={"period_from": period.start.isoformat(),
                        "period_to": period.end.isoformat(), "found": len(found),
                        "new": by_rule, "thresholds": reports.thresholds()})
    return made


def finding_review(actor: Actor, *, finding: Finding, note: str) -> Finding:
    """The FG marks a finding reviewed, saying what they concluded (a note is required: a
    review without one would say nothing afterwards)."""
    _require_privacy_officer(actor)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Schrijf op wat u heeft nagegaan en geconcludeerd."),
                              field="note")
    if len(note) > 2000:
        raise ValidationError(_("De notitie is te lang (hoogstens 2000 tekens)."), field="note")
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.reviewed_at is not None:
            raise Refused(_("Deze bevinding is al beoordeeld."), field="finding")
        locked.reviewed_at = clock.now()
        locked.reviewed_by = actor.professional
        locked.review_note = note
        locked.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        record(actor, "oversight_finding_reviewed", subjects=locked.person_ids, obj=locked,
               payload={"rule": locked.rule, "key": locked.key})
    return locked


def privacy_officers() -> list[Professional]:
    return list(Professional.objects.filter(role=Role.PRIVACY_OFFICER, is_active=True)
                .select_related("organisation").order_by("pk"))


def daily_reports(day: date) -> list[Finding]:
    """The sweep's daily step: the reports over the day before ``day``, and a notification
    (in-app and by e-mail, through the outbox) to every FG when something new was found.
    Once per day: the sweep may run every hour, the day before does not change."""
    yesterday = day - timedelta(days=1)
    if DomainEvent.objects.filter(type=REPORT_MADE, actor__isnull=True,
                                  payload__period_from=yesterday.isoformat(),
                                  payload__period_to=yesterday.isoformat()).exists():
        return []
    made = findings_record(Actor.system("nachtelijk rapport ongebruikelijke toegang"),
                           period_from=yesterday, period_to=yesterday)
    if made:
        with transaction.atomic():
            for fg in privacy_officers():
                if fg.organisation is None:
                    continue
                notify(fg.organisation, "oversight_findings",
                       _("kindzicht: %(n)s nieuwe bevinding(en) ongebruikelijke toegang op "
                         "%(day)s") % {"n": len(made), "day": yesterday.isoformat()},
                       _("Het nachtelijke rapport vond %(n)s nieuwe bevinding(en) over "
                         "%(day)s. Bekijk en beoordeel ze in kindzicht onder Ongebruikelijke "
                         "toegang.") % {"n": len(made), "day": yesterday.isoformat()},
                       professional=fg)
    return made
