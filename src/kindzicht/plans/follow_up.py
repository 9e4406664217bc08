"""Doorpakken (findings.md 2.1): a goal that is missed, or passes its due date without a status,
gives the plan's coordinator a task to decide the follow-up — a new goal or date, a request
to the Raad, a report to Veilig Thuis, a handover (counting once its start is confirmed).

The task is keyed per goal and per moment (the day the goal was marked missed, or the day
after the due date in force), so a postponed goal that drifts again raises a new task. It
closes as soon as a follow-up is on record; whether one is, is P3's own test
(``P3PlanDrifts._followed_up``), so the task and the finding can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from kindzicht.people.family import _years_before
from kindzicht.rules.models import Task, TaskStatus

from .models import FamilyPlan, Goal, GoalStatus

CODE = "goal_follow_up"


def task_key(goal_id: int, moment: date) -> str:
    return f"goal:{goal_id}:{moment.isoformat()}"


def parse_key(key: str) -> tuple[int, date] | None:
    try:
        _kind, goal_id, moment = key.split(":", 2)
        return int(goal_id), date.fromisoformat(moment)
    except ValueError:
        return None


def moment_of(goal: Goal, day: date) -> date | None:
    """From which day the goal needs a decision, as of ``day`` (None: it does not)."""
    if goal.status == GoalStatus.MISSED and goal.status_on and goal.status_on <= day:
        return goal.status_on
    if goal.status in (GoalStatus.OPEN, GoalStatus.POSTPONED) and goal.due < day:
        return goal.due + timedelta(days=1)
    return None


def children_of(plan: FamilyPlan, day: date) -> list[int]:
    from kindzicht.rules.parents import P3PlanDrifts

    return P3PlanDrifts._children(plan, day)


def followed_up(goal: Goal, moment: date, day: date) -> bool:
    """A follow-up is on record for one of the plan's children between ``moment`` and ``day``
    — P3's test, reused — or the goal was met after all."""
    from kindzicht.rules.parents import P3PlanDrifts

    if goal.status == GoalStatus.MET:
        return True
    return any(P3PlanDrifts._followed_up(goal, child, moment, day)
               for child in children_of(goal.plan, moment))


def _followed_up_many(moments: list[tuple[Goal, date]], day: date) -> set[tuple[int, date]]:
    """:func:`followed_up` for many goals at once (a few queries for a whole sweep)."""
    from kindzicht.rules.parents import goals_followed_up

    met = {(g.pk, m) for g, m in moments if g.status == GoalStatus.MET}
    return met | goals_followed_up([(g, m) for g, m in moments if (g.pk, m) not in met], day)


def follow_up_days() -> int:
    """P3's default day count: the follow-up is due before P3 would report the drift."""
    from kindzicht.rules.parents import P3PlanDrifts

    return P3PlanDrifts.defaults["days"]


def _task_text(goal: Goal, moment: date) -> str:
    state = ("is niet behaald" if goal.status == GoalStatus.MISSED
             else f"is over de datum ({goal.due:%d-%m-%Y}) zonder status")
    return (f"Doorpakken: het doel ‘{goal.text}’ uit het gezinsplan {state}. Besluit over het "
            f"vervolg: een nieuw doel of een nieuwe datum, een verzoek aan de Raad, een melding "
            f"bij Veilig Thuis of een overdracht.")


def of_children(children: Iterable[int]) -> Q:
    """The goals of plans about ``children``: their own plans and their households' — the
    goals an incremental sweep of those children can raise or close a follow-up task for."""
    from kindzicht.people.models import HouseholdMembership

    scope = set(children)
    homes = HouseholdMembership.objects.filter(person_id__any=scope).values("household_id")
    # two index lookups in one UNION: an OR of both would scan every plan and goal
    plans = FamilyPlan.objects.filter(child_id__any=scope).values("pk").union(
        FamilyPlan.objects.filter(household_id__any=homes).values("pk"))
    return Q(plan_id__any=[row["pk"] for row in plans])


