"""Signalling and the Meldcode (findings.md 2.3, issue 5): concerns and their five steps,
reports to Veilig Thuis (its inbox, accept, decline), and the chain-partner knowledge base.

Every write calls one service of ``kindzicht.meldcode.services``; reads go through
``kindzicht.meldcode.selectors`` (audited). A concern is visible to the organisation that
recorded it; a report to the Veilig Thuis it was made to and to its reporter.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from kindzicht.core import clock
from kindzicht.core.errors import NotFound
from kindzicht.core.workdays import add_working_days
from kindzicht.meldcode import afwegingskader, selectors, services
from kindzicht.meldcode.models import (
    Concern,
    ConcernKind,
    MeldcodeStep,
    Outcome,
    Report,
    ReportStatus,
    StepKind,
)
from kindzicht.meldcode.progress import concern_progress, policy_context
from kindzicht.people.sectors import SECTOR_CHOICES

from ..base import ApiView
from ..serializers import (
    EmptyInput,
    OrganisationSummary,
    PersonSummary,
    id_value,
    organisation_field,
    person_field,
)

# --- output --------------------------------------------------------------------------------


class MeldcodeStepOutput(serializers.Serializer):
    id = serializers.IntegerField()
    step = serializers.ChoiceField(choices=StepKind.choices)
    done_on = serializers.DateField(source="on")
    with_whom = serializers.CharField(help_text="consult: colleague or safe_at_home; talk: "
                                      "parents or child; otherwise empty.")
    note = serializers.CharField()
    observations = serializers.SerializerMethodField(help_text="map: the signals mapped.")
    answers = serializers.SerializerMethodField(help_text="weigh: the afwegingskader's answers "
                                                "q1 … q5.")
    outcome = serializers.SerializerMethodField(help_text="decide: the outcome decided.")

    class Meta:
        ref_name = "MeldcodeStep"

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_observations(self, step: MeldcodeStep) -> list[str]:
        return list(step.answers.get("observations", [])) if step.step == "map" else []

    @extend_schema_field(serializers.DictField(child=serializers.BooleanField()))
    def get_answers(self, step: MeldcodeStep) -> dict[str, bool]:
        return dict(step.answers) if step.step == "weigh" else {}

    @extend_schema_field(serializers.CharField())
    def get_outcome(self, step: MeldcodeStep) -> str:
        return str(step.answers.get("outcome", "")) if step.step == "decide" else ""


class DeadlineOutput(serializers.Serializer):
    code = serializers.CharField(help_text="The rule that judges it: K1, K3 or K4.")
    label = serializers.CharField()
    due_on = serializers.DateField()
    met_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=["open", "met", "overdue", "departed"],
                                     help_text="departed: decided otherwise than the "
                                     "afwegingskader's 'report'.")

    class Meta:
        ref_name = "MeldcodeDeadline"


class ReportSummary(serializers.Serializer):
    id = serializers.IntegerField()
    safe_at_home = OrganisationSummary()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    made_on = serializers.DateField(source="on")

    class Meta:
        ref_name = "ReportSummary"


class ConcernOutput(serializers.Serializer):
    id = serializers.IntegerField()
    child = PersonSummary()
    organisation = OrganisationSummary()
    kind = serializers.ChoiceField(choices=ConcernKind.choices)
    source = serializers.CharField(help_text="Who the information comes from.")
    text = serializers.CharField()
    observations = serializers.ListField(child=serializers.CharField(),
                                         help_text="The signals, as last mapped.")
    recorded_on = serializers.DateField(source="on")
    weighing_outcome = serializers.CharField(help_text="Where the latest weighing's answers "
                                             "lead: report, organise_help, no_concern (empty: "
                                             "not weighed).")
    outcome = serializers.CharField(help_text="The decision (empty: not decided).")
    decided_on = serializers.DateField(allow_null=True)
    decision_reason = serializers.CharField()
    steps = MeldcodeStepOutput(many=True)
    deadlines = DeadlineOutput(many=True)
    skipped_steps = serializers.ListField(
        child=serializers.CharField(),
        help_text="Steps the decision was taken without (map, consult, talk, weigh).")
    reports = ReportSummary(many=True)

    class Meta:
        ref_name = "Concern"


def concern_data(concern: Concern, ctx=None) -> dict[str, Any]:
    """The concern as ConcernOutput shows it: its fields and where it stands."""
    p = concern_progress(concern, ctx=ctx)
    return {
        **{f: getattr(concern, f) for f in (
            "id", "child", "organisation", "kind", "source", "text", "observations", "on",
            "weighing_outcome", "outcome", "decided_on", "decision_reason")},
        "steps": [s for st in p.steps for s in st.done],
        "deadlines": p.deadlines,
        "skipped_steps": [s.kind for s in p.skipped],
        "reports": list(concern.reports.all()),
    }


class ConcernBehindReport(serializers.Serializer):
    """What Veilig Thuis receives with a report: the concern it came from."""

    kind = serializers.ChoiceField(choices=ConcernKind.choices)
    source = serializers.CharField()
    text = serializers.CharField()
    observations = serializers.ListField(child=serializers.CharField())
    weighing_outcome = serializers.CharField()
    decision_reason = serializers.CharField()

    class Meta:
        ref_name = "ConcernBehindReport"


class ReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    child = PersonSummary()
    reporter = OrganisationSummary()
    on_behalf_of_group = serializers.CharField(help_text="The joint consultation (CJG, ZAT, "
                                               "Veiligheidshuis) the report was made for.")
    safe_at_home = OrganisationSummary()
    own_observation = serializers.BooleanField(help_text="False for second-hand and "
                                               "non-professional information.")
    concern = ConcernBehindReport(allow_null=True)
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    made_on = serializers.DateField(source="on")
    handled_on = serializers.DateField(allow_null=True)
    decline_reason = serializers.CharField()
    decline_text = serializers.CharField()
    safety_assessment_due = serializers.SerializerMethodField(
        help_text="Veilig Thuis's safety assessment: five working days after the report.")

    class Meta:
        ref_name = "Report"

    @extend_schema_field(serializers.DateField())
    def get_safety_assessment_due(self, report: Report):
        return add_working_days(report.on, services.SAFETY_ASSESSMENT_WORKING_DAYS)


class MisconceptionOutput(serializers.Serializer):
    misconception = serializers.CharField()
    fact = serializers.CharField(help_text="How it really is.")

    class Meta:
        ref_name = "Misconception"


class PartnerKnowledgeOutput(serializers.Serializer):
    sector = serializers.ChoiceField(choices=SECTOR_CHOICES)
    sector_label = serializers.CharField(source="get_sector_display")
    can_do = serializers.CharField()
    must_do = serializers.CharField()
    reports_to = serializers.CharField()
    misconceptions = serializers.SerializerMethodField()

    class Meta:
        ref_name = "ChainPartner"

    @extend_schema_field(MisconceptionOutput(many=True))
    def get_misconceptions(self, k) -> list[dict[str, str]]:
        return [{"misconception": m, "fact": f} for m, f in k.misconception_list]


# --- concerns ------------------------------------------------------------------------------


class ConcernCreateInput(serializers.Serializer):
    child = person_field()
    kind = serializers.ChoiceField(choices=ConcernKind.choices)
    source = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                   help_text="Who the information comes from (a relative, a "
                                   "neighbour, a sports coach, anonymous …); required for "
                                   "non_professional.")
    text = serializers.CharField(required=False, allow_blank=True, default="")
    observations = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False), required=False,
        default=list, help_text="Short texts, one signal each (at most 30 of 300 characters).")


class ConcernListQuery(serializers.Serializer):
    open = serializers.BooleanField(required=False, default=False,
                                    help_text="Only concerns not yet decided.")
    child = id_value(required=False, help_text="Only concerns about this "
                                     "child (person id).")


def _concern(actor, concern_id: int, *, audit: bool = True) -> Concern:
    concern = selectors.concern_get(actor, concern_id, audit=audit)
    if concern is None:
        raise NotFound(f"No concern with id {concern_id} of your organisation.")
    return concern


class ConcernListApi(ApiView):
    query_serializer = ConcernListQuery

    @extend_schema(operation_id="concern_list", tags=["concerns"],
                   summary="My organisation's concerns",
                   description="Open first, newest first (at most 500), each with its steps "
                   "and deadlines.", responses={200: ConcernOutput(many=True)})
    def get(self, request: Request) -> Response:
        query = self.query()
        found = selectors.concerns_of(self.actor(), open_only=query["open"],
                                      child_id=query.get("child"))
        ctx = policy_context(clock.today())
        return Response(ConcernOutput([concern_data(c, ctx) for c in found], many=True).data)


class ConcernCreateApi(ApiView):
    @extend_schema(operation_id="concern_record", tags=["concerns"],
                   summary="Record a concern about a child",
                   description="A niet-pluis feeling, an own observation, a disclosure, "
                   "second-hand or non-professional information (with its source). It opens a "
                   "Meldcode procedure owned by my organisation. A person who is not a child is "
                   "refused (400, `child`).",
                   request=ConcernCreateInput, responses={201: ConcernOutput})
    def post(self, request: Request) -> Response:
        actor = self.actor()
        concern = services.concern_record(actor, **self.input(ConcernCreateInput))
        return Response(ConcernOutput(concern_data(_concern(actor, concern.pk,
                                                            audit=False))).data,
                        status=status.HTTP_201_CREATED)


class ConcernCollectionApi(ConcernListApi, ConcernCreateApi):
    """``/concerns``: GET lists, POST records."""


class ConcernReadApi(ApiView):
    @extend_schema(operation_id="concern_read", tags=["concerns"], summary="Read a concern",
                   description="With its steps, its Meldcode deadlines and the steps a decision "
                   "skipped. Only for the organisation that recorded it.",
                   responses={200: ConcernOutput})
    def get(self, request: Request, concern_id: int) -> Response:
        return Response(ConcernOutput(concern_data(_concern(self.actor(), concern_id))).data)


class MapInput(serializers.Serializer):
    observations = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        help_text="The signals, one short text each; replaces the concern's list.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ConsultInput(serializers.Serializer):
    with_whom = serializers.ChoiceField(choices=["colleague", "safe_at_home"],
                                        help_text="A colleague, or advice from Veilig Thuis.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TalkInput(serializers.Serializer):
    with_whom = serializers.ChoiceField(choices=["parents", "child"])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AfwegingskaderAnswers(serializers.Serializer):
    q1 = serializers.BooleanField(help_text=afwegingskader.QUESTIONS["q1"])
    q2 = serializers.BooleanField(help_text=afwegingskader.QUESTIONS["q2"])
    q3 = serializers.BooleanField(help_text=afwegingskader.QUESTIONS["q3"])
    q4 = serializers.BooleanField(help_text=afwegingskader.QUESTIONS["q4"])
    q5 = serializers.BooleanField(help_text=afwegingskader.QUESTIONS["q5"])


class WeighInput(serializers.Serializer):
    answers = AfwegingskaderAnswers(help_text="All five questions, each true or false.")


class DecideInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Required when departing from the "
                                   "afwegingskader's outcome.")
    safe_at_home = organisation_field(required=False, allow_null=True, default=None,
                                      help_text="For `report`: the Veilig Thuis (default: the "
                                      "first one).")
    on_behalf_of_group = serializers.CharField(required=False, allow_blank=True, default="",
                                               max_length=200,
                                               help_text="For `report`, by a coordinator: the "
                                               "joint consultation reported for.")


class _ConcernStep(ApiView):
    refusable = True
    error_field_names = {"with": "with_whom"}

    def _step(self, concern_id: int, service, input_class, **extra) -> Response:
        actor = self.actor()
        concern = _concern(actor, concern_id, audit=False)
        service(actor, concern=concern, **self.input(input_class), **extra)
        return Response(ConcernOutput(concern_data(_concern(actor, concern_id,
                                                            audit=False))).data)


class ConcernMapApi(_ConcernStep):
    @extend_schema(operation_id="concern_map", tags=["concerns"],
                   summary="Step 1: map the signals",
                   description="May be done again; each time is an event.",
                   request=MapInput, responses={200: ConcernOutput})
    def post(self, request: Request, concern_id: int) -> Response:
        return self._step(concern_id, services.concern_map, MapInput)


class ConcernConsultApi(_ConcernStep):
    @extend_schema(operation_id="concern_consult", tags=["concerns"],
                   summary="Step 2: consult a colleague or Veilig Thuis",
                   description="A niet-pluis feeling is consulted on within 7 days (K1).",
                   request=ConsultInput, responses={200: ConcernOutput})
    def post(self, request: Request, concern_id: int) -> Response:
        return self._step(concern_id, services.concern_consult, ConsultInput)


class ConcernTalkApi(_ConcernStep):
    @extend_schema(operation_id="concern_talk", tags=["concerns"],
                   summary="Step 3: talk with the parents or the child",
                   request=TalkInput, responses={200: ConcernOutput})
    def post(self, request: Request, concern_id: int) -> Response:
        return self._step(concern_id, services.concern_talk, TalkInput)


class ConcernWeighApi(_ConcernStep):
    @extend_schema(operation_id="concern_weigh", tags=["concerns"],
                   summary="Step 4: weigh with the afwegingskader",
                   description="Answers all five questions; `weighing_outcome` in the answer "
                   "says where they lead before the professional decides. A missing answer is "
                   "refused (400, `answers.q3`).",
                   request=WeighInput, responses={200: ConcernOutput})
    def post(self, request: Request, concern_id: int) -> Response:
        actor = self.actor()
        concern = _concern(actor, concern_id, audit=False)
        services.concern_weigh(actor, concern=concern, answers=self.input(WeighInput)["answers"])
        return Response(ConcernOutput(concern_data(_concern(actor, concern_id,
                                                            audit=False))).data)


class ConcernDecideApi(_ConcernStep):
    @extend_schema(operation_id="concern_decide", tags=["concerns"],
                   summary="Step 5: decide",
                   description="Organise help, report to Veilig Thuis (which makes the report) "
                   "or close with no concern. Departing from the afwegingskader's outcome needs "
                   "a reason (400, `reason`); a second decision is refused (409, `concern`). "
                   "Deciding without the earlier steps is possible: `skipped_steps` names them.",
                   request=DecideInput, responses={200: ConcernOutput})
    def post(self, request: Request, concern_id: int) -> Response:
        return self._step(concern_id, services.concern_decide, DecideInput)


# --- reports -------------------------------------------------------------------------------


class ReportMakeInput(serializers.Serializer):
    child = person_field()
    own_observation = serializers.BooleanField(required=False, default=True,
                                               help_text="False for second-hand or "
                                               "non-professional information.")
    safe_at_home = organisation_field(required=False, allow_null=True, default=None,
                                      help_text="The Veilig Thuis (default: the first one).")
    on_behalf_of_group = serializers.CharField(required=False, allow_blank=True, default="",
                                               max_length=200,
                                               help_text="By a coordinator: the joint "
                                               "consultation (CJG, ZAT, Veiligheidshuis) "
                                               "reported for.")


class ReportListQuery(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["received", "made"], required=False,
                                        default="received",
                                        help_text="received: my Veilig Thuis's inbox; made: "
                                        "the reports my organisation made.")
    status = serializers.ChoiceField(choices=ReportStatus.choices, required=False)


def _report(actor, report_id: int, *, audit: bool = True) -> Report:
    report = selectors.report_get(actor, report_id, audit=audit)
    if report is None:
        raise NotFound(f"No report with id {report_id} made to or by your organisation.")
    return report


class ReportListApi(ApiView):
    query_serializer = ReportListQuery

    @extend_schema(operation_id="report_list", tags=["reports"],
                   summary="Veilig Thuis's inbox, or the reports my organisation made",
                   description="Reports still to handle first, then newest first (at most 500).",
                   responses={200: ReportOutput(many=True)})
    def get(self, request: Request) -> Response:
        query = self.query()
        found = selectors.reports_of(self.actor(), direction=query["direction"],
                                     status=query.get("status", ""))
        return Response(ReportOutput(found, many=True).data)


class ReportMakeApi(ApiView):
    @extend_schema(operation_id="report_make", tags=["reports"],
                   summary="Report to Veilig Thuis",
                   description="Without a concern (in acute danger, or for a joint "
                   "consultation). A person who is not a child is refused (400, `child`); only "
                   "a coordinator reports on behalf of a group (403, `on_behalf_of_group`).",
                   request=ReportMakeInput, responses={201: ReportOutput})
    def post(self, request: Request) -> Response:
        actor = self.actor()
        report = services.report_make(actor, **self.input(ReportMakeInput))
        return Response(ReportOutput(_report(actor, report.pk, audit=False)).data,
                        status=status.HTTP_201_CREATED)


class ReportCollectionApi(ReportListApi, ReportMakeApi):
    """``/reports``: GET lists, POST reports."""


class ReportReadApi(ApiView):
    @extend_schema(operation_id="report_read", tags=["reports"], summary="Read a report",
                   description="For the Veilig Thuis it was made to and for its reporter; with "
                   "the concern it came from.", responses={200: ReportOutput})
    def get(self, request: Request, report_id: int) -> Response:
        return Response(ReportOutput(_report(self.actor(), report_id)).data)


class ReportDeclineInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=list(services.DECLINE_REASONS),
                                     help_text="not_own_observation (raises K2: Veilig Thuis "
                                     "must take up second-hand reports too), no_grounds, or "
                                     "other (with `text`).")
    text = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text="The reporter reads it; required for other.")


class _ReportAction(ApiView):
    refusable = True

    def _act(self, report_id: int, service, input_class) -> Response:
        actor = self.actor()
        report = _report(actor, report_id, audit=False)
        service(actor, report=report, **self.input(input_class))
        return Response(ReportOutput(_report(actor, report_id, audit=False)).data)


class ReportAcceptApi(_ReportAction):
    @extend_schema(operation_id="report_accept", tags=["reports"],
                   summary="Accept a report (Veilig Thuis)",
                   description="My organisation becomes involved with the child, takes safety "
                   "responsibility, and gets the task of its safety assessment, due five "
                   "working days after the report. Refused (409) when already handled.",
                   request=None, responses={200: ReportOutput})
    def post(self, request: Request, report_id: int) -> Response:
        return self._act(report_id, services.report_accept, EmptyInput)


class ReportDeclineApi(_ReportAction):
    @extend_schema(operation_id="report_decline", tags=["reports"],
                   summary="Decline a report, with a reason (Veilig Thuis)",
                   request=ReportDeclineInput, responses={200: ReportOutput})
    def post(self, request: Request, report_id: int) -> Response:
        return self._act(report_id, services.report_decline, ReportDeclineInput)


# --- chain-partner knowledge base ------------------------------------------------------------


class KnowledgeQuery(serializers.Serializer):
    sector = serializers.ChoiceField(choices=SECTOR_CHOICES, required=False,
                                     help_text="Only this sector.")


class ChainPartnerListApi(ApiView):
    query_serializer = KnowledgeQuery

    @extend_schema(operation_id="chain_partner_list", tags=["chain-partners"],
                   summary="The chain-partner knowledge base",
                   description="Per sector: what it can do, what it must do, whom it reports "
                   "to, and known misconceptions (Dutch text for professionals), for the "
                   "professionals and coordinators who work with children. No person data: "
                   "not audited.", responses={200: PartnerKnowledgeOutput(many=True)})
    def get(self, request: Request) -> Response:
        query = self.query()
        found = selectors.knowledge([query["sector"]] if "sector" in query else None)
        return Response(PartnerKnowledgeOutput(found, many=True).data)
