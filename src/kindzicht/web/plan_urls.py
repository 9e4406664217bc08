"""The family plan pages' addresses (issue 7), added to the web UI's urlpatterns (namespace
``web``): the plan, its goals, agreements and evaluations, its PDF, the escalation screen of a
drifting goal ("doorpakken"), parents' cooperation on record and sharing. Dutch paths."""

from django.urls import path

from .views import plans

urlpatterns = [
    path("personen/<int:pk>/gezinsplan/", plans.plan_new, name="plan_new"),
    path("personen/<int:pk>/samenwerking/", plans.cooperation_new, name="cooperation_new"),
    path("personen/<int:pk>/delen/", plans.share_new, name="share_new"),
    path("gezinsplannen/<int:pk>/", plans.plan_detail, name="plan"),
    path("gezinsplannen/<int:pk>/pdf/", plans.plan_pdf, name="plan_pdf"),
    path("gezinsplannen/<int:pk>/doel/", plans.goal_new, name="goal_new"),
    path("gezinsplannen/<int:pk>/afspraak/", plans.agreement_new, name="agreement_new"),
    path("gezinsplannen/<int:pk>/evaluatie/", plans.evaluation_new, name="evaluation_new"),
    path("doelen/<int:pk>/", plans.goal_status, name="goal_status"),
    path("evaluaties/<int:pk>/", plans.evaluation_hold, name="evaluation_hold"),
    path("taken/<int:pk>/vervolg/", plans.follow_up_decide, name="goal_follow_up"),
]
