"""The role of parents (findings.md 2.1, issue 7): family plans with goals, agreements with the
parents and evaluation moments (1 gezin, 1 plan, 1 regisseur), a goal's progress, the plan's
history, parents' cooperation on record, and sharing on a legal basis with — for an adult
service — the organisations involved with a parent's children.

Every write calls one service of ``kindzicht.plans.services``; reads go through
``kindzicht.plans.selectors`` (audited). A plan is visible to its coordinator, the owners of
its goals and the organisations involved with a child it covers; others get 404.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from kindzicht.core.errors import KindzichtError, NotFound
from kindzicht.people.models import Household
from kindzicht.plans import selectors, services
from kindzicht.plans.models import (
    Cooperation,
    FamilyPlan,
    Goal,
    GoalStatus,
    PlanEvaluation,
    ShareBasis,
)

from ..base import ApiView, get_or_404, person_in_reach
from ..serializers import (
    OrganisationSummary,
    PersonSummary,
    organisation_field,
    person_field,
    related_field,
)

# --- output --------------------------------------------------------------------------------


class GoalOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    owner = OrganisationSummary()
    due = serializers.DateField(help_text="The due date in force (moved by a postponement).")
    original_due = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=GoalStatus.choices)
    status_on = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "Goal"


class PlanAgreementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    consequence = serializers.CharField(help_text="What happens if it is not kept.")
    since = serializers.DateField(source="on")

    class Meta:
        ref_name = "PlanAgreement"


class PlanEvaluationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    due = serializers.DateField()
    held_on = serializers.DateField(allow_null=True)
    note = serializers.CharField()

    class Meta:
        ref_name = "PlanEvaluation"


class RegisseurOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")

    class Meta:
        ref_name = "Regisseur"


class FamilyPlanOutput(serializers.Serializer):
    id = serializers.IntegerField()
    child = PersonSummary(allow_null=True, help_text="A plan of one child (else null).")
    household = serializers.IntegerField(source="household_id", allow_null=True,
                                         help_text="A plan of a household: covers every "
                                         "child in it.")
    coordinator = OrganisationSummary(help_text="The coordinating organisation.")
    regisseur = RegisseurOutput(allow_null=True, help_text="The professional who owns it.")
    made_on = serializers.DateField(source="on")
    replaced_on = serializers.DateField(allow_null=True)
    goals = GoalOutput(many=True, source="goals.all")
    parent_agreements = PlanAgreementOutput(many=True, source="parent_agreements.all")
    evaluations = PlanEvaluationOutput(many=True, source="evaluations.all")

    class Meta:
        ref_name = "FamilyPlan"


class HistoryEntryOutput(serializers.Serializer):
    on = serializers.DateField(source="event.occurred_on")
    type = serializers.CharField(source="event.type", help_text="The domain event's type.")
    label = serializers.CharField(help_text="What happened, in Dutch.")
    detail = serializers.CharField()
    organisation = serializers.CharField()
    professional = serializers.CharField()

    class Meta:
        ref_name = "PlanHistoryEntry"


# --- the plan -----------------------------------------------------------------------------


class GoalInput(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    owner = organisation_field(help_text="The organisation that sees to it.")
    due = serializers.DateField(help_text="On or after the day the plan is made.")


class AgreementInput(serializers.Serializer):
    text = serializers.CharField()
    consequence = serializers.CharField(help_text="What happens if it is not kept.")


class PlanCreateInput(serializers.Serializer):
    child = person_field(required=False, allow_null=True, default=None,
                         help_text="The child (or give household).")
    household = related_field(
        Household.objects.all(), required=False, allow_null=True, default=None,
        help_text="The household (or give child).")
    goals = GoalInput(many=True, allow_empty=False)
    parent_agreements = AgreementInput(many=True, required=False, default=list)
    evaluations = serializers.ListField(child=serializers.DateField(), required=False,
                                        default=list, help_text="Evaluation moments ahead.")
    agreements = serializers.CharField(required=False, allow_blank=True, default="",
                                       help_text="Further agreements, as free text.")


def _dotted(exc: KindzichtError) -> KindzichtError:
    """plan_make names ``goals[0].due``; the API's invalidParams name ``goals.0.due``."""
    if exc.field:
        exc.field = exc.field.replace("[", ".").replace("]", "")
    return exc


