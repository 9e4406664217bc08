"""The data protection officer's (FG) addresses (issue 8), added to the web UI's urlpatterns
(namespace ``web``). Persons appear only as filters by internal id, never by BSN."""

from django.urls import path

from .views import oversight as views

urlpatterns = [
    path("toezicht/toegangslog/", views.access_log, name="oversight_log"),
    path("toezicht/toegangslog/export/", views.access_log_export, name="oversight_log_export"),
    path("toezicht/ongebruikelijke-toegang/", views.findings, name="oversight_findings"),
    path("toezicht/ongebruikelijke-toegang/rapport/", views.report_make,
         name="oversight_report"),
    path("toezicht/bevindingen/<int:pk>/", views.finding_review, name="oversight_finding"),
]
