"""The reference index's addresses (issue 4), added to the web UI's urlpatterns (namespace
``web``). Dutch paths; a person is addressed by internal id, never by BSN."""

from django.urls import path

from . import index_views as views

urlpatterns = [
    path("verwijsindex/", views.signals, name="index_signals"),
    path("verwijsindex/registreren/", views.signal_new_bsn, name="signal_new_bsn"),
    path("verwijsindex/matches/", views.matches, name="index_matches"),
    path("verwijsindex/signalen/<int:pk>/intrekken/", views.signal_withdraw_view,
         name="signal_withdraw"),
    path("verwijsindex/signalen/<int:pk>/verlengen/", views.signal_renew_view,
         name="signal_renew"),
    path("verwijsindex/signalen/<int:pk>/informeren/", views.signal_inform_view,
         name="signal_inform"),
    path("personen/<int:pk>/signaal/", views.signal_new, name="signal_new"),
]
