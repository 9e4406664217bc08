"""Changes made through the real services on the bench day — the work an incremental sweep
must then look at. Each is one service call (its own transaction, domain event, audit entry,
notifications), by a professional of the organisation that would make it; reconstruct mode
where a live guard would refuse (an ending that leaves a gap)."""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError

from kindzicht.core.actions import Actor
from kindzicht.core.errors import Forbidden, GuardRefused, NotFound, Refused, ValidationError
from kindzicht.people.models import Organisation, Person, Professional

#: the mix (counts per 1,000 changes); accept+confirm of an offered handover counts as two
MIX = (("concern_record", 200), ("handover_offer", 150), ("handover_accept_confirm", 75),
       ("responsibility_take", 150), ("involvement_end", 100), ("decision_record", 75),
       ("assessment_record", 100), ("signal_register", 75))


@dataclass
class ChangesResult:
    made: int = 0
    refused: int = 0
    seconds: float = 0.0
    children: set[int] = field(default_factory=set)
    per_kind: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    seconds_per_kind: dict[str, float] = field(default_factory=lambda: defaultdict(float))


class _Orgs:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.by_sector: dict[str, list[Organisation]] = defaultdict(list)
        for o in Organisation.objects.all():
            self.by_sector[o.sector].append(o)
        self._pros: dict[int, Professional] = {}

    def one(self, sector: str, not_id: int | None = None) -> Organisation:
        pool = [o for o in self.by_sector[sector] if o.pk != not_id]
        return self.rng.choice(pool)

    def actor(self, org: Organisation, mode: str = "live") -> Actor:
        pro = self._pros.get(org.pk)
        if pro is None:
            pro = Professional.objects.filter(organisation=org).order_by("role").first()
            if pro is None:
                pro = Professional.objects.create(username=f"bench-extra-{org.pk}",
                                                  organisation=org, password="!")
            self._pros[org.pk] = pro
        return Actor.of(pro, purpose="bench", mode=mode)


def _offerable(child_id: int, sender_id: int) -> list[str]:
    """Factors of the child's latest assessment that the sender owns or assessed."""
    from kindzicht.safety.models import Assessment
    from kindzicht.safety.selectors import owned_factors

    latest = Assessment.objects.filter(child_id=child_id).order_by("-at", "-id").first()
    if latest is None:
        return []
    owned = owned_factors(child_id, sender_id)
    return [f.code for f in latest.factors.all()
            if f.code in owned or latest.organisation_id == sender_id]


def make_changes(n: int, *, seed: int, log: Callable[[str], None] = print) -> ChangesResult:
    """``n`` changes on children at open risk; returns which children changed and the time
    the services took."""
    from kindzicht.continuity import services as continuity
    from kindzicht.continuity.models import Handover, ResponsibilityPeriod, RiskPeriod
    from kindzicht.index.services import signal_register
    from kindzicht.meldcode.services import concern_record
    from kindzicht.safety.services import assessment_record

    rng = random.Random(seed ^ 0xC4A5)
    orgs = _Orgs(rng)
    at_risk = list(RiskPeriod.objects.filter(closed_at__isnull=True).order_by("child_id")
                   .values_list("child_id", flat=True))
    offered = list(Handover.objects.filter(status="offered").order_by("id")
                   .values_list("id", flat=True))
    rng.shuffle(offered)
    result = ChangesResult()
    plan: list[str] = []
    for kind, per_thousand in MIX:
        plan += [kind] * max(1, round(per_thousand * n / 1000))
    rng.shuffle(plan)
    plan = plan[:n]

    def holder(child_id: int) -> Organisation | None:
        p = ResponsibilityPeriod.objects.filter(child_id=child_id, ended_at__isnull=True) \
            .select_related("organisation").first()
        return p.organisation if p else None

    def one(kind: str) -> list[int]:
        """Do one change of ``kind``; returns the children it touched."""
        if kind == "handover_accept_confirm":
            while offered:
                h = Handover.objects.select_related("receiver", "child").get(pk=offered.pop())
                if h.status != "offered":
                    continue
                actor = orgs.actor(h.receiver)
                continuity.handover_accept(actor, handover=h)
                continuity.handover_confirm_start(actor, handover=h)
                return [h.child_id, h.child_id]
            kind = "handover_offer"
        child = Person.objects.get(pk=rng.choice(at_risk))
        if kind == "concern_record":
            org = orgs.one(rng.choice(("school", "youth_health", "district_team", "gp")))
            concern_record(orgs.actor(org), child=child,
                           kind=rng.choice(("niet_pluis", "observation", "second_hand")),
                           text="Zorgen over thuis.")
        elif kind == "handover_offer":
            sender = holder(child.pk)
            if sender is None:
                raise Refused("no holder")
            receiver = orgs.one(rng.choice(("youth_care", "youth_protection")), not_id=sender.pk)
            # the factors named explicitly: without them the service carries every owned
            # factor and, for one not on the latest assessment, writes its 'via' as the
            # domain (a DataError on PostgreSQL; see docs/benchmarks.md)
            continuity.handover_offer(orgs.actor(sender), child=child, receiver=receiver,
                                      factors=_offerable(child.pk, sender.pk))
        elif kind == "responsibility_take":
            org = orgs.one(rng.choice(("youth_protection", "district_team")))
            continuity.responsibility_take(orgs.actor(org), child=child,
                                           basis=rng.choice(("voluntary", "coordination")))
        elif kind == "involvement_end":
            org = holder(child.pk)
            if org is None:
                raise Refused("no holder")
            continuity.involvement_end(orgs.actor(org, mode="reconstruct"), person=child,
                                       reason="Traject gestopt.")
        elif kind == "decision_record":
            continuity.decision_record(orgs.actor(orgs.one("child_protection_board")),
                                       child=child, decision="no_measure",
                                       reasons="Geen grond voor een maatregel.")
        elif kind == "assessment_record":
            org = holder(child.pk) or orgs.one("district_team")
            assessment_record(orgs.actor(org), child=child, safety="conditionally_safe",
                              risk="high", factors=[
                                  {"domain": "family", "code": "domestic_violence",
                                   "owner": orgs.one("safe_at_home")},
                                  {"domain": "context", "code": "debts", "owner": None}])
        elif kind == "signal_register":
            org = orgs.one(rng.choice(("school", "district_team", "youth_care")))
            signal_register(orgs.actor(org), person=child)
        return [child.pk]

    started = time.perf_counter()
    for i in range(len(plan) * 3):   # a fallback (no offered handover left) may make fewer
        if result.made >= n:
            break
        kind = plan[i % len(plan)]
        for _attempt in range(20):
            t = time.perf_counter()
            try:
                touched = one(kind)
            except (Refused, GuardRefused, ValidationError, Forbidden, NotFound):
                result.refused += 1
                continue
            except DatabaseError as exc:   # a service bug at scale: on record, not fatal
                result.errors[f"{kind}: {type(exc).__name__}: {str(exc).splitlines()[0]}"] += 1
                continue
            result.seconds_per_kind[kind] += time.perf_counter() - t
            result.per_kind[kind] += 1
            result.made += len(touched)
            result.children.update(touched)
            break
    result.seconds = time.perf_counter() - started
    return result
