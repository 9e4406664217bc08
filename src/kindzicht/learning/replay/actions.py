"""What each ``do:`` of a scenario (scenario-format.md) does: one call of the same service
the API and the web UI call — no shortcuts, no simulation model.

Each handler receives the replay context and the action's fields; a refusal is a
:class:`~kindzicht.core.errors.KindzichtError` raised by the service, reported as ``refused``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from kindzicht.continuity import services as continuity
from kindzicht.core import clock
from kindzicht.core.errors import ValidationError
from kindzicht.index import services as refindex
from kindzicht.learning.services import calamity_register
from kindzicht.meldcode import services as meldcode
from kindzicht.people import services as people
from kindzicht.plans import services as plans
from kindzicht.safety import services as safety

if TYPE_CHECKING:
    from .context import ReplayContext

NOT_GIVEN = "(niet gegeven in het scenario)"


@dataclass(frozen=True)
class ActionSpec:
    required: frozenset[str]
    optional: frozenset[str]
    handler: Callable[[ReplayContext, dict], Any]


ACTIONS: dict[str, ActionSpec] = {}


def action(name: str, required: set[str], optional: set[str] = frozenset()):
    def wrap(fn):
        ACTIONS[name] = ActionSpec(frozenset(required), frozenset(optional), fn)
        return fn
    return wrap


def _actor(ctx: ReplayContext, a: dict):
    return ctx.actor(a["by"])


def _person(ctx: ReplayContext, a: dict, field: str = "person"):
    return ctx.people[a[field]]


def _bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("yes", "no", "true", "false"):
        return value.lower() in ("yes", "true")
    raise ValidationError(f"{field} must be yes or no.", field=field)


def _vt(ctx: ReplayContext):
    return ctx.first_org_of_sector("safe_at_home") or ctx.external_org("safe_at_home")


@action("signal", {"person"}, {"on_behalf_of", "contact"})
def do_signal(ctx, a):
    return refindex.signal_register(_actor(ctx, a), person=_person(ctx, a),
                                    contact=a.get("contact") or NOT_GIVEN,
                                    on_behalf_of=a.get("on_behalf_of") or "")


@action("withdraw_signal", {"person"})
def do_withdraw_signal(ctx, a):
    return refindex.signal_withdraw(_actor(ctx, a), person=_person(ctx, a))


@action("involve", {"person", "service"}, {"intensive"})
def do_involve(ctx, a):
    return continuity.involvement_start(_actor(ctx, a), person=_person(ctx, a),
                                        service=str(a["service"]),
                                        intensive=_bool(a.get("intensive", False), "intensive"))


@action("end_involvement", {"person"}, {"aftercare", "reason"})
def do_end_involvement(ctx, a):
    return continuity.involvement_end(_actor(ctx, a), person=_person(ctx, a),
                                      reason=a.get("reason") or NOT_GIVEN,
                                      aftercare=a.get("aftercare") or "")


@action("concern", {"child", "kind"}, {"source", "text", "as"})
def do_concern(ctx, a):
    c = meldcode.concern_record(_actor(ctx, a), child=_person(ctx, a, "child"), kind=a["kind"],
                                source=a.get("source") or "", text=a.get("text") or "")
    if a.get("as"):
        ctx.refs[a["as"]] = c
    return c


@action("consult", {"concern", "with"})
def do_consult(ctx, a):
    return meldcode.concern_consult(_actor(ctx, a), concern=ctx.refs[a["concern"]],
                                    with_whom=a["with"])


@action("talk", {"concern", "with"})
def do_talk(ctx, a):
    return meldcode.concern_talk(_actor(ctx, a), concern=ctx.refs[a["concern"]],
                                 with_whom=a["with"])


@action("weigh", {"concern", "answers"})
def do_weigh(ctx, a):
    answers = a["answers"] if isinstance(a["answers"], dict) else {}
    return meldcode.concern_weigh(_actor(ctx, a), concern=ctx.refs[a["concern"]],
                                  answers=dict(answers))


@action("decide_concern", {"concern", "outcome"}, {"reason"})
def do_decide_concern(ctx, a):
    concern = ctx.refs[a["concern"]]
    concern.refresh_from_db()
    reason = a.get("reason") or ""
    if not reason and concern.weighing_outcome and concern.weighing_outcome != a["outcome"]:
        reason = NOT_GIVEN
    return meldcode.concern_decide(_actor(ctx, a), concern=concern, outcome=a["outcome"],
                                   reason=reason, safe_at_home=_vt(ctx))


@action("report", {"child"}, {"own_observation"})
def do_report(ctx, a):
    return meldcode.report_make(_actor(ctx, a), child=_person(ctx, a, "child"),
                                own_observation=_bool(a.get("own_observation", True),
                                                      "own_observation"),
                                safe_at_home=_vt(ctx))


@action("decline_report", {"child", "reason"})
def do_decline_report(ctx, a):
    return meldcode.report_decline(_actor(ctx, a), child=_person(ctx, a, "child"),
                                   reason=a["reason"], text=NOT_GIVEN)


def _factors(ctx, a) -> list[dict]:
    out = []
    for f in a.get("factors") or []:
        if not isinstance(f, dict):
            raise ValidationError("Each factor is {domain, code, owner}.", field="factors")
        out.append({"domain": f.get("domain"), "code": f.get("code"),
                    "owner": ctx.orgs[f["owner"]] if f.get("owner") else None})
    return out


@action("assess", {"child", "safety", "risk"}, {"factors", "agreements"})
def do_assess(ctx, a):
    agreements = a.get("agreements") or (NOT_GIVEN if a["safety"] == "conditionally_safe" else "")
    return safety.assessment_record(_actor(ctx, a), child=_person(ctx, a, "child"),
                                    safety=a["safety"], risk=a["risk"], factors=_factors(ctx, a),
                                    agreements=agreements)


@action("life_event", {"event"}, {"person", "household"})
def do_life_event(ctx, a):
    if bool(a.get("person")) == bool(a.get("household")):
        raise ValidationError("A life event names a person or a household.", field="person")
    return safety.life_event_record(
        _actor(ctx, a), kind=a["event"],
        person=ctx.people[a["person"]] if a.get("person") else None,
        household=ctx.households[a["household"]] if a.get("household") else None)


@action("move", {"household", "municipality", "postcode"})
def do_move(ctx, a):
    return people.household_move(_actor(ctx, a), household=ctx.households[a["household"]],
                                 municipality_code=str(a["municipality"]),
                                 postcode=str(a["postcode"]))


@action("join", {"household", "person"})
def do_join(ctx, a):
    return people.household_join(_actor(ctx, a), household=ctx.households[a["household"]],
                                 person=_person(ctx, a))


@action("leave", {"household", "person"})
def do_leave(ctx, a):
    return people.household_leave(_actor(ctx, a), household=ctx.households[a["household"]],
                                  person=_person(ctx, a))


@action("add_person", {"person", "birth_date"}, {"name", "parents", "household", "bsn"})
def do_add_person(ctx, a):
    actor = _actor(ctx, a)
    name = str(a.get("name") or "")
    given, _, family = name.partition(" ")
    birth = a["birth_date"]
    if not isinstance(birth, date):
        raise ValidationError("birth_date must be a date.", field="birth_date")
    person = people.person_create(actor, birth_date=birth, given_name=given, family_name=family,
                                  bsn=str(a["bsn"]) if a.get("bsn") else None)
    ctx.add_person(a["person"], person)
    for parent_key in a.get("parents") or []:
        people.relation_add(actor, person=ctx.people[parent_key], kind="parent_of", other=person)
    if a.get("household"):
        people.household_join(actor, household=ctx.households[a["household"]], person=person)
    if clock.today() - birth <= timedelta(days=28):
        safety.life_event_record(actor, kind="birth", person=person)
    return person


@action("plan", {"goals"}, {"child", "household"})
def do_plan(ctx, a):
    if bool(a.get("child")) == bool(a.get("household")):
        raise ValidationError("A plan is for a child or a household.", field="child")
    goals = []
    for g in a.get("goals") or []:
        goals.append({"text": g.get("text"), "due": g.get("due"),
                      "owner": ctx.orgs.get(g.get("owner")) if g.get("owner") else None})
    plan = plans.plan_make(_actor(ctx, a), goals=goals,
                           child=ctx.people[a["child"]] if a.get("child") else None,
                           household=ctx.households[a["household"]] if a.get("household")
                           else None)
    for g, made in zip(a.get("goals") or [], plan.goals.order_by("id"), strict=True):
        if g.get("key"):
            ctx.goals[g["key"]] = made
    return plan


@action("goal", {"goal", "status"}, {"due"})
def do_goal(ctx, a):
    goal = ctx.goals[a["goal"]]
    goal.refresh_from_db()
    return plans.goal_update(_actor(ctx, a), goal=goal, status=a["status"], due=a.get("due"))


@action("parent_declines", {"child"}, {"help"})
def do_parent_declines(ctx, a):
    return plans.cooperation_record(_actor(ctx, a), child=_person(ctx, a, "child"),
                                    kind="parent_declines", help=a.get("help") or "")


@action("missed_appointment", {"child"})
def do_missed_appointment(ctx, a):
    return plans.cooperation_record(_actor(ctx, a), child=_person(ctx, a, "child"),
                                    kind="missed_appointment")


@action("take_responsibility", {"child", "basis"})
def do_take_responsibility(ctx, a):
    return continuity.responsibility_take(_actor(ctx, a), child=_person(ctx, a, "child"),
                                          basis=a["basis"])


@action("handover", {"child", "to"}, {"factors", "as"})
def do_handover(ctx, a):
    h = continuity.handover_offer(_actor(ctx, a), child=_person(ctx, a, "child"),
                                  receiver=ctx.orgs[a["to"]],
                                  factors=list(a["factors"]) if "factors" in a and
                                  a["factors"] is not None else None)
    if a.get("as"):
        ctx.refs[a["as"]] = h
    return h


def _handover(ctx, a):
    h = ctx.refs[a["handover"]]
    h.refresh_from_db()
    return h


@action("accept_handover", {"handover"}, {"factors"})
def do_accept_handover(ctx, a):
    return continuity.handover_accept(_actor(ctx, a), handover=_handover(ctx, a),
                                      factors=list(a["factors"]) if "factors" in a and
                                      a["factors"] is not None else None)


@action("accept_factors", {"child", "factors"})
def do_accept_factors(ctx, a):
    return safety.factors_accept(_actor(ctx, a), child=_person(ctx, a, "child"),
                                 factors=list(a["factors"] or []))


@action("confirm_start", {"handover"})
def do_confirm_start(ctx, a):
    return continuity.handover_confirm_start(_actor(ctx, a), handover=_handover(ctx, a))


@action("decline_handover", {"handover", "reason"})
def do_decline_handover(ctx, a):
    return continuity.handover_decline(_actor(ctx, a), handover=_handover(ctx, a),
                                       reason=str(a["reason"]))


@action("withdraw_handover", {"handover", "reason"})
def do_withdraw_handover(ctx, a):
    return continuity.handover_withdraw(_actor(ctx, a), handover=_handover(ctx, a),
                                        reason=str(a["reason"]))


@action("request", {"child", "kind"})
def do_request(ctx, a):
    return continuity.request_make(_actor(ctx, a), child=_person(ctx, a, "child"),
                                   kind=a["kind"])


@action("decide", {"child", "decision", "reasons"})
def do_decide(ctx, a):
    return continuity.decision_record(_actor(ctx, a), child=_person(ctx, a, "child"),
                                      decision=a["decision"], reasons=str(a["reasons"]))


@action("share", {"person", "to", "topic", "basis"})
def do_share(ctx, a):
    return plans.share_make(_actor(ctx, a), person=_person(ctx, a), to=ctx.orgs[a["to"]],
                            topic=str(a["topic"]), basis=a["basis"])


@action("calamity", {"child", "kind"}, {"text"})
def do_calamity(ctx, a):
    return calamity_register(_actor(ctx, a), child=_person(ctx, a, "child"), kind=a["kind"],
                             text=a.get("text") or "")
