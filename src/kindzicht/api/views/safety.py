"""Re-assessment at every change (findings.md 2.4, issue 6): assessments with owned risk
factors, accepting factors named to my organisation, life events, and a child's risk history
across households, municipalities and organisations.

Every write calls one service of ``kindzicht.safety``; reads go through
``kindzicht.safety.reads`` (audited, need to know). kindzicht computes no verdict: safety and
risk are the professional's decision.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from kindzicht.core.errors import KindzichtError, ValidationError
from kindzicht.people.models import Household
from kindzicht.safety import reads
from kindzicht.safety.factors import DOMAINS
from kindzicht.safety.life_events import life_event_record_on
from kindzicht.safety.models import FactorOwnership, LifeEvent, RiskLevel, Safety
from kindzicht.safety.regional import factor_label
from kindzicht.safety.services import assessment_record, factors_accept

from ..base import ApiView, person_in_reach
from ..serializers import (
    OrganisationSummary,
    PersonSummary,
    id_value,
    person_field,
    related_field,
)

# --- output --------------------------------------------------------------------------------


class AssessmentFactorOutput(serializers.Serializer):
    domain = serializers.ChoiceField(choices=list(DOMAINS))
    code = serializers.CharField(help_text="A standard code (findings.md) or one of the "
                                 "child's region.")
    label = serializers.SerializerMethodField(help_text="The Dutch label.")
    owner = OrganisationSummary()
    accepted = serializers.SerializerMethodField(
        help_text="The owner has accepted it (the assessor owns its own factors at once).")

    class Meta:
        ref_name = "AssessmentFactor"

    @extend_schema_field(serializers.CharField())
    def get_label(self, factor) -> str:
        return factor_label(factor.code)

    @extend_schema_field(serializers.BooleanField())
    def get_accepted(self, factor) -> bool:
        owned = self.context.get("owned") or set()
        return (factor.code, factor.owner_id) in owned


class AssessmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    child = PersonSummary()
    organisation = OrganisationSummary(help_text="The assessing organisation.")
    safety = serializers.ChoiceField(choices=Safety.choices)
    risk = serializers.ChoiceField(choices=RiskLevel.choices)
    agreements = serializers.CharField(help_text="The safety agreements (conditionally safe).")
    assessed_on = serializers.DateField(source="on")
    factors = AssessmentFactorOutput(many=True, source="factors.all")

    class Meta:
        ref_name = "Assessment"


def _owned(child_ids) -> set[tuple[str, int]]:
    return set(FactorOwnership.objects.filter(child_id__in=list(child_ids),
                                              ended_on__isnull=True)
               .values_list("code", "organisation_id"))


class LifeEventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=LifeEvent.KINDS)
    on = serializers.DateField(help_text="The day of the change.")
    person = PersonSummary(allow_null=True, help_text="Whom it is about (null: a household).")
    household = serializers.IntegerField(source="household_id", allow_null=True,
                                         help_text="The household it is about, if any.")
    derived = serializers.BooleanField(help_text="Derived from the data (a move, someone "
                                       "joining or leaving a household, a birth).")
    organisation = OrganisationSummary(allow_null=True, help_text="Who recorded it.")

    class Meta:
        ref_name = "LifeEvent"


class AwaitingFactorOutput(serializers.Serializer):
    child = PersonSummary()
    assessment = serializers.IntegerField(source="assessment.pk")
    assessed_on = serializers.DateField(source="assessment.on")
    assessor = OrganisationSummary(source="assessment.organisation")
    domain = serializers.ChoiceField(choices=list(DOMAINS))
    code = serializers.CharField()
    label = serializers.SerializerMethodField()

    class Meta:
        ref_name = "AwaitingFactor"

    @extend_schema_field(serializers.CharField())
    def get_label(self, row) -> str:
        return factor_label(row.code)


class AddressOutput(serializers.Serializer):
    municipality_code = serializers.CharField()
    municipality = serializers.CharField(help_text="The municipality's name.")
    postcode = serializers.CharField()
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "RiskHistoryAddress"


class OrganisationPeriodOutput(serializers.Serializer):
    organisation = OrganisationSummary()
    what = serializers.ChoiceField(choices=["involvement", "responsibility", "signal",
                                            "concern"])
    detail = serializers.CharField(help_text="The service, the basis or the kind of concern.")
    start_on = serializers.DateField(source="start")
    end_on = serializers.DateField(source="end", allow_null=True)

    class Meta:
        ref_name = "RiskHistoryOrganisation"


class AssessorOutput(serializers.Serializer):
    assessed_on = serializers.DateField()
    organisation = serializers.CharField(help_text="The assessing organisation's name.")

    class Meta:
        ref_name = "RiskHistoryAssessor"


class ReassessmentTaskOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = OrganisationSummary()
    raised_on = serializers.DateField()
    due_on = serializers.DateField(allow_null=True)
    facts = serializers.ListField(child=serializers.CharField())

    class Meta:
        ref_name = "ReassessmentTask"


class RiskHistoryOutput(serializers.Serializer):
    child = PersonSummary()
    municipality_code = serializers.CharField(help_text="The municipality that oversees the "
                                              "case now: where the child lives today.")
    municipality = serializers.CharField()
    addresses = AddressOutput(many=True, help_text="Every address, oldest first.")
    organisations = OrganisationPeriodOutput(many=True, help_text="Schools, GPs and every "
                                             "other organisation involved, over time.")
    assessment_count = serializers.IntegerField()
    assessors = serializers.SerializerMethodField(help_text="When, and by whom, the child was "
                                                  "assessed (visible to every caseworker).")
    assessments = AssessmentOutput(many=True, allow_null=True, help_text="Oldest first; null "
                                   "when my organisation may not see their content (it is not "
                                   "involved; the risk picture comes through a handover).")
    life_events = LifeEventOutput(many=True, help_text="In the family, oldest first.")
    open_tasks = ReassessmentTaskOutput(many=True, help_text="Open re-assessment tasks.")

    class Meta:
        ref_name = "RiskHistory"

    @extend_schema_field(AssessorOutput(many=True))
    def get_assessors(self, history) -> list[dict[str, Any]]:
        return [{"assessed_on": on, "organisation": name} for on, name in history.assessors]


# --- assessments -----------------------------------------------------------------------------


class AssessmentFactorInput(serializers.Serializer):
    domain = serializers.ChoiceField(choices=list(DOMAINS))
    code = serializers.CharField(max_length=60)
    owner = id_value(required=False, allow_null=True, default=None,
                                     help_text="The owning organisation's id; left out: my "
                                     "organisation. The owner must accept it.")


class AssessmentInput(serializers.Serializer):
    child = person_field(help_text="The child's id (under 18).")
    safety = serializers.ChoiceField(choices=Safety.choices)
    risk = serializers.ChoiceField(choices=RiskLevel.choices)
    factors = AssessmentFactorInput(many=True, required=False, default=list)
    agreements = serializers.CharField(required=False, allow_blank=True, default="",
                                       help_text="The safety agreements; expected when "
                                       "conditionally safe.")


_INDEXED = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


def _dotted(exc: KindzichtError) -> KindzichtError:
    """The services name list items ``factors[0].owner``; the API names them with dots."""
    if exc.field:
        exc.field = _INDEXED.sub(r"\1.\2.\3", exc.field)
    return exc


class AssessmentCreateApi(ApiView):
    @extend_schema(operation_id="assessment_record", tags=["assessments"],
                   summary="Record a safety and risk assessment of a child",
                   description="Safety (safe, conditionally_safe, unsafe), risk (low … "
                   "very_high) and factors in four domains, each with an owner (my "
                   "organisation unless another is named; that one must accept it). Closes "
                   "the child's open re-assessment tasks. Refused (400) for an adult "
                   "(`child`), an unknown factor code or one of another region "
                   "(`factors.N.code`), a code in the wrong domain (`factors.N.domain`), an "
                   "owner that does not exist (`factors.N.owner`).",
                   request=AssessmentInput, responses={201: AssessmentOutput})
    def post(self, request: Request) -> Response:
        data = self.input(AssessmentInput)
        factors = [dict(f) for f in data.pop("factors")]
        try:
            assessment = assessment_record(self.actor(), factors=factors, **data)
        except KindzichtError as exc:
            raise _dotted(exc) from None
        return Response(AssessmentOutput(assessment, context={
            "owned": _owned([assessment.child_id])}).data, status=status.HTTP_201_CREATED)


class AssessmentListApi(ApiView):
    #: An adult has no assessments and no risk history: 400 naming the path's person.
    problem_statuses = (400, 401, 403, 404)
    error_field_names = {"child": "person_id"}

    @extend_schema(operation_id="assessment_list", tags=["assessments"],
                   summary="A child's assessments, newest first",
                   description="For organisations involved with the child, its assessors and "
                   "the factors' named owners; others get 403 (the risk picture comes to them "
                   "through a handover with its factors).",
                   responses={200: AssessmentOutput(many=True)})
    def get(self, request: Request, person_id: int) -> Response:
        child = person_in_reach(self.actor(), person_id)
        found = reads.assessments_of(self.actor(), child)
        return Response(AssessmentOutput(found, many=True,
                                         context={"owned": _owned([child.pk])}).data)


# --- factors ---------------------------------------------------------------------------------


class FactorsAwaitingApi(ApiView):
    @extend_schema(operation_id="factors_awaiting_acceptance", tags=["assessments"],
                   summary="Factors named to my organisation, awaiting its acceptance",
                   description="From the latest assessment of each child (rule R3: accept "
                   "within the policy's days).",
                   responses={200: AwaitingFactorOutput(many=True)})
    def get(self, request: Request) -> Response:
        return Response(AwaitingFactorOutput(reads.factors_awaiting(self.actor()),
                                             many=True).data)


class FactorsAcceptInput(serializers.Serializer):
    factors = serializers.ListField(child=serializers.CharField(max_length=60), min_length=1,
                                    help_text="Factor codes of the child's latest assessment "
                                    "that name my organisation as owner.")


class FactorsAcceptOutput(serializers.Serializer):
    child = PersonSummary()
    accepted = serializers.ListField(child=serializers.CharField())

    class Meta:
        ref_name = "FactorsAccepted"


class FactorsAcceptApi(ApiView):
    refusable = True

    @extend_schema(operation_id="factors_accept", tags=["assessments"],
                   summary="Accept ownership of factors named to my organisation",
                   description="Refused (409, `factors`) for a factor the child's latest "
                   "assessment does not name my organisation owner of; nothing is accepted "
                   "then.",
                   request=FactorsAcceptInput, responses={200: FactorsAcceptOutput})
    def post(self, request: Request, person_id: int) -> Response:
        child = person_in_reach(self.actor(), person_id)
        accepted = factors_accept(self.actor(), child=child,
                                  factors=self.input(FactorsAcceptInput)["factors"])
        return Response(FactorsAcceptOutput({"child": child, "accepted": accepted}).data)


# --- life events -----------------------------------------------------------------------------


class LifeEventInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LifeEvent.KINDS)
    on = serializers.DateField(required=False, allow_null=True, default=None,
                               help_text="The day of the change (default today); not in the "
                               "future, not before the person's birth.")
    person = person_field(required=False, allow_null=True, default=None,
                          help_text="The person it is about (or give a household).")
    household = related_field(
        Household.objects.all(), required=False, allow_null=True, default=None,
        help_text="The household it is about (or give a person).")


class LifeEventCreateApi(ApiView):
    #: the service names the moment ``at``; the client gave ``on``
    error_field_names = {"at": "on"}

    @extend_schema(operation_id="life_event_record", tags=["life-events"],
                   summary="Record a change in a family",
                   description="Each child at open risk in the family gets a re-assessment "
                   "task for the organisation holding its safety responsibility (due per the "
                   "region's R1 policy, default 14 days). The same event for the same person "
                   "or household on the same day counts once (200 with the existing one). "
                   "Refused (400) when dated in the future or before the person's birth "
                   "(`on`).",
                   request=LifeEventInput, responses={201: LifeEventOutput,
                                                      200: LifeEventOutput})
    def post(self, request: Request) -> Response:
        data = self.input(LifeEventInput)
        if (data["person"] is None) == (data["household"] is None):
            raise ValidationError("A life event is about a person or a household.",
                                  field="person")
        ev = life_event_record_on(self.actor(), **data)
        if ev is not None:
            return Response(LifeEventOutput(ev).data, status=status.HTTP_201_CREATED)
        existing = LifeEvent.objects.filter(kind=data["kind"], person=data["person"],
                                            household=data["household"]).order_by("-id").first()
        return Response(LifeEventOutput(existing).data)


class LifeEventListApi(ApiView):
    @extend_schema(operation_id="life_event_list", tags=["life-events"],
                   summary="Life events of a person and their family, newest first",
                   description="About the person, the households they lived in (while a "
                   "member) and, for a child, its family members.",
                   responses={200: LifeEventOutput(many=True)})
    def get(self, request: Request, person_id: int) -> Response:
        person = person_in_reach(self.actor(), person_id)
        return Response(LifeEventOutput(reads.life_events_of(self.actor(), person),
                                        many=True).data)


# --- risk history ----------------------------------------------------------------------------


class RiskHistoryApi(ApiView):
    #: An adult has no assessments and no risk history: 400 naming the path's person.
    problem_statuses = (400, 401, 403, 404)
    error_field_names = {"child": "person_id"}

    @extend_schema(operation_id="risk_history", tags=["assessments"],
                   summary="A child's risk history over time",
                   description="The record follows the child: every address with its "
                   "municipality, the municipality overseeing now, the organisations involved "
                   "over time (schools, GPs …), assessments (content for those involved), "
                   "life events in the family and open re-assessment tasks — across every "
                   "move.",
                   responses={200: RiskHistoryOutput})
    def get(self, request: Request, person_id: int) -> Response:
        child = person_in_reach(self.actor(), person_id)
        history = reads.risk_history(self.actor(), child)
        return Response(RiskHistoryOutput(history, context={"owned": _owned([child.pk])}).data)

