"""The REST API under /api/v1/ (Dutch API Design Rules): no trailing slashes, kebab-case
segments, actions as POST sub-resources, and never a BSN in a URL."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import permissions

from .views import families, organisations, persons

app_name = "api"


class OpenApiSchemaView(SpectacularJSONAPIView):
    """The OpenAPI document is public, as the API Design Rules require (/core/doc-openapi)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []


urlpatterns = [
    path("openapi.json", OpenApiSchemaView.as_view(), name="schema"),
    # organisations
    path("organisations", organisations.OrganisationListApi.as_view(), name="organisation-list"),
    path("organisations/<int:organisation_id>", organisations.OrganisationReadApi.as_view(),
         name="organisation-read"),
    # persons
    path("persons", persons.PersonCollectionApi.as_view(), name="persons"),
    path("persons/_lookup", persons.PersonLookupApi.as_view(), name="person-lookup"),
    path("persons/<int:person_id>", persons.PersonReadApi.as_view(), name="person-read"),
    path("persons/<int:person_id>/family", persons.PersonFamilyApi.as_view(),
         name="person-family"),
    path("persons/<int:person_id>/death", persons.PersonDeathApi.as_view(),
         name="person-death"),
    # relations and households
    path("relations", families.RelationCreateApi.as_view(), name="relation-create"),
    path("households", families.HouseholdCreateApi.as_view(), name="household-create"),
    path("households/<int:household_id>/join", families.HouseholdJoinApi.as_view(),
         name="household-join"),
    path("households/<int:household_id>/leave", families.HouseholdLeaveApi.as_view(),
         name="household-leave"),
    path("households/<int:household_id>/move", families.HouseholdMoveApi.as_view(),
         name="household-move"),
]
