"""Care histories for the demo region: a handful of children the chain is working with, each
showing a situation the report is about — a warm handover under way, a niet-pluis feeling not
yet shared, a rejected measure nobody answered, a new partner in the household, a family-level
match, risk factors waiting for their owner, a report in Veilig Thuis's inbox.

Everything goes through the same services a professional's click would call, dated in the
recent past with the clock, and the watchdog then sweeps today so the task lists are real.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from kindzicht.continuity import services as continuity
from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.errors import KindzichtError
from kindzicht.index.services import signal_register
from kindzicht.meldcode import services as meldcode
from kindzicht.people import services as people
from kindzicht.people.family import family_of
from kindzicht.people.models import Organisation, Person, Professional, Relation
from kindzicht.plans import services as plans
from kindzicht.safety import services as safety


@dataclass
class CaseResult:
    children: list[tuple[str, str]] = field(default_factory=list)  # (name, what it shows)
    failed: list[str] = field(default_factory=list)


class _Cast:
    """The organisations of the region and an acting professional for each (the demo login
    where there is one, so the logins see their own cases)."""

    def __init__(self) -> None:
        self._actors: dict[int, Actor] = {}

    def org(self, sector: str, index: int = 0) -> Organisation:
        orgs = list(Organisation.objects.filter(sector=sector, active=True).order_by("pk"))
        return orgs[min(index, len(orgs) - 1)]

    def actor(self, sector: str, index: int = 0) -> Actor:
        org = self.org(sector, index)
        if org.pk not in self._actors:
            pro = (Professional.objects.filter(organisation=org, is_active=True)
                   .order_by("pk").first())
            if pro is None:
                pro = people.professional_create(
                    Actor.system("demo cases"), organisation=org, role="coordinator",
                    username=f"demo-{org.pk}", first_name="Demo", last_name=org.name[:100])
            self._actors[org.pk] = Actor(pro, org, pro.role, purpose="demo", mode="live")
        return self._actors[org.pk]


def _children(ids: list[int], today: date) -> list[Person]:
    kids = [p for p in Person.objects.filter(pk__in=ids).order_by("pk")
            if 2 <= people.age_on(p, today) <= 15 and not p.death_date]
    return kids


def _parent(child: Person) -> Person | None:
    rel = Relation.objects.filter(other=child, kind="parent_of").order_by("pk").first()
    return rel.person if rel else None


def add_cases(person_ids: list[int], *, today: date | None = None) -> CaseResult:
    """Write the demo's care histories for children among ``person_ids``."""
    from kindzicht.rules.watchdog import sweep

    today = today or clock.today()
    cast = _Cast()
    kids = _children(person_ids, today)
    result = CaseResult()

    def at(days_ago: int) -> clock.frozen:
        return clock.frozen(today - timedelta(days=days_ago))

    def handover_under_way(child: Person) -> str:
        school, wt = cast.actor("school"), cast.actor("district_team")
        with at(45):
            c = meldcode.concern_record(school, child=child, kind="niet_pluis",
                                        source="leerkracht", text="Trekt zich terug, komt vaak "
                                        "zonder ontbijt op school.")
        with at(43):
            meldcode.concern_consult(school, concern=c, with_whom="colleague")
        with at(38):
            meldcode.concern_talk(school, concern=c, with_whom="parents")
        with at(36):
            meldcode.concern_weigh(school, concern=c, answers={
                "q1": True, "q2": False, "q3": True, "q4": True, "q5": True})
            meldcode.concern_decide(school, concern=c, outcome="organise_help")
            continuity.involvement_start(school, person=child, service="zorgroute school")
            signal_register(school, person=child)
        with at(10):
            h = continuity.handover_offer(school, child=child, receiver=wt.organisation,
                                          note="Graag opvoedondersteuning voor moeder.")
        with at(8):
            continuity.handover_accept(wt, handover=h)
        return "warme overdracht school → wijkteam: geaccepteerd, start nog niet bevestigd"

    def offer_waiting(child: Person) -> str:
        jgz, wt = cast.actor("youth_health"), cast.actor("district_team")
        with at(20):
            safety.assessment_record(jgz, child=child, safety="conditionally_safe",
                                     risk="moderate", agreements="Moeder belt bij zorgen.",
                                     factors=[{"domain": "family", "code": "overburdened_parent"}])
            signal_register(jgz, person=child)
        with at(3):
            continuity.handover_offer(jgz, child=child, receiver=wt.organisation)
        return "overdracht JGZ → wijkteam aangeboden, wacht op acceptatie"

    def gut_feeling_not_shared(child: Person) -> str:
        school = cast.actor("school")
        with at(12):
            meldcode.concern_record(school, child=child, kind="niet_pluis", source="gymdocent",
                                    text="Blauwe plekken op de bovenarmen.")
        return "niet-pluisgevoel van 12 dagen geleden, nog niet gedeeld (K1)"

    def rejected_measure(child: Person) -> str:
        vt, raad = cast.actor("safe_at_home"), cast.actor("child_protection_board")
        with at(60):
            continuity.involvement_start(vt, person=child, service="onderzoek na melding")
            safety.assessment_record(vt, child=child, safety="unsafe", risk="high",
                                     factors=[{"domain": "family", "code": "domestic_violence"}])
            signal_register(vt, person=child)
        with at(55):
            continuity.request_make(vt, child=child, kind="investigation",
                                    reasons="Herhaald huiselijk geweld.")
        with at(20):
            continuity.decision_record(raad, child=child, decision="no_measure",
                                       reasons="Moeder accepteert vrijwillige hulp.")
        return "Raad: geen maatregel; nog niemand heeft expliciet de regie genomen (C3)"

    def new_partner(child: Person) -> str:
        wt = cast.actor("district_team")
        with at(50):
            continuity.involvement_start(wt, person=child, service="gezinscoaching")
            continuity.responsibility_take(wt, child=child, basis="voluntary")
            safety.assessment_record(wt, child=child, safety="conditionally_safe",
                                     risk="moderate", agreements="Wekelijks huisbezoek.")
            signal_register(wt, person=child)
            plans.plan_make(wt, child=child, goals=[
                {"text": "Moeder volgt de cursus Positief Opvoeden", "owner": wt.organisation,
                 "due": today - timedelta(days=5)}])
        home = child.memberships.filter(left_on__isnull=True).first()
        if home is not None:
            with at(50):
                partner = people.person_create(wt, birth_date=date(1986, 4, 12),
                                               given_name="Dennis", family_name="Bakker")
            with at(18):
                people.household_join(wt, household=home.household, person=partner)
        return "nieuwe partner in het huishouden, nog geen herbeoordeling (R1); doel over datum"

    def family_match(child: Person) -> str:
        ggz, school = cast.actor("adult_mental_health"), cast.actor("school")
        parent = _parent(child)
        if parent is None:
            raise KindzichtError("no parent")
        with at(25):
            continuity.involvement_start(ggz, person=parent, service="behandeling depressie")
            signal_register(ggz, person=parent)
        with at(21):
            meldcode.concern_record(school, child=child, kind="observation",
                                    text="Vaak afwezig, moe.")
            signal_register(school, person=child)
        return "match op gezinsniveau: GGZ (ouder) en school (kind), zonder regie (V2)"

    def factors_waiting(child: Person) -> str:
        jgz, gp = cast.actor("youth_health"), cast.org("gp")
        with at(30):
            safety.assessment_record(jgz, child=child, safety="safe", risk="moderate", factors=[
                {"domain": "child", "code": "development_delay", "owner": gp},
                {"domain": "context", "code": "debts", "owner": cast.org("debt_counselling")}])
            signal_register(jgz, person=child)
        return "risicofactoren met een eigenaar die ze nog niet accepteerde (R3)"

    def report_in_inbox(child: Person) -> str:
        jgz = cast.actor("youth_health")
        with at(2):
            c = meldcode.concern_record(jgz, child=child, kind="disclosure",
                                        text="Kind vertelt over slaan thuis.")
            meldcode.concern_consult(jgz, concern=c, with_whom="safe_at_home")
            meldcode.concern_weigh(jgz, concern=c, answers={
                "q1": True, "q2": True, "q3": True, "q4": False, "q5": False})
            meldcode.concern_decide(jgz, concern=c, outcome="report")
        return "melding bij Veilig Thuis, wacht op aanname"

    cases: list[Callable[[Person], str]] = [
        handover_under_way, offer_waiting, gut_feeling_not_shared, rejected_measure,
        new_partner, family_match, factors_waiting, report_in_inbox]
    used: set[int] = set()
    for case in cases:
        for child in kids:
            if child.pk in used or any(m in used for m in family_of(child.pk, today)):
                continue
            try:
                what = case(child)
            except KindzichtError as exc:
                result.failed.append(f"{case.__name__}: {exc}")
                continue
            used.add(child.pk)
            result.children.append((child.name, what))
            break
    with clock.frozen(today):
        sweep(today)
    return result
