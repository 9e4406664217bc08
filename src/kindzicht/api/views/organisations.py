"""Organisations: the chain's members, readable by every professional of an organisation."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from kindzicht.people.models import Organisation
from kindzicht.people.sectors import SECTOR_CHOICES

from ..base import ApiView, IsMemberOfOrganisation, get_or_404
from ..serializers import OrganisationOutput


class OrganisationListQuery(serializers.Serializer):
    sector = serializers.ChoiceField(choices=SECTOR_CHOICES, required=False,
                                     help_text="Only organisations of this sector.")
    municipality_code = serializers.RegexField(r"^\d{4}$", required=False,
                                               help_text="Only organisations of this "
                                               "municipality (CBS code).")


class OrganisationListApi(ApiView):
    permission_classes = [permissions.IsAuthenticated, IsMemberOfOrganisation]
    access_rule = "organisation_member"
    query_serializer = OrganisationListQuery

    @extend_schema(operation_id="organisation_list", tags=["organisations"],
                   summary="List organisations",
                   description="Every active organisation of the chain, by name; filter by "
                   "sector or municipality. Organisations are not person data: not audited.",
                   responses={200: OrganisationOutput(many=True)})
    def get(self, request: Request) -> Response:
        query = self.query()
        qs = Organisation.objects.filter(active=True).order_by("name", "pk")
        if "sector" in query:
            qs = qs.filter(sector=query["sector"])
        if "municipality_code" in query:
            qs = qs.filter(municipality_code=query["municipality_code"])
        return Response(OrganisationOutput(qs, many=True).data)


class OrganisationReadApi(ApiView):
    permission_classes = [permissions.IsAuthenticated, IsMemberOfOrganisation]
    access_rule = "organisation_member"

    @extend_schema(operation_id="organisation_read", tags=["organisations"],
                   summary="Read an organisation",
                   description="One organisation, also an inactive one (its successor is "
                   "named).", responses={200: OrganisationOutput})
    def get(self, request: Request, organisation_id: int) -> Response:
        org = get_or_404(Organisation, organisation_id, what="organisation")
        return Response(OrganisationOutput(org).data)
