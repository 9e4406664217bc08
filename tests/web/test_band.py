"""The responsibility band: segments from the recorded periods, gaps (open risk, nobody
responsible) as their own segments, and a holder of today still visible."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kindzicht.continuity import services
from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.web.band import MIN_SHARE, WIDTH, responsibility_band

from .conftest import open_risk

pytestmark = pytest.mark.django_db


def days_ago(n: int):
    return clock.today() - timedelta(days=n)


def test_no_history_no_band(family):
    assert responsibility_band(family.child.pk) is None


def test_held_gap_held(make_org, make_pro, pro, family):
    child = family.child
    wijkteam = make_pro(make_org("Wijkteam Oost", sector="district_team"))
    with clock.frozen(days_ago(100)):
        services.involvement_start(Actor.of(pro), person=child, service="hulp")
        open_risk(Actor.of(pro), child)
    with clock.frozen(days_ago(60)):
        services.involvement_end(Actor.of(pro, mode="reconstruct"), person=child, reason="x")
    with clock.frozen(days_ago(40)):
        services.responsibility_take(Actor.of(wijkteam), child=child, basis="coordination")
    # The band ends "now": taken at today's same hour as the facts above, so the widths do
    # not depend on the time of day the suite runs.
    with clock.frozen(days_ago(0)):
        band = responsibility_band(child.pk)
    kinds = [(s.kind, s.organisation_name) for s in band.segments]
    assert kinds == [("held", "Jeugdhulp Utrecht"), ("gap", ""), ("held", "Wijkteam Oost")]
    assert band.has_gap
    assert [s.start_on for s in band.segments] == [days_ago(100), days_ago(60), days_ago(40)]
    assert band.segments[-1].current and not band.segments[0].current
    assert sum(s.width for s in band.segments) == pytest.approx(WIDTH, abs=0.1)
    # Proportional: 40 days of 100 for the first holder, 20 for the gap.
    assert band.segments[0].width == pytest.approx(400, abs=1)
    assert band.segments[1].width == pytest.approx(200, abs=1)
    assert [r.kind for r in band.rows] == ["held", "gap", "held"]
    assert band.rows[0].organisation_name == "Wijkteam Oost"  # newest first
    assert band.legend[0][0] == "Jeugdhulp Utrecht" and band.legend[0][1] != band.legend[1][1]


def test_a_holder_of_today_is_still_visible(make_org, make_pro, pro, family):
    child = family.child
    gi = make_org("GI Midden", sector="youth_protection")
    with clock.frozen(days_ago(365)):
        open_risk(Actor.of(pro), child)
    h = services.handover_offer(Actor.of(pro), child=child, receiver=gi)
    gi_actor = Actor.of(make_pro(gi))
    services.handover_accept(gi_actor, handover=h)
    services.handover_confirm_start(gi_actor, handover=services.get_handover(h.pk))
    band = responsibility_band(child.pk)
    assert [s.organisation_name for s in band.segments] == ["Jeugdhulp Utrecht", "GI Midden"]
    assert band.segments[-1].current
    assert band.segments[-1].width >= MIN_SHARE * WIDTH - 0.01
    assert not band.has_gap


def test_closed_risk_leaves_a_blank_not_a_gap(pro, family):
    from kindzicht.safety.services import assessment_record

    child = family.child
    with clock.frozen(days_ago(50)):
        open_risk(Actor.of(pro), child)
    with clock.frozen(days_ago(20)):
        assessment_record(Actor.of(pro), child=child, safety="safe", risk="low")
    band = responsibility_band(child.pk)
    assert [s.kind for s in band.segments] == ["held", "none"]
    assert not band.has_gap
    assert [r.kind for r in band.rows] == ["held"]
