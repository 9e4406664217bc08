"""Relations and households: the facts from which the family of a child on a day follows."""

from __future__ import annotations

from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from kindzicht.core.actions import Actor, audit_read
from kindzicht.people import services
from kindzicht.people.models import Household, HouseholdMembership, RelationKind

from ..base import ApiView, get_or_404
from ..serializers import PersonSummary, person_field


class RelationInput(serializers.Serializer):
    person = person_field(help_text="The person who is `kind` of `other` (the parent, the "
                          "guardian, a partner).")
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    other = person_field(help_text="The other person (the child; the other partner).")
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_to = serializers.DateField(required=False, allow_null=True, default=None,
                                     help_text="Not before `valid_from`.")


class RelationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    person = PersonSummary()
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    other = PersonSummary()
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "Relation"


class RelationCreateApi(ApiView):
    @extend_schema(operation_id="relation_add", tags=["relations"], summary="Add a relation",
                   description="`parent_of`, `partner_of` (symmetric) or `guardian_of`, valid "
                   "between two dates. A relation of a person to themselves, or one that ends "
                   "before it starts, is refused with a problem naming the field.",
                   request=RelationInput, responses={201: RelationOutput})
    def post(self, request: Request) -> Response:
        relation = services.relation_add(self.actor(), **self.input(RelationInput))
        return Response(RelationOutput(relation).data, status=status.HTTP_201_CREATED)


# --- households -------------------------------------------------------------------------


class AddressOutput(serializers.Serializer):
    municipality_code = serializers.CharField()
    postcode = serializers.CharField()
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "HouseholdAddress"


class MembershipOutput(serializers.Serializer):
    person = PersonSummary()
    joined_on = serializers.DateField(allow_null=True)
    left_on = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "HouseholdMembership"


class HouseholdOutput(serializers.Serializer):
    """A household with its whole membership and address history."""

    id = serializers.IntegerField()
    label = serializers.CharField()
    memberships = MembershipOutput(many=True)
    addresses = AddressOutput(many=True)

    class Meta:
        ref_name = "Household"


def household_data(actor: Actor, household: Household) -> dict:
    """The household as the response shows it; showing its members is a read of their data."""
    memberships = list(HouseholdMembership.objects.filter(household=household)
                       .select_related("person")
                       .order_by(F("joined_on").asc(nulls_first=True), "id"))
    audit_read(actor, "household_read", person_ids={m.person_id for m in memberships},
               obj=household)
    return HouseholdOutput({"id": household.pk, "label": household.label,
                            "memberships": list(memberships),
                            "addresses": list(household.addresses.order_by(
                                F("valid_from").asc(nulls_first=True), "id"))
                            }).data


class HouseholdCreateInput(serializers.Serializer):
    members = serializers.ListField(child=person_field(), allow_empty=False,
                                    help_text="The persons living together (ids).")
    municipality_code = serializers.CharField(max_length=4, help_text="CBS code, four digits.")
    postcode = serializers.CharField(max_length=7, help_text="Like 3511AB.")
    label = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")

    def validate_members(self, members: list) -> list:
        if len({m.pk for m in members}) != len(members):
            raise serializers.ValidationError("A person is listed twice.")
        return members


class HouseholdCreateApi(ApiView):
    @extend_schema(operation_id="household_create", tags=["households"],
                   summary="Register a household",
                   request=HouseholdCreateInput, responses={201: HouseholdOutput})
    def post(self, request: Request) -> Response:
        actor = self.actor()
        household = services.household_create(actor, **self.input(HouseholdCreateInput))
        return Response(household_data(actor, household), status=status.HTTP_201_CREATED)


class HouseholdMemberInput(serializers.Serializer):
    person = person_field()


class HouseholdJoinApi(ApiView):
    refusable = True

    @extend_schema(operation_id="household_join", tags=["households"],
                   summary="A person joins the household",
                   description="From today. An adult joining a household with children is a "
                   "new partner: a life event that asks for re-assessment (R1).",
                   request=HouseholdMemberInput, responses={200: HouseholdOutput})
    def post(self, request: Request, household_id: int) -> Response:
        household = get_or_404(Household, household_id, what="household")
        actor = self.actor()
        services.household_join(actor, household=household,
                                **self.input(HouseholdMemberInput))
        return Response(household_data(actor, household))


class HouseholdLeaveApi(ApiView):
    refusable = True

    @extend_schema(operation_id="household_leave", tags=["households"],
                   summary="A person leaves the household",
                   description="From today; the membership history is kept. Refused (409) "
                   "when the person does not live there.",
                   request=HouseholdMemberInput, responses={200: HouseholdOutput})
    def post(self, request: Request, household_id: int) -> Response:
        household = get_or_404(Household, household_id, what="household")
        actor = self.actor()
        services.household_leave(actor, household=household,
                                 **self.input(HouseholdMemberInput))
        return Response(household_data(actor, household))


class HouseholdMoveInput(serializers.Serializer):
    municipality_code = serializers.CharField(max_length=4, help_text="CBS code, four digits.")
    postcode = serializers.CharField(max_length=7, help_text="Like 3511AB.")


class HouseholdMoveApi(ApiView):
    @extend_schema(operation_id="household_move", tags=["households"],
                   summary="The household moves",
                   description="A new address from today (a life event, `moved`); the address "
                   "history is kept.",
                   request=HouseholdMoveInput, responses={200: HouseholdOutput})
    def post(self, request: Request, household_id: int) -> Response:
        household = get_or_404(Household, household_id, what="household")
        actor = self.actor()
        services.household_move(actor, household=household,
                                **self.input(HouseholdMoveInput))
        return Response(household_data(actor, household))