def raise_tasks(day: date, *, scope: Q | None = None) -> list[Task]:
    """Give the coordinator of every current plan a task for each goal that needs a decision
    as of ``day`` and has none on record yet — of the goals in ``scope`` (:func:`of_children`)
    in an incremental sweep. Idempotent (one task per goal and moment)."""
    from kindzicht.rules.parents import P3PlanDrifts
    from kindzicht.rules.tasks import tasks_create_many

    goals = (Goal.objects.filter(plan__replaced_on__isnull=True, on__lte=day)
             .filter(Q(status=GoalStatus.MISSED, status_on__lte=day)
                     | Q(status__in=[GoalStatus.OPEN, GoalStatus.POSTPONED], due__lt=day))
             .select_related("owner", "plan", "plan__coordinator", "plan__regisseur"))
    if scope is not None:
        goals = goals.filter(scope)
    goals = list(goals)
    # kind named: the unique index (kind, code, key …) answers, not a scan of every task
    known = set(Task.objects.filter(kind="task", code=CODE, key__any=[
        task_key(g.pk, m) for g in goals if (m := moment_of(g, day))]).values_list("key",
                                                                                  flat=True))
    todo = [(g, m) for g in goals if (m := moment_of(g, day)) is not None
            and task_key(g.pk, m) not in known]
    followed = _followed_up_many(todo, day)
    todo = [(g, m) for g, m in todo if (g.pk, m) not in followed]
    # a household plan's task names its youngest child then (members read once)
    members = P3PlanDrifts._members({g.plan.household_id for g, _m in todo
                                     if not g.plan.child_id})
    rows: list[Task] = []
    for goal, moment in todo:
        plan = goal.plan
        child = plan.child_id
        if child is None:
            born_after = _years_before(moment, 18)
            kids = [(-birth.toordinal(), p) for p, birth in members.get(plan.household_id, ())
                    if birth > born_after]
            child = min(kids)[1] if kids else None
        regisseur = plan.regisseur_id if plan.regisseur_id and plan.regisseur.is_active else None
        rows.append(Task(
            organisation_id=plan.coordinator_id, code=CODE, key=task_key(goal.pk, moment),
            child_id=child, text=_task_text(goal, moment), kind="task", raised_on=moment,
            due_on=moment + timedelta(days=follow_up_days()), assignee_id=regisseur,
            facts=[f"doel: {goal.text}", f"eigenaar: {goal.owner.name}",
                   f"datum: {goal.due:%d-%m-%Y}", f"stand: {goal.get_status_display()}"]))
    return tasks_create_many(rows)


def _open_tasks_of(tasks: QuerySet, goals: Iterable[Goal]) -> list[tuple[int, str]]:
    """(pk, key) of the ``tasks`` about ``goals`` (key ``goal:<id>:<moment>``).

    Found by the child the task names, not by its key: :func:`raise_tasks` names the plan's
    child, or a child ever a member of the plan's household (:meth:`P3PlanDrifts._members`),
    or none — so the tasks of these children and those naming no child hold every task of
    the goals, read through the child index. A key prefix per goal (``LIKE 'goal:<id>:%'``)
    could use no index under the database's collation: each incremental sweep evaluated its
    few hundred prefixes against every open follow-up task of the population (60 ms at
    100,000 children, growing with it; issue 3). The goal is then read from the key."""
    from kindzicht.rules.parents import P3PlanDrifts

    goals = (list(goals.select_related("plan")) if isinstance(goals, QuerySet)
             else list(goals))
    if not goals:
        return []
    ids = {str(g.pk) for g in goals}
    children = {g.plan.child_id for g in goals if g.plan.child_id}
    households = {g.plan.household_id for g in goals if not g.plan.child_id}
    children |= {p for members in P3PlanDrifts._members(households).values()
                 for p, _birth in members}
    out = []
    for pk, key in tasks.filter(Q(child_id__any=children) | Q(child_id__isnull=True)
                                ).values_list("pk", "key"):
        parts = key.split(":", 2)
        if len(parts) == 3 and parts[0] == "goal" and parts[1] in ids:
            out.append((pk, key))
    return out


def close_followed_up(day: date, *, goals: Iterable[Goal] | None = None,
                      answer: str = "") -> int:
    """Close the open follow-up tasks whose goal now has a follow-up on record."""
    tasks = Task.objects.filter(kind="task", code=CODE, status=TaskStatus.OPEN)
    rows = (tasks.values_list("pk", "key") if goals is None
            else _open_tasks_of(tasks, goals))
    parsed = {pk: parse_key(key) for pk, key in rows}
    by_id = Goal.objects.select_related("plan").in_bulk(
        [p[0] for p in parsed.values() if p])
    todo = {task_id: (by_id[p[0]], p[1]) for task_id, p in parsed.items()
            if p is not None and p[0] in by_id}
    followed = _followed_up_many(list(set(todo.values())), day)
    done = [task_id for task_id, (goal, moment) in todo.items() if (goal.pk, moment) in followed]
    if done:
        Task.objects.filter(pk__any=done).update(
            status=TaskStatus.DONE, answered_on=day,
            answer=answer or "Vervolg vastgelegd: er is doorgepakt.")
    return len(done)
