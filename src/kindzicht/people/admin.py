"""Django admin for organisations, professionals, persons, relations, households, regions and
municipalities.

Creations go through the people services (the same validation and the same events as the UI
and API); changes and deletions are recorded as domain events with an audit entry; every page
showing persons is an audited read. BSNs never appear in a URL: the admin searches persons by
name, never by BSN, and shows BSNs masked in lists.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from kindzicht.core.actions import Actor
from kindzicht.core.admin import (
    AuditedReadsMixin,
    ReadOnlyAdmin,
    RecordedAdmin,
    ServiceCreateMixin,
    admin_actor,
    register_read_only,
)
from kindzicht.core.errors import KindzichtError

from . import services
from .models import (
    Household,
    HouseholdAddress,
    HouseholdMembership,
    Municipality,
    Organisation,
    Person,
    Professional,
    Region,
    Relation,
)


def _municipality_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(code, f"{name} ({code})") for code, name in
                          Municipality.objects.order_by("name").values_list("code", "name")]


def mask_bsn(bsn: str | None) -> str:
    return f"*****{bsn[-4:]}" if bsn else "—"


# --------------------------------------------------------------------------------------------
# Regions and municipalities (reference data)


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    extra = 0
    fields = ["code", "name"]
    readonly_fields = ["code", "name"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(RecordedAdmin):
    list_display = ["name", "municipality_count"]
    search_fields = ["name"]
    inlines = [MunicipalityInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_count=Count("municipalities"))

    @admin.display(description=_("gemeenten"), ordering="_count")
    def municipality_count(self, obj: Region) -> int:
        return obj._count  # type: ignore[attr-defined]


@admin.register(Municipality)
class MunicipalityAdmin(RecordedAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]
    ordering = ["name"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []


# --------------------------------------------------------------------------------------------
# Organisations and professionals


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "sector", "municipality_code", "email", "phone", "address", "active",
                  "successor"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["municipality_code"] = forms.ChoiceField(
            label=_("gemeente"), choices=_municipality_choices, required=False)


@admin.register(Organisation)
class OrganisationAdmin(ServiceCreateMixin, RecordedAdmin):
    form = OrganisationForm
    list_display = ["name", "sector", "municipality", "email", "phone", "active"]
    list_filter = ["sector", "active"]
    search_fields = ["name", "municipality_code"]
    raw_id_fields = ["successor"]

    @admin.display(description=_("gemeente"), ordering="municipality_code")
    def municipality(self, obj: Organisation) -> str:
        names = getattr(self, "_names", None)
        if names is None:
            names = self._names = dict(Municipality.objects.values_list("code", "name"))
        return f"{names.get(obj.municipality_code, '')} ({obj.municipality_code})" \
            if obj.municipality_code else "—"

    def changelist_view(self, request, extra_context=None):
        self._names = None
        return super().changelist_view(request, extra_context)

    def create_via_service(self, actor: Actor, data: dict[str, Any]) -> Organisation:
        org = services.organisation_create(
            actor, name=data.get("name") or "", sector=data.get("sector") or "",
            municipality_code=data.get("municipality_code") or "",
            email=data.get("email") or "", phone=data.get("phone") or "",
            address=data.get("address") or "")
        changes = {k: data[k] for k in ("active", "successor") if k in data}
        if changes.get("active") is False or changes.get("successor") is not None:
            for k, v in changes.items():
                setattr(org, k, v)
            org.save(update_fields=list(changes))
        return org


@admin.register(Professional)
class ProfessionalAdmin(AuditedReadsMixin, UserAdmin):
    """Users: a professional of one organisation with one role. Created through
    ``professional_create``; every change (also of a password) is a recorded action."""

    list_display = ["username", "first_name", "last_name", "organisation", "role", "is_active",
                    "last_login"]
    list_filter = ["role", "is_active", "organisation__sector"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__name"]
    raw_id_fields = ["organisation"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Persoon"), {"fields": ("first_name", "last_name", "email", "phone", "function")}),
        (_("Organisatie en rol"), {"fields": ("organisation", "role")}),
        (_("Toegang"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                   "user_permissions")}),
        (_("Data"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Organisatie en rol"), {"fields": ("organisation", "role")}),
        (_("Persoon"), {"fields": ("first_name", "last_name", "email")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        password = data.get("password1") if data.get("usable_password", "true") != "false" \
            else None
        created = services.professional_create(
            admin_actor(request), organisation=data.get("organisation"),
            username=data["username"], role=data.get("role") or "professional",
            first_name=data.get("first_name") or "", last_name=data.get("last_name") or "",
            email=data.get("email") or "", password=password or None)
        obj.pk = created.pk
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
        obj._state.adding = False
        obj._recorded_by_service = True

    def _record(self, request, obj, verb: str, payload: dict) -> None:
        from kindzicht.core.actions import record

        with transaction.atomic():
            record(admin_actor(request), f"professional_{verb}_by_admin", obj=obj,
                   payload=payload)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        fields = sorted({f for part in (message if isinstance(message, list) else [])
                         for f in part.get("changed", {}).get("fields", [])})
        if fields:
            self._record(request, obj, "changed", {"fields": fields})
        return entry

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: their actions stay attributable


# --------------------------------------------------------------------------------------------
# Persons and relations


class RelationFromInline(admin.TabularInline):
    model = Relation
    fk_name = "person"
    verbose_name = _("relatie")
    verbose_name_plural = _("relaties (deze persoon is …)")
    fields = ["kind", "other", "valid_from", "valid_to"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class RelationToInline(RelationFromInline):
    fk_name = "other"
    verbose_name_plural = _("relaties (… van deze persoon)")
    fields = ["person", "kind", "valid_from", "valid_to"]
    readonly_fields = fields


class PersonMembershipInline(admin.TabularInline):
    model = HouseholdMembership
    fk_name = "person"
    fields = ["household", "joined_on", "left_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(ServiceCreateMixin, RecordedAdmin):
    """Persons are created with ``person_create`` (BSN 11-proef, unique; no birth date in the
    future). Afterwards only names and place can be corrected here; a death is recorded in
    the web UI or the API, which also ends the person's signals."""

    list_display = ["__str__", "birth_date", "masked_bsn", "place", "death_date"]
    search_fields = ["given_name", "family_name"]  # never the BSN: searches go in the URL
    date_hierarchy = "birth_date"
    inlines = [RelationFromInline, RelationToInline, PersonMembershipInline]
    fields = ["given_name", "family_name", "birth_date", "bsn", "place", "death_date"]

    def get_readonly_fields(self, request, obj=None):
        return ["bsn", "birth_date", "death_date"] if obj else ["death_date"]

    @admin.display(description="BSN")
    def masked_bsn(self, obj: Person) -> str:
        return mask_bsn(obj.bsn)

    def create_via_service(self, actor: Actor, data: dict[str, Any]) -> Person:
        return services.person_create(
            actor, birth_date=data.get("birth_date"), given_name=data.get("given_name") or "",
            family_name=data.get("family_name") or "", bsn=data.get("bsn") or None,
            place=data.get("place") or "")

    def service_check(self, request, form) -> None:
        if form.cleaned_data.get("birth_date") is None:
            return  # the field error is shown already
        super().service_check(request, form)


