"""The REST API under /api/v1/ (Dutch API Design Rules): no trailing slashes, kebab-case
segments, actions as POST sub-resources, and never a BSN in a URL."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import permissions

from .views import (
    access,
    continuity,
    families,
    inbox,
    meldcode,
    organisations,
    oversight,
    persons,
    plans,
    privacy,
    safety,
    tasks,
)
from .views import index as refindex

app_name = "api"


class OpenApiSchemaView(SpectacularJSONAPIView):
    """The OpenAPI document is public at ``/api/v1/openapi.json``, readable by tools on any
    origin, as the API Design Rules ask (/core/publish-openapi). It holds no data."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    access_rule = "public"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response


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
    # privacy rights (the FG and administrators)
    path("inzage-requests", privacy.InzageRequestCollectionApi.as_view(),
         name="inzage-requests"),
    path("inzage-requests/<int:request_id>/export", privacy.InzageExportApi.as_view(),
         name="inzage-export"),
    path("persons/<int:person_id>/rectifications", privacy.RectificationApi.as_view(),
         name="person-rectifications"),
    # relations and households
    path("relations", families.RelationCreateApi.as_view(), name="relation-create"),
    path("households", families.HouseholdCreateApi.as_view(), name="household-create"),
    path("households/<int:household_id>/join", families.HouseholdJoinApi.as_view(),
         name="household-join"),
    path("households/<int:household_id>/leave", families.HouseholdLeaveApi.as_view(),
         name="household-leave"),
    path("households/<int:household_id>/move", families.HouseholdMoveApi.as_view(),
         name="household-move"),
    # continuity of care
    path("involvements", continuity.InvolvementStartApi.as_view(), name="involvement-start"),
    path("persons/<int:person_id>/end-involvement", continuity.InvolvementEndApi.as_view(),
         name="involvement-end"),
    path("persons/<int:person_id>/responsibility", continuity.ResponsibilityApi.as_view(),
         name="responsibility"),
    path("children", continuity.ChildrenApi.as_view(), name="children"),
    path("handovers", continuity.HandoverCollectionApi.as_view(), name="handovers"),
    path("handovers/<int:handover_id>", continuity.HandoverReadApi.as_view(),
         name="handover-read"),
    path("handovers/<int:handover_id>/accept", continuity.HandoverAcceptApi.as_view(),
         name="handover-accept"),
    path("handovers/<int:handover_id>/confirm-start",
         continuity.HandoverConfirmStartApi.as_view(), name="handover-confirm-start"),
    path("handovers/<int:handover_id>/decline", continuity.HandoverDeclineApi.as_view(),
         name="handover-decline"),
    path("handovers/<int:handover_id>/withdraw", continuity.HandoverWithdrawApi.as_view(),
         name="handover-withdraw"),
    path("requests", continuity.RequestCreateApi.as_view(), name="request-make"),
    path("decisions", continuity.DecisionCreateApi.as_view(), name="decision-record"),
    # signalling and the Meldcode
    path("concerns", meldcode.ConcernCollectionApi.as_view(), name="concerns"),
    path("concerns/<int:concern_id>", meldcode.ConcernReadApi.as_view(), name="concern-read"),
    path("concerns/<int:concern_id>/map", meldcode.ConcernMapApi.as_view(), name="concern-map"),
    path("concerns/<int:concern_id>/consult", meldcode.ConcernConsultApi.as_view(),
         name="concern-consult"),
    path("concerns/<int:concern_id>/talk", meldcode.ConcernTalkApi.as_view(),
         name="concern-talk"),
    path("concerns/<int:concern_id>/weigh", meldcode.ConcernWeighApi.as_view(),
         name="concern-weigh"),
    path("concerns/<int:concern_id>/decide", meldcode.ConcernDecideApi.as_view(),
         name="concern-decide"),
    path("reports", meldcode.ReportCollectionApi.as_view(), name="reports"),
    path("reports/<int:report_id>", meldcode.ReportReadApi.as_view(), name="report-read"),
    path("reports/<int:report_id>/accept", meldcode.ReportAcceptApi.as_view(),
         name="report-accept"),
    path("reports/<int:report_id>/decline", meldcode.ReportDeclineApi.as_view(),
         name="report-decline"),
    path("chain-partners", meldcode.ChainPartnerListApi.as_view(), name="chain-partners"),
    # re-assessment at every change: assessments, factors, life events, risk history
    path("assessments", safety.AssessmentCreateApi.as_view(), name="assessment-record"),
    path("persons/<int:person_id>/assessments", safety.AssessmentListApi.as_view(),
         name="assessment-list"),
    path("awaiting-factors", safety.FactorsAwaitingApi.as_view(), name="factors-awaiting"),
    path("persons/<int:person_id>/accept-factors", safety.FactorsAcceptApi.as_view(),
         name="factors-accept"),
    path("life-events", safety.LifeEventCreateApi.as_view(), name="life-event-record"),
    path("persons/<int:person_id>/life-events", safety.LifeEventListApi.as_view(),
         name="life-event-list"),
    path("persons/<int:person_id>/risk-history", safety.RiskHistoryApi.as_view(),
         name="risk-history"),
    # the role of parents: family plans, cooperation, sharing (issue 7)
    path("family-plans", plans.PlanCreateApi.as_view(), name="family-plan-make"),
    path("family-plans/<int:plan_id>", plans.PlanReadApi.as_view(), name="family-plan-read"),
    path("family-plans/<int:plan_id>/history", plans.PlanHistoryApi.as_view(),
         name="family-plan-history"),
    path("family-plans/<int:plan_id>/goals", plans.GoalAddApi.as_view(),
         name="family-plan-goal-add"),
    path("family-plans/<int:plan_id>/agreements", plans.AgreementAddApi.as_view(),
         name="family-plan-agreement-add"),
    path("family-plans/<int:plan_id>/evaluations", plans.EvaluationAddApi.as_view(),
         name="family-plan-evaluation-plan"),
    path("evaluations/<int:evaluation_id>/hold", plans.EvaluationHoldApi.as_view(),
         name="evaluation-hold"),
    path("goals/<int:goal_id>/progress", plans.GoalProgressApi.as_view(),
         name="goal-progress"),
    path("persons/<int:person_id>/family-plan", plans.PersonPlanApi.as_view(),
         name="person-family-plan"),
    path("cooperation-records", plans.CooperationCollectionApi.as_view(),
         name="cooperation-record"),
    path("persons/<int:person_id>/cooperation-records", plans.CooperationListApi.as_view(),
         name="cooperation-list"),
    path("persons/<int:person_id>/children-involvement",
         plans.ChildrenInvolvementApi.as_view(), name="children-involvement"),
    path("shares", plans.ShareCollectionApi.as_view(), name="share-make"),
    path("persons/<int:person_id>/shares", plans.ShareListApi.as_view(), name="share-list"),
    # the reference index at family level (issue 4)
    path("signals", refindex.SignalCollectionApi.as_view(), name="signals"),
    path("signals/<int:signal_id>/withdraw", refindex.SignalWithdrawApi.as_view(),
         name="signal-withdraw"),
    path("signals/<int:signal_id>/renew", refindex.SignalRenewApi.as_view(),
         name="signal-renew"),
    path("signals/<int:signal_id>/informing", refindex.SignalInformApi.as_view(),
         name="signal-inform"),
    path("signal-imports", refindex.SignalImportApi.as_view(), name="signal-import"),
    path("matches", refindex.MatchListApi.as_view(), name="matches"),
    path("persons/<int:person_id>/involved-organisations", refindex.PersonInvolvedApi.as_view(),
         name="person-involved-organisations"),
    # oversight of access by the data protection officer (issue 8)
    path("access-log", oversight.AccessLogApi.as_view(), name="access-log"),
    path("unusual-access-findings", oversight.FindingListApi.as_view(),
         name="unusual-access-findings"),
    path("unusual-access-findings/<int:finding_id>", oversight.FindingReadApi.as_view(),
         name="unusual-access-finding-read"),
    path("unusual-access-findings/<int:finding_id>/review", oversight.FindingReviewApi.as_view(),
         name="unusual-access-finding-review"),
    path("unusual-access-reports", oversight.ReportCreateApi.as_view(),
         name="unusual-access-report-make"),
    # need to know: break the glass, its review, who read a record (issue 8)
    path("persons/<int:person_id>/break-glass", access.BreakGlassApi.as_view(),
         name="break-glass-open"),
    path("break-glass/<int:grant_id>/review", access.BreakGlassReviewApi.as_view(),
         name="break-glass-review"),
    path("persons/<int:person_id>/access-log", access.AccessLogApi.as_view(),
         name="person-access-log"),
    # Berichten: notifications in the system
    path("notifications", inbox.NotificationListApi.as_view(), name="notifications"),
    path("notifications/read-all", inbox.NotificationReadAllApi.as_view(),
         name="notifications-read-all"),
    path("notifications/<int:notification_id>/read", inbox.NotificationReadApi.as_view(),
         name="notification-read"),
    # tasks and alerts
    path("tasks", tasks.TaskListApi.as_view(), name="tasks"),
    path("tasks/<int:task_id>/answer", tasks.TaskAnswerApi.as_view(), name="task-answer"),
]
