"""A small seeded world for the fuzzing and hostile-input tests: two youth-care organisations
(the caller's and another), Veilig Thuis and a school; a family with two children at open
risk; and one of each resource an API path can name — handover, concern, report, family plan
with goal and evaluation, signal, household, task, notification, request for inzage — of the
caller's organisation AND of the other organisation, so that generated ids resolve some of the
time and ids of another organisation's objects can be tried. And the data protection officer
(FG, role ``privacy_officer``) of each organisation, with an unusual-access finding to review.

Everything is made through the real services (no model is written directly), so the world
carries its domain events and audit entries as live use would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from kindzicht.access.services import break_glass_open
from kindzicht.continuity import services as continuity
from kindzicht.core.actions import Actor
from kindzicht.core.models import Notification
from kindzicht.index import services as index
from kindzicht.meldcode import services as meldcode
from kindzicht.oversight.services import findings_record
from kindzicht.people import services as people
from kindzicht.people.models import Organisation, Professional
from kindzicht.plans import services as plans
from kindzicht.privacy.services import inzage_request_record
from kindzicht.rules.models import Task
from kindzicht.safety.life_events import life_event_record_on
from kindzicht.safety.services import assessment_record

#: The day the world is built and the tests run on (the clock is frozen on it).
TODAY = date(2024, 5, 15)
PASSWORD = "correct horse battery staple"
SYSTEM = Actor.system("test set-up")


@dataclass
class World:
    me: Organisation
    caller: Professional
    other: Organisation
    other_pro: Professional
    vt: Organisation
    school: Organisation
    #: path parameter name -> ids of existing objects (the caller's and the other's)
    ids: dict[str, list[int]] = field(default_factory=dict)
    #: path parameter name -> ids of the OTHER organisation's objects only
    foreign: dict[str, list[int]] = field(default_factory=dict)
    #: path parameter name -> ids of the caller's own objects only
    own: dict[str, list[int]] = field(default_factory=dict)
    users: dict[str, Professional] = field(default_factory=dict)
    #: objects by name, for the hostile-input corpus (``$mila``, ``$incoming_handover`` …)
    named: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, pk: int, *, own: bool | None) -> None:
        self.ids.setdefault(name, []).append(pk)
        if own is True:
            self.own.setdefault(name, []).append(pk)
        elif own is False:
            self.foreign.setdefault(name, []).append(pk)


def _pro(org: Organisation, username: str, role: str = "professional") -> Professional:
    return people.professional_create(SYSTEM, organisation=org, username=username, role=role,
                                      first_name="Test", last_name=username.title(),
                                      password=PASSWORD)


def build_world() -> World:
    """Build the world on the frozen clock (call it inside ``clock.frozen(TODAY)``)."""
    me = people.organisation_create(SYSTEM, name="Jeugdhulp Utrecht", sector="youth_care",
                                    municipality_code="0344")
    other = people.organisation_create(SYSTEM, name="Jeugdteam Nieuwegein",
                                       sector="youth_care", municipality_code="0356")
    vt = people.organisation_create(SYSTEM, name="Veilig Thuis Utrecht", sector="safe_at_home",
                                    municipality_code="0344")
    school = people.organisation_create(SYSTEM, name="Basisschool De Linde", sector="school",
                                        municipality_code="0344")
    caller = _pro(me, "fuzzer")
    my_coordinator = _pro(me, "coordinator-a", role="coordinator")
    other_pro = _pro(other, "other")
    other_coordinator = _pro(other, "coordinator-b", role="coordinator")
    vt_pro = _pro(vt, "vt")
    world = World(me=me, caller=caller, other=other, other_pro=other_pro, vt=vt, school=school)
    world.named.update(me=me.pk, other=other.pk, vt=vt.pk, school=school.pk)
    for org in (me, other, vt, school):
        world.add("organisation_id", org.pk, own=None)

    a, b = Actor.of(caller), Actor.of(other_pro)
    a_coord, b_coord = Actor.of(my_coordinator), Actor.of(other_coordinator)
    mother = people.person_create(SYSTEM, birth_date=date(1986, 1, 1), given_name="Anouk",
                                  family_name="Bakker", bsn="111222333")
    father = people.person_create(SYSTEM, birth_date=date(1984, 3, 3), given_name="Ruben",
                                  family_name="Visser")
    mila = people.person_create(SYSTEM, birth_date=date(2015, 6, 1), given_name="Mila",
                                family_name="Visser", bsn="123456782")
    daan = people.person_create(SYSTEM, birth_date=date(2018, 2, 2), given_name="Daan",
                                family_name="Visser")
    for kid in (mila, daan):
        people.relation_add(SYSTEM, person=mother, kind="parent_of", other=kid)
        people.relation_add(SYSTEM, person=father, kind="parent_of", other=kid)
    home = people.household_create(SYSTEM, members=[mother, mila, daan],
                                   municipality_code="0344", postcode="3511AB")
    away = people.household_create(SYSTEM, members=[father], municipality_code="0356",
                                    postcode="3431AA")
    aunt = people.person_create(SYSTEM, birth_date=date(1990, 9, 9), given_name="Fenna",
                                family_name="Bakker")
    for person in (mother, father, mila, daan, aunt):
        world.add("person_id", person.pk, own=None)
    world.named.update(mother=mother.pk, father=father.pk, mila=mila.pk, daan=daan.pk,
                       aunt=aunt.pk, home=home.pk, away=away.pk)
    world.add("household_id", home.pk, own=None)
    world.add("household_id", away.pk, own=None)

    # my organisation works with Mila, the other with Daan; each recorded a concern (open risk)
    continuity.involvement_start(a, person=mila, service="ambulante jeugdhulp")
    continuity.involvement_start(b, person=daan, service="jeugdteam")
    continuity.involvement_start(a, person=father, service="opvoedondersteuning")
    my_concern = meldcode.concern_record(a, child=mila, kind="observation",
                                         text="blauwe plekken")
    other_concern = meldcode.concern_record(b, child=daan, kind="niet_pluis",
                                            text="stil en schrikachtig")
    world.add("concern_id", my_concern.pk, own=True)
    world.add("concern_id", other_concern.pk, own=False)
    assessment_record(a, child=mila, safety="unsafe", risk="high",
                      factors=[{"domain": "family", "code": "domestic_violence"}])

    # handovers: mine to the other organisation, and the other's to Veilig Thuis
    mine = continuity.handover_offer(a, child=mila, receiver=other, note="warme overdracht")
    theirs = continuity.handover_offer(b, child=daan, receiver=vt, note="naar Veilig Thuis")
    world.add("handover_id", mine.pk, own=True)
    world.add("handover_id", theirs.pk, own=False)
    incoming = continuity.handover_offer(b, child=daan, receiver=me, note="aan jullie")
    world.add("handover_id", incoming.pk, own=True)
    world.named.update(my_handover=mine.pk, their_handover=theirs.pk,
                       incoming_handover=incoming.pk, my_concern=my_concern.pk,
                       their_concern=other_concern.pk)

    # the notifications of those offers (Berichten): the one to me, the one to the other
    for note in Notification.objects.filter(kind="handover_offered").order_by("pk"):
        if note.organisation_id in (me.pk, other.pk):
            own = note.organisation_id == me.pk
            world.add("notification_id", note.pk, own=own)
            world.named.setdefault("my_notification" if own else "their_notification", note.pk)

    # reports to Veilig Thuis
    my_report = meldcode.report_make(a, child=mila, own_observation=True, safe_at_home=vt)
    other_report = meldcode.report_make(b, child=daan, own_observation=True, safe_at_home=vt)
    world.add("report_id", my_report.pk, own=True)
    world.add("report_id", other_report.pk, own=False)
    world.named.update(my_report=my_report.pk, their_report=other_report.pk)

    # family plans with a goal and an evaluation moment
    due = TODAY + timedelta(days=30)
    for actor, kid, own in ((a_coord, mila, True), (b_coord, daan, False)):
        plan = plans.plan_make(actor, child=kid, goals=[{"text": "Elke dag naar school",
                                                         "owner": school, "due": due}],
                               parent_agreements=[{"text": "Moeder brengt",
                                                   "consequence": "Gesprek"}],
                               evaluations=[due])
        world.add("plan_id", plan.pk, own=own)
        side = "my" if own else "their"
        world.named[f"{side}_plan"] = plan.pk
        for goal in plan.goals.all():
            world.add("goal_id", goal.pk, own=own)
            world.named[f"{side}_goal"] = goal.pk
        for evaluation in plan.evaluations.all():
            world.add("evaluation_id", evaluation.pk, own=own)
            world.named[f"{side}_evaluation"] = evaluation.pk

    # signals in the reference index
    my_signal = index.signal_register(a, person=mila)
    their_signal = index.signal_register(b, person=daan)
    world.add("signal_id", my_signal.pk, own=True)
    world.add("signal_id", their_signal.pk, own=False)
    world.named.update(my_signal=my_signal.pk, their_signal=their_signal.pk)

    # a move of the household: re-assessment tasks for each holder of a child at open risk
    life_event_record_on(a, kind="moved", household=home, on=TODAY - timedelta(days=1))
    for task in Task.objects.order_by("pk"):
        own = task.organisation_id == me.pk
        world.add("task_id", task.pk, own=own)
        world.named.setdefault("my_task" if own else "their_task", task.pk)
    # the data protection officer (FG) of each organisation: a request for inzage each, and an
    # unusual-access finding — a GP broke the glass on Mila
    fg = _pro(me, "fg-a", role="privacy_officer")
    other_fg = _pro(other, "fg-b", role="privacy_officer")
    received = TODAY - timedelta(days=3)
    my_inzage = inzage_request_record(Actor.of(fg), person=mother, requester_name="Anouk Bakker",
                                      requester_relation="self", received_on=received)
    their_inzage = inzage_request_record(Actor.of(other_fg), person=daan,
                                         requester_name="Ruben Visser",
                                         requester_relation="parent_with_authority",
                                         received_on=received)
    world.add("request_id", my_inzage.pk, own=True)
    world.add("request_id", their_inzage.pk, own=False)
    # break the glass: a GP with no tie to Mila opens her record; my organisation reviews it
    gp = people.organisation_create(SYSTEM, name="Huisartsenpraktijk Zuid", sector="gp",
                                    municipality_code="0344")
    glass = break_glass_open(Actor.of(_pro(gp, "huisarts")), mila,
                             "acute situatie: kind met letsel op de spoedpost")
    world.add("grant_id", glass.pk, own=True)
    world.named.update(glass=glass.pk)
    found = findings_record(Actor.of(fg), period_from=TODAY, period_to=TODAY)
    finding = next(f for f in found if mila.pk in f.person_ids)  # the break-the-glass use
    for f in found:
        world.add("finding_id", f.pk, own=None)
    world.named.update(my_inzage=my_inzage.pk, their_inzage=their_inzage.pk,
                       finding=finding.pk)
    world.users = {"caller": caller, "vt": vt_pro, "coordinator": my_coordinator, "fg": fg,
                   "admin": _pro(me, "beheerder", role="admin")}
    return world
