"""A national-scale synthetic population of children at open risk, with their families and
the recorded history the rules read — drawn deterministically from a seed, in the shapes the
services write, and handed to a :mod:`loader` sink in chunks.

Every child of the population is at open risk on the bench day (the issue's "1,000,000
children at open risk"). The shares below are the bench's documented proportions
(docs/benchmarks.md); they are round numbers in the ranges the Inspectie's and CBS's figures on
youth care suggest (most children at risk known to a district team or school, one in three
handed over at least once, a few percent with a gap in responsibility, one in twenty with a
Raad or court procedure), not statistics.

Time is counted in days before the bench day (``t``: 1 is yesterday). Facts are dated up to
yesterday, so changes made through the services on the bench day come after all of them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from kindzicht.safety.factors import FACTORS, specialist_sector

from .loader import Table

# --- proportions ----------------------------------------------------------------------------------

#: children per family (weights in %) — mean 1.75
SIBLINGS = ((1, 50), (2, 30), (3, 15), (4, 5))
#: family kinds (%): both parents together, single parent, separated (the father in a
#: household of his own), blended (single parent with a new partner living in)
FAMILY_KINDS = (("together", 55), ("single", 25), ("separated", 12), ("blended", 8))
#: what opened the family's risk (%): a concern, a signal or an assessment about the oldest
#: child, a report to Veilig Thuis, or a signal by an adult service on a parent
OPENERS = (("concern", 45), ("signal", 20), ("assessment", 15), ("report", 10),
           ("parent_signal", 10))
P_EARLIER_RISK = 0.15          # an earlier, closed period of open risk
P_HANDED_OVER = 0.35           # responsibility moved by a confirmed handover
P_TAKEN = 0.08                 # responsibility taken explicitly (take_responsibility)
P_RELEASED = 0.03              # the holder ended involvement in reconstruct mode: a gap …
P_GAP_CLOSED = 0.40            # … later closed by someone taking responsibility
P_ADULT_TAKEOVER = 0.70        # a youth service takes over from an adult service that opened
P_HANDOVER = {"offered": 0.04, "accepted": 0.03, "declined": 0.035, "withdrawn": 0.02}
P_DECLINE_FOLLOWED = 0.5       # a declined handover followed by another offer within 7 days
P_PROCEDURE = 0.06             # a request to the Raad
P_REJECTION_ANSWERED = 0.6     # a rejecting decision answered by an explicit take in 14 days
EXTRA_CONCERNS = ((0, 65), (1, 25), (2, 10))
CONCERN_KINDS = (("observation", 40), ("niet_pluis", 25), ("second_hand", 15),
                 ("disclosure", 10), ("non_professional", 10))
P_CONCERN_DECIDED = 0.65
ASSESSMENTS = ((0, 35), (1, 40), (2, 20), (3, 5))
P_FACTOR_OTHER_OWNER = 0.25
P_FACTOR_ACCEPTED = 0.7
P_CHILD_SIGNAL = 0.45
P_SECOND_SIGNAL = 0.15
P_SIGNAL_ENDED = 0.2
P_PARENT_ADULT_CARE = 0.15     # a parent in adult care (GGZ, addiction, probation, debts …)
P_ADULT_SIGNALS = 0.4
P_ADULT_SHARES = 0.3
P_MOVED = 0.12
P_MOVED_OFTEN = 0.03           # three moves in 24 months (R2)
P_PARENT_LIFE_EVENT = 0.10
P_SCHOOL_CHANGE = 0.05
P_PLAN = 0.25                  # per family
P_COOPERATION = 0.12
EXTRA_INVOLVEMENT = (("school", 0.30), ("youth_health", 0.30), ("youth_mental_health", 0.12),
                     ("youth_care", 0.15), ("gp", 0.05))
P_INVOLVEMENT_ENDED = 0.20
P_NO_AFTERCARE = 0.20

#: organisations per municipality and per youth-care region
PER_MUNICIPALITY = (("district_team", 1), ("youth_health", 1), ("municipality", 1),
                    ("school", 4), ("gp", 2), ("childcare", 1), ("social_work", 1),
                    ("debt_counselling", 1), ("housing", 1), ("attendance_officer", 1),
                    ("midwife", 1))
PER_REGION = (("safe_at_home", 1), ("youth_protection", 2), ("youth_care", 3),
              ("youth_mental_health", 2), ("adult_mental_health", 1), ("addiction_care", 1),
              ("hospital", 1), ("police", 1), ("probation", 1), ("child_protection_board", 1),
              ("juvenile_court", 1), ("maternity_care", 1))
ADULT_SERVICES = ("adult_mental_health", "addiction_care", "probation", "debt_counselling",
                  "social_work")
YOUTH_SUCCESSORS = ("youth_protection", "youth_care", "district_team", "youth_mental_health",
                    "safe_at_home")

GIVEN = ("Emma", "Noah", "Julia", "Liam", "Mila", "Luca", "Sara", "Sem", "Tess", "Daan",
         "Zoë", "Finn", "Nora", "Levi", "Anna", "Milan", "Evi", "Adam", "Lotte", "Mohammed")
FAMILY = ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
          "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
          "Hendriks", "van Leeuwen", "Dekker", "Yilmaz", "El Amrani", "Brouwer", "de Wit")

MODEL_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "person": ("people.Person", ("id", "bsn", "given_name", "family_name", "birth_date",
                                 "place", "created_at")),
    "relation": ("people.Relation", ("id", "person", "kind", "other", "valid_from", "valid_to")),
    "household": ("people.Household", ("id", "label", "created_at")),
    "membership": ("people.HouseholdMembership", ("id", "household", "person", "joined_on",
                                                  "left_on")),
    "address": ("people.HouseholdAddress", ("id", "household", "municipality_code", "postcode",
                                            "valid_from", "valid_to")),
    "event": ("core.DomainEvent", ("id", "type", "occurred_at", "occurred_on", "recorded_at",
                                   "actor", "organisation", "role", "object_type", "object_id",
                                   "payload")),
    "subject": ("core.EventSubject", ("id", "event", "person_id")),
    "risk": ("continuity.RiskPeriod", ("id", "at", "on", "event", "child", "opened_by",
                                       "closed_at", "closed_on", "close_reason")),
    "period": ("continuity.ResponsibilityPeriod", ("id", "at", "on", "event", "child",
                                                   "organisation", "basis", "how", "ended_at",
                                                   "ended_on", "end_reason")),
    "taking": ("continuity.ResponsibilityTaking", ("id", "at", "on", "event", "child",
                                                   "organisation", "basis")),
    "involvement": ("continuity.Involvement", ("id", "at", "on", "event", "organisation",
                                               "person", "professional", "service", "intensive",
                                               "ended_at", "ended_on", "aftercare", "end_reason",
                                               "end_event_id")),
    "involvement_end": ("continuity.InvolvementEnd", ("id", "at", "on", "event", "person",
                                                      "organisation", "at_open_risk",
                                                      "held_responsibility", "intensive",
                                                      "aftercare", "reason")),
    "handover": ("continuity.Handover", ("id", "at", "on", "event", "child", "sender",
                                         "receiver", "status", "accepted_on", "confirmed_on",
                                         "confirmed_at", "declined_on", "withdrawn_on", "reason",
                                         "moved_responsibility", "accept_event_id",
                                         "confirm_event_id", "close_event_id")),
    "handover_factor": ("continuity.HandoverFactor", ("id", "handover", "domain", "code",
                                                      "accepted")),
    "request": ("continuity.Request", ("id", "at", "on", "event", "child", "kind", "requester",
                                       "addressee_sector", "reasons")),
    "decision": ("continuity.Decision", ("id", "at", "on", "event", "child", "request",
                                         "decision", "organisation", "reasons")),
    "concern": ("meldcode.Concern", ("id", "at", "on", "event", "child", "organisation",
                                     "professional", "kind", "source", "weighing_outcome",
                                     "outcome", "decided_at", "decided_on", "decision_reason",
                                     "decide_event_id")),
    "step": ("meldcode.MeldcodeStep", ("id", "at", "on", "event", "concern", "step",
                                       "with_whom", "answers")),
    "report": ("meldcode.Report", ("id", "at", "on", "event", "child", "reporter",
                                   "safe_at_home", "concern", "own_observation", "status",
                                   "decline_reason", "handled_on", "handle_event_id")),
    "assessment": ("safety.Assessment", ("id", "at", "on", "event", "child", "organisation",
                                         "safety", "risk")),
    "factor": ("safety.AssessmentFactor", ("id", "assessment", "domain", "code", "owner")),
    "ownership": ("safety.FactorOwnership", ("id", "at", "on", "event", "child", "code",
                                             "organisation", "via", "ended_on", "end_reason")),
    "life_event": ("safety.LifeEvent", ("id", "at", "on", "event", "person", "household",
                                        "kind", "derived", "organisation")),
    "signal": ("refindex.Signal", ("id", "at", "on", "event", "person", "organisation",
                                "professional", "contact", "expires_on", "ended_at", "ended_on",
                                "end_reason", "end_event_id")),
    "match": ("refindex.Match", ("id", "at", "on", "event", "child", "level", "person_ids",
                              "organisation_ids", "proposed_coordinator", "ended_on")),
    "plan": ("plans.FamilyPlan", ("id", "at", "on", "event", "child", "household", "coordinator",
                                  "replaced_on")),
    "goal": ("plans.Goal", ("id", "at", "on", "event", "plan", "text", "owner", "due",
                            "original_due", "status", "status_on")),
    "goal_update": ("plans.GoalUpdate", ("id", "at", "on", "event", "goal", "status",
                                         "new_due")),
    "cooperation": ("plans.Cooperation", ("id", "at", "on", "event", "child", "organisation",
                                          "kind", "help")),
    "share": ("plans.Share", ("id", "at", "on", "event", "person", "from_organisation",
                              "to_organisation", "topic", "basis")),
}


def tables() -> dict[str, Table]:
    from django.apps import apps

    return {key: Table(apps.get_model(label), fields)
            for key, (label, fields) in MODEL_TABLES.items()}


def _pick(rng: random.Random, weighted: tuple) -> object:
    r = rng.random() * 100
    for value, weight in weighted:
        r -= weight
        if r < 0:
            return value
    return weighted[-1][0]


@dataclass
class Org:
    id: int
    sector: str
    professional: int
    coordinator: int


@dataclass
class Place:
    """A municipality with its local organisations and those of its region."""

    code: str
    pc4: tuple[int, int]
    local: dict[str, list[Org]]
    regional: dict[str, list[Org]]

    def one(self, rng: random.Random, sector: str) -> Org:
        pool = self.local.get(sector) or self.regional[sector]
        return pool[0] if len(pool) == 1 else rng.choice(pool)


@dataclass
class Period:
    t: int
    org: Org | None
    basis: str
    how: str
    event: int
    minute: int = 0


@dataclass
class ChildState:
    id: int
    age: int                      # days old on the bench day
    r: int                        # risk opened t days ago
    opener: Org
    open_event: int
    periods: list[Period] = field(default_factory=list)
    involved: dict[int, Org] = field(default_factory=dict)     # open involvement by org id
    signalled: dict[int, tuple[int, int | None]] = field(default_factory=dict)
    factors: list[tuple[str, str, Org]] = field(default_factory=list)


class Drawn(NamedTuple):
    """One family as :meth:`Population.draw_family` drew it (person ids and day counts)."""

    place: Place
    k: int
    kind: str
    ages: list[int]
    mother: int
    father: int | None
    partner: int | None
    kids: list[int]
    separated_t: int | None
    joined_t: int | None


class Population:
    """Draws the population and writes it to ``emit`` chunk by chunk."""

    CHUNK_FAMILIES = 4000

    def __init__(self, *, children: int, seed: int, as_of: date, places: list[Place],
                 first_ids: dict[str, int], table_names: dict[str, str],
                 subjects: bool = False):
        self.children = children
        self.subjects = subjects
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.places = places
        self.ids = {key: first_ids[table_names[key]] for key in MODEL_TABLES}
        self.chunk: dict[str, list[tuple]] = {k: [] for k in MODEL_TABLES}
        self._dates: list[date] = [as_of - timedelta(days=n) for n in range(0, 100 * 366)]
        base = datetime(as_of.year, as_of.month, as_of.day, 9, 0, tzinfo=UTC)
        self._base = base
        self._moments: dict[int, datetime] = {}
        self._bsn = 100_000_000 // 10
        self.counts: dict[str, int] = {k: 0 for k in MODEL_TABLES}
        self.made_children = 0
        self.families = 0
        #: this family's open involvements ((org, person) -> row) and active signals
        self._inv: dict[tuple[int, int], list] = {}
        self._ended_inv: list[list] = []
        self._active_sig: set[tuple[int, int]] = set()

    # --- small helpers ---------------------------------------------------------------------------

    def d(self, t: int) -> date:
        return self._dates[t]

    def at(self, t: int, minute: int = 0) -> datetime:
        key = t * 100 + minute
        moment = self._moments.get(key)
        if moment is None:
            moment = self._moments[key] = self._base - timedelta(days=t, minutes=-minute)
        return moment

    def new(self, key: str) -> int:
        i = self.ids[key]
        self.ids[key] = i + 1
        return i

    def put(self, key: str, row: tuple) -> None:
        self.chunk[key].append(row)

    def event(self, kind: str, t: int, org: Org | None, obj: str, obj_id: int | None,
              person: int, minute: int = 0) -> int:
        """One domain event per recorded fact, as ``record()`` writes it, with an empty
        payload; its subject row only with ``subjects`` (no rule reads them)."""
        eid = self.new("event")
        moment = self.at(t, minute)
        self.put("event", (eid, kind, moment, self.d(t), moment,
                           org.professional if org else None, org.id if org else None,
                           "professional" if org else "system", obj, obj_id, {}))
        if self.subjects:
            self.put("subject", (self.new("subject"), eid, person))
        return eid

    def bsn(self) -> str:
        """The next valid BSN (11-proef) of the bench's own range."""
        while True:
            self._bsn += 1
            digits = f"{self._bsn:08d}"
            total = sum(int(c) * w for c, w in zip(digits, range(9, 1, -1), strict=True))
            check = total % 11
            if check < 10:
                return f"{digits}{check}"

    def person(self, age_days: int, family: str) -> int:
        pid = self.new("person")
        rng = self.rng
        self.put("person", (pid, self.bsn(), rng.choice(GIVEN), family,
                            self.d(age_days), "", self.at(min(age_days, 3000))))
        return pid

    # --- the run ----------------------------------------------------------------------------------

    def generate(self, emit: Callable[[dict[str, list[tuple]]], None],
                 progress: Callable[[int, int], None] | None = None) -> None:
        n = 0
        while self.made_children < self.children:
            self.family()
            n += 1
            if n % self.CHUNK_FAMILIES == 0:
                self._flush(emit)
                if progress:
                    progress(self.made_children, self.children)
        self._flush(emit)
        if progress:
            progress(self.made_children, self.children)

    def _flush(self, emit) -> None:
        for k, rows in self.chunk.items():
            self.counts[k] += len(rows)
        emit(self.chunk)
        self.chunk = {k: [] for k in MODEL_TABLES}

    # --- a family ---------------------------------------------------------------------------------

    def draw_family(self, oldest: tuple[int, int], youngest: int) -> Drawn:
        """One family's people and relations, drawn in a fixed order (so a seed gives the same
        population): a place, the number of children, the kind of family, the name; the
        oldest child's age in days within ``oldest``, each next one 1.5 to 4 years younger but
        at least ``youngest`` days old; the mother, the father (together or separated), a new
        partner (blended); then the parent, partner and separation relations. Both benches'
        populations are drawn by it; they differ only in the children's ages."""
        rng = self.rng
        place = rng.choice(self.places)
        k = min(_pick(rng, SIBLINGS), self.children - self.made_children)
        kind = _pick(rng, FAMILY_KINDS)
        name = rng.choice(FAMILY)
        ages = [rng.randint(*oldest)]
        for _ in range(k - 1):
            ages.append(max(youngest, ages[-1] - rng.randint(540, 1460)))
        mother_age = ages[0] + rng.randint(20 * 365, 38 * 365)
        father_age = mother_age + rng.randint(-3 * 365, 8 * 365)
        mother = self.person(mother_age, name)
        father = self.person(father_age, name) if kind in ("together", "separated") else None
        partner = self.person(mother_age + rng.randint(-5 * 365, 10 * 365), rng.choice(FAMILY)) \
            if kind == "blended" else None
        kids = [self.person(a, name) for a in ages]
        self.made_children += k

        for parent in (mother, father):
            if parent is None:
                continue
            for kid, age in zip(kids, ages, strict=True):
                self.put("relation", (self.new("relation"), parent, "parent_of", kid,
                                      self.d(age), None))
        separated_t = rng.randint(30, max(31, ages[-1] - 1)) if kind == "separated" else None
        if father is not None:
            since = ages[0] + rng.randint(200, 2000)
            self.put("relation", (self.new("relation"), mother, "partner_of", father,
                                  self.d(since), self.d(separated_t) if separated_t else None))
        joined_t = rng.randint(20, 1500) if partner is not None else None
        if partner is not None:
            self.put("relation", (self.new("relation"), mother, "partner_of", partner,
                                  self.d(joined_t), None))
        return Drawn(place, k, kind, ages, mother, father, partner, kids, separated_t, joined_t)

    def family(self) -> None:
        rng = self.rng
        self.families += 1
        self._inv, self._ended_inv, self._active_sig = {}, [], set()
        # children: the oldest up to 17.8 years, each next one 1.5 to 4 years younger
        place, k, kind, ages, mother, father, partner, kids, separated_t, joined_t = \
            self.draw_family((60, 6500), 40)

        # households, memberships, addresses
        home = self.new("household")
        home_since = ages[0] + rng.randint(0, 700)
        self.put("household", (home, "", self.at(min(home_since, 3000))))
        members = [(mother, home_since, None)] + [(kid, age, None)
                                                  for kid, age in zip(kids, ages, strict=True)]
        if father is not None:
            members.append((father, home_since, separated_t))
        if partner is not None:
            members.append((partner, joined_t, None))
        for pid, since, left in members:
            self.put("membership", (self.new("membership"), home, pid, self.d(since),
                                    self.d(left) if left else None))
        moves = self._addresses(home, place)
        if separated_t is not None:
            own = self.new("household")
            self.put("household", (own, "", self.at(separated_t)))
            self.put("membership", (self.new("membership"), own, father, self.d(separated_t),
                                    None))
            self._address(own, rng.choice(self.places), None, None)

        # the family's risk, opened by one fact
        r_fam = rng.randint(2, min(1000, ages[0] - 1))
        open_kind = _pick(rng, OPENERS)
        oldest = kids[0]
        if open_kind == "parent_signal":
            opener = place.one(rng, rng.choice(("adult_mental_health", "addiction_care",
                                                "probation")))
            parent = father if father is not None and rng.random() < 0.4 else mother
            self._involvement(parent, opener, r_fam + rng.randint(30, 400), "volwassenenzorg")
            open_event = self._signal(parent, opener, r_fam)
        else:
            opener = self._opener(place, open_kind, ages[0])
            open_event = self._opening_fact(open_kind, oldest, opener, place, r_fam)

        states = []
        for kid, age in zip(kids, ages, strict=True):
            if age - 1 < r_fam:   # born after the family's risk opened
                r = max(1, age - rng.randint(1, 30))
                org = place.one(rng, "youth_health")
                ev = self._concern(kid, org, place, r, kind="observation")
                st = ChildState(kid, age, r, org, ev)
            else:
                st = ChildState(kid, age, r_fam, opener, open_event)
            states.append(st)
            self.child(st, place, mother, father)

        # family-level facts
        self._life_events(home, ages, mother, separated_t, joined_t, moves, place)
        if rng.random() < P_PARENT_ADULT_CARE:
            self._adult_care(mother if father is None or rng.random() < 0.6 else father,
                             place, states)
        if rng.random() < P_PLAN:
            self._plan(home, states, place)
        for row in [*self._inv.values(), *self._ended_inv]:
            self.put("involvement", tuple(row))

    def _addresses(self, home: int, place: Place) -> list[int]:
        rng = self.rng
        moves: list[int] = []
        if rng.random() < P_MOVED_OFTEN:
            first = rng.randint(60, 700)
            moves = sorted([first, rng.randint(30, first - 10), rng.randint(10, 25)],
                           reverse=True)
        elif rng.random() < P_MOVED:
            moves = [rng.randint(10, 1000)]
        if not moves:
            self._address(home, place, None, None)
            return moves
        self._address(home, rng.choice(self.places), None, self.d(moves[0] + 1))
        for i, t in enumerate(moves):
            end = self.d(moves[i + 1] + 1) if i + 1 < len(moves) else None
            self._address(home, place if end is None else rng.choice(self.places), self.d(t),
                          end)
        return moves

    def _address(self, hh: int, place: Place, since: date | None, until: date | None) -> None:
        rng = self.rng
        pc = f"{rng.randint(*place.pc4)}{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}" \
             f"{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}"
        self.put("address", (self.new("address"), hh, place.code, pc, since, until))

    def _opener(self, place: Place, kind: str, oldest_age: int) -> Org:
        rng = self.rng
        if kind == "report":
            return place.one(rng, rng.choice(("police", "gp", "hospital")))
        if kind == "assessment":
            return place.one(rng, rng.choice(("district_team", "safe_at_home")))
        if oldest_age > 4 * 365:
            return place.one(rng, rng.choice(("school", "district_team", "school")))
        return place.one(rng, rng.choice(("youth_health", "district_team")))

    def _opening_fact(self, kind: str, child: int, org: Org, place: Place, t: int) -> int:
        if kind == "concern":
            return self._concern(child, org, place, t)
        if kind == "signal":
            return self._signal(child, org, t)
        if kind == "assessment":
            return self._assessment(child, org, place, t, opening=True)
        return self._report(child, org, place, t, None, own=True)

    # --- one child -------------------------------------------------------------------------------

    def child(self, st: ChildState, place: Place, mother: int, father: int | None) -> None:
        rng = self.rng
        if rng.random() < P_EARLIER_RISK and st.age - st.r > 200:
            self._earlier_risk(st, place)
        self.put("risk", (self.new("risk"), self.at(st.r, 1), self.d(st.r), st.open_event,
                          st.id, st.opener.id, None, None, ""))
        self.event("risk_opened", st.r, st.opener, "", None, st.id, minute=1)
        self._responsibility(st, place)
        self._extra_involvement(st, place)
        for _ in range(_pick(rng, EXTRA_CONCERNS)):
            t = rng.randint(1, st.r)
            self._concern(st.id, self._any_involved(st, place), place, t)
        for t in sorted((rng.randint(1, st.r) for _ in range(_pick(rng, ASSESSMENTS))),
                        reverse=True):   # the last one drawn is the latest: its factors travel
            self._assessment(st.id, self._assessor(st, place), place, t, st=st)
        self._extra_handovers(st, place)
        self._child_signals(st, place)
        if rng.random() < P_COOPERATION:
            org = self._holder(st) or st.opener
            days = range(1, max(4, min(st.r, 365)))
            for t in sorted(rng.sample(days, rng.randint(1, 3)), reverse=True):
                cid = self.new("cooperation")
                ev = self.event("cooperation_recorded", t, org, "plans.cooperation", cid, st.id)
                self.put("cooperation", (cid, self.at(t, 5), self.d(t), ev, st.id, org.id,
                                         "parent_declines" if rng.random() < 0.8
                                         else "missed_appointment", "gezinsbegeleiding"))
        if rng.random() < P_SCHOOL_CHANGE and st.age > 5 * 365:
            n = 3 if rng.random() < 0.2 else 1
            for t in sorted(rng.sample(range(1, 700), n), reverse=True):
                self._life_event(st.id, None, "school_change", t, place.one(rng, "school"))

    def _earlier_risk(self, st: ChildState, place: Place) -> None:
        rng = self.rng
        opened = rng.randint(st.r + 60, st.age - 1)
        closed = rng.randint(st.r + 10, opened - 30) if opened - 30 > st.r + 10 else st.r + 5
        org = place.one(rng, "district_team")
        ev = self._concern(st.id, org, place, opened, decided_after=opened - closed,
                           outcome="organise_help")
        rid = self.new("risk")
        self.put("risk", (rid, self.at(opened, 1), self.d(opened), ev, st.id, org.id,
                          self.at(closed, 3), self.d(closed), "safe"))
        close_ev = self._assessment(st.id, org, place, closed, safe=True)
        self.put("period", (self.new("period"), self.at(opened, 1), self.d(opened), ev, st.id,
                            org.id, "", "opened", self.at(closed, 3), self.d(closed),
                            "risk_closed"))
        del close_ev

    def _responsibility(self, st: ChildState, place: Place) -> None:
        """The holder sequence while risk is open: opened, then handovers, takes and gaps in
        date order; each period ends where the next begins (a clean sequence)."""
        rng = self.rng
        moves: list[tuple[int, str]] = []
        if st.r > 3:
            if st.opener.sector in ADULT_SERVICES:
                if rng.random() < P_ADULT_TAKEOVER:
                    moves.append((rng.randint(1, st.r - 1), "take"))
            if rng.random() < P_HANDED_OVER:
                moves.append((rng.randint(1, st.r - 1), "handover"))
            if rng.random() < P_TAKEN:
                moves.append((rng.randint(1, st.r - 1), "take"))
            if rng.random() < P_PROCEDURE:
                moves += self._procedure(st, place)
            if rng.random() < P_RELEASED:
                g = rng.randint(1, st.r - 1)
                moves.append((g, "release"))
                if rng.random() < P_GAP_CLOSED and g > 2:
                    moves.append((rng.randint(1, g - 1), "take"))
        moves.sort(key=lambda m: -m[0])
        periods = [Period(st.r, st.opener, "", "opened", st.open_event, 1)]
        if st.opener.sector not in ADULT_SERVICES:
            self._involvement(st.id, st.opener, st.r, "signalering")
            st.involved[st.opener.id] = st.opener
        for t, what in moves:
            current = periods[-1]
            if what.startswith("take"):
                basis = what.split(":", 1)[1] if ":" in what else "voluntary"
                if what == "take:answer":   # the holder answers a rejection explicitly
                    basis = current.basis or "voluntary"
                    org = current.org or place.one(rng, "district_team")
                elif basis == "supervision_order":
                    org = place.one(rng, "youth_protection")
                else:
                    org = place.one(rng, rng.choice(("district_team", "youth_protection")))
                tid = self.new("taking")
                ev = self.event("responsibility_taken", t, org, "continuity.responsibilitytaking",
                                tid, st.id, minute=20)
                self.put("taking", (tid, self.at(t, 20), self.d(t), ev, st.id, org.id, basis))
                if current.org is not None and current.org.id == org.id:
                    continue
                periods.append(Period(t, org, basis, "taken", ev, 20))
                self._involvement(st.id, org, t, "regie")
                st.involved[org.id] = org
            elif what == "handover":
                if current.org is None:
                    continue
                receiver = self._other(place, current.org, YOUTH_SUCCESSORS)
                ev = self._handover(st, current.org, receiver, "confirmed", t,
                                    offered=min(current.t, t + rng.randint(2, 25)))
                periods.append(Period(t, receiver, current.basis, "handover", ev, 30))
                self._involvement(st.id, receiver, t, "vervolghulp")
                st.involved[receiver.id] = receiver
                if rng.random() < 0.6 and t > 2:
                    self._end_involvement(st, current.org, rng.randint(1, t - 1), holds=False)
            elif what == "release":
                if current.org is None:
                    continue
                ev = self._end_involvement(st, current.org, t, holds=True, minute=40)
                periods.append(Period(t, None, "", "released", ev, 40))
        for i, p in enumerate(periods):
            end = periods[i + 1] if i + 1 < len(periods) else None
            self.put("period", (self.new("period"), self.at(p.t, p.minute), self.d(p.t), p.event,
                                st.id, p.org.id if p.org else None, p.basis, p.how,
                                self.at(end.t, end.minute) if end else None,
                                self.d(end.t) if end else None,
                                {"taken": "taken_over", "handover": "handed_over",
                                 "released": "released"}[end.how] if end else ""))
        st.periods = periods

    def _holder(self, st: ChildState) -> Org | None:
        return st.periods[-1].org if st.periods else st.opener

    def _holder_on(self, st: ChildState, t: int) -> Org | None:
        holder = None
        for p in st.periods:
            if p.t >= t:
                holder = p.org
        return holder

    def _procedure(self, st: ChildState, place: Place) -> list[tuple[int, str]]:
        """A request to the Raad, its decision, and maybe the court's: returns the explicit
        takes they cause (the GI after a supervision order, an answer to a rejection)."""
        rng = self.rng
        q = rng.randint(2, st.r)
        requester = place.one(rng, rng.choice(("safe_at_home", "district_team")))
        req = self._request(st.id, "investigation", requester, "child_protection_board", q)
        raad = place.one(rng, "child_protection_board")
        dt = q - rng.randint(20, 90)
        if dt < 1:
            return []
        decision = _pick(rng, (("measure_requested", 55), ("no_measure", 25),
                               ("investigation_declined", 20)))
        self._decision(st.id, req, decision, raad, dt)
        if decision == "measure_requested":
            req2 = self._request(st.id, "supervision_order", raad, "juvenile_court", dt)
            ct = dt - rng.randint(14, 60)
            if ct < 1:
                return []
            granted = rng.random() < 0.8
            self._decision(st.id, req2, "supervision_granted" if granted
                           else "supervision_rejected", place.one(rng, "juvenile_court"), ct)
            if granted:
                return [(max(1, ct - rng.randint(1, 5)), "take:supervision_order")] if ct > 1 \
                    else []
            dt = ct
        if rng.random() < P_REJECTION_ANSWERED and dt > 1:
            return [(max(1, dt - rng.randint(1, 14)), "take:answer")]
        return []

    def _request(self, child: int, kind: str, org: Org, addressee: str, t: int) -> int:
        rid = self.new("request")
        ev = self.event("request_made", t, org, "continuity.request", rid, child, minute=50)
        self.put("request", (rid, self.at(t, 50), self.d(t), ev, child, kind, org.id, addressee,
                             "Zorgen over de veiligheid thuis."))
        return rid

    def _decision(self, child: int, request: int, decision: str, org: Org, t: int) -> None:
        did = self.new("decision")
        ev = self.event("decision_recorded", t, org, "continuity.decision", did, child, minute=55)
        self.put("decision", (did, self.at(t, 55), self.d(t), ev, child, request, decision,
                              org.id, "Motivering van het besluit."))

    def _other(self, place: Place, not_org: Org, sectors: tuple[str, ...]) -> Org:
        for _ in range(10):
            org = place.one(self.rng, self.rng.choice(sectors))
            if org.id != not_org.id:
                return org
        return place.one(self.rng, "youth_care") if not_org.sector != "youth_care" \
            else place.one(self.rng, "district_team")

    # --- involvement ------------------------------------------------------------------------------

    def _involvement(self, person: int, org: Org, t: int, service: str,
                     intensive: bool = False) -> list | None:
        """Open involvement of ``org`` with ``person`` from ``t`` (at most one open per pair,
        as the database demands); the row is written when the family is done, so a later end
        can still close it."""
        key = (org.id, person)
        if key in self._inv:
            return None
        iid = self.new("involvement")
        ev = self.event("involvement_started", t, org, "continuity.involvement", iid, person,
                        minute=2)
        row = [iid, self.at(t, 2), self.d(t), ev, org.id, person, org.professional, service,
               intensive, None, None, "", "", None]
        self._inv[key] = row
        return row

    def _end_involvement(self, st: ChildState, org: Org, t: int, *, holds: bool,
                         minute: int = 45) -> int:
        """``involvement_end``: the end fact (what C2, C4 and R3 judge) and the involvement
        row closed with it."""
        rng = self.rng
        row = self._inv.pop((org.id, st.id), None)
        intensive = bool(row and row[8])
        aftercare = "" if intensive and rng.random() < P_NO_AFTERCARE else \
            ("Nazorg: drie maanden contact met het gezin." if intensive else "")
        eid = self.new("involvement_end")
        ev = self.event("involvement_ended", t, org, "continuity.involvementend", eid, st.id,
                        minute=minute)
        self.put("involvement_end", (eid, self.at(t, minute), self.d(t), ev, st.id, org.id, True,
                                     holds, intensive, aftercare, "Traject afgerond."))
        if row is not None:
            if row[2] > self.d(t):   # started after this end: keep the involvement open
                self._inv[(org.id, st.id)] = row
            else:
                row[9:14] = [self.at(t, minute), self.d(t), aftercare, "Traject afgerond.", ev]
                self._ended_inv.append(row)
        st.involved.pop(org.id, None)
        return ev

    def _extra_involvement(self, st: ChildState, place: Place) -> None:
        rng = self.rng
        for sector, p in EXTRA_INVOLVEMENT:
            if rng.random() >= p:
                continue
            if sector == "school" and st.age < 4 * 365 or sector == "youth_health" and \
                    st.age > 4 * 365:
                continue
            org = place.one(rng, sector)
            start = rng.randint(1, min(st.age - 1, st.r + 200))
            intensive = sector in ("youth_care", "youth_mental_health") and rng.random() < 0.5
            if self._involvement(st.id, org, start, sector, intensive=intensive) is None:
                continue
            st.involved[org.id] = org
            if rng.random() < P_INVOLVEMENT_ENDED and start > 2 and org.id != getattr(
                    self._holder(st), "id", None):
                self._end_involvement(st, org, rng.randint(1, start - 1), holds=False)

    def _any_involved(self, st: ChildState, place: Place) -> Org:
        rng = self.rng
        if st.involved and rng.random() < 0.5:
            return rng.choice(list(st.involved.values()))
        return place.one(rng, rng.choice(("school", "youth_health", "district_team", "gp",
                                          "police")))

    def _assessor(self, st: ChildState, place: Place) -> Org:
        holder = self._holder(st)
        if holder is not None and holder.sector not in ADULT_SERVICES and self.rng.random() < 0.7:
            return holder
        return place.one(self.rng, self.rng.choice(("district_team", "safe_at_home",
                                                    "youth_protection")))

    # --- handovers --------------------------------------------------------------------------------

    def _handover(self, st: ChildState, sender: Org, receiver: Org, status: str, t: int, *,
                  offered: int) -> int:
        """A handover offered ``offered`` days ago; ``t`` is when it reached ``status``.
        Returns the event that settled it (the confirmation moves responsibility)."""
        rng = self.rng
        hid = self.new("handover")
        on = max(offered, t)
        ev = self.event("handover_offered", on, sender, "continuity.handover", hid, st.id,
                        minute=25)
        accept_t = rng.randint(t, on) if status in ("accepted", "confirmed") else None
        if status == "declined" and rng.random() < 0.3:
            accept_t = rng.randint(t, on)
        acc = self.event("handover_accepted", accept_t, receiver, "continuity.handover", hid,
                         st.id, minute=26) if accept_t else None
        conf = self.event("handover_confirmed", t, receiver, "continuity.handover", hid, st.id,
                          minute=30) if status == "confirmed" else None
        close = self.event(f"handover_{status}", t, receiver if status == "declined" else sender,
                           "continuity.handover", hid, st.id, minute=28) \
            if status in ("declined", "withdrawn") else None
        self.put("handover", (hid, self.at(on, 25), self.d(on), ev, st.id, sender.id, receiver.id,
                              status, self.d(accept_t) if accept_t else None,
                              self.d(t) if conf else None, self.at(t, 30) if conf else None,
                              self.d(t) if status == "declined" else None,
                              self.d(t) if status == "withdrawn" else None,
                              "Past niet bij ons aanbod." if close else "", bool(conf), acc,
                              conf, close))
        for domain, code, _owner in st.factors[:3]:
            self.put("handover_factor", (self.new("handover_factor"), hid, domain, code,
                                         bool(accept_t)))
        return conf or close or ev

    def _extra_handovers(self, st: ChildState, place: Place) -> None:
        rng = self.rng
        holder = self._holder(st)
        if holder is None or st.r < 3:
            return
        for status, p in P_HANDOVER.items():
            if rng.random() >= p:
                continue
            receiver = self._other(place, holder, YOUTH_SUCCESSORS)
            offered = rng.randint(2, min(st.r, 90))
            if status == "offered":
                self._handover(st, holder, receiver, "offered", offered, offered=offered)
            elif status == "accepted":
                self._handover(st, holder, receiver, "accepted", rng.randint(1, offered),
                               offered=offered)
            else:
                closed = max(1, offered - rng.randint(1, 10))
                self._handover(st, holder, receiver, status, closed, offered=offered)
                if status == "declined" and rng.random() < P_DECLINE_FOLLOWED and closed > 1:
                    again = max(1, closed - rng.randint(0, 7))
                    other = self._other(place, holder, YOUTH_SUCCESSORS)
                    self._handover(st, holder, other, "offered", again, offered=again)

    # --- Meldcode ---------------------------------------------------------------------------------

    def _concern(self, child: int, org: Org, place: Place, t: int, *, kind: str | None = None,
                 decided_after: int | None = None, outcome: str | None = None) -> int:
        rng = self.rng
        kind = kind or _pick(rng, CONCERN_KINDS)
        cid = self.new("concern")
        ev = self.event("concern_recorded", t, org, "meldcode.concern", cid, child, minute=3)
        decided = None
        if decided_after is not None:
            decided = t - decided_after
        elif rng.random() < P_CONCERN_DECIDED and t > 3:
            decided = max(1, t - rng.randint(2, 60))
        if decided is not None and outcome is None:
            outcome = _pick(rng, (("organise_help", 50), ("report", 25), ("no_concern", 25)))
        steps = [("map", t, "", {})]
        if rng.random() < (0.8 if kind == "niet_pluis" else 0.5):
            steps.append(("consult", max(decided or 1, t - rng.randint(0, 10)),
                          rng.choice(("colleague", "safe_at_home")), {}))
        if rng.random() < 0.5:
            steps.append(("talk", max(decided or 1, t - rng.randint(1, 20)), "parents", {}))
        weighing = ""
        if decided is not None and rng.random() < 0.6:
            weighing = outcome if rng.random() < 0.9 else "report"
            steps.append(("weigh", decided, "", _answers(weighing)))
        decide_ev = None
        if decided is not None:
            steps.append(("decide", decided, "", {"outcome": outcome}))
        for i, (step, st_t, with_whom, answers) in enumerate(steps):
            sid = self.new("step")
            sev = self.event(f"meldcode_{step}", st_t, org, "meldcode.meldcodestep", sid, child,
                             minute=4 + i)
            self.put("step", (sid, self.at(st_t, 4 + i), self.d(st_t), sev, cid, step,
                              with_whom, answers))
        if decided is not None:
            decide_ev = self.event("concern_decided", decided, org, "meldcode.concern", cid,
                                   child, minute=12)
        self.put("concern", (cid, self.at(t, 3), self.d(t), ev, child, org.id, org.professional,
                             kind, "", weighing, outcome or "",
                             self.at(decided, 12) if decided is not None else None,
                             self.d(decided) if decided is not None else None,
                             "" if weighing in ("", outcome) else "Andere afweging.", decide_ev))
        if outcome == "report":
            self._report(child, org, place, decided, cid,
                         own=kind not in ("second_hand", "non_professional"))
        return ev

    def _report(self, child: int, reporter: Org, place: Place, t: int, concern: int | None, *,
                own: bool) -> int:
        rng = self.rng
        vt = place.one(rng, "safe_at_home")
        rid = self.new("report")
        ev = self.event("report_made", t, reporter, "meldcode.report", rid, child, minute=13)
        status = _pick(rng, (("accepted", 85), ("received", 10), ("declined", 5))) if t > 1 \
            else "received"
        handled = max(1, t - rng.randint(0, 5)) if status != "received" else None
        hev = self.event(f"report_{status}", handled, vt, "meldcode.report", rid, child,
                         minute=14) if handled else None
        self.put("report", (rid, self.at(t, 13), self.d(t), ev, child, reporter.id, vt.id,
                            concern, own, status,
                            ("not_own_observation" if not own else "no_grounds")
                            if status == "declined" else "",
                            self.d(handled) if handled else None, hev))
        return ev

    # --- assessments and factors ------------------------------------------------------------------

    def _assessment(self, child: int, org: Org, place: Place, t: int, *, opening: bool = False,
                    safe: bool = False, st: ChildState | None = None) -> int:
        rng = self.rng
        aid = self.new("assessment")
        ev = self.event("assessment_recorded", t, org, "safety.assessment", aid, child, minute=15)
        if safe:
            safety, risk = "safe", "low"
        else:
            safety = _pick(rng, (("unsafe", 20), ("conditionally_safe", 50), ("safe", 30)))
            risk = _pick(rng, (("low", 15), ("moderate", 40), ("high", 35), ("very_high", 10)))
            if safety == "safe" and risk == "low":
                risk = "moderate"  # the child is at open risk: not (safe and low)
        self.put("assessment", (aid, self.at(t, 15), self.d(t), ev, child, org.id, safety, risk))
        if safe:
            return ev
        codes = rng.sample(_FACTOR_CODES, rng.randint(1, 4))
        chosen = []
        for code in codes:
            owner = org
            if rng.random() < P_FACTOR_OTHER_OWNER:
                sector = specialist_sector(code) or "district_team"
                owner = place.one(rng, sector)
            self.put("factor", (self.new("factor"), aid, FACTORS[code][0], code, owner.id))
            chosen.append((FACTORS[code][0], code, owner))
            if owner.id == org.id:
                self._own(child, code, org, "assessment", t, ev)
            elif rng.random() < P_FACTOR_ACCEPTED and t > 1:
                accept_t = max(1, t - rng.randint(1, 20))
                aev = self.event("factors_accepted", accept_t, owner, "safety.assessment", aid,
                                 child, minute=16)
                self._own(child, code, owner, "accept_factors", accept_t, aev)
        if st is not None:
            st.factors = chosen
        del opening
        return ev

    def _own(self, child: int, code: str, org: Org, via: str, t: int, event: int) -> None:
        self.put("ownership", (self.new("ownership"), self.at(t, 16), self.d(t), event, child,
                               code, org.id, via, None, ""))

    # --- the reference index ---------------------------------------------------------------------

    def _signal(self, person: int, org: Org, t: int, ended: int | None = None) -> int:
        if ended is None:
            self._active_sig.add((org.id, person))
        sid = self.new("signal")
        ev = self.event("signal_registered", t, org, "index.signal", sid, person, minute=6)
        end_ev = self.event("signal_ended", ended, org, "index.signal", sid, person,
                            minute=7) if ended else None
        expires = self.as_of + timedelta(days=2 * 365 - t)
        self.put("signal", (sid, self.at(t, 6), self.d(t), ev, person, org.id, org.professional,
                            "Contact via het team, 030-1234567", expires,
                            self.at(ended, 7) if ended else None,
                            self.d(ended) if ended else None, "withdrawn" if ended else "",
                            end_ev))
        return ev

    def _child_signals(self, st: ChildState, place: Place) -> None:
        rng = self.rng
        if rng.random() >= P_CHILD_SIGNAL:
            return
        orgs = [self._any_involved(st, place)]
        if rng.random() < P_SECOND_SIGNAL:
            other = self._other(place, orgs[0], ("school", "youth_health", "district_team",
                                                 "youth_care", "youth_protection"))
            orgs.append(other)
        starts = []
        for org in orgs:
            if org.id in st.signalled or (org.id, st.id) in self._active_sig:
                continue
            t = rng.randint(1, st.r)
            ended = rng.randint(1, t - 1) if rng.random() < P_SIGNAL_ENDED and t > 2 else None
            self._signal(st.id, org, t, ended)
            st.signalled[org.id] = (t, ended)
            starts.append((t, ended, org))
        if len(starts) == 2:   # a child-level match while both signals are active
            (t1, e1, o1), (t2, e2, o2) = starts
            start = min(t1, t2)
            ends = [e for e in (e1, e2) if e is not None]
            if not any(e >= start for e in ends):
                self._match(st.id, "child", [st.id], [o1, o2], start, max(ends) if ends else None)

    def _match(self, child: int, level: str, persons: list[int], orgs: list[Org], t: int,
               ended: int | None) -> None:
        priority = ("youth_protection", "safe_at_home", "district_team", "youth_care",
                    "youth_mental_health", "youth_health", "school", "social_work")
        proposed = sorted(orgs, key=lambda o: (priority.index(o.sector)
                                               if o.sector in priority else 99, o.id))[0]
        self.put("match", (self.new("match"), self.at(t, 8), self.d(t), None, child, level,
                           sorted(persons), sorted({o.id for o in orgs}), proposed.id,
                           self.d(ended) if ended else None))

    def _adult_care(self, parent: int, place: Place, states: list[ChildState]) -> None:
        """A parent in adult care (P1's situation): involvement, and sometimes a signal on the
        parent — matched at family level with a child's signal — or a share."""
        rng = self.rng
        org = place.one(rng, rng.choice(ADULT_SERVICES))
        t = rng.randint(2, 1000)
        self._involvement(parent, org, t, "volwassenenzorg")
        if rng.random() < P_ADULT_SIGNALS and (org.id, parent) not in self._active_sig:
            st_t = max(1, t - rng.randint(0, 40))
            self._signal(parent, org, st_t)
            for st in states:
                for oid, (ct, ended) in st.signalled.items():
                    if oid != org.id and ended is None:
                        self._match(st.id, "family", [parent, st.id],
                                    [org, Org(oid, "", 0, 0)], min(ct, st_t), None)
                        break
        elif rng.random() < P_ADULT_SHARES and states:
            holder = self._holder(states[0])
            if holder is not None and holder.id != org.id:
                sh_t = max(1, t - rng.randint(0, 30))
                sid = self.new("share")
                ev = self.event("share_made", sh_t, org, "plans.share", sid, parent, minute=9)
                self.put("share", (sid, self.at(sh_t, 9), self.d(sh_t), ev, parent, org.id,
                                   holder.id, "Behandeling ouder en gevolgen voor de kinderen.",
                                   "consent"))

    # --- life events and plans --------------------------------------------------------------------

    def _life_event(self, person: int | None, household: int | None, kind: str, t: int,
                    org: Org | None, derived: bool = False, subject: int | None = None) -> None:
        lid = self.new("life_event")
        ev = self.event("life_event_recorded", t, org, "safety.lifeevent", lid,
                        person or subject or 0, minute=10)
        self.put("life_event", (lid, self.at(t, 10), self.d(t), ev, person, household, kind,
                                derived, org.id if org else None))

    def _life_events(self, home: int, ages: list[int], mother: int, separated_t: int | None,
                     joined_t: int | None, moves: list[int], place: Place) -> None:
        rng = self.rng
        for t in moves:
            self._life_event(None, home, "moved", t, None, derived=True, subject=mother)
        if separated_t is not None and separated_t < 1500:
            self._life_event(None, home, "partner_left", separated_t, None, derived=True,
                             subject=mother)
        if joined_t is not None:
            self._life_event(None, home, "new_partner", joined_t, None, derived=True,
                             subject=mother)
        if ages[-1] < 1000 and rng.random() < 0.5:
            self._life_event(None, home, "birth", ages[-1], place.one(rng, "youth_health"),
                             subject=mother)
        if rng.random() < P_PARENT_LIFE_EVENT:
            self._life_event(mother, None, rng.choice(("job_loss", "mental_health_treatment",
                                                       "addiction", "eviction",
                                                       "detention_release")),
                             rng.randint(1, 700), place.one(rng, "district_team"))

    def _plan(self, home: int, states: list[ChildState], place: Place) -> None:
        rng = self.rng
        first = states[0]
        coordinator = self._holder(first) or place.one(rng, "district_team")
        if coordinator.sector in ADULT_SERVICES:
            coordinator = place.one(rng, "district_team")
        t = rng.randint(1, max(1, min(s.r for s in states)))
        replaced = rng.random() < 0.1 and t > 30
        plans = [(t, rng.randint(1, t - 1) if replaced else None)]
        if replaced:
            plans.append((plans[0][1], None))
        for pt, replaced_t in plans:
            pid = self.new("plan")
            ev = self.event("plan_made", pt, coordinator, "plans.familyplan", pid, first.id,
                            minute=11)
            self.put("plan", (pid, self.at(pt, 11), self.d(pt), ev, None, home, coordinator.id,
                              self.d(replaced_t) if replaced_t else None))
            for _ in range(rng.randint(1, 3)):
                self._goal(pid, ev, coordinator, pt, place, first.id)

    def _goal(self, plan: int, event: int, coordinator: Org, t: int, place: Place,
              child: int) -> None:
        rng = self.rng
        gid = self.new("goal")
        due_t = t - rng.randint(30, 180)          # negative: due after the bench day
        status, status_t, new_due_t = "open", None, None
        if due_t > 0:
            status = _pick(rng, (("met", 40), ("missed", 15), ("postponed", 25), ("open", 20)))
            if status != "open":
                status_t = max(1, due_t - rng.randint(-5, 10)) if due_t > 5 else due_t
                status_t = min(status_t, t)
                if status == "postponed":
                    new_due_t = status_t - rng.randint(30, 90)
        due = self.as_of - timedelta(days=new_due_t if new_due_t is not None else due_t)
        original = self.as_of - timedelta(days=due_t)
        owner = coordinator if rng.random() < 0.7 else place.one(rng, "youth_care")
        self.put("goal", (gid, self.at(t, 11), self.d(t), event, plan, "Veilige opvoedsituatie",
                          owner.id, due, original, status,
                          self.d(status_t) if status_t else None))
        if status_t:
            uid = self.new("goal_update")
            ev = self.event("goal_updated", status_t, owner, "plans.goalupdate", uid, child,
                            minute=12)
            self.put("goal_update", (uid, self.at(status_t, 12), self.d(status_t), ev, gid,
                                     status, due if new_due_t is not None else None))


