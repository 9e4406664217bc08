"""The privacy screens' addresses (issue 8), for the FG and administrators, added to the web
UI's urlpatterns (namespace ``web``). A person is addressed by internal id, never by BSN."""

from django.urls import path

from .views import privacy as views

urlpatterns = [
    path("privacy/", views.requests, name="privacy_requests"),
    path("privacy/inzage/nieuw/", views.request_new, name="inzage_new"),
    path("privacy/inzage/<int:pk>/", views.request_detail, name="inzage_request"),
    path("privacy/inzage/<int:pk>/inzage.pdf", views.export_pdf, name="inzage_pdf"),
    path("privacy/inzage/<int:pk>/inzage.json", views.export_json, name="inzage_json"),
    path("privacy/corrigeren/", views.rectify_find, name="rectify_find"),
    path("privacy/personen/<int:pk>/corrigeren/", views.rectify, name="rectify"),
    path("privacy/bewaartermijnen/", views.retention, name="retention"),
]
