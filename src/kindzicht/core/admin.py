"""Django admin: the shared building blocks, and the history models (events, audit chain,
seals, outbox) — view only, because the database forbids changing them anyway.

Every write through the admin is an action like any other: it records a domain event and an
audit entry in the admin's own transaction (:class:`RecordedAdmin`), creations go through the
services where one exists (:class:`ServiceCreateMixin`), and every page that shows person data
appends a read to the audit chain (:class:`AuditedReadsMixin`). Domain facts (involvements,
signals, concerns …) are written by the services only, so the admin shows them read-only
(:func:`register_read_only`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .actions import Actor, audit_read, record
from .errors import KindzichtError
from .models import (
    AuditChainHead,
    AuditEntry,
    AuditSeal,
    DomainEvent,
    EventSubject,
    Notification,
    PolicyValue,
)

admin.site.site_header = _("kindzicht — beheer")
admin.site.site_title = _("kindzicht beheer")
admin.site.index_title = _("Organisaties, gebruikers, personen en instellingen")

ADMIN_PURPOSE = "beheer"


def admin_actor(request: HttpRequest) -> Actor:
    return Actor.of(request.user, purpose=ADMIN_PURPOSE)  # type: ignore[arg-type]


def person_ids_of(obj: models.Model) -> list[int]:
    """Ids of the persons a row is about: its foreign keys to people.Person (and the row
    itself when it is a person)."""
    meta = obj._meta
    if meta.label == "people.Person":
        return [obj.pk] if obj.pk else []
    ids = []
    for f in meta.concrete_fields:
        if f.is_relation and f.related_model is not None and (
                f.related_model._meta.label == "people.Person"):
            value = getattr(obj, f.attname)
            if value is not None:
                ids.append(int(value))
    return ids


def value_fields(model: type[models.Model], limit: int = 8) -> list[str]:
    skip = (models.TextField, models.JSONField)
    return [f.name for f in model._meta.concrete_fields if not isinstance(f, skip)][:limit]


class AuditedReadsMixin:
    """Append one audit entry per admin page that shows persons (NEN 7513: who saw whom)."""

    def person_ids(self, obj: models.Model) -> list[int]:
        return person_ids_of(obj)

    def _audit(self, request: HttpRequest, action: str, objs: Iterable[models.Model],
               obj: models.Model | None = None) -> None:
        ids = sorted({pid for o in objs for pid in self.person_ids(o)})
        if ids:
            audit_read(admin_actor(request), action, person_ids=ids, obj=obj)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        cl = (getattr(response, "context_data", None) or {}).get("cl")
        if cl is not None:
            self._audit(request, "admin_listed", list(cl.result_list))
        return response

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict | None = None):
        response = super().change_view(request, object_id, form_url,  # type: ignore[misc]
                                       extra_context)
        original = (getattr(response, "context_data", None) or {}).get("original")
        if original is not None and request.method == "GET":
            self._audit(request, "admin_viewed", [original], obj=original)
        return response


class RecordedAdmin(AuditedReadsMixin, admin.ModelAdmin):
    """An editable admin whose every change records a domain event and an audit entry in the
    same transaction as the change (the admin's change views run in one transaction)."""

    def event_name(self, verb: str) -> str:
        return f"{self.model._meta.model_name}_{verb}_by_admin"

    def _record(self, request: HttpRequest, obj: models.Model, verb: str,
                payload: dict[str, Any]) -> None:
        with transaction.atomic():
            record(admin_actor(request), self.event_name(verb), subjects=self.person_ids(obj),
                   obj=obj, payload=payload)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if not getattr(obj, "_recorded_by_service", False):
            self._record(request, obj, "added", {})
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if not getattr(obj, "_recorded_by_service", False):
            # Field names only: the event log never holds personal data itself.
            fields = sorted({f for part in (message if isinstance(message, list) else [])
                             for f in part.get("changed", {}).get("fields", [])})
            if fields:
                self._record(request, obj, "changed", {"fields": fields})
        return entry

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            self._record(request, obj, "deleted", {"id": obj.pk})
        return entries

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class _DryRun(Exception):
    """Raised to roll back a service call made only to validate a form."""


class ServiceCreateMixin:
    """Create objects through their service, so the admin writes exactly what the UI, API and
    CLI write. The form runs the service once in a rolled-back savepoint to show its refusals
    as form errors; saving runs it for real."""

    def create_via_service(self, actor: Actor, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def service_check(self, request: HttpRequest, form: forms.ModelForm) -> None:
        try:
            with transaction.atomic():
                self.create_via_service(admin_actor(request), form.cleaned_data)
                raise _DryRun
        except _DryRun:
            pass
        except KindzichtError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        if obj is not None:
            return form_class
        model_admin = self

        class ServiceCheckedForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self):
                cleaned = super().clean()
                if not self.errors:
                    model_admin.service_check(request, self)
                return cleaned

        return ServiceCheckedForm

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)  # type: ignore[misc]
        created = self.create_via_service(admin_actor(request), form.cleaned_data)
        obj.pk = created.pk
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
        obj._state.adding = False
        obj._state.db = created._state.db
        obj._recorded_by_service = True


