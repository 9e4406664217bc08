"""Merging two records of one person (issue 4, Duplicate persons): BSN is optional, so the same
child can be registered twice and a match silently missed. An administrator merges them with a
reason: every record about the merged person now belongs to the kept one, both histories stay
(the kept person is added as a subject of the merged person's events; the merged record stays,
empty, so that old references still resolve), and the matches are re-evaluated — the match the
duplicate hid now arises and notifies.
"""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from kindzicht.core import clock
from kindzicht.core.actions import Actor, record
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.core.models import EventSubject
from kindzicht.people.family import children_in_family_of
from kindzicht.people.models import Person, Relation

from .models import Match, PersonMerge, Signal


def _references() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) with a foreign key to a person, except the merge record's own."""
    out = []
    for rel in Person._meta.related_objects:
        if rel.related_model is PersonMerge or not (rel.one_to_many or rel.one_to_one):
            continue
        out.append((rel.related_model, rel.field.name))
    return sorted(out, key=lambda r: (r[0]._meta.label, r[1]))


def person_merge(actor: Actor, *, keep: Person, merge: Person, reason: str) -> PersonMerge:
    """Merge ``merge`` into ``keep``. Refused — nothing written — when the two have different
    BSNs, when either was merged already, or when both hold something only one person can
    (two open risk periods, two holders of responsibility …): end one first."""
    if not actor.administers:
        raise Forbidden(_("Alleen een beheerder kan persoonsgegevens samenvoegen."),
                        field="merged")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Leg vast waarom dit dezelfde persoon is."), field="reason")
    if keep.pk == merge.pk:
        raise ValidationError(_("Kies twee verschillende personen."), field="merged")
    if keep.bsn and merge.bsn and keep.bsn != merge.bsn:
        raise Refused(_("Deze personen hebben een verschillend BSN: het zijn niet dezelfde "
                        "personen."), field="merged")
    if PersonMerge.objects.filter(merged_id__in=[keep.pk, merge.pk]).exists():
        raise Refused(_("Een van beide is al samengevoegd met een ander persoonsrecord."),
                      field="merged")
    from kindzicht.continuity import risk

    day = clock.today()
    with transaction.atomic():
        risk.lock_children(children_in_family_of([keep.pk, merge.pk], day)
                           | {keep.pk, merge.pk})
        _end_double_signals(actor, keep, merge)
        _close_double_periods(keep, merge)
        Match.objects.filter(child=merge, ended_on__isnull=True).update(ended_on=day)
        moved: dict[str, int] = {}
        for model, field in _references():
            qs = model._default_manager.filter(**{field: merge})
            if model is Relation:
                other = "other" if field == "person" else "person"
                qs.filter(**{other: keep}).delete()  # would relate the person to themself
            try:
                with transaction.atomic():
                    n = qs.update(**{field: keep})
            except IntegrityError as exc:
                raise Refused(
                    _("Beide personen hebben %(what)s die maar één persoon kan hebben; rond "
                      "dat bij één van beide eerst af.") % {"what": model._meta.verbose_name},
                    field="merged") from exc
            if n:
                key = f"{model._meta.label}.{field}"
                moved[key] = moved.get(key, 0) + n
        _rename_in_open_matches(keep, merge, day)
        if merge.bsn and not keep.bsn:
            bsn, merge.bsn = merge.bsn, None
            merge.save(update_fields=["bsn"])
            keep.bsn = bsn
            keep.save(update_fields=["bsn"])
        # both histories: the merged person's events are now also the kept person's
        EventSubject.objects.bulk_create(
            [EventSubject(event_id=e, person_id=keep.pk) for e in EventSubject.objects.filter(
                person_id=merge.pk).values_list("event_id", flat=True)],
            ignore_conflicts=True)
        now = clock.now()
        pm = PersonMerge.objects.create(kept=keep, merged=merge, reason=reason, moved=moved,
                                        at=now, on=day)
        pm.event = record(actor, "persons_merged", subjects=[keep.pk, merge.pk], obj=pm,
                          payload={"moved": moved})
        pm.save(update_fields=["event"])
        risk.family_changed(actor, person_ids=[keep.pk])
        from .matching import rematch

        rematch(actor, [keep.pk])
    return pm


def _end_double_signals(actor: Actor, keep: Person, merge: Person) -> None:
    """An organisation with an active signal on both records keeps one."""
    from .services import signal_end

    both = set(Signal.objects.filter(person=keep, ended_at__isnull=True).values_list(
        "organisation_id", flat=True))
    for sig in Signal.objects.filter(person=merge, ended_at__isnull=True,
                                     organisation_id__in=both).select_related("organisation"):
        signal_end(actor, organisation=sig.organisation, person=merge, reason="merged")


def _close_double_periods(keep: Person, merge: Person) -> None:
    """Open risk and safety responsibility are one per child: when both records have them,
    the kept record's continue and the merged record's close as ``merged`` (its holder is
    told who holds responsibility now). Their history moves with the rest."""
    from kindzicht.continuity.models import ResponsibilityPeriod, RiskPeriod
    from kindzicht.core.actions import notify

    now = clock.now()
    on = clock.local_date(now)
    if RiskPeriod.objects.filter(child=keep, closed_at__isnull=True).exists():
        RiskPeriod.objects.filter(child=merge, closed_at__isnull=True).update(
            closed_at=now, closed_on=on, close_reason="merged")
    kept = ResponsibilityPeriod.objects.filter(child=keep, ended_at__isnull=True).select_related(
        "organisation").first()
    if kept is None:
        return
    for period in ResponsibilityPeriod.objects.filter(child=merge, ended_at__isnull=True) \
            .select_related("organisation"):
        period.ended_at, period.ended_on, period.end_reason = now, on, "merged"
        period.save(update_fields=["ended_at", "ended_on", "end_reason"])
        if period.organisation and kept.organisation and period.organisation != kept.organisation:
            notify(period.organisation, "responsibility_moved",
                   f"Dubbel vastgelegde persoon samengevoegd: veiligheidsregie bij "
                   f"{kept.organisation.name}",
                   f"{merge.name} was twee keer vastgelegd; de gegevens zijn samengevoegd. De "
                   f"veiligheidsregie ligt bij {kept.organisation.name}.", person_id=keep.pk)


def _rename_in_open_matches(keep: Person, merge: Person, day) -> None:
    """Open matches of the family that name the merged record now name the kept one, so that
    re-evaluating them compares like with like."""
    for m in Match.objects.filter(child_id__in=children_in_family_of([keep.pk], day),
                                  ended_on__isnull=True):
        if merge.pk in m.person_ids:
            m.person_ids = sorted(set(m.person_ids) - {merge.pk} | {keep.pk})
            m.save(update_fields=["person_ids"])
