"""The unusual-access reports: each rule's threshold and the figures it rests on, computed by
set-based SQL on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kindzicht.continuity.services import involvement_end, involvement_start
from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.oversight import reports
from kindzicht.oversight.models import Finding, Rule
from kindzicht.oversight.services import finding_review, findings_record

from .conftest import DAY, at, break_glass_opened, read

PERIOD = reports.Period(DAY, DAY)


@pytest.fixture
def peers(make_org, make_pro, make_person, settings):
    """Five professionals of youth care: four read 3 persons each that day, one reads 30 (10×)."""
    settings.OVERSIGHT_READ_FACTOR = 3
    settings.OVERSIGHT_READ_MINIMUM = 10
    orgs = [make_org("Jeugdhulp A"), make_org("Jeugdhulp B")]
    pros = [make_pro(orgs[i % 2]) for i in range(5)]
    persons = [make_person() for _ in range(30)]
    for pro in pros[:4]:
        for p in persons[:3]:
            read(pro, [p.pk], moment=at(10))
    for p in persons:
        read(pros[4], [p.pk], moment=at(11))
    return pros, persons


def test_a_user_reading_ten_times_more_than_peers_is_reported_with_the_figures(peers):
    pros, _ = peers
    found = reports.heavy_readers(PERIOD)
    assert [f.actor_id for f in found] == [pros[4].pk]
    assert found[0].figures == {
        "persons": 30, "reads": 30, "role": "professional", "sector": "youth_care", "peers": 4,
        "peer_median": 3, "factor": 3.0, "minimum": 10, "threshold": 10}
    assert found[0].organisation_id == pros[4].organisation_id


def test_the_minimum_and_the_factor_are_thresholds(peers, settings):
    settings.OVERSIGHT_READ_MINIMUM = 30  # 30 is not more than 30
    assert reports.heavy_readers(PERIOD) == []
    settings.OVERSIGHT_READ_MINIMUM = 1
    settings.OVERSIGHT_READ_FACTOR = 10  # 10 × 3 = 30: not more
    assert reports.heavy_readers(PERIOD) == []
    settings.OVERSIGHT_READ_FACTOR = 9.5
    assert len(reports.heavy_readers(PERIOD)) == 1


def test_peers_are_of_the_same_role_and_sector_and_the_period_counts(peers, make_org,
                                                                    make_pro, make_person):
    pros, persons = peers
    # a school professional reading 30 has no peers in the school sector: nobody to compare
    school = make_pro(make_org("School", sector="school"))
    for p in persons:
        read(school, [p.pk], moment=at(12))
    assert [f.actor_id for f in reports.heavy_readers(PERIOD)] == [pros[4].pk]
    # the day after, nobody read anything
    assert reports.heavy_readers(reports.Period(DAY + timedelta(days=1),
                                                DAY + timedelta(days=1))) == []
    # reading the same person again does not count twice
    for _ in range(5):
        read(pros[0], [persons[0].pk], moment=at(13))
    counts = {r[0]: r[3] for r in reports.distinct_persons_read(PERIOD)}
    assert counts[pros[0].pk] == 3 and counts[school.pk] == 30


def test_break_the_glass_is_listed_with_the_reason_and_the_reads_under_it(make_org, make_pro,
                                                                         make_person):
    pro = make_pro(make_org("Huisartsenpost", sector="hospital"))
    child = make_person()
    entry = break_glass_opened(pro, child, "spoed: kind op de SEH met letsel", moment=at(22))
    for hour in (22, 23):
        read(pro, [child.pk], moment=at(hour), purpose="break_the_glass: spoed")
    found = reports.break_glass(PERIOD)
    assert len(found) == 1
    f = found[0]
    assert (f.rule, f.actor_id, f.person_ids, f.key) == (
        Rule.BREAK_GLASS, pro.pk, [child.pk], f"entry:{entry.pk}")
    assert f.figures["reason"] == "spoed: kind op de SEH met letsel"
    assert f.figures["reads_under_break_glass"] == 2
    # and those reads are not listed again as reads outside involvement
    assert reports.outside_involvement(PERIOD) == []
    assert reports.break_glass(reports.Period(DAY - timedelta(days=1),
                                              DAY - timedelta(days=1))) == []


@pytest.fixture
def two_orgs(make_org, make_pro, make_person):
    involved, other = make_org("Wijkteam Noord", sector="district_team"), make_org("Jeugdhulp")
    a, b = make_pro(involved), make_pro(other)
    child, mother = make_person(), make_person("Moeder", born=date(1990, 1, 1))
    with clock.frozen(at(9, DAY - timedelta(days=30))):
        involvement_start(Actor.of(a), person=child, service="gezinsbegeleiding")
    return a, b, child, mother


def test_a_read_without_involvement_is_reported_and_with_involvement_not(two_orgs):
    a, b, child, mother = two_orgs
    read(a, [child.pk], moment=at(10))
    read(a, [child.pk, mother.pk], moment=at(10), action="family_read")  # via the child
    first = read(b, [child.pk], moment=at(14))
    second = read(b, [child.pk], moment=at(15), action="risk_history_read")
    read(b, [child.pk], moment=at(16), action="person_searched")  # a search: left out
    found = reports.outside_involvement(PERIOD)
    assert len(found) == 1
    f = found[0]
    assert (f.organisation_id, f.person_ids, f.actor_id) == (b.organisation_id, [child.pk], b.pk)
    assert f.figures["reads"] == 2 and f.figures["actor_ids"] == [b.pk]
    assert f.figures["entry_ids"] == [first.pk, second.pk]
    assert (f.first_at, f.last_at) == (at(14), at(15))


def test_involvement_counts_at_the_time_with_the_grace_days(two_orgs, settings):
    a, b, child, _ = two_orgs
    settings.OVERSIGHT_GRACE_DAYS = 7
    # b looks at the child 3 days before it starts working with the child: within the margin
    read(b, [child.pk], moment=at(14))
    with clock.frozen(at(9, DAY + timedelta(days=3))):
        involvement_start(Actor.of(b), person=child, service="ambulante hulp")
    assert reports.outside_involvement(PERIOD) == []
    settings.OVERSIGHT_GRACE_DAYS = 1
    assert [f.organisation_id for f in reports.outside_involvement(PERIOD)] == [
        b.organisation_id]
    # a ended its involvement 20 days before a later read: outside involvement by then
    later = DAY + timedelta(days=30)
    with clock.frozen(at(9, later - timedelta(days=20))):
        involvement_end(Actor.of(a), person=child, reason="afgerond")
    read(a, [child.pk], moment=at(10, later))
    found = reports.outside_involvement(reports.Period(later, later))
    assert [(f.organisation_id, f.person_ids) for f in found] == [(a.organisation_id,
                                                                  [child.pk])]
    settings.OVERSIGHT_GRACE_DAYS = 30
    assert reports.outside_involvement(reports.Period(later, later)) == []


def test_findings_are_kept_once_per_period_and_reviewed_with_a_note(two_orgs, fg_actor):
    _, b, child, _ = two_orgs
    read(b, [child.pk], moment=at(14))
    with clock.frozen(at(12, DAY + timedelta(days=1))):
        made = findings_record(fg_actor, period_from=DAY, period_to=DAY)
        assert [f.rule for f in made] == [Rule.OUTSIDE_INVOLVEMENT]
        assert findings_record(fg_actor, period_from=DAY, period_to=DAY) == []
    assert Finding.objects.count() == 1
    event = DomainEvent.objects.filter(type="oversight_report_made").first()
    assert event.payload["new"] == {"outside_involvement": 1}
    finding = made[0]
    with pytest.raises(ValidationError) as empty:
        finding_review(fg_actor, finding=finding, note="  ")
    assert empty.value.field == "note"
    reviewed = finding_review(fg_actor, finding=finding, note="Navraag gedaan: collega "
                              "verving de mentor; geen misbruik.")
    assert reviewed.reviewed_by == fg_actor.professional and reviewed.reviewed_at is not None
    entry = AuditEntry.objects.get(action="oversight_finding_reviewed")
    assert entry.person_ids == [child.pk] and entry.actor_id == fg_actor.professional.pk
    with pytest.raises(Refused):
        finding_review(fg_actor, finding=finding, note="nogmaals")


def test_only_the_fg_makes_reports_and_reviews(two_orgs, fg_actor):
    a, *_ = two_orgs
    with pytest.raises(Forbidden):
        findings_record(Actor.of(a), period_from=DAY, period_to=DAY)
    with pytest.raises(ValidationError) as wrong:
        findings_record(fg_actor, period_from=DAY, period_to=DAY - timedelta(days=1))
    assert wrong.value.field == "period_to"
    with pytest.raises(ValidationError) as future:
        findings_record(fg_actor, period_from=DAY, period_to=clock.today() + timedelta(days=1))
    assert future.value.field == "period_to"
