"""Reads of the Meldcode for the web pages and the API, each audited once per call.

Need to know: a concern's content stays with the organisation that recorded it; a report is
seen by the Veilig Thuis it was made to (with the concern it came from: the report is the
legal basis for sharing it) and by the organisation that made it. The knowledge base holds
no person data and is open to every professional.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from kindzicht.core.actions import Actor, audit_read

from .models import Concern, PartnerKnowledge, Report, ReportStatus


def _concerns(actor: Actor) -> QuerySet[Concern]:
    if actor.organisation is None:
        return Concern.objects.none()
    return Concern.objects.filter(organisation=actor.organisation).select_related(
        "child", "organisation", "professional")


def concern_get(actor: Actor, concern_id: int, *, audit: bool = True) -> Concern | None:
    """One concern of the acting organisation, with its steps and reports (None otherwise)."""
    concern = (_concerns(actor).filter(pk=concern_id)
               .prefetch_related("steps", "reports__safe_at_home").first())
    if concern is not None and audit:
        audit_read(actor, "concern_viewed", person_ids=[concern.child_id], obj=concern)
    return concern


def concerns_of(actor: Actor, *, open_only: bool = False, child_id: int | None = None,
                limit: int = 500) -> list[Concern]:
    """My organisation's concerns: open ones first, newest first."""
    qs = _concerns(actor)
    if open_only:
        qs = qs.filter(decided_at__isnull=True)
    if child_id is not None:
        qs = qs.filter(child_id=child_id)
    found = list(qs.prefetch_related("steps").order_by(
        Case(When(decided_at__isnull=True, then=Value(0)), default=Value(1),
             output_field=IntegerField()), "-at", "-id")[:limit])
    if found:
        audit_read(actor, "concerns_listed", person_ids={c.child_id for c in found})
    return found


def _reports(actor: Actor) -> QuerySet[Report]:
    org = actor.organisation
    if org is None:
        return Report.objects.none()
    return (Report.objects.filter(Q(safe_at_home=org) | Q(reporter=org))
            .select_related("child", "reporter", "safe_at_home", "concern"))


def report_get(actor: Actor, report_id: int, *, audit: bool = True) -> Report | None:
    """A report, for the Veilig Thuis it was made to and for its reporter."""
    report = _reports(actor).filter(pk=report_id).first()
    if report is not None and audit:
        audit_read(actor, "report_viewed", person_ids=[report.child_id], obj=report)
    return report


def reports_of(actor: Actor, *, direction: str = "received", status: str = "",
               limit: int = 500) -> list[Report]:
    """The inbox (``received``: reports made to my Veilig Thuis), or the reports my
    organisation made (``made``). Reports still to handle first, then newest first."""
    org = actor.organisation
    qs = _reports(actor)
    qs = qs.filter(safe_at_home=org) if direction == "received" else qs.filter(reporter=org)
    if status:
        qs = qs.filter(status=status)
    found = list(qs.order_by(
        Case(When(status=ReportStatus.RECEIVED, then=Value(0)), default=Value(1),
             output_field=IntegerField()), "-at", "-id")[:limit])
    if found:
        audit_read(actor, "reports_listed", person_ids={r.child_id for r in found})
    return found


def knowledge(sectors: Iterable[str] | None = None) -> list[PartnerKnowledge]:
    """Knowledge-base entries, in the order the sectors are asked for (all, alphabetically by
    the sector's name in the user's language, when none are named)."""
    if sectors is None:
        return sorted(PartnerKnowledge.objects.all(),
                      key=lambda k: str(k.get_sector_display()).casefold())
    wanted = list(dict.fromkeys(sectors))
    found = {k.sector: k for k in PartnerKnowledge.objects.filter(sector__in=wanted)}
    return [found[s] for s in wanted if s in found]
