"""Django admin: this app's records are domain facts written by its services only, so the
admin shows them view only (reads of person data are audited). The chain-partner knowledge
base is the exception: administrators keep it up to date, and every change is recorded (a
domain event and an audit entry, like any admin write)."""

from django.contrib import admin

from kindzicht.core.admin import RecordedAdmin, register_read_only

from .models import PartnerKnowledge


@admin.register(PartnerKnowledge)
class PartnerKnowledgeAdmin(RecordedAdmin):
    list_display = ["sector", "reports_to"]
    search_fields = ["sector", "can_do", "must_do", "misconceptions"]
    fields = ["sector", "can_do", "must_do", "reports_to", "misconceptions"]

    def get_readonly_fields(self, request, obj=None):
        # One entry per sector: the sector of an existing entry stays what it is.
        return ["sector"] if obj is not None else []


register_read_only("meldcode")
