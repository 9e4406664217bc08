"""Deterministic synthetic data: a region's organisations with a login per role, and realistic
Dutch families with a few years of history — two-parent, single-parent, blended (a step-parent
living in, half-siblings here and in another household), separations, a partner who joins and
leaves, a grandparent as guardian, and moves.

Everything is written through the real services (``kindzicht.people.services``), so the data
carries its domain events and audit entries exactly as live use would, and the hooks that keep
open risk, matches and life events up to date run as they would for real.

Generation happens in two phases so that the same seed always gives the same data:

1. :class:`_Planner` draws every fact from ``random.Random(seed)`` and a seeded Faker
   (``nl_NL``) into a list of dated steps — plain data, no database;
2. :func:`_execute` replays those steps in date order on the injectable clock
   (``clock.frozen``), so a partner who moved in three years ago has a membership, an event
   and a derived life event dated three years ago.

:func:`generate` is the one entry point; ``kindzicht seed``, ``kindzicht demo`` and the
benchmarks call it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from faker import Faker

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.security.services import totp_device_provision, totp_secret

from . import services
from .bsn import is_valid_bsn
from .data import MunicipalityRow, load_municipalities, municipality_rows, regions
from .models import Household, Organisation, Person, Professional, Relation, RelationKind, Role

DEMO_PASSWORD = "kindzicht-demo"
DEFAULT_REGION = "Lekstroom"
HISTORY_YEARS = 6
#: Letters of Dutch postcodes (PostNL skips F, I, O, Q, U and Y).
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"

#: Share of each kind of family (the showcase family, number 0, is always blended).
FAMILY_KINDS: tuple[tuple[str, int], ...] = (
    ("two_parent", 40),
    ("single_parent", 20),
    ("blended", 18),
    ("separation", 10),
    ("partner_joins_leaves", 7),
    ("guardian", 5),
)

#: The district court (rechtbank) whose juvenile judges serve a region.
COURTS = {
    "Utrecht": "Midden-Nederland", "Noord-Holland": "Amsterdam", "Rijnmond": "Rotterdam",
    "Haaglanden": "Den Haag", "Zuidoost-Brabant": "Oost-Brabant",
    "Hart van Brabant": "Zeeland-West-Brabant", "West-Brabant-Oost": "Zeeland-West-Brabant",
    "Gelderland": "Gelderland", "Overijssel": "Overijssel", "Groningen": "Noord-Nederland",
    "Limburg": "Limburg",
}
PRIMARY_SCHOOLS = (
    "Basisschool De Regenboog", "OBS De Klimop", "CBS Het Kompas", "Kindcentrum De Vlinder",
    "Basisschool De Wilgen", "IKC De Zonnewijzer", "Daltonschool De Sterrenwacht",
    "Montessorischool De Ontdekking",
)


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    organisation: str
    function: str
    #: The base32 secret of the account's authenticator (the demo enrols one for each login).
    totp_secret: str = ""


@dataclass(frozen=True)
class Showcase:
    """A person worth looking at in the demo, and why."""

    person_id: int
    name: str
    birth_date: date
    note: str


@dataclass
class SeedResult:
    seed: int
    region: str | None
    as_of: date
    families: int = 0
    persons: int = 0
    households: int = 0
    organisations: int = 0
    logins: list[Login] = field(default_factory=list)
    showcase: list[Showcase] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Entry point


def generate(
    families: int,
    seed: int,
    *,
    region: str | None = DEFAULT_REGION,
    as_of: date | None = None,
    password: str = DEMO_PASSWORD,
    with_organisations: bool = True,
    history_years: int = HISTORY_YEARS,
    batch: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> SeedResult:
    """Create ``families`` families (and, once per region, its organisations and logins).

    ``region`` names a youth-care region of ``people/data/municipalities.csv``; ``None``
    spreads the families over every region (national scale). The same ``seed`` and ``as_of``
    give the same people, relations, households and addresses on an empty database.
    ``progress(done, total)`` is called after every batch of steps.
    """
    if families < 0:
        raise ValueError("families must be zero or more")
    all_regions = regions()
    if region is not None and region not in all_regions:
        raise ValueError(f"Unknown region {region!r}; choose one of: {', '.join(all_regions)}.")
    as_of = as_of or clock.today()
    load_municipalities()
    actor = Actor.system("seed")
    result = SeedResult(seed=seed, region=region, as_of=as_of)
    chosen = [region] if region else list(all_regions)
    planner = _Planner(seed, as_of, chosen, history_years)
    plan = planner.plan(families)
    result.families = families
    made: set[int] = set()
    if with_organisations:
        with clock.frozen(planner.start - timedelta(days=1)), transaction.atomic():
            for i, name in enumerate(chosen):
                orgs = _organisations(actor, name, planner.fake, planner.rng)
                made.update(o.pk for group in orgs.values() for o in group)
                if i == 0:
                    result.logins = _logins(actor, orgs, password, planner.fake)
    result.organisations = len(made)
    _avoid_existing_bsns(plan, random.Random(seed ^ 0x5EED))
    created = _execute(plan, actor, batch=batch, progress=progress)
    result.persons = sum(1 for s in plan.steps if s.kind == "person")
    result.households = sum(1 for s in plan.steps if s.kind == "household")
    result.person_ids = [p.pk for p in created.persons.values()]
    for key, note in plan.showcase:
        p = created.persons[key]
        result.showcase.append(Showcase(p.pk, p.name, p.birth_date, note))
    _involve_logins(result)
    return result


def _involve_logins(result: SeedResult) -> None:
    """Need to know: the demo's case logins (school, youth health care, district team) work
    with the showcase children, so that they reach them and their families (docs/access.md);
    every other person stays outside their reach, as in real life."""
    from kindzicht.continuity.services import involvement_start

    case_roles = {str(Role.PROFESSIONAL), str(Role.COORDINATOR)}
    for login in result.logins:
        if login.role not in case_roles:
            continue
        pro = Professional.objects.get(username=login.username)
        for shown in result.showcase:
            person = Person.objects.get(pk=shown.person_id)
            if person.death_date is None:
                involvement_start(Actor.of(pro, purpose="seed"), person=person,
                                  service=login.function)


# --------------------------------------------------------------------------------------------
# Phase 1: the plan


@dataclass
class _Step:
    on: date
    family: int
    seq: int
    kind: str
    data: dict[str, Any]


@dataclass
class _Plan:
    steps: list[_Step] = field(default_factory=list)
    showcase: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _P:
    """A planned person."""

    key: int
    sex: str
    birth: date
    family_name: str
    registered: date


def _years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Planner:
    """Draws families as dated steps. Only this class touches the random streams, always in
    the same order, so the plan is a pure function of (seed, as_of, regions, families)."""

    def __init__(self, seed: int, as_of: date, region_names: list[str], history_years: int):
        self.rng = random.Random(seed)
        self.fake = Faker("nl_NL")
        self.fake.seed_instance(seed)
        self.as_of = as_of
        self.start = _years(as_of, -history_years)
        all_regions = regions()
        self.region_rows = {name: all_regions[name] for name in region_names}
        self.all_rows = list(municipality_rows())
        self.out = _Plan()
        self.family = 0
        self._seq = 0
        self._key = 0
        self._bsns: set[str] = set()
        self._home: dict[str, MunicipalityRow] = {}
        self.region_name = region_names[0]

    # -- primitives -----------------------------------------------------------------------
    def _step(self, on: date, step: str, **data: Any) -> None:
        self._seq += 1
        self.out.steps.append(_Step(on, self.family, self._seq, step, data))

    def days(self, a: int, b: int) -> timedelta:
        return timedelta(days=self.rng.randint(a, b))

    def bsn(self) -> str:
        while True:
            digits = [self.rng.randint(0, 9) for _ in range(8)]
            if digits[0] == 0 and digits[1] == 0:
                continue
            total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
            check = total % 11
            if check == 10:
                continue
            value = "".join(map(str, digits)) + str(check)
            if value not in self._bsns and is_valid_bsn(value):
                self._bsns.add(value)
                return value

    def postcode(self, row: MunicipalityRow) -> str:
        letters = self.rng.choice(POSTCODE_LETTERS) + self.rng.choice(POSTCODE_LETTERS)
        return f"{self.rng.randint(row.pc4_from, row.pc4_to)}{letters}"

    def person(self, sex: str, birth: date, family_name: str, registered: date,
               place: MunicipalityRow) -> _P:
        self._key += 1
        given = self.fake.first_name_female() if sex == "f" else self.fake.first_name_male()
        bsn = self.bsn() if self.rng.random() < 0.96 else None
        registered = max(registered, birth)
        self._step(registered, "person", key=self._key, given_name=given,
                   family_name=family_name, birth_date=birth, bsn=bsn, place=place.name)
        return _P(self._key, sex, birth, family_name, registered)

    def relation(self, a: _P, kind: str, b: _P, valid_from: date | None,
                 valid_to: date | None = None, on: date | None = None) -> int:
        self._key += 1
        on = max(a.registered, b.registered, on or a.registered)
        self._step(on, "relation", key=self._key, person=a.key, kind=kind, other=b.key,
                   valid_from=valid_from, valid_to=valid_to)
        return self._key

    def parents(self, child: _P, *parents: _P) -> None:
        for p in parents:
            self.relation(p, RelationKind.PARENT_OF, child, child.birth)

    def household(self, members: list[_P], row: MunicipalityRow, on: date) -> int:
        assert all(m.registered <= on for m in members), "a member is not registered yet"
        self._key += 1
        self._home[str(self._key)] = row
        self._step(on, "household", key=self._key, members=[m.key for m in members],
                   municipality_code=row.code, postcode=self.postcode(row))
        return self._key

    def join(self, household: int, p: _P, on: date) -> None:
        self._step(on, "join", household=household, person=p.key)

    def leave(self, household: int, p: _P, on: date) -> None:
        self._step(on, "leave", household=household, person=p.key)

    def end_relation(self, relation: int, on: date) -> None:
        self._step(on, "relation_end", relation=relation, ends=on)

    def born(self, birth: date, family_name: str, household: int, row: MunicipalityRow,
             *parents: _P) -> _P:
        """A child born inside the window: registered, related and joined on its birth day."""
        child = self.person(self.rng.choice("fm"), birth, family_name, birth, row)
        self.parents(child, *parents)
        self.join(household, child, birth)
        return child

    # -- places -----------------------------------------------------------------------------
    def home_row(self) -> MunicipalityRow:
        """Most families live in the region's centre, the others spread over the region."""
        rows = self.region_rows[self.region_name]
        weights = [4] + [1] * (len(rows) - 1)
        return self.rng.choices(rows, weights=weights)[0]

    def elsewhere(self, row: MunicipalityRow) -> MunicipalityRow:
        """Where an ex-partner or relative lives: usually the same region, sometimes not."""
        if self.rng.random() < 0.7:
            return self.rng.choice(self.region_rows[row.region])
        return self.rng.choice(self.all_rows)

    def moves(self, household: int, row: MunicipalityRow, after: date) -> None:
        """0–3 moves; three moves always fall within 24 months (findings.md R2 prompts)."""
        n = self.rng.choices([0, 1, 2, 3], weights=[55, 27, 12, 6])[0]
        first, last = after + timedelta(days=30), self.as_of - timedelta(days=5)
        if n == 0 or (last - first).days < 800:
            return
        if n == 3:
            base = first + self.days(0, (last - first).days - 720)
            dates = [base + timedelta(days=d) for d in sorted(self.rng.sample(range(0, 700), 3))]
        else:
            dates = sorted(first + timedelta(days=d)
                           for d in self.rng.sample(range(0, (last - first).days), n))
        for on in dates:
            roll = self.rng.random()
            if roll < 0.7:
                dest = row
            elif roll < 0.92:
                dest = self.rng.choice(self.region_rows.get(row.region, [row]))
            else:
                dest = self.rng.choice(self.all_rows)
            self._step(on, "move", household=household, municipality_code=dest.code,
                       postcode=self.postcode(dest))
            row = dest

    # -- families ----------------------------------------------------------------------------
    def plan(self, families: int) -> _Plan:
        names = list(self.region_rows)
        for i in range(families):
            self.family = i
            if len(names) > 1:
                self.region_name = self.rng.choice(names)
            if i == 0:
                kind = "blended"
            else:
                kind = self.rng.choices([k for k, _ in FAMILY_KINDS],
                                        weights=[w for _, w in FAMILY_KINDS])[0]
            getattr(self, f"_{kind}")(showcase=i == 0)
        return self.out

    def _registered(self) -> date:
        """The day the family's records begin (the start of the history window)."""
        return self.start + self.days(0, 90)

    def _kids_births(self, mother_birth: date, n: int, last_before: date) -> list[date]:
        """Birth dates of ``n`` children, the youngest before ``last_before``, all under 18."""
        youngest = last_before - self.days(30, 900)
        births = [youngest]
        for _ in range(n - 1):
            births.append(births[-1] - self.days(500, 1800))
        too_old = _years(self.as_of, -17)
        births = [b for b in births if b > too_old and b > _years(mother_birth, 19)] or [youngest]
        return sorted(births)

    def _two_parent(self, showcase: bool = False) -> None:
        reg, row = self._registered(), self.home_row()
        n = self.rng.choices([1, 2, 3, 4], weights=[30, 40, 20, 10])[0]
        youngest_before = self.as_of - self.days(20, 2400)
        mother_birth = youngest_before - timedelta(days=365 * self.rng.randint(24, 40))
        kid_births = self._kids_births(mother_birth, n, youngest_before)
        same_sex = self.rng.random() < 0.04
        name_a, name_b = self.fake.last_name(), self.fake.last_name()
        a = self.person("f", mother_birth, name_a, reg, row)
        b = self.person("f" if same_sex else "m",
                        mother_birth - self.days(-700, 2500), name_b, reg, row)
        kids_name = name_a if same_sex else name_b
        pre = [bd for bd in kid_births if bd <= reg]
        kids = [self.person(self.rng.choice("fm"), bd, kids_name, reg, row) for bd in pre]
        h = self.household([a, b, *kids], row, reg)
        self.relation(a, RelationKind.PARTNER_OF, b, kid_births[0] - self.days(365, 2200))
        for k in kids:
            self.parents(k, a, b)
        for bd in kid_births:
            if bd > reg:
                self.born(bd, kids_name, h, row, a, b)
        self.moves(h, row, reg)

    def _single_parent(self, showcase: bool = False) -> None:
        reg, row = self._registered(), self.home_row()
        separated = reg - self.days(60, 2900)
        n = self.rng.choices([1, 2, 3], weights=[45, 40, 15])[0]
        sex = "f" if self.rng.random() < 0.85 else "m"
        youngest = separated - self.days(30, 900)
        parent_birth = youngest - timedelta(days=365 * self.rng.randint(21, 38))
        births = self._kids_births(parent_birth, n, separated)
        name = self.fake.last_name()
        parent = self.person(sex, parent_birth, name, reg, row)
        other_known = self.rng.random() < 0.75
        other_name = self.fake.last_name() if other_known else name
        kids = [self.person(self.rng.choice("fm"), b, other_name, reg, row) for b in births]
        h = self.household([parent, *kids], row, reg)
        for k in kids:
            self.parents(k, parent)
        if other_known:
            other_row = self.elsewhere(row)
            other = self.person("m" if sex == "f" else "f",
                                parent_birth - self.days(-900, 2000), other_name, reg,
                                other_row)
            for k in kids:
                self.parents(k, other)
            self.relation(parent, RelationKind.PARTNER_OF, other,
                          births[0] - self.days(200, 1500), separated)
            members = [other]
            if self.rng.random() < 0.4:
                partner = self.person(parent.sex, other.birth + self.days(-1500, 1500),
                                      self.fake.last_name(), reg, other_row)
                members.append(partner)
                self.relation(other, RelationKind.PARTNER_OF, partner,
                              min(separated + self.days(100, 600), reg))
            oh = self.household(members, other_row, reg)
            if len(members) == 2 and self.rng.random() < 0.5:
                bd = reg + self.days(200, max(201, (self.as_of - reg).days - 30))
                if bd < self.as_of:
                    self.born(bd, other_name, oh, other_row, other, members[1])
            self.moves(oh, other_row, reg)
        self.moves(h, row, reg)

    def _blended(self, showcase: bool = False) -> None:
        """Mother with children of an ex-partner, who lives elsewhere with a new partner and
        their child (a half-sibling in another household); the mother's new partner moves in
        (a step-parent living in), sometimes with a child of his own living elsewhere, and
        they may have a child together (a half-sibling in the same household)."""
        reg, row = self._registered(), self.home_row()
        separated = reg - self.days(400, 2000)
        if showcase:
            k1_birth = self.as_of - self.days(365 * 8, 365 * 11)
            separated = max(separated, k1_birth + self.days(700, 1100))
            separated = min(separated, reg - timedelta(days=400))
            births = sorted([k1_birth, min(k1_birth + self.days(500, 900),
                                           separated - timedelta(days=30))])
            mother_birth = k1_birth - timedelta(days=365 * self.rng.randint(26, 33))
        else:
            n = self.rng.choices([1, 2, 3], weights=[40, 45, 15])[0]
            youngest = separated - self.days(30, 900)
            mother_birth = youngest - timedelta(days=365 * self.rng.randint(22, 36))
            births = self._kids_births(mother_birth, n, separated)
        mother_name, ex_name = self.fake.last_name(), self.fake.last_name()
        mother = self.person("f", mother_birth, mother_name, reg, row)
        kids = [self.person(self.rng.choice("fm"), b, ex_name, reg, row) for b in births]
        if showcase:
            self.out.showcase.append((kids[0].key, "blended"))
        # The ex-partner and his new family.
        ex_row = self.elsewhere(row) if not showcase else self.rng.choice(
            self.region_rows[row.region])
        ex = self.person("m", mother_birth - self.days(0, 1800), ex_name, reg, ex_row)
        for k in kids:
            self.parents(k, mother, ex)
        self.relation(mother, RelationKind.PARTNER_OF, ex, births[0] - self.days(300, 1500),
                      separated)
        ex_partner = self.person("f", ex.birth + self.days(0, 2500), self.fake.last_name(), reg,
                                 ex_row)
        together = separated + self.days(100, 500)
        self.relation(ex, RelationKind.PARTNER_OF, ex_partner, together)
        ex_home = self.household([ex, ex_partner], ex_row, reg)
        if showcase or self.rng.random() < 0.6:
            bd = max(together + self.days(300, 800), reg + self.days(30, 300))
            if bd >= self.as_of:
                bd = self.as_of - self.days(30, 200)
            if bd <= reg:
                half = self.person(self.rng.choice("fm"), bd, ex_name, reg, ex_row)
                self.parents(half, ex, ex_partner)
                self.join(ex_home, half, reg)
            else:
                self.born(bd, ex_name, ex_home, ex_row, ex, ex_partner)
        # The mother's household and her new partner.
        window = (self.as_of - reg).days
        step_row = self.rng.choice(self.region_rows[row.region])
        stepfather = self.person("m", mother_birth - self.days(-1000, 2500),
                                 self.fake.last_name(), reg, step_row)
        moves_in_window = showcase or self.rng.random() < 0.7
        if moves_in_window:
            h = self.household([mother, *kids], row, reg)
            joins = reg + self.days(60, min(500, window // 3))
            own = self.household([stepfather], step_row, reg)
            own_child_birth = min(_years(stepfather.birth, 24) + self.days(0, 2000),
                                  reg - timedelta(days=30))
            if self.rng.random() < 0.4:  # his child lives with its mother
                own_child_mother = self.person("f", stepfather.birth + self.days(-1500, 1500),
                                               self.fake.last_name(), reg, step_row)
                child = self.person(self.rng.choice("fm"), own_child_birth,
                                    stepfather.family_name, reg, step_row)
                self.parents(child, stepfather, own_child_mother)
                self.household([own_child_mother, child], step_row, reg)
            self.relation(mother, RelationKind.PARTNER_OF, stepfather,
                          joins - self.days(60, 400), on=joins)
            self.leave(own, stepfather, joins)
            self.join(h, stepfather, joins)
        else:
            joins = reg
            h = self.household([mother, *kids, stepfather], row, reg)
            self.relation(mother, RelationKind.PARTNER_OF, stepfather,
                          reg - self.days(100, 600))
        if showcase or self.rng.random() < 0.5:
            bd = joins + self.days(300, 700)
            if bd < self.as_of - timedelta(days=14):
                self.born(bd, stepfather.family_name, h, row, mother, stepfather)
        self.moves(h, row, joins)

    def _separation(self, showcase: bool = False) -> None:
        """A two-parent family separates inside the window; the father moves out, and may
        later live with a new partner (a step-parent of his children)."""
        reg, row = self._registered(), self.home_row()
        n = self.rng.choices([1, 2, 3], weights=[35, 45, 20])[0]
        youngest_before = reg - self.days(60, 1500)
        mother_birth = youngest_before - timedelta(days=365 * self.rng.randint(23, 38))
        births = self._kids_births(mother_birth, n, youngest_before)
        father_name = self.fake.last_name()
        mother = self.person("f", mother_birth, self.fake.last_name(), reg, row)
        father = self.person("m", mother_birth - self.days(-700, 2500), father_name, reg, row)
        kids = [self.person(self.rng.choice("fm"), b, father_name, reg, row) for b in births]
        h = self.household([mother, father, *kids], row, reg)
        couple = self.relation(mother, RelationKind.PARTNER_OF, father,
                               births[0] - self.days(365, 2000))
        for k in kids:
            self.parents(k, mother, father)
        window = (self.as_of - reg).days
        splits = reg + self.days(120, max(121, window - 200))
        self.leave(h, father, splits)
        self.end_relation(couple, splits)
        new_row = self.elsewhere(row)
        fh = self.household([father], new_row, splits)
        if self.rng.random() < 0.5:
            joins = splits + self.days(150, 700)
            if joins < self.as_of - timedelta(days=7):
                partner = self.person("f", father.birth + self.days(-1500, 2000),
                                      self.fake.last_name(), joins, new_row)
                self.relation(father, RelationKind.PARTNER_OF, partner, joins)
                self.join(fh, partner, joins)
        self.moves(h, row, splits)

    def _partner_joins_leaves(self, showcase: bool = False) -> None:
        """A single mother's new partner moves in and, some months later, out again."""
        reg, row = self._registered(), self.home_row()
        n = self.rng.choices([1, 2], weights=[55, 45])[0]
        youngest_before = reg - self.days(60, 2000)
        mother_birth = youngest_before - timedelta(days=365 * self.rng.randint(20, 34))
        births = self._kids_births(mother_birth, n, youngest_before)
        name = self.fake.last_name()
        mother = self.person("f", mother_birth, name, reg, row)
        kids = [self.person(self.rng.choice("fm"), b, name, reg, row) for b in births]
        h = self.household([mother, *kids], row, reg)
        for k in kids:
            self.parents(k, mother)
        window = (self.as_of - reg).days
        joins = reg + self.days(60, max(61, window - 400))
        leaves = joins + self.days(90, 700)
        partner = self.person("m", mother_birth - self.days(-1500, 3000), self.fake.last_name(),
                              joins, row)
        rel = self.relation(mother, RelationKind.PARTNER_OF, partner, joins)
        self.join(h, partner, joins)
        if leaves < self.as_of - timedelta(days=7):
            self.leave(h, partner, leaves)
            self.end_relation(rel, leaves)
            self.household([partner], self.elsewhere(row), leaves)
        self.moves(h, row, reg)

    def _guardian(self, showcase: bool = False) -> None:
        """A child lives with a grandmother who is its guardian (voogd); the mother lives
        elsewhere and stays its parent."""
        reg, row = self._registered(), self.home_row()
        child_birth = self.as_of - self.days(365 * 7, 365 * 15)
        mother_birth = child_birth - timedelta(days=365 * self.rng.randint(17, 30))
        grandma_birth = mother_birth - timedelta(days=365 * self.rng.randint(19, 30))
        name = self.fake.last_name()
        grandma = self.person("f", grandma_birth, name, reg, row)
        mother = self.person("f", mother_birth, name, reg, row)
        child = self.person(self.rng.choice("fm"), child_birth, name, reg, row)
        self.parents(child, mother)
        self.parents(mother, grandma)
        since = max(child_birth, reg - self.days(0, 1500))
        self.relation(grandma, RelationKind.GUARDIAN_OF, child, since)
        h = self.household([grandma, child], row, reg)
        mother_row = self.elsewhere(row)
        mh = self.household([mother], mother_row, reg)
        self.moves(mh, mother_row, reg)
        self.moves(h, row, reg)


def _avoid_existing_bsns(plan: _Plan, rng: random.Random) -> None:
    """On a database that already holds people, redraw the (rare) BSNs already taken."""
    steps = [s for s in plan.steps if s.kind == "person" and s.data["bsn"]]
    wanted = [s.data["bsn"] for s in steps]
    taken: set[str] = set()
    for i in range(0, len(wanted), 900):
        taken |= set(Person.objects.filter(bsn__in=wanted[i:i + 900])
                     .values_list("bsn", flat=True))
    if not taken:
        return
    used = set(wanted)
    for s in steps:
        if s.data["bsn"] in taken:
            while True:
                digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
                check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
                value = "".join(map(str, digits)) + str(check)
                if check < 10 and value not in used and value not in taken:
                    used.add(value)
                    s.data["bsn"] = value
                    break


# --------------------------------------------------------------------------------------------
# Phase 2: replay the plan through the services


@dataclass
class _Created:
    persons: dict[int, Person] = field(default_factory=dict)
    households: dict[int, Household] = field(default_factory=dict)
    relations: dict[int, Relation] = field(default_factory=dict)


def _chunks(items: list[_Step], n: int) -> Iterator[list[_Step]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _execute(plan: _Plan, actor: Actor, *, batch: int,
             progress: Callable[[int, int], None] | None = None) -> _Created:
    """Run the steps in date order on the clock, a batch per transaction."""
    made = _Created()
    steps = sorted(plan.steps, key=lambda s: (s.on, s.family, s.seq))
    done = 0
    for chunk in _chunks(steps, max(1, batch)):
        with transaction.atomic():
            for s in chunk:
                with clock.frozen(s.on):
                    _apply(s, actor, made)
        done += len(chunk)
        if progress:
            progress(done, len(steps))
    return made


def _apply(s: _Step, actor: Actor, made: _Created) -> None:
    d = s.data
    if s.kind == "person":
        made.persons[d["key"]] = services.person_create(
            actor, birth_date=d["birth_date"], given_name=d["given_name"],
            family_name=d["family_name"], bsn=d["bsn"], place=d["place"])
    elif s.kind == "relation":
        made.relations[d["key"]] = services.relation_add(
            actor, person=made.persons[d["person"]], kind=d["kind"],
            other=made.persons[d["other"]], valid_from=d["valid_from"], valid_to=d["valid_to"])
    elif s.kind == "relation_end":
        services.relation_end(actor, relation=made.relations[d["relation"]], on=d["ends"])
    elif s.kind == "household":
        made.households[d["key"]] = services.household_create(
            actor, members=[made.persons[k] for k in d["members"]],
            municipality_code=d["municipality_code"], postcode=d["postcode"], since=s.on)
    elif s.kind == "join":
        services.household_join(actor, household=made.households[d["household"]],
                                person=made.persons[d["person"]])
    elif s.kind == "leave":
        services.household_leave(actor, household=made.households[d["household"]],
                                 person=made.persons[d["person"]])
    elif s.kind == "move":
        services.household_move(actor, household=made.households[d["household"]],
                                municipality_code=d["municipality_code"], postcode=d["postcode"])
    else:  # pragma: no cover - a planner bug
        raise AssertionError(f"unknown step {s.kind}")


# --------------------------------------------------------------------------------------------
# Organisations and logins


def _slug(text: str) -> str:
    keep = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(p for p in keep.split("-") if p)


def _org(actor: Actor, fake: Faker, rng: random.Random, name: str, sector: str,
         row: MunicipalityRow) -> Organisation:
    """An organisation, reused when one of that name and sector exists (province-wide
    services such as Veilig Thuis serve several regions)."""
    existing = Organisation.objects.filter(name=name, sector=sector).first()
    if existing:
        return existing
    pc = f"{rng.randint(row.pc4_from, row.pc4_to)}{rng.choice(POSTCODE_LETTERS)}" \
         f"{rng.choice(POSTCODE_LETTERS)}"
    return services.organisation_create(
        actor, name=name, sector=sector, municipality_code=row.code,
        email=f"info@{_slug(name)}.example", phone=fake.phone_number(),
        address=f"{fake.street_name()} {rng.randint(1, 180)}, {pc} {row.name}")


def _organisations(actor: Actor, region: str, fake: Faker,
                   rng: random.Random) -> dict[str, list[Organisation]]:
    """One or more organisations of every sector (product.md) for a region, by sector."""
    rows = regions()[region]
    centre = rows[0]
    province = centre.province
    court = COURTS.get(region) or COURTS.get(province, province)
    out: dict[str, list[Organisation]] = {}

    def add(name: str, sector: str, row: MunicipalityRow = centre) -> None:
        out.setdefault(sector, []).append(_org(actor, fake, rng, name, sector, row))

    for i, school in enumerate(PRIMARY_SCHOOLS[:4]):
        add(school, "school", rows[i % len(rows)])
    add(f"{centre.name} College", "school")
    add(f"JGZ {region}", "youth_health")
    add("Kinderopvang Dikkertje Dap", "childcare")
    add("Kinderdagverblijf De Boefjes", "childcare", rows[1 % len(rows)])
    add(f"Huisartsenpraktijk {fake.last_name()}", "gp")
    add(f"Gezondheidscentrum {centre.name}-Noord", "gp")
    add("Verloskundigenpraktijk De Wieg", "midwife")
    add("Kraamzorg Het Nestje", "maternity_care")
    add(f"Ziekenhuis {centre.name}", "hospital")
    add(f"Politie basisteam {centre.name}", "police")
    add(f"Wijkteam {centre.name} Oost", "district_team")
    add(f"Wijkteam {centre.name} West", "district_team")
    for row in rows[1:3]:
        add(f"Wijkteam {row.name}", "district_team", row)
    add(f"Maatschappelijk werk {region}", "social_work")
    add(f"Jeugdhulp {region}", "youth_care")
    add(f"Jeugd-GGZ {region}", "youth_mental_health")
    add(f"GGZ {province}", "adult_mental_health")
    add(f"Verslavingszorg {province}", "addiction_care")
    add(f"Jeugdbescherming {province}", "youth_protection")
    add(f"Veilig Thuis {province}", "safe_at_home")
    add(f"Raad voor de Kinderbescherming, locatie {centre.name}", "child_protection_board")
    add(f"Kinderrechter, rechtbank {court}", "juvenile_court")
    add(f"Schuldhulpverlening {centre.name}", "debt_counselling")
    add(f"Woonstichting {centre.name}", "housing")
    add(f"Leerplicht {region}", "attendance_officer")
    add(f"Reclassering {province}", "probation")
    for row in rows:
        add(f"Gemeente {row.name}", "municipality", row)
    return out


#: (user name, role, sector of the organisation or None, index in that sector, function)
LOGINS: tuple[tuple[str, str, str | None, int, str], ...] = (
    ("professional", Role.PROFESSIONAL, "school", 0, "Intern begeleider"),
    ("jgz", Role.PROFESSIONAL, "youth_health", 0, "Jeugdverpleegkundige"),
    ("veiligthuis", Role.PROFESSIONAL, "safe_at_home", 0, "Medewerker triage"),
    ("coordinator", Role.COORDINATOR, "district_team", 0, "Gezinsregisseur"),
    ("gemeente", Role.MUNICIPALITY_OFFICER, "municipality", 0, "Beleidsmedewerker jeugd"),
    ("inspecteur", Role.INSPECTOR, None, 0, "Inspecteur Gezondheidszorg en Jeugd"),
    ("fg", Role.PRIVACY_OFFICER, "municipality", 0, "Functionaris gegevensbescherming"),
    ("beheerder", Role.ADMIN, "municipality", 0, "Functioneel beheerder"),
)


def _logins(actor: Actor, orgs: dict[str, list[Organisation]], password: str,
            fake: Faker) -> list[Login]:
    out = []
    for username, role, sector, index, function in LOGINS:
        org = orgs[sector][index] if sector else None
        name = username
        n = 1
        while Professional.objects.filter(username=name).exists():
            n += 1
            name = f"{username}{n}"
        first, last = fake.first_name(), fake.last_name()
        user = services.professional_create(
            actor, organisation=org, username=name, role=role, first_name=first,
            last_name=last, email=f"{name}@kindzicht.example", password=password)
        device = totp_device_provision(actor, user=user)
        out.append(Login(name, password, str(role), org.name if org else "", function,
                         totp_secret(device)))
    return out


def describe(result: SeedResult) -> Iterable[str]:
    """Lines for the console: what was made, the logins, and whom to look up."""
    where = result.region or "alle regio's"
    yield (f"{result.families} gezinnen ({result.persons} personen, {result.households} "
           f"huishoudens) en {result.organisations} organisaties in {where}, seed {result.seed}.")
    if result.logins:
        yield ""
        yield from login_table(result.logins)
    for s in result.showcase:
        yield ""
        yield (f"Probeer: zoek {s.name}, geboren {s.birth_date.isoformat()} — een samengesteld "
               "gezin met een stiefouder in huis en halfbroers of -zussen hier en elders.")


def login_table(logins: list[Login]) -> Iterable[str]:
    headers = ("gebruikersnaam", "wachtwoord", "rol", "organisatie")
    rows = [(lg.username, lg.password, lg.role, lg.organisation or "—") for lg in logins]
    yield from _table(headers, rows)
    secrets = [(lg.username, lg.totp_secret) for lg in logins if lg.totp_secret]
    if secrets:
        yield ""
        yield "Tweede stap: na het wachtwoord vraagt kindzicht een code uit een authenticator-app."
        yield "Zet de sleutel van het account in de app (op tijd gebaseerd, 6 cijfers, 30 s):"
        yield ""
        yield from _table(("gebruikersnaam", "TOTP-sleutel"), secrets)


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> Iterable[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    yield "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
    yield "  ".join("-" * w for w in widths)
    for r in rows:
        yield "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