class ReadOnlyAdmin(AuditedReadsMixin, admin.ModelAdmin):
    """View only: history and domain facts are written by the services alone."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def register_read_only(app_label: str, *, skip: Iterable[str] = ()) -> None:
    """Register every model of an app not registered yet as view only, with its plain fields
    as columns — so the admin stays complete as the apps grow."""
    skipped = {s.lower() for s in skip}
    for model in apps.get_app_config(app_label).get_models():
        if admin.site.is_registered(model) or model._meta.model_name in skipped:
            continue
        attrs = {
            "list_display": value_fields(model),
            "list_filter": [f.name for f in model._meta.concrete_fields
                            if f.choices and not f.is_relation][:3],
            "list_select_related": False,
        }
        admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), attrs))


# --------------------------------------------------------------------------------------------
# History: events, audit chain, seals, outbox


class EventSubjectInline(admin.TabularInline):
    model = EventSubject
    extra = 0
    can_delete = False
    readonly_fields = ["person_id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class _NamedCodes(admin.SimpleListFilter):
    """A filter on a column of codes that lists each code present by its Dutch name, the code
    beside it ("signaal in de verwijsindex (signal_registered)"), instead of Django's bare
    list of codes — for an administrator or privacy officer looking for what happened."""

    def names(self) -> dict[str, Any]:
        raise NotImplementedError

    def lookups(self, request, model_admin):
        column = self.parameter_name
        codes = (model_admin.get_queryset(request).order_by().values_list(column, flat=True)
                 .distinct())
        names = self.names()
        shown = [(c, f"{names[c]} ({c})" if c in names else c) for c in codes if c]
        return sorted(shown, key=lambda pair: str(pair[1]).lower())

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.parameter_name: self.value()})
        return queryset


class _EventTypeFilter(_NamedCodes):
    title = _("soort gebeurtenis")
    parameter_name = "type"

    def names(self):
        from .labels import EVENT_NL
        return EVENT_NL


class _ActionFilter(_NamedCodes):
    title = _("handeling")
    parameter_name = "action"

    def names(self):
        from .labels import ACTION_NL, EVENT_NL
        return {**EVENT_NL, **ACTION_NL}


class _RoleFilter(_NamedCodes):
    title = _("rol")
    parameter_name = "role"

    def names(self):
        from kindzicht.people.models import Role
        return {**dict(Role.choices), "system": _("systeem")}


@admin.register(DomainEvent)
class DomainEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "occurred_on", "type", "organisation", "role", "object_type",
                    "object_id"]
    list_filter = [_EventTypeFilter, _RoleFilter]
    date_hierarchy = "occurred_on"
    inlines = [EventSubjectInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["chain", "seq", "recorded_at", "actor_id", "organisation_id", "role",
                    "action", "kind", "purpose"]
    list_filter = ["kind", _ActionFilter, _RoleFilter, "chain"]
    search_fields = ["action"]


@admin.register(AuditSeal)
class AuditSealAdmin(ReadOnlyAdmin):
    list_display = ["id", "sealed_at", "hash"]


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdmin):
    list_display = ["chain", "last_seq", "last_hash"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "organisation", "kind", "subject", "sent_at",
                    "mail_attempts", "read_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]


# --------------------------------------------------------------------------------------------
# Regional policy


def _policy_keys() -> list[tuple[str, str]]:
    """Every day count a rule reads (``C1.days`` …) with its default, for the key field."""
    try:
        from kindzicht.rules import engine

        engine._load()
        catalogue = engine.CATALOGUE
    except Exception:  # noqa: BLE001 - the rules may be unavailable; then the key is free text
        return []
    from kindzicht.privacy.retention import policy_keys as retention_keys

    keys = []
    for code in sorted(catalogue):
        rule = catalogue[code]
        for name, default in sorted(rule.defaults.items()):
            keys.append((f"{code}.{name}", f"{code}.{name} — {rule.title} ({_('standaard')} "
                                           f"{default})"))
    # The retention periods (months) per data kind share this store (kindzicht.privacy).
    return keys + retention_keys()


class PolicyValueForm(forms.ModelForm):
    class Meta:
        model = PolicyValue
        fields = ["region", "key", "value"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keys = _policy_keys()
        if keys:
            self.fields["key"] = forms.ChoiceField(label=_("regel en termijn"), choices=keys)
        self.fields["region"].help_text = _("Leeg: geldt voor elke regio zonder eigen waarde.")

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value is None or value < 0:
            raise forms.ValidationError(_("Een termijn is nul of meer dagen."))
        return value


@admin.register(PolicyValue)
class PolicyValueAdmin(RecordedAdmin):
    form = PolicyValueForm
    list_display = ["key", "region", "value"]
    list_filter = ["region"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Removing an override restores the default; the deletion is recorded (log_deletions).
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def get_actions(self, request):
        # One at a time, through the delete view, which runs in one transaction.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

register_read_only("core", skip=["eventsubject"])
