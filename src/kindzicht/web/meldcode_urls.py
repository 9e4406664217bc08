"""The Meldcode pages' addresses (issue 5), added to the web UI's urlpatterns (namespace
``web``). Dutch paths; a person, concern or report is addressed by internal id."""

from django.urls import path

from .views import meldcode

urlpatterns = [
    path("personen/<int:pk>/zorg/", meldcode.concern_new, name="concern_new"),
    path("zorgen/", meldcode.concern_list, name="concerns"),
    path("zorgen/<int:pk>/", meldcode.concern_detail, name="concern"),
    path("zorgen/<int:pk>/stap/<str:step>/", meldcode.concern_step, name="concern_step"),
    path("meldingen/", meldcode.report_list, name="reports"),
    path("meldingen/<int:pk>/", meldcode.report_detail, name="report"),
    path("meldingen/<int:pk>/<str:action>/", meldcode.report_action, name="report_action"),
    path("ketenkaart/", meldcode.knowledge_base, name="knowledge"),
]
