"""Persons: register, read, search by name and birth date, look up by BSN (a POST: a BSN never
appears in a URL, where logs and browser histories would keep it), the family of a child on a
day, and recording a death."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from kindzicht.access.reach import in_reach
from kindzicht.core import clock
from kindzicht.core.errors import ValidationError
from kindzicht.people import services
from kindzicht.people.bsn import is_valid_bsn, normalise_bsn
from kindzicht.people.selectors import family_on, person_search
from kindzicht.people.services import age_on

from .. import reads
from ..base import ApiView, person_in_reach
from ..serializers import PersonOutput, PersonSummary

TAGS = ["persons"]
#: A family member's role towards the child (kindzicht.people.family), closest first.
FAMILY_ROLES = ["parent", "guardian", "step_parent", "sibling", "household_member"]


class PersonCreateInput(serializers.Serializer):
    bsn = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=11,
                                help_text="Citizen service number; optional, must pass the "
                                "11-proef and be unique.")
    given_name = serializers.CharField(required=False, allow_blank=True, max_length=120,
                                       default="")
    family_name = serializers.CharField(required=False, allow_blank=True, max_length=120,
                                        default="")
    birth_date = serializers.DateField(help_text="Not in the future.")
    place = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")


class PersonCreateApi(ApiView):
    @extend_schema(operation_id="person_create", tags=TAGS, summary="Register a person",
                   description="Bad input (an invalid or already registered BSN, a birth date "
                   "in the future) is refused with a problem naming the field; nothing is "
                   "written.",
                   request=PersonCreateInput, responses={201: PersonOutput})
    def post(self, request: Request) -> Response:
        data = self.input(PersonCreateInput)
        person = services.person_create(self.actor(), **data)
        # The caller registered the BSN itself: it sees it back.
        return Response(PersonOutput(person, context={"in_reach": True}).data,
                        status=status.HTTP_201_CREATED)


class PersonSearchQuery(serializers.Serializer):
    family_name = serializers.CharField(min_length=1, max_length=120,
                                        help_text="(Part of) the family name.")
    birth_date = serializers.DateField(help_text="The exact birth date.")
    given_name = serializers.CharField(required=False, max_length=120, default="",
                                       help_text="(Part of) the given name.")


class PersonSearchApi(ApiView):
    query_serializer = PersonSearchQuery

    @extend_schema(operation_id="person_search", tags=TAGS,
                   summary="Find persons by name and birth date",
                   description="At most 50 persons born on `birth_date` whose names contain "
                   "the words given. To find someone by BSN use `POST /persons/_lookup`.",
                   responses={200: PersonSummary(many=True)})
    def get(self, request: Request) -> Response:
        found = person_search(self.actor(), **self.query())
        return Response(PersonSummary(found, many=True).data)


class PersonReadApi(ApiView):
    @extend_schema(operation_id="person_read", tags=TAGS, summary="Read a person",
                   responses={200: PersonOutput})
    def get(self, request: Request, person_id: int) -> Response:
        # person_read refuses a person outside reach (403 out_of_reach).
        return Response(PersonOutput(reads.person_read(self.actor(), person_id),
                                     context={"in_reach": True}).data)


class PersonLookupInput(serializers.Serializer):
    bsn = serializers.CharField(max_length=11, help_text="The BSN to look for (9 digits).")


class PersonLookupApi(ApiView):
    problem_statuses = (400, 401, 403, 404)

    @extend_schema(operation_id="person_lookup", tags=TAGS, summary="Look a person up by BSN",
                   description="The BSN travels in the request body, never in a URL. 404 when "
                   "no person with this BSN is registered. A person outside your "
                   "organisation's reach is answered with identity only: the BSN masked.",
                   request=PersonLookupInput, responses={200: PersonOutput})
    def post(self, request: Request) -> Response:
        bsn = self.input(PersonLookupInput)["bsn"]
        if not is_valid_bsn(normalise_bsn(bsn)):
            raise ValidationError("This BSN is not valid (it fails the 11-proef).", field="bsn")
        actor = self.actor()
        person = reads.person_by_bsn(actor, bsn=bsn)
        return Response(PersonOutput(person, context={
            "in_reach": in_reach(actor, person.pk)}).data)


class FamilyMemberOutput(serializers.Serializer):
    role = serializers.ChoiceField(
        choices=FAMILY_ROLES,
        help_text="The closest role the member has (parent before step-parent before sibling "
        "before household member).")
    person = PersonSummary()

    class Meta:
        ref_name = "FamilyMember"


class FamilyOutput(serializers.Serializer):
    child = PersonSummary()
    date = serializers.DateField()
    members = FamilyMemberOutput(many=True)

    class Meta:
        ref_name = "Family"


class FamilyQuery(serializers.Serializer):
    date = serializers.DateField(required=False,
                                 help_text="The day (default: today, Europe/Amsterdam).")


class PersonFamilyApi(ApiView):
    query_serializer = FamilyQuery

    @extend_schema(
        operation_id="person_family", tags=TAGS, summary="The family of a child on a day",
        description="Parents and guardians, step-parents (a parent's partner, or an adult "
        "in the child's household), siblings and half-siblings, and every member of the "
        "child's household that day — findings.md's definition, the basis of family-level "
        "matching.",
        responses={200: FamilyOutput},
    )
    def get(self, request: Request, person_id: int) -> Response:
        day = self.query().get("date") or clock.today()
        actor = self.actor()
        person = person_in_reach(self.actor(), person_id)
        if day < person.birth_date:
            raise ValidationError(f"{person.name} was not yet born on {day}.", field="date")
        if age_on(person, day) >= services.ADULT_AGE:
            raise ValidationError(f"{person.name} is not a child (under 18) on {day}.",
                                  field="date")
        members = family_on(actor, person, day)
        return Response(FamilyOutput({"child": person, "date": day, "members": [
            {"role": m.role, "person": m.person} for m in members]}).data)


class DeathInput(serializers.Serializer):
    death_date = serializers.DateField(help_text="Not in the future, not before birth.")


class PersonDeathApi(ApiView):
    refusable = True
    error_field_names = {"on": "death_date"}

    @extend_schema(operation_id="person_record_death", tags=TAGS, summary="Record a death",
                   description="Records the date of death; it ends the person's signals in "
                   "the reference index. Refused (409) when a death is already recorded.",
                   request=DeathInput, responses={200: PersonOutput})
    def post(self, request: Request, person_id: int) -> Response:
        person = person_in_reach(self.actor(), person_id)
        on = self.input(DeathInput)["death_date"]
        person = services.person_record_death(self.actor(), person=person, on=on)
        return Response(PersonOutput(person, context={"in_reach": True}).data)


class PersonCollectionApi(PersonSearchApi, PersonCreateApi):
    """``/persons``: two operations on one URL (GET searches, POST registers); each keeps its
    own class and serializers above, this only binds them to the path."""
