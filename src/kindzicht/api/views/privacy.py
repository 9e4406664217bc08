"""Privacy rights (AVG art. 15 and 16, issue 8), for the data protection officer (FG) and
administrators: record a request for inzage, produce its export (the same JSON the web screen
offers for download), and rectify a person's data or record a refusal to.

Every write calls one service of ``kindzicht.privacy.services``; reads go through
``kindzicht.privacy.selectors`` (audited)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from kindzicht.privacy import selectors
from kindzicht.privacy.models import (
    InzageStatus,
    RectificationField,
    RectificationOutcome,
    RequesterRelation,
)
from kindzicht.privacy.services import (
    inzage_export,
    inzage_request_record,
    person_rectify,
    rectification_refuse,
)

from ..base import ApiView, IsPrivacyHandler
from ..serializers import EmptyInput, PersonSummary, person_field

TAGS = ["privacy"]


class PrivacyApiView(ApiView):
    permission_classes = [permissions.IsAuthenticated, IsPrivacyHandler]
    access_rule = "privacy_rights"
    problem_statuses = (400, 401, 403, 404)


class InzageRequestOutput(serializers.Serializer):
    id = serializers.IntegerField()
    person = PersonSummary()
    requester_name = serializers.CharField()
    requester_relation = serializers.ChoiceField(choices=RequesterRelation.choices)
    received_on = serializers.DateField()
    due_on = serializers.DateField(help_text="The legal deadline: one month after receipt "
                                   "(AVG art. 12(3)).")
    status = serializers.ChoiceField(choices=InzageStatus.choices)
    delivered_on = serializers.DateField(allow_null=True)
    note = serializers.CharField()

    class Meta:
        ref_name = "InzageRequest"


class InzageRequestInput(serializers.Serializer):
    person = person_field(required=False, help_text="The person's id (or give `bsn`).")
    bsn = serializers.CharField(required=False, max_length=20,
                                help_text="The person's BSN (or give `person`).")
    requester_name = serializers.CharField(max_length=200, allow_blank=True,
                                           help_text="Who made the request.")
    requester_relation = serializers.ChoiceField(
        choices=RequesterRelation.choices, help_text="Under 16 the parents with authority or "
        "the guardian exercise the right.")
    received_on = serializers.DateField(help_text="The day the request was received.")
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 max_length=2000)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if bool(data.get("person")) == bool(data.get("bsn")):
            raise serializers.ValidationError({"person": "Give either person or bsn."})
        return data


class InzageRequestCollectionApi(PrivacyApiView):
    refusable = False

    @extend_schema(operation_id="inzage_request_list", tags=TAGS,
                   summary="My organisation's requests for inzage",
                   description="Open first (by deadline), then delivered; at most 500.",
                   responses={200: InzageRequestOutput(many=True)})
    def get(self, request: Request) -> Response:
        rows = selectors.inzage_requests(self.actor())
        return Response(InzageRequestOutput(rows, many=True).data)

    @extend_schema(operation_id="inzage_request_record", tags=TAGS,
                   summary="Record a request for inzage (AVG art. 15)",
                   description="Records who asked, for whom and when it was received; the FG "
                   "gets a task with the legal deadline (one month), which the watchdog "
                   "reminds of. 400 names the field: an unknown person or BSN, a date in the "
                   "future, a person under 16 asking alone.",
                   request=InzageRequestInput, responses={201: InzageRequestOutput})
    def post(self, request: Request) -> Response:
        data = self.input(InzageRequestInput)
        actor = self.actor()
        if data.get("bsn"):
            person = selectors.person_for_request(actor, bsn=data["bsn"])
        else:
            person = selectors.person_get(actor, data["person"].pk)
        req = inzage_request_record(actor, person=person, requester_name=data["requester_name"],
                                    requester_relation=data["requester_relation"],
                                    received_on=data["received_on"], note=data["note"])
        return Response(InzageRequestOutput(req).data, status=status.HTTP_201_CREATED)


class InzageExportApi(PrivacyApiView):
    @extend_schema(operation_id="inzage_export", tags=TAGS,
                   summary="Produce the inzage export",
                   description="Everything held about the request's person, in Dutch, as "
                   "sections of columns and rows, with what was withheld and why (see "
                   "docs/privacy.md). A POST because it records the delivery: the read is "
                   "audited with purpose `inzage` and the FG's task is answered. The web "
                   "screen offers the same export as a PDF.",
                   request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, request_id: int) -> Response:
        self.input(EmptyInput)
        actor = self.actor()
        req = selectors.inzage_request_get(actor, request_id)
        return Response(inzage_export(actor, request=req))


class RectificationInput(serializers.Serializer):
    field = serializers.CharField(max_length=20, help_text="given_name, family_name, "
                                  "birth_date, bsn or place.")
    value = serializers.CharField(allow_blank=True, max_length=200,
                                  help_text="The corrected value (the value asked for, when "
                                  "refused). A date as YYYY-MM-DD.")
    outcome = serializers.ChoiceField(choices=RectificationOutcome.choices,
                                      default=RectificationOutcome.RECTIFIED)
    reason = serializers.CharField(allow_blank=True, max_length=1000,
                                   help_text="Why it is corrected, or why not.")
    requested_by = serializers.CharField(allow_blank=True, max_length=200,
                                         help_text="Whose request this answers.")
    received_on = serializers.DateField(help_text="The day the request was received.")


class RectificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.IntegerField(source="person_id")
    field = serializers.ChoiceField(choices=RectificationField.choices)
    before = serializers.CharField()
    after = serializers.CharField()
    outcome = serializers.ChoiceField(choices=RectificationOutcome.choices)
    reason = serializers.CharField()
    requested_by = serializers.CharField()
    received_on = serializers.DateField()
    recorded_on = serializers.DateField(source="on")

    class Meta:
        ref_name = "Rectification"


class RectificationApi(PrivacyApiView):
    refusable = True
    problem_statuses = (400, 401, 403, 404, 409)
    error_field_names = {"value": "value"}

    @extend_schema(operation_id="person_rectify", tags=TAGS,
                   summary="Rectify a person's data, or record a refusal (AVG art. 16)",
                   description="The previous value stays in the history (before and after); "
                   "nothing is edited silently. 400 names the field (an invalid BSN or date, a "
                   "BSN of another person, an empty reason); 409 when the value is unchanged.",
                   request=RectificationInput, responses={201: RectificationOutput})
    def post(self, request: Request, person_id: int) -> Response:
        data = self.input(RectificationInput)
        actor = self.actor()
        person = selectors.person_get(actor, person_id)
        common = {"person": person, "field": data["field"], "reason": data["reason"],
                  "requested_by": data["requested_by"], "received_on": data["received_on"]}
        if data["outcome"] == RectificationOutcome.REFUSED:
            r = rectification_refuse(actor, requested_value=data["value"], **common)
        else:
            r = person_rectify(actor, value=data["value"], **common)
        return Response(RectificationOutput(r).data, status=status.HTTP_201_CREATED)
