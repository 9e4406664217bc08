"""Reads of the index (issue 4): the match inbox shows who coordinates (responsibility with
basis coordination, or a family plan) — until then the proposed coordinator; who else is
involved with a family is shown only to an organisation involved with it; every read audited
once, and never the shielded observer."""

from __future__ import annotations

from datetime import date, timedelta

from kindzicht.continuity import services as continuity
from kindzicht.core.models import AuditEntry
from kindzicht.index import selectors
from kindzicht.index.services import signal_register
from kindzicht.plans.services import plan_make


def test_the_inbox_shows_coordination_once_someone_takes_it_up(orgs, fam, day):
    signal_register(orgs.pro["ggz"], person=fam.father)
    signal_register(orgs.coord["school"], person=fam.girl, on_behalf_of="Juf Marieke")
    inbox = selectors.match_inbox(orgs.pro["ggz"])
    assert len(inbox) == 1  # the girl's and her half-brother's match rows, shown once
    view = inbox[0]
    assert view.level == "family" and view.coordination is None
    assert [p.pk for p in view.own_people] == [fam.father.pk]
    assert [o.organisation for o in view.others] == [orgs.org["school"]]
    assert view.others[0].proposed_coordinator and "Coord school" in view.others[0].contacts[0]
    assert "Juf Marieke" not in repr(view)
    continuity.responsibility_take(orgs.coord["wt"], child=fam.girl, basis="coordination")
    view = selectors.match_inbox(orgs.pro["ggz"])[0]
    assert view.coordination.organisation == orgs.org["wt"]
    assert view.coordination.how == "responsibility"


def test_a_family_plan_is_coordination(orgs, fam, day):
    signal_register(orgs.pro["ggz"], person=fam.father)
    signal_register(orgs.pro["school"], person=fam.girl)
    plan_make(orgs.coord["school"], child=fam.girl,
              goals=[{"text": "Lotte gaat elke dag naar school", "owner": orgs.org["school"],
                      "due": day + timedelta(days=30)}])
    view = selectors.match_inbox(orgs.pro["school"])[0]
    assert view.coordination.how == "family_plan"
    assert view.others[0].organisation == orgs.org["ggz"]
    assert not view.others[0].coordinates


def test_who_else_is_involved_needs_involvement_and_is_audited(orgs, fam, day):
    signal_register(orgs.pro["ggz"], person=fam.father, contact="Kees, 030-1")
    signal_register(orgs.pro["probation"], person=fam.stepfather)
    outsider = selectors.family_index(orgs.pro["jgz"], fam.girl)
    assert not outsider.visible and outsider.organisations == []
    continuity.involvement_start(orgs.pro["jgz"], person=fam.girl, service="JGZ 4-18")
    before = AuditEntry.objects.filter(kind="read").count()
    inside = selectors.family_index(orgs.pro["jgz"], fam.girl)
    assert inside.visible
    assert [o.organisation for o in inside.organisations] == [orgs.org["ggz"],
                                                              orgs.org["probation"]]
    assert inside.organisations[0].contacts == ["Kees, 030-1"]
    reads = AuditEntry.objects.filter(kind="read").order_by("id")[before:]
    assert [r.action for r in reads] == ["index_family_viewed"]
    assert fam.girl.pk in reads[0].person_ids and fam.father.pk in reads[0].person_ids


def test_an_adults_page_covers_every_family_they_belong_to(orgs, fam, day):
    """The father's page: his daughter's family and his son's (with the son's mother)."""
    signal_register(orgs.pro["ggz"], person=fam.father)
    signal_register(orgs.pro["jgz"], person=fam.half_brother)
    signal_register(orgs.pro["probation"], person=fam.stepfather)
    view = selectors.family_index(orgs.pro["ggz"], fam.father)
    assert {o.organisation for o in view.organisations} == {orgs.org["jgz"],
                                                            orgs.org["probation"]}
    assert view.own_signal is not None


def test_own_signals_with_informing_and_match(orgs, fam, day):
    signal_register(orgs.pro["ggz"], person=fam.father)
    signal_register(orgs.coord["school"], person=fam.girl, on_behalf_of="Juf Marieke")
    rows = selectors.own_signals(orgs.pro["school"])
    assert len(rows) == 1 and rows[0].in_match
    assert rows[0].signal.observer == "Juf Marieke"  # the own organisation sees it
    assert rows[0].informing_open == ["parents"]
    assert selectors.own_signals(orgs.pro["school"], active=False) == []
    assert date(2026, 3, 4) == rows[0].signal.expires_on
