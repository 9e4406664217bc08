"""The oversight of access for the data protection officer (FG, issue 8): the access log with
filters, page by page; the unusual-access findings; a report over a period; and reviewing a
finding. Only the FG may call these (IsPrivacyOfficer); the selectors audit every read."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from kindzicht.core.errors import NotFound
from kindzicht.oversight import selectors
from kindzicht.oversight.models import Rule
from kindzicht.oversight.services import finding_review, findings_record

from ..base import ApiView, IsPrivacyOfficer

TAGS = ["oversight"]


class PrivacyOfficerApi(ApiView):
    permission_classes = [IsPrivacyOfficer]
    access_rule = "privacy_officer"


class NamedPerson(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="Name and birth date, or a note that the person's "
                                 "data was purged.")

    class Meta:
        ref_name = "LoggedPerson"


class LogEntryOutput(serializers.Serializer):
    id = serializers.IntegerField(source="entry.pk")
    at = serializers.DateTimeField(source="entry.domain_at",
                                   help_text="When it happened (domain time).")
    recorded_at = serializers.DateTimeField(source="entry.recorded_at")
    actor_id = serializers.IntegerField(source="entry.actor_id", allow_null=True,
                                        help_text="null: the system.")
    actor = serializers.CharField(help_text="The user's name and user name.")
    organisation_id = serializers.IntegerField(source="entry.organisation_id", allow_null=True)
    organisation = serializers.CharField()
    role = serializers.CharField(source="entry.role")
    kind = serializers.CharField(source="entry.kind", help_text="read, write or system.")
    action = serializers.CharField(source="entry.action")
    persons = serializers.SerializerMethodField()
    purpose = serializers.CharField(source="entry.purpose")
    chain = serializers.IntegerField(source="entry.chain")
    seq = serializers.IntegerField(source="entry.seq", help_text="Position in its chain.")

    class Meta:
        ref_name = "AccessLogEntry"

    @extend_schema_field(NamedPerson(many=True))
    def get_persons(self, row) -> list[dict]:
        return [{"id": pid, "name": name} for pid, name in row.persons]


class AccessLogPage(serializers.Serializer):
    count = serializers.IntegerField(help_text="Entries matching the filters.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = LogEntryOutput(many=True)

    class Meta:
        ref_name = "AccessLogPage"


class AccessLogQuery(serializers.Serializer):
    period_from = serializers.DateField(required=False, help_text="First day (inclusive).")
    period_to = serializers.DateField(required=False, help_text="Last day (inclusive).")
    actor = serializers.IntegerField(required=False, help_text="The user's id.")
    organisation = serializers.IntegerField(required=False, help_text="The organisation's id.")
    person = serializers.IntegerField(required=False, help_text="A person's internal id.")
    family_name = serializers.CharField(required=False, default="", max_length=120,
                                        help_text="A person's family name (with birth_date).")
    birth_date = serializers.DateField(required=False, help_text="A person's birth date "
                                       "(with family_name).")
    kind = serializers.ChoiceField(choices=["read", "write", "system"], required=False)
    action = serializers.CharField(required=False, default="", max_length=80,
                                   help_text="The exact action, e.g. person_viewed.")
    purpose = serializers.CharField(required=False, default="", max_length=120,
                                    help_text="Text the purpose contains.")
    page = serializers.IntegerField(required=False, default=1, min_value=1)
    page_size = serializers.IntegerField(required=False, default=selectors.PAGE_SIZE,
                                         min_value=1, max_value=selectors.MAX_PAGE_SIZE)


class AccessLogApi(PrivacyOfficerApi):
    query_serializer = AccessLogQuery
    error_field_names = {"actor_id": "actor", "organisation_id": "organisation",
                         "person_id": "person"}

    @extend_schema(operation_id="access_log_list", tags=TAGS,
                   summary="The access log, filtered, newest first",
                   description="Who read or changed whose data, when, for which organisation, "
                   "in which role and why. Only the data protection officer; the call is "
                   "itself audited as a read of the persons returned.",
                   responses={200: AccessLogPage})
    def get(self, request: Request) -> Response:
        q = self.query()
        f = selectors.LogFilter(
            period_from=q.get("period_from"), period_to=q.get("period_to"),
            actor_id=q.get("actor"), organisation_id=q.get("organisation"),
            person_id=q.get("person"), family_name=q["family_name"],
            birth_date=q.get("birth_date"), kind=q.get("kind", ""), action=q["action"],
            purpose=q["purpose"])
        page, rows = selectors.access_log(self.actor(), f, page=q["page"],
                                          page_size=q["page_size"])
        return Response({"count": page.paginator.count, "page": page.number,
                         "pages": page.paginator.num_pages,
                         "results": LogEntryOutput(rows, many=True).data})


class FindingOutput(serializers.Serializer):
    id = serializers.IntegerField(source="finding.pk")
    rule = serializers.ChoiceField(choices=Rule.choices, source="finding.rule")
    period_from = serializers.DateField(source="finding.period_from")
    period_to = serializers.DateField(source="finding.period_to")
    actor_id = serializers.IntegerField(source="finding.actor_id", allow_null=True)
    actor = serializers.CharField(help_text="The user (or users) concerned.")
    organisation_id = serializers.IntegerField(source="finding.organisation_id",
                                               allow_null=True)
    organisation = serializers.CharField()
    person_ids = serializers.ListField(child=serializers.IntegerField(),
                                       source="finding.person_ids")
    facts = serializers.ListField(child=serializers.CharField(),
                                  help_text="The recorded facts the finding rests on, in words.")
    figures = serializers.DictField(source="finding.figures",
                                    help_text="The same figures, as recorded.")
    reviewed_at = serializers.DateTimeField(source="finding.reviewed_at", allow_null=True)
    review_note = serializers.CharField(source="finding.review_note")

    class Meta:
        ref_name = "UnusualAccessFinding"


class FindingQuery(serializers.Serializer):
    rule = serializers.ChoiceField(choices=Rule.choices, required=False)
    status = serializers.ChoiceField(choices=["open", "reviewed", "all"], required=False,
                                     default="open")
    period_from = serializers.DateField(required=False)
    period_to = serializers.DateField(required=False)


class FindingListApi(PrivacyOfficerApi):
    query_serializer = FindingQuery

    @extend_schema(operation_id="unusual_access_finding_list", tags=TAGS,
                   summary="Unusual-access findings",
                   description="Open (not yet reviewed) by default; newest period first.",
                   responses={200: FindingOutput(many=True)})
    def get(self, request: Request) -> Response:
        q = self.query()
        found = selectors.findings(self.actor(), rule=q.get("rule", ""), status=q["status"],
                                   period_from=q.get("period_from"),
                                   period_to=q.get("period_to"))
        return Response(FindingOutput(found, many=True).data)


class FindingReadApi(PrivacyOfficerApi):
    @extend_schema(operation_id="unusual_access_finding_read", tags=TAGS,
                   summary="One unusual-access finding", responses={200: FindingOutput})
    def get(self, request: Request, finding_id: int) -> Response:
        view = selectors.finding_get(self.actor(), finding_id)
        if view is None:
            raise NotFound(f"No finding with id {finding_id}.")
        return Response(FindingOutput(view).data)


class ReportInput(serializers.Serializer):
    period_from = serializers.DateField(help_text="First day (inclusive).")
    period_to = serializers.DateField(help_text="Last day (inclusive); not in the future.")


class ReportCreateApi(PrivacyOfficerApi):
    @extend_schema(operation_id="unusual_access_report_make", tags=TAGS,
                   summary="Run the unusual-access rules over a period",
                   description="Keeps the new findings (a finding already made for the same "
                   "rule, subject and period is not made again) and returns them.",
                   request=ReportInput, responses={201: FindingOutput(many=True)})
    def post(self, request: Request) -> Response:
        made = findings_record(self.actor(), **self.input(ReportInput))
        views = selectors.finding_views(made)
        return Response(FindingOutput(views, many=True).data, status=status.HTTP_201_CREATED)


class ReviewInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="What was checked and concluded.")


class FindingReviewApi(PrivacyOfficerApi):
    refusable = True

    @extend_schema(operation_id="unusual_access_finding_review", tags=TAGS,
                   summary="Mark a finding reviewed, with a note",
                   description="Refused (409) when it was reviewed already.",
                   request=ReviewInput, responses={200: FindingOutput})
    def post(self, request: Request, finding_id: int) -> Response:
        actor = self.actor()
        view = selectors.finding_get(actor, finding_id)
        if view is None:
            raise NotFound(f"No finding with id {finding_id}.")
        done = finding_review(actor, finding=view.finding, **self.input(ReviewInput))
        return Response(FindingOutput(selectors.finding_views([done])[0]).data)
