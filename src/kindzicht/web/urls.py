"""The web UI's addresses. Dutch paths; a person is addressed by internal id, never by BSN."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import set_language

from kindzicht.security import views as security

from .access import access_rule
from .index_urls import urlpatterns as index_urlpatterns
from .meldcode_urls import urlpatterns as meldcode_urlpatterns
from .oversight_urls import urlpatterns as oversight_urlpatterns
from .plan_urls import urlpatterns as plan_urlpatterns
from .privacy_urls import urlpatterns as privacy_urlpatterns
from .safety_urls import urlpatterns as safety_urlpatterns
from .views import access, continuity, home, inbox, people, tasks

app_name = "web"
urlpatterns = [
    path("login/", access_rule("public")(security.LoginView.as_view()), name="login"),
    path("login/tweede-stap/", access_rule("authenticated")(security.second_factor),
         name="second_factor"),
    path("login/oidc/", access_rule("public")(security.oidc_login), name="oidc_login"),
    path("login/oidc/terug/", access_rule("public")(security.oidc_callback),
         name="oidc_callback"),
    path("uitloggen/", access_rule("public")(auth_views.LogoutView.as_view()), name="logout"),
    path("beveiliging/", access_rule("authenticated")(security.security_page), name="security"),
    path("beveiliging/wachtwoord/", access_rule("authenticated")(security.password_change),
         name="password_change"),
    path("beveiliging/authenticator/", access_rule("authenticated")(security.totp_enrol),
         name="totp_enrol"),
    path("beveiliging/authenticator/<int:pk>/ontkoppelen/",
         access_rule("authenticated")(security.totp_remove), name="totp_remove"),
    path("taal/", access_rule("public")(set_language), name="set_language"),
    path("", home.home, name="home"),
    path("personen/zoeken/", people.person_search, name="person_search"),
    path("personen/zoeken/bsn/", people.person_search_bsn, name="person_search_bsn"),
    path("personen/<int:pk>/", people.person_detail, name="person"),
    path("personen/<int:pk>/overlijden/", people.person_death, name="person_death"),
    path("personen/<int:pk>/betrokkenheid/start/", continuity.involvement_start,
         name="involvement_start"),
    path("personen/<int:pk>/betrokkenheid/einde/", continuity.involvement_end,
         name="involvement_end"),
    path("personen/<int:pk>/veiligheidsregie/", continuity.responsibility_take,
         name="responsibility_take"),
    path("personen/<int:pk>/overdracht/", continuity.handover_offer, name="handover_offer"),
    path("personen/<int:pk>/besluit/", continuity.decision_record, name="decision_record"),
    path("personen/<int:pk>/verzoek/", continuity.request_make, name="request_make"),
    path("personen/<int:pk>/openbreken/", access.break_glass, name="break_glass"),
    path("openbreken/<int:pk>/beoordelen/", access.break_glass_review_view,
         name="break_glass_review"),
    path("overdrachten/<int:pk>/", continuity.handover_detail, name="handover"),
    path("overdrachten/<int:pk>/<str:action>/", continuity.handover_step, name="handover_step"),
    path("kinderen/", continuity.children, name="my_children"),
    path("berichten/", inbox.notifications, name="notifications"),
    path("berichten/<int:pk>/gelezen/", inbox.notification_read, name="notification_read"),
    path("berichten/alles-gelezen/", inbox.notifications_all_read,
         name="notifications_all_read"),
    path("taken/", tasks.tasks, name="tasks"),
    path("taken/<int:pk>/", tasks.task_answer, name="task_answer"),
] + meldcode_urlpatterns
urlpatterns += safety_urlpatterns
urlpatterns += plan_urlpatterns
urlpatterns += index_urlpatterns
urlpatterns += oversight_urlpatterns
urlpatterns += privacy_urlpatterns