class RelationForm(forms.ModelForm):
    class Meta:
        model = Relation
        fields = ["person", "kind", "other", "valid_from", "valid_to"]


@admin.register(Relation)
class RelationAdmin(ServiceCreateMixin, RecordedAdmin):
    """Relations are added with ``relation_add``; an existing relation can only be ended
    (``relation_end``), so its history stays."""

    form = RelationForm
    list_display = ["person", "kind", "other", "valid_from", "valid_to"]
    list_filter = ["kind"]
    raw_id_fields = ["person", "other"]
    search_fields = ["person__family_name", "other__family_name"]
    list_select_related = ["person", "other"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["person", "kind", "other", "valid_from"] + (["valid_to"] if obj.valid_to else [])

    def create_via_service(self, actor: Actor, data: dict[str, Any]) -> Relation:
        if data.get("person") is None or data.get("other") is None:
            raise KindzichtError("Choose both persons.", field="person")
        return services.relation_add(actor, person=data["person"], kind=data.get("kind") or "",
                                     other=data["other"], valid_from=data.get("valid_from"),
                                     valid_to=data.get("valid_to"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form_class

        class EndForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self):
                cleaned = super().clean()
                ends = cleaned.get("valid_to")
                if "valid_to" in self.changed_data:
                    if ends is None:
                        self.add_error("valid_to", _("Een beëindigde relatie blijft beëindigd."))
                    elif obj.valid_from and ends < obj.valid_from:
                        self.add_error("valid_to", _("De relatie eindigt voordat ze begint."))
                return cleaned

        return EndForm

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        if "valid_to" in form.changed_data and obj.valid_to:
            ends = obj.valid_to
            obj.valid_to = None
            try:
                services.relation_end(admin_actor(request), relation=obj, on=ends)
            except KindzichtError as exc:  # pragma: no cover - validated by the form
                raise forms.ValidationError(exc.message) from exc
            obj._recorded_by_service = True


# --------------------------------------------------------------------------------------------
# Households: view only (they change through the services: join, leave, move)


class MembershipInline(admin.TabularInline):
    model = HouseholdMembership
    fields = ["person", "joined_on", "left_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AddressInline(admin.TabularInline):
    model = HouseholdAddress
    fields = ["municipality_code", "postcode", "valid_from", "valid_to"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "current_address", "members_now", "created_at"]
    inlines = [MembershipInline, AddressInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("addresses", "memberships")

    @admin.display(description=_("adres"))
    def current_address(self, obj: Household) -> str:
        current = [a for a in obj.addresses.all() if a.valid_to is None]
        return f"{current[-1].postcode} ({current[-1].municipality_code})" if current else "—"

    @admin.display(description=_("bewoners nu"))
    def members_now(self, obj: Household) -> int:
        return sum(1 for m in obj.memberships.all() if m.left_on is None)

    def person_ids(self, obj: Household) -> list[int]:
        return [m.person_id for m in obj.memberships.all()]


register_read_only("people")
