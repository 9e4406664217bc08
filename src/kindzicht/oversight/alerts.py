"""Alerts when the nightly audit verification fails (issue 8): every administrator and every
FG gets a task (an alert for their organisation) and an e-mail notification through the
outbox, naming the chain and position of the first problem.

Once per failure: while an alert is open no second one is raised, however many sweeps find the
chain still broken; it closes on the first day verification passes again. A broken chain is
not something a person can mark done: only a passing verification closes it.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kindzicht.core.actions import Actor, notify, record
from kindzicht.core.audit import DailyVerification
from kindzicht.people.models import Professional, Role
from kindzicht.rules.models import Task, TaskStatus

CODE = "audit_chain"
log = logging.getLogger("kindzicht.audit")
_WHERE = re.compile(r"chain (?P<chain>\d+)(?:, position (?P<seq>\d+))?")


def first_problem(daily: DailyVerification) -> tuple[str, int | None, int | None]:
    """The first problem's text and the chain and position it names (if it names one)."""
    text = (daily.problems or [_("onbekend probleem")])[0]
    where = _WHERE.search(text)
    if where is None:
        return text, None, None
    return text, int(where["chain"]), int(where["seq"]) if where["seq"] else None


def recipients() -> list[Professional]:
    return list(Professional.objects.filter(
        Q(role=Role.ADMIN) | Q(role=Role.PRIVACY_OFFICER), is_active=True)
        .select_related("organisation").order_by("pk"))


def audit_verification_alerts(daily: DailyVerification, day: date) -> list[Task]:
    """Raise the alerts of a failed verification (once per failure), or close them when it
    passed. Returns the alerts raised now."""
    open_alerts = Task.objects.filter(code=CODE, status=TaskStatus.OPEN)
    system = Actor.system("waarschuwing verificatie audit-keten")
    if daily.ok:
        if open_alerts.exists():
            with transaction.atomic():
                closed = open_alerts.update(
                    status=TaskStatus.DONE, answered_on=day,
                    answer=_("De verificatie van %(day)s is weer in orde.")
                    % {"day": day.isoformat()})
                record(system, "audit_alert_closed", payload={"day": day.isoformat(),
                                                              "closed": closed})
        return []
    if open_alerts.exists():
        return []  # this failure was reported already
    text, chain, seq = first_problem(daily)
    if chain is not None:
        where = (_("keten %(chain)s, positie %(seq)s") % {"chain": chain, "seq": seq}
                 if seq else _("keten %(chain)s") % {"chain": chain})
    else:
        where = _("zonder bepaalde keten")
    message = _("De nachtelijke verificatie van de audit-keten van %(day)s is mislukt "
                "(%(where)s): %(problem)s. Controleer de keten met ‘kindzicht audit verify’ en "
                "vergelijk met de buiten de database bewaarde kop (‘verify --head’).") % {
        "day": day.isoformat(), "where": where, "problem": text}
    facts = daily.problems[:10] + [_("aantal problemen: %(n)s")
                                   % {"n": daily.event.payload.get("problem_count")}]
    people = recipients()
    raised: list[Task] = []
    with transaction.atomic():
        seen_orgs: set[int] = set()
        for pro in people:
            if pro.organisation_id is None:
                log.error("audit alert: %s has no organisation and gets no task or e-mail",
                          pro.username)
                continue
            if pro.organisation_id not in seen_orgs:
                seen_orgs.add(pro.organisation_id)
                raised.append(Task.objects.create(
                    kind="alert", code=CODE, key=f"{CODE}:{day.isoformat()}",
                    organisation_id=pro.organisation_id, assignee=pro, raised_on=day,
                    text=message, facts=facts,
                    evidence=[{"event": daily.event.pk, "chain": chain, "seq": seq}]))
            notify(pro.organisation, "audit_verification_failed",
                   _("kindzicht: verificatie audit-keten mislukt (%(where)s)")
                   % {"where": where}, message, professional=pro)
        record(system, "audit_alert_raised",
               payload={"day": day.isoformat(), "chain": chain, "seq": seq,
                        "recipients": [p.pk for p in people if p.organisation_id],
                        "tasks": [t.pk for t in raised]})
    return raised