class PlanCreateApi(ApiView):
    @extend_schema(operation_id="family_plan_make", tags=["family-plans"],
                   summary="Make (or replace) the family plan of a child or a household",
                   description="The caller's organisation becomes the coordinator, the caller "
                   "the regisseur. Every goal needs an owner and a due date on or after today; "
                   "an agreement with the parents says what happens if it is not kept.",
                   request=PlanCreateInput, responses={201: FamilyPlanOutput})
    def post(self, request: Request) -> Response:
        data = self.input(PlanCreateInput)
        try:
            plan = services.plan_make(self.actor(), **data)
        except KindzichtError as exc:
            raise _dotted(exc) from None
        return Response(FamilyPlanOutput(plan).data, status=status.HTTP_201_CREATED)


def _plan(api: ApiView, plan_id: int) -> FamilyPlan:
    plan = selectors.plan_get(api.actor(), plan_id)
    if plan is None:
        raise NotFound(f"No family plan with id {plan_id}.")
    return plan


class PlanReadApi(ApiView):
    @extend_schema(operation_id="family_plan_read", tags=["family-plans"],
                   summary="A family plan", responses={200: FamilyPlanOutput})
    def get(self, request: Request, plan_id: int) -> Response:
        return Response(FamilyPlanOutput(_plan(self, plan_id)).data)


class PlanHistoryApi(ApiView):
    @extend_schema(operation_id="family_plan_history", tags=["family-plans"],
                   summary="Every change of a family plan",
                   description="From the domain events of the plan, its goals, agreements and "
                   "evaluations; oldest first.", responses={200: HistoryEntryOutput(many=True)})
    def get(self, request: Request, plan_id: int) -> Response:
        return Response(HistoryEntryOutput(selectors.plan_history(_plan(self, plan_id)),
                                           many=True).data)


class PersonPlanApi(ApiView):
    @extend_schema(operation_id="family_plan_of_child", tags=["family-plans"],
                   summary="The family plan that covers a child now",
                   description="Its own plan or its household's; 404 when there is none or "
                   "the caller may not see it.", responses={200: FamilyPlanOutput})
    def get(self, request: Request, person_id: int) -> Response:
        person_in_reach(self.actor(), person_id)
        current = selectors.current_plan_of(person_id)
        if current is None:
            raise NotFound("No family plan covers this child.")
        return Response(FamilyPlanOutput(_plan(self, current.pk)).data)


class GoalAddApi(ApiView):
    refusable = True

    @extend_schema(operation_id="family_plan_goal_add", tags=["family-plans"],
                   summary="Add a goal", description="By the coordinator. A new goal also "
                   "answers a goal that drifted (its follow-up task closes).",
                   request=GoalInput, responses={201: GoalOutput})
    def post(self, request: Request, plan_id: int) -> Response:
        plan = _plan(self, plan_id)
        goal = services.goal_add(self.actor(), plan=plan, **self.input(GoalInput))
        return Response(GoalOutput(goal).data, status=status.HTTP_201_CREATED)


class AgreementAddApi(ApiView):
    refusable = True

    @extend_schema(operation_id="family_plan_agreement_add", tags=["family-plans"],
                   summary="Add an agreement with the parents",
                   request=AgreementInput, responses={201: PlanAgreementOutput})
    def post(self, request: Request, plan_id: int) -> Response:
        plan = _plan(self, plan_id)
        a = services.agreement_add(self.actor(), plan=plan, **self.input(AgreementInput))
        return Response(PlanAgreementOutput(a).data, status=status.HTTP_201_CREATED)


