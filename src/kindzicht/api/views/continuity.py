"""Continuity of care (findings.md 2.5): involvement, safety responsibility (veiligheidsregie),
warm handovers, requests and decisions, and my organisation's children with their holder.

Every write calls one service of ``kindzicht.continuity.services``; the continuity guards
answer 409 with what to do instead.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from kindzicht.continuity import selectors, services
from kindzicht.continuity.models import Basis, DecisionKind, HandoverStatus, RequestKind
from kindzicht.people.models import Person

from .. import reads
from ..base import ApiView, get_or_404, person_in_reach
from ..serializers import (
    EmptyInput,
    OrganisationSummary,
    PersonSummary,
    organisation_field,
    person_field,
)

# --- involvement -------------------------------------------------------------------------


class InvolvementStartInput(serializers.Serializer):
    person = person_field()
    service = serializers.CharField(max_length=300, help_text="What the organisation does.")
    intensive = serializers.BooleanField(required=False, default=False,
                                         help_text="Intensive help cannot end without "
                                         "aftercare while the child is at open risk.")


class InvolvementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    person = PersonSummary()
    organisation = OrganisationSummary()
    service = serializers.CharField()
    intensive = serializers.BooleanField()
    started_on = serializers.DateField(source="on")
    ended_on = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "Involvement"


class InvolvementStartApi(ApiView):
    refusable = True

    @extend_schema(operation_id="involvement_start", tags=["involvement"],
                   summary="Start working with a person",
                   description="The acting professional's organisation starts its involvement. "
                   "Refused (409) when it is already involved.",
                   request=InvolvementStartInput, responses={201: InvolvementOutput})
    def post(self, request: Request) -> Response:
        involvement = services.involvement_start(self.actor(),
                                                 **self.input(InvolvementStartInput))
        return Response(InvolvementOutput(involvement).data, status=status.HTTP_201_CREATED)


class InvolvementEndInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Why the involvement ends.")
    aftercare = serializers.CharField(required=False, allow_blank=True, default="",
                                      help_text="Who does what afterwards, for how long. "
                                      "Required to end intensive help of a child at open risk.")


class InvolvementEndOutput(serializers.Serializer):
    person = PersonSummary()
    organisation = OrganisationSummary()
    ended_on = serializers.DateField(source="on")
    at_open_risk = serializers.BooleanField()
    held_responsibility = serializers.BooleanField()
    intensive = serializers.BooleanField()
    aftercare = serializers.CharField()
    reason = serializers.CharField()

    class Meta:
        ref_name = "InvolvementEnd"


class InvolvementEndApi(ApiView):
    refusable = True

    @extend_schema(
        operation_id="involvement_end", tags=["involvement"],
        summary="End my organisation's involvement with a person",
        description="Also withdraws the organisation's own signal on the person. Refused (409, "
        "`continuity_guard`) while the organisation holds safety responsibility for a child "
        "at open risk with no confirmed successor, or when intensive help of such a child "
        "would end without aftercare; `detail` says which handover to complete or who must "
        "take over.",
        request=InvolvementEndInput, responses={200: InvolvementEndOutput})
    def post(self, request: Request, person_id: int) -> Response:
        person = person_in_reach(self.actor(), person_id)
        fact = services.involvement_end(self.actor(), person=person,
                                        **self.input(InvolvementEndInput))
        return Response(InvolvementEndOutput(fact).data)


# --- safety responsibility ---------------------------------------------------------------


class ResponsibilityPeriodOutput(serializers.Serializer):
    organisation = OrganisationSummary(allow_null=True,
                                       help_text="null: a gap — nobody held it.")
    basis = serializers.CharField(help_text="voluntary, supervision_order, guardianship, "
                                  "investigation or coordination (empty for a gap).")
    how = serializers.CharField(help_text="opened, taken, handover, transfer or released.")
    start_on = serializers.DateField(source="on")
    end_on = serializers.DateField(source="ended_on", allow_null=True)
    end_reason = serializers.CharField()

    class Meta:
        ref_name = "ResponsibilityPeriod"


class ResponsibilityOutput(serializers.Serializer):
    child = PersonSummary()
    at_open_risk = serializers.BooleanField()
    open_risk_since = serializers.DateField(allow_null=True)
    holder = OrganisationSummary(allow_null=True, help_text="Who holds it now (null: nobody).")
    periods = ResponsibilityPeriodOutput(many=True)

    class Meta:
        ref_name = "Responsibility"


class ResponsibilityReadApi(ApiView):
    @extend_schema(operation_id="responsibility_history", tags=["responsibility"],
                   summary="A child's safety responsibility over time",
                   description="Every period from the first, a gap shown as a period without "
                   "organisation; whether the child is at open risk now.",
                   responses={200: ResponsibilityOutput})
    def get(self, request: Request, person_id: int) -> Response:
        child = person_in_reach(self.actor(), person_id)
        return Response(ResponsibilityOutput(selectors.responsibility_of(self.actor(),
                                                                         child)).data)


class ResponsibilityTakeInput(serializers.Serializer):
    basis = serializers.ChoiceField(choices=Basis.choices)


class ResponsibilityTakeApi(ApiView):
    @extend_schema(operation_id="responsibility_take", tags=["responsibility"],
                   summary="Take safety responsibility for a child",
                   description="Moves it to my organisation now (the previous holder is "
                   "notified); the holder may take it again to confirm it explicitly. Taken "
                   "before risk opens, it holds as soon as risk opens.",
                   request=ResponsibilityTakeInput, responses={201: ResponsibilityOutput})
    def post(self, request: Request, person_id: int) -> Response:
        # Open like starting involvement: taking responsibility brings the child into reach.
        child = get_or_404(Person, person_id, what="person")
        actor = self.actor()
        services.responsibility_take(actor, child=child, **self.input(ResponsibilityTakeInput))
        return Response(ResponsibilityOutput(selectors.responsibility_of(actor, child)).data,
                        status=status.HTTP_201_CREATED)


class ResponsibilityApi(ResponsibilityReadApi, ResponsibilityTakeApi):
    """``/persons/{id}/responsibility``: GET the history, POST takes it."""


class ChildOutput(serializers.Serializer):
    child = PersonSummary()
    at_open_risk = serializers.BooleanField()
    holder = OrganisationSummary(allow_null=True,
                                 help_text="Who holds safety responsibility (null: nobody).")
    basis = serializers.CharField()
    holder_since = serializers.DateField(allow_null=True)
    pending_handovers = serializers.IntegerField(help_text="Handovers of this child sent or "
                                                 "received by my organisation, not yet "
                                                 "confirmed, declined or withdrawn.")

    class Meta:
        ref_name = "ChildOfOrganisation"


class ChildrenApi(ApiView):
    @extend_schema(operation_id="children_of_my_organisation", tags=["responsibility"],
                   summary="My organisation's children and who is responsible for each",
                   description="Children my organisation is involved with (involvement, a "
                   "signal, an open concern, responsibility, an accepted handover) or has been "
                   "offered; those at open risk without anyone responsible come first.",
                   responses={200: ChildOutput(many=True)})
    def get(self, request: Request) -> Response:
        return Response(ChildOutput(selectors.children_of_organisation(self.actor()),
                                    many=True).data)


# --- handovers ---------------------------------------------------------------------------


class HandoverFactorOutput(serializers.Serializer):
    domain = serializers.CharField()
    code = serializers.CharField()
    accepted = serializers.BooleanField()

    class Meta:
        ref_name = "HandoverFactor"


class HandoverOutput(serializers.Serializer):
    id = serializers.IntegerField()
    child = PersonSummary()
    sender = OrganisationSummary()
    receiver = OrganisationSummary()
    status = serializers.ChoiceField(choices=HandoverStatus.choices)
    offered_on = serializers.DateField(source="on")
    accepted_on = serializers.DateField(allow_null=True)
    confirmed_on = serializers.DateField(allow_null=True)
    declined_on = serializers.DateField(allow_null=True)
    withdrawn_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField(help_text="Why it was declined or withdrawn.")
    note = serializers.CharField()
    moved_responsibility = serializers.BooleanField(
        help_text="Safety responsibility moved to the receiver at the confirmed start.")
    factors = HandoverFactorOutput(many=True, source="factors.all")

    class Meta:
        ref_name = "Handover"


class HandoverOfferInput(serializers.Serializer):
    child = person_field()
    receiver = organisation_field(help_text="Another organisation.")
    factors = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, allow_null=True,
        default=None,
        help_text="Factor codes of the child's latest assessment that my organisation owns or "
        "assessed. Left out: every factor it owns for the child; `[]`: none.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HandoverListQuery(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["sent", "received"], required=False,
                                        help_text="Only those my organisation "
                                        "sent, or received.")
    open = serializers.BooleanField(required=False, default=False,
                                    help_text="Only those not yet confirmed, declined or "
                                    "withdrawn.")


class HandoverListApi(ApiView):
    query_serializer = HandoverListQuery

    @extend_schema(operation_id="handover_list", tags=["handovers"],
                   summary="Handovers my organisation sent or received",
                   responses={200: HandoverOutput(many=True)})
    def get(self, request: Request) -> Response:
        query = self.query()
        found = selectors.handovers_of(self.actor(), direction=query.get("direction", ""),
                                       open_only=query["open"])
        return Response(HandoverOutput(found, many=True).data)


class HandoverOfferApi(ApiView):
    @extend_schema(operation_id="handover_offer", tags=["handovers"],
                   summary="Offer a warm handover",
                   description="Offer → accept → confirm start. Until the receiver confirms "
                   "the start, my organisation stays responsible and sees the handover as "
                   "pending. A handover to my own organisation is refused (400, `receiver`).",
                   request=HandoverOfferInput, responses={201: HandoverOutput})
    def post(self, request: Request) -> Response:
        actor = self.actor()
        handover = services.handover_offer(actor, **self.input(HandoverOfferInput))
        return Response(HandoverOutput(reads.handover_get(actor, handover.pk,
                                                          audit=False)).data,
                        status=status.HTTP_201_CREATED)


class HandoverCollectionApi(HandoverListApi, HandoverOfferApi):
    """``/handovers``: GET lists, POST offers."""


class HandoverReadApi(ApiView):
    @extend_schema(operation_id="handover_read", tags=["handovers"], summary="Read a handover",
                   description="For its sender and its receiver only.",
                   responses={200: HandoverOutput})
    def get(self, request: Request, handover_id: int) -> Response:
        return Response(HandoverOutput(reads.handover_get(self.actor(), handover_id)).data)


class HandoverAcceptInput(serializers.Serializer):
    factors = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, allow_null=True,
        default=None,
        help_text="The offered factor codes my organisation takes over. Left out: all; `[]`: "
        "none. A factor that was not offered is refused (409, `factors`).")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(help_text="Required; the other organisation reads it.")


class _HandoverAction(ApiView):
    refusable = True

    def _act(self, handover_id: int, service, input_class) -> Response:
        actor = self.actor()
        handover = reads.handover_get(actor, handover_id, audit=False)
        service(actor, handover=handover, **self.input(input_class))
        return Response(HandoverOutput(reads.handover_get(actor, handover_id,
                                                          audit=False)).data)


class HandoverAcceptApi(_HandoverAction):
    @extend_schema(operation_id="handover_accept", tags=["handovers"],
                   summary="Accept a handover (receiver)",
                   description="My organisation takes over all or some offered factors; the "
                   "sender stays responsible until I confirm the start.",
                   request=HandoverAcceptInput, responses={200: HandoverOutput})
    def post(self, request: Request, handover_id: int) -> Response:
        return self._act(handover_id, services.handover_accept, HandoverAcceptInput)


class HandoverConfirmStartApi(_HandoverAction):
    @extend_schema(operation_id="handover_confirm_start", tags=["handovers"],
                   summary="Confirm the follow-up really started (receiver)",
                   description="Only now does safety responsibility move (when the sender "
                   "holds it). Refused (409) for a handover that was never accepted.",
                   request=None, responses={200: HandoverOutput})
    def post(self, request: Request, handover_id: int) -> Response:
        return self._act(handover_id, services.handover_confirm_start, EmptyInput)


class HandoverDeclineApi(_HandoverAction):
    @extend_schema(operation_id="handover_decline", tags=["handovers"],
                   summary="Decline a handover, with a reason (receiver)",
                   request=ReasonInput, responses={200: HandoverOutput})
    def post(self, request: Request, handover_id: int) -> Response:
        return self._act(handover_id, services.handover_decline, ReasonInput)


class HandoverWithdrawApi(_HandoverAction):
    @extend_schema(operation_id="handover_withdraw", tags=["handovers"],
                   summary="Withdraw an offer not yet confirmed, with a reason (sender)",
                   request=ReasonInput, responses={200: HandoverOutput})
    def post(self, request: Request, handover_id: int) -> Response:
        return self._act(handover_id, services.handover_withdraw, ReasonInput)


# --- requests and decisions --------------------------------------------------------------


class RequestInput(serializers.Serializer):
    child = person_field()
    kind = serializers.ChoiceField(choices=RequestKind.choices,
                                   help_text="investigation (to the Raad, by safe_at_home, "
                                   "youth_protection, district_team or municipality); "
                                   "supervision_order (to the kinderrechter, by the Raad); "
                                   "supervision_extension (to the kinderrechter, by "
                                   "youth_protection).")
    reasons = serializers.CharField(required=False, allow_blank=True, default="")


class RequestOutput(serializers.Serializer):
    id = serializers.IntegerField()
    child = PersonSummary()
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    requester = OrganisationSummary()
    addressee_sector = serializers.CharField()
    reasons = serializers.CharField()
    made_on = serializers.DateField(source="on")

    class Meta:
        ref_name = "Request"


class RequestCreateApi(ApiView):
    refusable = True

    @extend_schema(operation_id="request_make", tags=["decisions"],
                   summary="Request an investigation or a measure",
                   description="Refused (409, `kind`) when my organisation's sector cannot "
                   "make this request.",
                   request=RequestInput, responses={201: RequestOutput})
    def post(self, request: Request) -> Response:
        made = services.request_make(self.actor(), **self.input(RequestInput))
        return Response(RequestOutput(made).data, status=status.HTTP_201_CREATED)


class DecisionInput(serializers.Serializer):
    child = person_field()
    decision = serializers.ChoiceField(choices=DecisionKind.choices,
                                       help_text="investigation_declined, no_measure and "
                                       "measure_requested by the Raad; the others by the "
                                       "kinderrechter.")
    reasons = serializers.CharField(help_text="Required; they reach the requester.")


class DecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    child = PersonSummary()
    decision = serializers.ChoiceField(choices=DecisionKind.choices)
    organisation = OrganisationSummary()
    reasons = serializers.CharField()
    request = serializers.IntegerField(source="request_id", allow_null=True,
                                       help_text="The request it answers, if any.")
    decided_on = serializers.DateField(source="on")

    class Meta:
        ref_name = "Decision"


class DecisionCreateApi(ApiView):
    refusable = True

    @extend_schema(operation_id="decision_record", tags=["decisions"],
                   summary="Record a decision of the Raad or the kinderrechter",
                   description="The reasons reach the requesting organisation. A rejecting "
                   "decision gives it a task: say who holds safety responsibility now and what "
                   "the agreements are. Refused (409, `decision`) for a sector that cannot "
                   "decide it; without reasons, 400 (`reasons`).",
                   request=DecisionInput, responses={201: DecisionOutput})
    def post(self, request: Request) -> Response:
        decision = services.decision_record(self.actor(), **self.input(DecisionInput))
        return Response(DecisionOutput(decision).data, status=status.HTTP_201_CREATED)
