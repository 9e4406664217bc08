"""Need to know (issue 8): break the glass, its review, and who read a person's record."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from kindzicht.access import selectors
from kindzicht.access.services import REASON_MIN_LENGTH, break_glass_open, break_glass_review
from kindzicht.core.errors import NotFound
from kindzicht.people.models import Person

from ..base import ApiView, get_or_404

TAGS = ["access"]


class BreakGlassInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=300, help_text=f"What is acute and why you must open the record now "
        f"(at least {REASON_MIN_LENGTH} characters).")


class BreakGlassOutput(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.IntegerField(source="person_id")
    organisation = serializers.IntegerField(source="organisation_id")
    professional = serializers.IntegerField(source="professional_id")
    reason = serializers.CharField()
    opened_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    reviewers = serializers.ListField(child=serializers.IntegerField(), source="reviewer_ids",
                                      help_text="The organisations asked to review the use.")
    review = serializers.ChoiceField(choices=["pending", "ok", "improper"])
    review_note = serializers.CharField()

    class Meta:
        ref_name = "BreakGlass"


class BreakGlassApi(ApiView):
    refusable = True
    problem_statuses = (400, 401, 403, 404, 409)

    @extend_schema(operation_id="break_glass_open", tags=TAGS,
                   summary="Break the glass: open a record outside your reach",
                   description="Only in an acute situation, with a mandatory reason. Grants "
                   "you access to the person for `KINDZICHT_BREAK_GLASS_HOURS` (24 by "
                   "default); every read under it is audited with the reason; the "
                   "organisation holding safety responsibility (else those involved) is "
                   "notified and gets a review task. 409 when the person is in your reach.",
                   request=BreakGlassInput, responses={201: BreakGlassOutput})
    def post(self, request: Request, person_id: int) -> Response:
        reason = self.input(BreakGlassInput)["reason"]
        person = get_or_404(Person, person_id, what="person")
        grant = break_glass_open(self.actor(), person, reason)
        return Response(BreakGlassOutput(grant).data, status=status.HTTP_201_CREATED)


class BreakGlassReviewInput(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["ok", "improper"],
                                      help_text="ok: justified; improper: not justified.")
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text="Required when improper.")


class BreakGlassReviewApi(ApiView):
    refusable = True
    problem_statuses = (400, 401, 403, 404, 409)

    @extend_schema(operation_id="break_glass_review", tags=TAGS,
                   summary="Review a use of break the glass",
                   description="For the organisations asked to review (404 for others). 409 "
                   "when it was reviewed already.",
                   request=BreakGlassReviewInput, responses={200: BreakGlassOutput})
    def post(self, request: Request, grant_id: int) -> Response:
        actor = self.actor()
        grant = selectors.grant_get(actor, grant_id)
        if grant is None or actor.organisation_id not in grant.reviewer_ids:
            raise NotFound(f"No break-the-glass use with id {grant_id} for you to review.")
        data = self.input(BreakGlassReviewInput)
        grant = break_glass_review(actor, grant, verdict=data["verdict"], note=data["note"])
        return Response(BreakGlassOutput(grant).data)


class AccessRowOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    organisation = serializers.CharField()
    professional = serializers.CharField()
    role = serializers.CharField()
    action = serializers.CharField(help_text="What was read (the audit entry's action).")
    purpose = serializers.CharField(help_text="Why: `break_the_glass: <reason>` under a "
                                    "break-the-glass grant.")
    break_glass = serializers.BooleanField()

    class Meta:
        ref_name = "AccessRow"


class AccessLogApi(ApiView):
    problem_statuses = (401, 403, 404)

    @extend_schema(operation_id="person_access_log", tags=TAGS,
                   summary="Who read this person's record",
                   description="Newest first: when, organisation, professional, role, what and "
                   "why — for the organisation holding safety responsibility and those "
                   "involved (403 for others). Reading the list is audited itself.",
                   responses={200: AccessRowOutput(many=True)})
    def get(self, request: Request, person_id: int) -> Response:
        person = get_or_404(Person, person_id, what="person")
        rows = selectors.access_log_of(self.actor(), person)
        return Response(AccessRowOutput(rows, many=True).data)
