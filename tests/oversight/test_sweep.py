"""The sweep's daily oversight step: the reports of the day before reach the FG as a
notification, and a failed audit verification alerts every administrator and FG once per
failure, closed when verification passes again."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from kindzicht.core.appendonly import permit
from kindzicht.core.models import AuditEntry, DomainEvent, Notification
from kindzicht.oversight.models import Finding
from kindzicht.rules.models import Task, TaskStatus

from .conftest import DAY, at, read

NEXT = DAY + timedelta(days=1)


def sweep(day, **kwargs) -> str:
    out = io.StringIO()
    call_command("sweep", "--date", day.isoformat(), stdout=out, stderr=io.StringIO(),
                 **kwargs)
    return out.getvalue()


def test_the_sweep_reports_the_day_before_to_the_fg_once(make_org, make_pro, make_person, fg):
    other = make_pro(make_org("Jeugdhulp"))
    child = make_person()
    read(other, [child.pk], moment=at(14))
    out = sweep(NEXT, no_verify=True)
    assert "1 nieuwe bevindingen" in out
    finding = Finding.objects.get()
    assert (finding.period_from, finding.period_to, finding.rule) == (
        DAY, DAY, "outside_involvement")
    note = Notification.objects.get(kind="oversight_findings")
    assert note.professional == fg and "1 nieuwe bevinding" in note.subject
    assert [m.to for m in mail.outbox if "ongebruikelijke" in m.subject] == [[fg.email]]
    # the hourly sweeps of the same day do not run the report again
    read(other, [make_person().pk], moment=at(15))
    sweep(NEXT, no_verify=True)
    assert Finding.objects.count() == 1
    assert Notification.objects.filter(kind="oversight_findings").count() == 1
    assert DomainEvent.objects.filter(type="oversight_report_made").count() == 1
    # the next night reports the next day
    read(other, [child.pk], moment=at(9, NEXT))
    sweep(NEXT + timedelta(days=1), no_verify=True)
    assert Finding.objects.filter(period_from=NEXT).count() == 1


@pytest.fixture
def watchers(make_org, make_pro, municipality, fg):
    admin = make_pro(municipality, role="admin", first_name="Bram")
    other_admin = make_pro(make_org("ICT-dienst", sector="municipality"), role="admin")
    return [fg, admin, other_admin]


def test_a_failed_verification_alerts_admins_and_the_fg_once_and_closes_when_it_passes(
        watchers, make_org, make_pro, make_person, django_capture_on_commit_callbacks):
    pro = make_pro(make_org("Jeugdhulp"))
    child = make_person()
    for hour in (9, 10, 11):
        read(pro, [child.pk], moment=at(hour))
    victim = AuditEntry.objects.filter(actor_id=pro.pk).order_by("seq")[1]
    with permit():
        AuditEntry.objects.filter(pk=victim.pk).update(purpose="zomaar")  # tampering
    with pytest.raises(CommandError), django_capture_on_commit_callbacks(execute=True):
        sweep(NEXT)  # the outbox mails after commit
    alerts = Task.objects.filter(code="audit_chain")
    # one alert per organisation of an administrator or FG, naming the chain and position
    assert sorted(t.organisation_id for t in alerts) == sorted(
        {w.organisation_id for w in watchers})
    text = alerts.first().text
    assert f"keten {victim.chain}, positie {victim.seq}" in text
    assert f"audit entry {victim.pk}" in text
    notes = Notification.objects.filter(kind="audit_verification_failed")
    assert sorted(n.professional_id for n in notes) == sorted(w.pk for w in watchers)
    mailed = [m for m in mail.outbox if "verificatie audit-keten mislukt" in m.subject]
    assert sorted(m.to[0] for m in mailed) == sorted(w.email for w in watchers)
    # the next sweeps find it still broken: no second alert
    with pytest.raises(CommandError):
        sweep(NEXT)
    with pytest.raises(CommandError):
        sweep(NEXT + timedelta(days=1))
    assert Task.objects.filter(code="audit_chain").count() == len(alerts)
    assert notes.count() == len(watchers)
    # repaired (restored from backup): the next verification passes and closes the alerts
    with permit():
        AuditEntry.objects.filter(pk=victim.pk).update(purpose=victim.purpose)
    sweep(NEXT + timedelta(days=2))
    assert not Task.objects.filter(code="audit_chain", status=TaskStatus.OPEN).exists()
    assert Task.objects.filter(code="audit_chain", status=TaskStatus.DONE).count() == len(alerts)
