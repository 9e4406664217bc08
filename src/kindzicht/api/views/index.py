"""The reference index at family level (findings.md 2.2, issue 4): register a signal (also on
behalf of the observing professional, who stays shielded), my organisation's signals with
withdraw, renew and informing the family, the match inbox, and who else is involved with a
person's family — organisations and contacts only, never content.

Every write calls one service of ``kindzicht.index.services``; reads go through
``kindzicht.index.selectors`` (audited, need to know).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from kindzicht.core.errors import Forbidden, Refused
from kindzicht.index import selectors
from kindzicht.index.bulk import online_text, signals_import
from kindzicht.index.models import Informing
from kindzicht.index.services import (
    person_for_bsn,
    signal_get,
    signal_inform,
    signal_register,
    signal_renew,
    signal_withdraw,
)

from ..base import ApiView, IsAdministrator, person_in_reach
from ..errors import problem, problem_response
from ..parsers import CsvParser
from ..serializers import EmptyInput, OrganisationSummary, PersonSummary, person_field

TAGS = ["reference-index"]


# --- output --------------------------------------------------------------------------------


class InformingOutput(serializers.Serializer):
    whom = serializers.ChoiceField(choices=Informing.WHOM,
                                   help_text="person (from 12) or parents (under 16).")
    outcome = serializers.ChoiceField(choices=Informing.OUTCOMES)
    reason = serializers.CharField(help_text="Why informing was postponed.")
    review_on = serializers.DateField(allow_null=True,
                                      help_text="Postponed: when to weigh informing again.")
    recorded_on = serializers.DateField(source="on")

    class Meta:
        ref_name = "SignalInforming"


class InformingDutyOutput(serializers.Serializer):
    whom = serializers.ChoiceField(choices=Informing.WHOM)
    latest = InformingOutput(allow_null=True, help_text="null: still to do.")

    class Meta:
        ref_name = "SignalInformingDuty"


class SignalOutput(serializers.Serializer):
    """One of my organisation's signals. Only the registering organisation sees the shielded
    observer; others see the organisation and the contact."""

    id = serializers.IntegerField()
    person = PersonSummary()
    organisation = OrganisationSummary()
    contact = serializers.CharField(help_text="How to reach the responsible professional.")
    on_behalf_of = serializers.CharField(
        source="observer", help_text="The observing professional when registered on behalf; "
        "never shown to other organisations or the family.")
    registered_on = serializers.DateField(source="on")
    expires_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField(help_text="withdrawn, expired, death, "
                                       "ended_involvement, corrected; empty while active.")
    informing = serializers.SerializerMethodField(
        help_text="Per duty (the person from 12, the parents under 16): the latest record.")

    class Meta:
        ref_name = "Signal"

    @extend_schema_field(InformingDutyOutput(many=True))
    def get_informing(self, signal) -> list[dict[str, Any]]:
        from kindzicht.index.services import informing_state

        state = self.context.get("informing", {}).get(signal.pk)
        if state is None:
            state = informing_state(signal)
        return [{"whom": w, "latest": InformingOutput(inf).data if inf else None}
                for w, inf in state.items()]


class OrganisationContactOutput(serializers.Serializer):
    organisation = OrganisationSummary()
    contacts = serializers.ListField(child=serializers.CharField(),
                                     help_text="How to reach the responsible professionals.")
    since = serializers.DateField(allow_null=True, help_text="Its earliest active signal.")
    proposed_coordinator = serializers.BooleanField(
        help_text="Proposed as match coordinator (by the region's sector priority).")
    coordinates = serializers.BooleanField(
        help_text="Coordinates: took responsibility with basis coordination, or made the "
        "family plan.")

    class Meta:
        ref_name = "IndexOrganisationContact"


class CoordinationOutput(serializers.Serializer):
    organisation = OrganisationSummary()
    how = serializers.ChoiceField(choices=["responsibility", "family_plan"])
    since = serializers.DateField()

    class Meta:
        ref_name = "IndexCoordination"


class MatchOutput(serializers.Serializer):
    level = serializers.ChoiceField(choices=["child", "family"],
                                    help_text="child: two organisations on the same child; "
                                    "family: signals on different members of one family.")
    since = serializers.DateField()
    own_people = PersonSummary(many=True, help_text="Whom my organisation's signals in the "
                               "match are on.")
    others = OrganisationContactOutput(many=True, help_text="Who else is involved and how to "
                                       "reach them.")
    proposed_coordinator = OrganisationSummary(allow_null=True)
    coordination = CoordinationOutput(allow_null=True,
                                      help_text="null: nobody coordinates yet (V2's clock "
                                      "runs).")
    to_coordinate = PersonSummary(
        many=True, help_text="While nobody coordinates: the match's children my organisation's "
        "own signals are on. It may take their coordination (POST "
        "/api/v1/persons/{id}/responsibility with basis coordination); a child only others "
        "signalled is not named.")

    class Meta:
        ref_name = "Match"


class FamilyIndexOutput(serializers.Serializer):
    person = PersonSummary()
    organisations = OrganisationContactOutput(
        many=True, help_text="Other organisations with active signals on the person or their "
        "family.")
    coordination = CoordinationOutput(allow_null=True)
    own_signal = serializers.IntegerField(source="own_signal.pk", allow_null=True,
                                          help_text="My organisation's signal on the person.")

    class Meta:
        ref_name = "FamilyIndex"


# --- my organisation's signals, and registering one ---------------------------------------


class SignalListQuery(serializers.Serializer):
    ended = serializers.BooleanField(required=False, default=False,
                                     help_text="The ended signals instead of the active ones.")


class SignalRegisterInput(serializers.Serializer):
    person = person_field(required=False, help_text="The person's id (or give `bsn`).")
    bsn = serializers.CharField(required=False, max_length=20,
                                help_text="The person's BSN (or give `person`); it must pass "
                                "the 11-proef and be known.")
    contact = serializers.CharField(required=False, allow_blank=True, default="",
                                    max_length=200,
                                    help_text="How to reach the responsible professional "
                                    "(default: the registering professional).")
    on_behalf_of = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200,
        help_text="Coordinators only: the observing professional, recorded for accountability "
        "and never shown to others.")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if bool(data.get("person")) == bool(data.get("bsn")):
            raise serializers.ValidationError({"person": "Give either person or bsn."})
        return data


class SignalRegisterOutput(SignalOutput):
    likely_duplicates = PersonSummary(
        many=True, help_text="Other person records that are probably the same person (same "
        "name and birth date, or same birth date and address): check, and ask an "
        "administrator to merge them.")

    class Meta:
        ref_name = "SignalRegistered"


class SignalCollectionApi(ApiView):
    refusable = True
    query_serializer = SignalListQuery

    @extend_schema(operation_id="signal_list", tags=TAGS, summary="My organisation's signals",
                   description="Active (default) or ended, newest first (at most 500).",
                   responses={200: SignalOutput(many=True)})
    def get(self, request: Request) -> Response:
        rows = selectors.own_signals(self.actor(), active=not self.query()["ended"])
        context = {"informing": {r.signal.pk: r.informing for r in rows}}
        return Response(SignalOutput([r.signal for r in rows], many=True, context=context).data)

    @extend_schema(operation_id="signal_register", tags=TAGS, summary="Register a signal",
                   description="That my organisation is involved with a person because of "
                   "concerns — never why. On a young person up to 23, or on an adult member of "
                   "a child's family. 403 when my sector is not authorised in my region, or "
                   "`on_behalf_of` is given by someone who is not a coordinator; 409 when my "
                   "organisation already has an active signal on the person. Matches at child "
                   "and family level are made in the same step, and every organisation in them "
                   "is notified.",
                   request=SignalRegisterInput, responses={201: SignalRegisterOutput})
    def post(self, request: Request) -> Response:
        from kindzicht.index.duplicates import likely_duplicates

        data = self.input(SignalRegisterInput)
        person = data.get("person") or person_for_bsn(data["bsn"])
        sig = signal_register(self.actor(), person=person, contact=data["contact"],
                              on_behalf_of=data["on_behalf_of"])
        sig.likely_duplicates = likely_duplicates(person)
        return Response(SignalRegisterOutput(sig).data, status=status.HTTP_201_CREATED)


class SignalWithdrawApi(ApiView):
    refusable = True
    problem_statuses = (400, 401, 403, 404, 409)

    @extend_schema(operation_id="signal_withdraw", tags=TAGS, summary="Withdraw a signal",
                   description="The risk is gone or was unfounded. The signal leaves the index; "
                   "its matches are re-evaluated. 409 when it has ended already.",
                   request=None, responses={200: SignalOutput})
    def post(self, request: Request, signal_id: int) -> Response:
        self.input(EmptyInput)
        actor = self.actor()
        sig = signal_get(actor, signal_id)
        if sig.ended_at is not None:
            raise Refused("Dit signaal is al beëindigd.", field="signal")
        sig = signal_withdraw(actor, person=sig.person)
        return Response(SignalOutput(sig).data)


class SignalRenewApi(ApiView):
    refusable = True
    problem_statuses = (400, 401, 403, 404, 409)

    @extend_schema(operation_id="signal_renew", tags=TAGS, summary="Renew a signal",
                   description="The concerns last: the signal runs another full period from "
                   "today — at the latest until the young person turns 23 (409 beyond that).",
                   request=None, responses={200: SignalOutput})
    def post(self, request: Request, signal_id: int) -> Response:
        self.input(EmptyInput)
        actor = self.actor()
        sig = signal_renew(actor, signal=signal_get(actor, signal_id))
        return Response(SignalOutput(sig).data)


class SignalInformInput(serializers.Serializer):
    whom = serializers.ChoiceField(choices=Informing.WHOM)
    outcome = serializers.ChoiceField(choices=Informing.OUTCOMES)
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Required when postponed: why informing would "
                                   "endanger the child.")
    review_on = serializers.DateField(required=False, allow_null=True, default=None,
                                      help_text="Postponed: when to weigh it again (a task).")


class SignalInformApi(ApiView):
    refusable = True

    @extend_schema(operation_id="signal_inform", tags=TAGS,
                   summary="Record informing the family of a signal",
                   description="That my organisation informed the person (from 12) or the "
                   "parents (of a young person under 16), or postponed it with the reason. "
                   "When every duty is met the informing task closes.",
                   request=SignalInformInput, responses={201: InformingOutput})
    def post(self, request: Request, signal_id: int) -> Response:
        actor = self.actor()
        signal = signal_get(actor, signal_id)
        data = self.input(SignalInformInput)
        inf = signal_inform(actor, signal=signal, **data)
        return Response(InformingOutput(inf).data, status=status.HTTP_201_CREATED)


# --- matches and who else is involved ------------------------------------------------------


class MatchListApi(ApiView):
    @extend_schema(operation_id="match_list", tags=TAGS, summary="My organisation's matches",
                   description="The open matches my organisation is in, once per group of "
                   "organisations: whom my signals are on, who else is involved and how to "
                   "reach them, the proposed coordinator and who coordinates.",
                   responses={200: MatchOutput(many=True)})
    def get(self, request: Request) -> Response:
        return Response(MatchOutput(selectors.match_inbox(self.actor()), many=True).data)


class PersonInvolvedApi(ApiView):
    problem_statuses = (401, 403, 404)

    @extend_schema(operation_id="person_involved_organisations", tags=TAGS,
                   summary="Who else is involved with this person's family",
                   description="Organisations with active signals on the person or their "
                   "family, and how to reach them — organisations and contacts only. As in the "
                   "VIR, only for an organisation involved with the family itself (an active "
                   "signal or involvement); others get 403.",
                   responses={200: FamilyIndexOutput})
    def get(self, request: Request, person_id: int) -> Response:
        person = person_in_reach(self.actor(), person_id)
        view = selectors.family_index(self.actor(), person)
        if not view.visible:
            raise Forbidden("Uw organisatie is niet betrokken bij dit gezin: registreer eerst "
                            "zelf een signaal.", code="not_involved")
        return Response(FamilyIndexOutput(view).data)


# --- the bulk intake of a regional index ---------------------------------------------------


#: the purpose on the audit entries of registrations imported through the API
IMPORT_PURPOSE = "import van registraties via de API"


class SignalImportQuery(serializers.Serializer):
    dry_run = serializers.BooleanField(
        required=False, default=False,
        help_text="Only check the file: the report of rejected rows, nothing written.")
    skip_rejected = serializers.BooleanField(
        required=False, default=False,
        help_text="Import the valid rows when others are rejected (by default one rejected "
        "row imports nothing: fix the file and send it again).")


class RejectedRowOutput(serializers.Serializer):
    line = serializers.IntegerField(help_text="The row's line in the file (the header is 1).")
    reasons = serializers.ListField(child=serializers.CharField())

    class Meta:
        ref_name = "SignalImportRejectedRow"


class SignalImportOutput(serializers.Serializer):
    rows = serializers.IntegerField(help_text="Registrations in the file.")
    imported = serializers.IntegerField(help_text="Signals written.")
    written = serializers.BooleanField(help_text="false: a check (`dry_run`); nothing written.")
    rejected = serializers.SerializerMethodField(help_text="Each rejected row with its reasons.")

    class Meta:
        ref_name = "SignalImportReport"

    @extend_schema_field(RejectedRowOutput(many=True))
    def get_rejected(self, report) -> list[dict[str, Any]]:
        return [{"line": line, "reasons": reasons} for line, reasons in report.rejected]


class SignalImportApi(ApiView):
    """The same service as the admin's screen and ``kindzicht index_import``, for a regional
    index's supplier or a script: a file within a web request's limits (50,000 rows)."""

    permission_classes = [permissions.IsAuthenticated, IsAdministrator]
    access_rule = "administrator"
    parser_classes = [CsvParser]
    problem_statuses = (400, 401, 403)

    @extend_schema(
        operation_id="signal_import", tags=TAGS,
        summary="Import registrations from a regional index (CSV)",
        description="Administrators only. The body is the CSV file (`text/csv`, UTF-8, a "
        "header row, `;` or `,`): columns `organisation` (id), `bsn`, `given_name`, "
        "`family_name`, `birth_date`, `contact`, `registered_on`, `informed_on` (docs/api.md). "
        "Every row is validated; a rejected row is reported with its line and reasons. "
        "Nothing is half-imported: with a rejected row and without `skip_rejected` the answer "
        "is 400, with the rows in `invalidParams` (name `line.N`), and nothing is written. "
        "Each imported row is a registration like any other: an event, an audit entry, the "
        "informing or its task, and the matches at child and family level. At most 50,000 "
        "rows or 30 MB; a larger file is imported on the server (`kindzicht index_import`).",
        parameters=[SignalImportQuery],
        request={CsvParser.media_type: OpenApiTypes.STR},
        responses={200: SignalImportOutput, 201: SignalImportOutput})
    def post(self, request: Request) -> Response:
        options = self.query(SignalImportQuery)
        text = online_text(request.data if isinstance(request.data, bytes) else b"")
        report = signals_import(replace(self.actor(), purpose=IMPORT_PURPOSE), source=text,
                                partial=options["skip_rejected"], dry_run=options["dry_run"])
        if report.rejected and not report.written and not options["dry_run"]:
            return problem_response(problem(
                400, f"Niets geïmporteerd: {len(report.rejected)} van de {report.rows} regels "
                "afgewezen. Verbeter het bestand, of importeer met skip_rejected=true.",
                code="rejected_rows", instance=request.path, invalid_params=[
                    {"name": f"line.{line}", "code": "rejected", "reason": "; ".join(reasons)}
                    for line, reasons in report.rejected]))
        return Response(SignalImportOutput(report).data,
                        status=status.HTTP_201_CREATED if report.written else status.HTTP_200_OK)
