"""The safety pages' addresses (issue 6), added to the web UI's urlpatterns (namespace
``web``). Dutch paths; a person is addressed by internal id, never by BSN."""

from django.urls import path

from .views import safety

urlpatterns = [
    path("personen/<int:pk>/risicotaxatie/", safety.assessment_new, name="assessment_new"),
    path("personen/<int:pk>/gebeurtenis/", safety.life_event_new, name="life_event_new"),
    path("personen/<int:pk>/risicohistorie/", safety.risk_history, name="risk_history"),
    path("personen/<int:pk>/risicofactoren/accepteren/", safety.factors_accept_view,
         name="factors_accept"),
    path("risicofactoren/", safety.factors_awaiting, name="factors_awaiting"),
]
