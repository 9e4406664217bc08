"""Berichten: my organisation's notifications (what was mailed after a change), and marking
them read — for the whole organisation, with who read them, as a change on record."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from kindzicht.core import inbox

from ..base import ApiView
from ..serializers import EmptyInput


class ReaderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")

    class Meta:
        ref_name = "NotificationReader"


class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="What happened: handover_offered, "
                                 "handover_accepted, decision, match, responsibility_moved, "
                                 "index_move, shared, report, …")
    subject = serializers.CharField()
    body = serializers.CharField(help_text="The text that was mailed.")
    person_id = serializers.IntegerField(allow_null=True,
                                         help_text="The person it is about, if one.")
    person_ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Everyone its text names (a match's family members of my organisation, a "
        "move's children); reading it is audited for each of them.")
    personal = serializers.SerializerMethodField(
        help_text="Addressed to me personally, not to the whole organisation.")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True,
                                        help_text="When someone of my organisation read it.")
    read_by = ReaderOutput(allow_null=True)
    email_status = serializers.ChoiceField(
        choices=["sent", "waiting", "not_delivered"], read_only=True,
        help_text="The e-mail: sent; waiting (the mail server did not take it yet, the sweep "
        "tries again); not_delivered (it did not take it KINDZICHT_MAIL_ATTEMPTS times and "
        "the outbox gave up).")

    class Meta:
        ref_name = "Notification"

    def get_personal(self, obj) -> bool:
        return obj.professional_id is not None


class NotificationListQuery(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False,
                                      help_text="Only the ones nobody read yet.")


class NotificationListApi(ApiView):
    query_serializer = NotificationListQuery

    @extend_schema(operation_id="notification_list", tags=["notifications"],
                   summary="My organisation's notifications",
                   description="Newest first (at most 200): those addressed to the "
                   "organisation and those addressed to me. The daily digest is e-mail only.",
                   responses={200: NotificationOutput(many=True)})
    def get(self, request: Request) -> Response:
        found = inbox.notifications_of(self.actor(), unread=self.query()["unread"])
        return Response(NotificationOutput(found, many=True).data)


class NotificationReadApi(ApiView):
    @extend_schema(operation_id="notification_read", tags=["notifications"],
                   summary="Mark a notification read",
                   description="For the whole organisation; one read before keeps its first "
                   "reader.", request=None, responses={200: NotificationOutput})
    def post(self, request: Request, notification_id: int) -> Response:
        self.input(EmptyInput)
        actor = self.actor()
        note = inbox.notification_get(actor, notification_id)
        marked = inbox.notifications_mark_read(actor, notifications=[note])
        if marked:  # the change's audit entry covers showing it
            note = marked[0]
        else:  # read before: the answer shows it all the same, an audited read
            note = inbox.notification_get(actor, note.pk, audit=True)
        return Response(NotificationOutput(note).data)


class NotificationReadAllApi(ApiView):
    @extend_schema(operation_id="notification_read_all", tags=["notifications"],
                   summary="Mark all my notifications read",
                   description="Answers the notifications this call marked.",
                   request=None, responses={200: NotificationOutput(many=True)})
    def post(self, request: Request) -> Response:
        self.input(EmptyInput)
        marked = inbox.notifications_mark_all_read(self.actor())
        return Response(NotificationOutput(marked, many=True).data)
