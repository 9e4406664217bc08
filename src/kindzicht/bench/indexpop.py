"""The reference index's national population (``kindzicht bench index``): young people aged
0–23 with their parents, step-parents and households, and the active signals on them and on
their parents — with the matches and the open risk those signals made, so that a registration
measured afterwards meets the state the services would have left.

It reuses the sweep's machinery (:class:`population.Population`'s ids, BSNs, dates and chunked
emitting; :func:`population.build_places`' organisations; the COPY loader) and only draws
lighter families: no meldcode, assessment or handover history, which the index never reads.

Proportions (docs/benchmarks.md): the family kinds and sibling counts of the sweep population,
the oldest young person 0–23 years; a young adult (18+) lives on their own in one case of two.
Signals are concentrated in families (an organisation rarely signals alone on a family at
concern): a share of the families — set so that ``signals`` are drawn for ``young`` young
people — has one to four signals by distinct organisations of the authorised sectors, on the
young people (80 %) and on the parents (20 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from .population import SIBLINGS, Org, Place, Population, _pick

#: signals per family at concern (weights in %) — mean 1.75
SIGNALS_PER_FAMILY = ((1, 50), (2, 30), (3, 15), (4, 5))
MEAN_SIGNALS = sum(n * w for n, w in SIGNALS_PER_FAMILY) / 100
#: young people per family: the sweep's sibling weights
MEAN_YOUNG = sum(n * w for n, w in SIBLINGS) / 100
P_ON_PARENT = 0.20
P_OWN_HOME = 0.5               # a young adult (18–23) in a household of their own
#: who signals on a young person, by sector (the authorised sectors a family meets most)
YOUNG_SECTORS = ("district_team", "youth_health", "school", "school", "youth_care",
                 "youth_protection", "youth_mental_health", "safe_at_home", "gp",
                 "attendance_officer", "police")
ADULT_SECTORS = ("adult_mental_health", "addiction_care", "probation", "debt_counselling",
                 "social_work", "district_team", "housing")
CHILD_DAYS = 18 * 365 + 4


@dataclass
class Candidate:
    """A person of a family with signals on whom a registration can be measured."""

    person: int
    adult: bool
    place: str  # municipality code
    signalled_by: tuple[int, ...]


class IndexPopulation(Population):
    """Families of young people 0–23 until ``children`` young people are drawn."""

    def __init__(self, *, signals: int, **kwargs):
        super().__init__(**kwargs)
        families = max(1.0, self.children / MEAN_YOUNG)
        self.p_signalled = min(1.0, signals / (families * MEAN_SIGNALS))
        self.signals_made = 0
        self.matches_made = 0
        self.candidates: list[Candidate] = []
        self._seen = 0

    def family(self) -> None:  # noqa: C901 - one family, drawn in order
        rng = self.rng
        self.families += 1
        # young people from a month to 24 years, each next one 1.5 to 4 years younger
        place, k, kind, ages, mother, father, partner, kids, separated_t, joined_t = \
            self.draw_family((30, 24 * 365 - 30), 20)

        home = self.new("household")
        home_since = ages[0] + rng.randint(0, 700)
        self.put("household", (home, "", self.at(min(home_since, 3000))))
        members = [(mother, home_since, None)]
        for kid, age in zip(kids, ages, strict=True):
            if age >= CHILD_DAYS and rng.random() < P_OWN_HOME:
                left = rng.randint(10, age - CHILD_DAYS + 10)
                members.append((kid, age, left))
                own = self.new("household")
                self.put("household", (own, "", self.at(left)))
                self.put("membership", (self.new("membership"), own, kid, self.d(left), None))
                self._address(own, place, None, None)
            else:
                members.append((kid, age, None))
        if father is not None:
            members.append((father, home_since, separated_t))
        if partner is not None:
            members.append((partner, joined_t, None))
        for pid, since, left in members:
            self.put("membership", (self.new("membership"), home, pid, self.d(since),
                                    self.d(left) if left else None))
        self._address(home, place, None, None)
        if separated_t is not None:
            own = self.new("household")
            self.put("household", (own, "", self.at(separated_t)))
            self.put("membership", (self.new("membership"), own, father, self.d(separated_t),
                                    None))
            self._address(own, rng.choice(self.places), None, None)

        parents = [p for p in (mother, father, partner) if p is not None]
        if rng.random() < self.p_signalled:
            self._signals(place, kids, ages, parents)

    # --- signals, and the matches and open risk they made ------------------------------------

    def _signals(self, place: Place, kids: list[int], ages: list[int],
                 parents: list[int]) -> None:
        rng = self.rng
        n = _pick(rng, SIGNALS_PER_FAMILY)
        on_person: dict[int, list[tuple[Org, int]]] = {}
        used: set[tuple[int, int]] = set()
        for _ in range(n):
            adult = rng.random() < P_ON_PARENT
            person = rng.choice(parents) if adult else rng.choice(kids)
            org = place.one(rng, rng.choice(ADULT_SECTORS if adult else YOUNG_SECTORS))
            if (org.id, person) in used:
                continue
            used.add((org.id, person))
            t = rng.randint(1, 700)
            sid = self.new("signal")
            ev = self.event("signal_registered", t, org, "refindex.signal", sid, person, minute=6)
            self.put("signal", (sid, self.at(t, 6), self.d(t), ev, person, org.id,
                                org.professional, "Contact via het team, 030-1234567",
                                self.as_of + timedelta(days=730 - t),
                                None, None, "", None))
            on_person.setdefault(person, []).append((org, t))
            self.signals_made += 1
        if not on_person:
            return
        first = min(t for sigs in on_person.values() for _o, t in sigs)
        opener = next(o for sigs in on_person.values() for o, t in sigs if t == first)
        family = set(kids) | set(parents)
        for kid, age in zip(kids, ages, strict=True):
            if age >= CHILD_DAYS:
                continue
            t_open = min(first, age - 1) if age > 1 else 0
            self.put("risk", (self.new("risk"), self.at(t_open, 1), self.d(t_open), None, kid,
                              opener.id, None, None, ""))
            self.put("period", (self.new("period"), self.at(t_open, 1), self.d(t_open), None,
                                 kid, opener.id, "", "opened", None, None, ""))
            own = {o.id for o, _t in on_person.get(kid, [])}
            if len(own) >= 2:
                self._match(kid, "child", [kid], own, opener)
            people = sorted(p for p in family if p in on_person)
            orgs = {o.id for p in people for o, _t in on_person[p]}
            if len(people) >= 2 and len(orgs) >= 2:
                self._match(kid, "family", people, orgs, opener)
        self._remember(place, kids, ages, parents, on_person)

    def _match(self, child: int, level: str, people: list[int], orgs: set[int],
               opener: Org) -> None:
        self.put("match", (self.new("match"), self.at(1, 8), self.d(1), None, child, level,
                           sorted(people), sorted(orgs), opener.id, None))
        self.matches_made += 1

    def _remember(self, place: Place, kids: list[int], ages: list[int], parents: list[int],
                  on_person: dict[int, list[tuple[Org, int]]]) -> None:
        """Keep (a reservoir of) the family's other members as registration candidates."""
        signalled = tuple(sorted({o.id for sigs in on_person.values() for o, _t in sigs}))
        minors = any(a < CHILD_DAYS for a in ages)
        for pid, adult in [*((k, a >= 23 * 365) for k, a in zip(kids, ages, strict=True)),
                           *((p, True) for p in parents)]:
            if pid in on_person or (adult and not minors):
                continue  # an adult outside a child's family is out of the index's scope
            self._seen += 1
            cand = Candidate(pid, adult, place.code, signalled)
            if len(self.candidates) < 200_000:
                self.candidates.append(cand)
            else:
                j = self.rng.randrange(self._seen)
                if j < len(self.candidates):
                    self.candidates[j] = cand
