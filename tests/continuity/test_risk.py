"""Open risk set-based (issue 4): ``risk.open_risk`` opens risk and gives each child its holder
for any number of children in a fixed number of queries, with exactly the semantics of opening
them one by one (findings.md "Open risk", "Safety responsibility"), and
``children_concerned_by`` says per person which children a fact about them concerns."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from factories import OrganisationFactory, PersonFactory

from kindzicht.continuity import risk
from kindzicht.continuity.models import ResponsibilityPeriod, ResponsibilityTaking, RiskPeriod
from kindzicht.core import audit, clock
from kindzicht.core.actions import Actor
from kindzicht.core.models import AuditEntry, DomainEvent, Notification
from kindzicht.people import services as people
from kindzicht.people.models import Person

from .conftest import DAY

SYSTEM = Actor.system("test")


def families(n: int) -> list[tuple[int, int, int]]:
    """n households of a mother, her child and a baby: (mother, child, baby) ids."""
    out = []
    for i in range(n):
        mother = PersonFactory(birth_date=date(1985, 1, 1 + i % 28))
        child = PersonFactory(birth_date=date(2014, 2, 1 + i % 28))
        baby = PersonFactory(birth_date=date(2023, 3, 1 + i % 28))
        for kid in (child, baby):
            people.relation_add(SYSTEM, person=mother, kind="parent_of", other=kid)
        people.household_create(SYSTEM, members=[mother, child], municipality_code="0344",
                                postcode="3511AB")
        out.append((mother.pk, child.pk, baby.pk))
    return out


def open_one_by_one(openings: dict[int, risk.Opening]) -> list[int]:
    """The reference: each child opened on its own, as a single registration does."""
    opened = []
    for child, o in openings.items():
        opened += risk.open_for(SYSTEM, [], opener=o.opener, event_id=o.event_id,
                                concerned=[child])
    return opened


def state(children) -> list[tuple]:
    periods = [(p.child_id, p.opened_by_id, p.on) for p in
               RiskPeriod.objects.filter(child_id__in=children, closed_at__isnull=True)]
    holders = [(p.child_id, p.organisation_id, p.basis, p.how) for p in
               ResponsibilityPeriod.objects.filter(child_id__in=children, ended_at__isnull=True)]
    events = [(e.type, e.payload, sorted(e.subjects.values_list("person_id", flat=True)))
              for e in DomainEvent.objects.filter(type="risk_opened").order_by("id")]
    entries = [(a.action, a.person_ids) for a in
               AuditEntry.objects.filter(action="risk_opened").order_by("chain", "seq")]
    notes = sorted(Notification.objects.filter(kind="responsibility_moved").values_list(
        "organisation_id", "person_id"))
    return [sorted(periods), sorted(holders), events, entries, notes]


@pytest.fixture
def scene(db):
    """Children in every situation open_risk distinguishes: new, already at risk, a claim
    made since the last risk closed, a claim from before it closed, a stale holder."""
    with clock.frozen(DAY):
        a, b = OrganisationFactory(sector="school"), OrganisationFactory(sector="youth_care")
        fams = families(3)
        kids = [c for _m, c, _b in fams] + [bb for _m, _c, bb in fams]
        with transaction.atomic():
            risk.open_for(SYSTEM, [], opener=b, event_id=None, concerned=[kids[0]])
            # kids[1]: risk open and closed last year, b claimed after it closed
            old = RiskPeriod.objects.create(child_id=kids[1], opened_by=b,
                                            at=clock.now() - timedelta(days=400),
                                            on=DAY - timedelta(days=400))
            old.closed_at, old.closed_on = clock.now() - timedelta(days=300), DAY
            old.save()
            ResponsibilityTaking.objects.create(child_id=kids[1], organisation=b,
                                                basis="voluntary",
                                                at=clock.now() - timedelta(days=10), on=DAY)
            # kids[2]: b's claim dates from before its risk closed: it lapsed
            ResponsibilityTaking.objects.create(child_id=kids[2], organisation=b,
                                                basis="voluntary",
                                                at=clock.now() - timedelta(days=500), on=DAY)
            old = RiskPeriod.objects.create(child_id=kids[2], opened_by=b,
                                            at=clock.now() - timedelta(days=400),
                                            on=DAY - timedelta(days=400))
            old.closed_at, old.closed_on = clock.now() - timedelta(days=300), DAY
            old.save()
            # kids[3]: b still recorded as holder although no risk is open
            ResponsibilityPeriod.objects.create(child_id=kids[3], organisation=b, how="opened",
                                                at=clock.now() - timedelta(days=5), on=DAY)
        yield a, b, kids


def test_open_risk_at_once_is_the_same_as_one_by_one(scene):
    a, _b, kids = scene
    openings = {c: risk.Opening(a, None) for c in kids}
    with clock.frozen(datetime(2024, 3, 4, 12, tzinfo=clock.zone())):
        sid = transaction.savepoint()
        with transaction.atomic():
            single = open_one_by_one(openings)
        one_by_one = state(kids)
        transaction.savepoint_rollback(sid)
        with transaction.atomic():
            together = risk.open_risk(SYSTEM, openings)
        assert together == single == kids[1:]
        assert state(kids) == one_by_one
    holders = dict(ResponsibilityPeriod.objects.filter(
        child_id__in=kids, ended_at__isnull=True).values_list("child_id", "how"))
    assert holders[kids[1]] == "taken" and holders[kids[2]] == "opened"
    assert Notification.objects.filter(kind="responsibility_moved",
                                       person_id=kids[3]).count() == 1
    assert audit.verify() == []


def test_open_risk_makes_the_same_number_of_queries_for_few_and_many_children(db):
    counts = {}
    with clock.frozen(DAY):
        org = OrganisationFactory(sector="school")
        for n in (2, 8):
            kids = [c for _m, c, _b in families(n)]
            with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
                assert risk.open_risk(SYSTEM, {c: risk.Opening(org, None) for c in kids}) == kids
            counts[n] = len(ctx.captured_queries)
            # a period and a holder, one risk_opened event and one audit entry per child
            assert RiskPeriod.objects.filter(child_id__in=kids, opened_by=org).count() == n
            assert ResponsibilityPeriod.objects.filter(child_id__in=kids,
                                                       organisation=org).count() == n
            assert DomainEvent.objects.filter(type="risk_opened",
                                              subjects__person_id__in=kids).count() == n
            assert AuditEntry.objects.filter(action="risk_opened").count() == 2 + (n == 8) * 8
    assert counts[2] == counts[8], counts


@pytest.mark.postgres
def test_open_risk_reads_everything_before_it_writes_the_periods_first(db, monkeypatch):
    """Inside ``rows.behind`` (a bulk import) every read waits for the writes given before
    it, so open risk reads first — the events' ids and the audit chain's head included —
    and then only writes: the periods before their events, which the Python builds while
    the database writes the periods."""
    from kindzicht.core import rows

    log: list[str] = []
    insert = rows.insert

    def logged(model, fields, data):
        log.append(f"write {model._meta.model_name}")
        insert(model, fields, data)

    def read(execute, sql, params, many, context):
        log.append("read")
        return execute(sql, params, many, context)

    monkeypatch.setattr(rows, "insert", logged)
    with clock.frozen(DAY):
        org = OrganisationFactory(sector="school")
        kids = [c for _m, c, _b in families(3)]
        with transaction.atomic(), rows.behind(), connection.execute_wrapper(read):
            assert risk.open_risk(SYSTEM, {c: risk.Opening(org, None) for c in kids}) == kids
    first_write = log.index("write riskperiod")
    assert "read" in log[:first_write] and "read" not in log[first_write:], log
    assert log[first_write:] == ["write riskperiod", "write responsibilityperiod",
                                 "write domainevent", "write eventsubject", "write auditentry"]
    assert RiskPeriod.objects.filter(child_id__in=kids, closed_at__isnull=True).count() == 3
    assert audit.verify() == []


def test_children_concerned_by_names_for_each_person_the_children_a_fact_concerns(db):
    with clock.frozen(DAY):
        (mother, child, baby), (mother2, child2, baby2) = families(2)
        adult = PersonFactory(birth_date=date(1970, 1, 1)).pk
        by = risk.children_concerned_by([mother, child, baby2, adult], DAY)
    # the mother: her children, and the children in her household; the baby lives elsewhere
    # but is hers; a child concerns itself and the children in its household
    assert by == {mother: {child, baby}, child: {child}, baby2: {baby2}, adult: set()}
    assert risk.children_concerned([mother, child, baby2, adult], DAY) == {child, baby, baby2}


def test_the_family_statement_gives_the_children_concerned_as_children_concerned_does(db):
    """A registration takes the children its signal concerns from its one family statement
    (``people.family.concerned_and_families_of``) instead of ``children_concerned``'s own
    three queries: for everyone in a family with a guardian, a step-parent, a housemate who
    left, a child who died and a child who turned 18, before and after each change, both
    must name the same children (and the family half the same as children_and_families_of)."""
    from kindzicht.people.family import (
        children_and_families_of,
        concerned_and_families_of,
        concerned_by_and_families_of,
    )

    with clock.frozen(DAY):
        (mother, child, baby), (mother2, child2, _baby2) = families(2)
        partner = PersonFactory(birth_date=date(1980, 5, 5))
        ward = PersonFactory(birth_date=date(2012, 7, 7))
        lodger = PersonFactory(birth_date=date(2010, 2, 2))
        grown = PersonFactory(birth_date=date(2006, 6, 1))   # 18 on 2024-06-01
        dead = PersonFactory(birth_date=date(2016, 1, 1))
        mum, mum2 = Person.objects.get(pk=mother), Person.objects.get(pk=mother2)
        people.relation_add(SYSTEM, person=mum, kind="partner_of", other=partner)
        people.relation_add(SYSTEM, person=partner, kind="guardian_of", other=ward)
        people.relation_add(SYSTEM, person=mum2, kind="parent_of", other=grown)
        people.relation_add(SYSTEM, person=mum2, kind="parent_of", other=dead)
        home = people.household_create(SYSTEM, members=[partner, ward, lodger, dead],
                                       municipality_code="0344", postcode="3511AC")
    with clock.frozen(date(2024, 5, 1)):
        people.person_record_death(SYSTEM, person=dead, on=date(2024, 5, 1))
    with clock.frozen(date(2024, 7, 1)):
        people.household_leave(SYSTEM, household=home, person=lodger)
    everyone = [mother, child, baby, mother2, child2, partner.pk, ward.pk, lodger.pk, grown.pk,
                dead.pk]
    checked = 0
    for day in [DAY, date(2024, 5, 31), date(2024, 6, 1), date(2024, 7, 1), date(2025, 1, 1)]:
        for ids in [[p] for p in everyone] + [[mother, partner.pk], everyone]:
            concerned, fams = concerned_and_families_of(ids, day)
            assert concerned == risk.children_concerned(ids, day), (ids, day)
            assert fams == children_and_families_of(ids, day), (ids, day)
            by_person, fams = concerned_by_and_families_of(ids, day)   # the import's
            assert by_person == risk.children_concerned_by(ids, day), (ids, day)
            assert fams == children_and_families_of(ids, day), (ids, day)
            checked += bool(concerned)
    assert checked > 20   # not an agreement on empty sets