class EvaluationInput(serializers.Serializer):
    due = serializers.DateField(help_text="Today or later.")


class EvaluationAddApi(ApiView):
    refusable = True

    @extend_schema(operation_id="family_plan_evaluation_plan", tags=["family-plans"],
                   summary="Plan an evaluation moment",
                   request=EvaluationInput, responses={201: PlanEvaluationOutput})
    def post(self, request: Request, plan_id: int) -> Response:
        plan = _plan(self, plan_id)
        ev = services.evaluation_plan(self.actor(), plan=plan, **self.input(EvaluationInput))
        return Response(PlanEvaluationOutput(ev).data, status=status.HTTP_201_CREATED)


class EvaluationHoldInput(serializers.Serializer):
    note = serializers.CharField(help_text="What the evaluation concluded.")


class EvaluationHoldApi(ApiView):
    refusable = True

    @extend_schema(operation_id="family_plan_evaluation_hold", tags=["family-plans"],
                   summary="Record that an evaluation took place (today)",
                   description="Refused (409) when it was already held.",
                   request=EvaluationHoldInput, responses={200: PlanEvaluationOutput})
    def post(self, request: Request, evaluation_id: int) -> Response:
        ev = get_or_404(PlanEvaluation, evaluation_id, what="evaluation")
        _plan(self, ev.plan_id)
        ev = services.evaluation_hold(self.actor(), evaluation=ev,
                                      **self.input(EvaluationHoldInput))
        return Response(PlanEvaluationOutput(ev).data)


class GoalProgressInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=[GoalStatus.MET, GoalStatus.MISSED,
                                              GoalStatus.POSTPONED])
    due = serializers.DateField(required=False, allow_null=True, default=None,
                                help_text="The new due date; required with postponed.")


class GoalProgressApi(ApiView):
    @extend_schema(operation_id="goal_progress", tags=["family-plans"],
                   summary="A goal is met, missed or postponed to a new date",
                   description="By the plan's coordinator or the goal's owner. A missed goal "
                   "gives the coordinator a task to decide the follow-up.",
                   request=GoalProgressInput, responses={200: GoalOutput})
    def post(self, request: Request, goal_id: int) -> Response:
        goal = get_or_404(Goal, goal_id, what="goal")
        _plan(self, goal.plan_id)
        goal = services.goal_update(self.actor(), goal=goal, **self.input(GoalProgressInput))
        return Response(GoalOutput(goal).data)


# --- parents' cooperation -----------------------------------------------------------------


class CooperationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    child = serializers.IntegerField(source="item.child_id")
    kind = serializers.ChoiceField(source="item.kind", choices=Cooperation.KINDS)
    postponed = serializers.BooleanField(source="item.postponed")
    help = serializers.CharField(source="item.help")
    on = serializers.DateField(source="item.on")
    label = serializers.CharField(help_text="What happened, in Dutch.")
    organisation = serializers.CharField(help_text="Who recorded it.")
    professional = serializers.CharField()

    class Meta:
        ref_name = "CooperationRecord"


class CooperationInput(serializers.Serializer):
    child = person_field()
    what = serializers.ChoiceField(choices=["refused", "postponed", "missed_appointment"],
                                   help_text="A parent refuses or postpones offered help, or "
                                   "the child was not brought to an appointment.")
    help = serializers.CharField(max_length=300, help_text="Which help or appointment.")