_FACTOR_CODES = sorted(FACTORS)


def _answers(outcome: str) -> dict[str, bool]:
    """Afwegingskader answers that lead to ``outcome``."""
    if outcome == "no_concern":
        return {"q1": False, "q2": False, "q3": True, "q4": True, "q5": True}
    if outcome == "report":
        return {"q1": True, "q2": True, "q3": True, "q4": True, "q5": True}
    return {"q1": True, "q2": False, "q3": True, "q4": True, "q5": True}


def iter_rows_count(counts: dict[str, int]) -> Iterator[tuple[str, int]]:
    yield from sorted(counts.items(), key=lambda kv: -kv[1])


def build_places(seed: int) -> list[Place]:
    """The country's organisations (bulk-created: a few thousand rows), a coordinator and a
    professional each, grouped per municipality of ``people.Municipality`` and its region."""
    from kindzicht.people.data import by_code
    from kindzicht.people.models import Municipality, Organisation, Professional

    rng = random.Random(seed ^ 0x0265)
    munis = list(Municipality.objects.order_by("code").values_list("code", "name", "region_id"))
    if not munis:
        from kindzicht.people.data import load_municipalities

        load_municipalities()
        munis = list(Municipality.objects.order_by("code").values_list("code", "name",
                                                                       "region_id"))
    pc = by_code()
    region_names = {}
    planned: list[tuple[str, object, Organisation]] = []   # (scope, key, org)
    for code, name, region in munis:
        for sector, n in PER_MUNICIPALITY:
            for i in range(n):
                planned.append(("m", code, Organisation(
                    name=f"{sector.replace('_', ' ').title()} {name}"
                         f"{' ' + str(i + 1) if n > 1 else ''}",
                    sector=sector, municipality_code=code, email="bench@example.org")))
        region_names.setdefault(region, name)
    for region, centre in region_names.items():
        for sector, n in PER_REGION:
            for i in range(n):
                planned.append(("r", region, Organisation(
                    name=f"{sector.replace('_', ' ').title()} regio {centre}"
                         f"{' ' + str(i + 1) if n > 1 else ''}",
                    sector=sector, email="bench@example.org")))
    orgs = Organisation.objects.bulk_create([o for _, _, o in planned])
    if orgs and orgs[0].pk is None:   # SQLite before 3.35 gives no ids back
        orgs = list(Organisation.objects.filter(email="bench@example.org").order_by("pk"))
    pros = []
    for o in orgs:
        for role in ("coordinator", "professional"):
            pros.append(Professional(username=f"bench-{role[:5]}-{o.pk}", password="!",
                                     organisation=o, role=role, first_name="Bench",
                                     last_name=role.title()))
    pros = Professional.objects.bulk_create(pros)
    if pros and pros[0].pk is None:
        pros = list(Professional.objects.filter(username__startswith="bench-").order_by("pk"))
    by_org: dict[int, dict[str, int]] = {}
    for p in pros:
        by_org.setdefault(p.organisation_id, {})[p.role] = p.pk
    local: dict[str, dict[str, list[Org]]] = {}
    regional: dict[object, dict[str, list[Org]]] = {}
    for (scope, key, _), o in zip(planned, orgs, strict=True):
        org = Org(o.pk, o.sector, by_org[o.pk]["professional"], by_org[o.pk]["coordinator"])
        target = local.setdefault(key, {}) if scope == "m" else regional.setdefault(key, {})
        target.setdefault(o.sector, []).append(org)
    del rng
    places = []
    for code, _name, region in munis:
        row = pc.get(code)
        places.append(Place(code, (row.pc4_from, row.pc4_to) if row else (1000, 9999),
                            local[code], regional[region]))
    return places