class CooperationCollectionApi(ApiView):
    @extend_schema(operation_id="cooperation_record", tags=["parents"],
                   summary="Record a parent's refusal or postponement, or a missed appointment",
                   description="A prompt to the professionals (P2), never a label on the "
                   "parent.", request=CooperationInput, responses={201: CooperationOutput})
    def post(self, request: Request) -> Response:
        data = self.input(CooperationInput)
        what = data["what"]
        c = services.cooperation_record(
            self.actor(), child=data["child"], help=data["help"],
            kind="missed_appointment" if what == "missed_appointment" else "parent_declines",
            postponed=what == "postponed")
        entry = selectors.CooperationEntry(
            item=c, label=selectors.cooperation_label(c), organisation=c.organisation.name,
            professional=request.user.get_full_name())
        return Response(CooperationOutput(_with_id(entry)).data, status=status.HTTP_201_CREATED)


def _with_id(entry):
    entry.id = entry.item.pk
    return entry


class CooperationListApi(ApiView):
    @extend_schema(operation_id="cooperation_list", tags=["parents"],
                   summary="A child's cooperation log",
                   description="Newest first, each with who recorded it; for organisations "
                   "involved with the child (else empty).",
                   responses={200: CooperationOutput(many=True)})
    def get(self, request: Request, person_id: int) -> Response:
        child = person_in_reach(self.actor(), person_id)
        log = [_with_id(e) for e in selectors.cooperation_log(self.actor(), child)]
        return Response(CooperationOutput(log, many=True).data)


# --- parents' problems made visible: children and sharing ---------------------------------


class ChildInvolvementOutput(serializers.Serializer):
    child = PersonSummary()
    organisations = OrganisationSummary(many=True, help_text="Involved with the child: who, "
                                        "never what.")

    class Meta:
        ref_name = "ChildInvolvement"


class ChildrenInvolvementApi(ApiView):
    @extend_schema(operation_id="children_involvement", tags=["parents"],
                   summary="Who works with a parent's children",
                   description="For an organisation involved with the parent (403 otherwise): "
                   "the children in the parent's family and the organisations involved with "
                   "each — organisations only, never content.",
                   responses={200: ChildInvolvementOutput(many=True)})
    def get(self, request: Request, person_id: int) -> Response:
        from kindzicht.core.errors import Forbidden

        parent = person_in_reach(self.actor(), person_id)
        rows = selectors.children_involvement(self.actor(), parent)
        if rows is None:
            raise Forbidden("Your organisation is not involved with this person.",
                            field="person")
        return Response(ChildInvolvementOutput(rows, many=True).data)


class ShareOutput(serializers.Serializer):
    id = serializers.IntegerField()
    person = PersonSummary()
    from_organisation = OrganisationSummary()
    to_organisation = OrganisationSummary()
    topic = serializers.CharField()
    basis = serializers.ChoiceField(choices=ShareBasis.choices)
    on = serializers.DateField()

    class Meta:
        ref_name = "Share"


class ShareInput(serializers.Serializer):
    person = person_field(help_text="Whom the shared topic is about.")
    to = organisation_field(help_text="The organisation shared with.")
    topic = serializers.CharField(help_text="What is shared.")
    basis = serializers.ChoiceField(choices=ShareBasis.choices, help_text="The legal basis.")


class ShareCollectionApi(ApiView):
    refusable = True

    @extend_schema(operation_id="share_make", tags=["parents"],
                   summary="Share a topic with another organisation on a legal basis",
                   description="Recorded and audited: what, with whom, on which basis; the "
                   "receiver is notified. Refused (409) about a person the caller's "
                   "organisation is not involved with.",
                   request=ShareInput, responses={201: ShareOutput})
    def post(self, request: Request) -> Response:
        share = services.share_make(self.actor(), **self.input(ShareInput))
        return Response(ShareOutput(share).data, status=status.HTTP_201_CREATED)


class ShareListApi(ApiView):
    @extend_schema(operation_id="share_list", tags=["parents"],
                   summary="What was shared about a person or their family, by or with my "
                   "organisation", responses={200: ShareOutput(many=True)})
    def get(self, request: Request, person_id: int) -> Response:
        person = person_in_reach(self.actor(), person_id)
        return Response(ShareOutput(selectors.shares_seen_by(self.actor(), person),
                                    many=True).data)
