"""Output shapes shared by several operations. Input serializers live beside the one API class
that uses them (api/views/*); they validate shape only — the services decide what is right."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from kindzicht.core import prepared
from kindzicht.people.models import Organisation, Person
from kindzicht.people.sectors import SECTOR_CHOICES


class OrganisationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sector = serializers.ChoiceField(choices=SECTOR_CHOICES,
                                     help_text="Sector code (product.md, glossary.md).")
    municipality_code = serializers.CharField(help_text="CBS municipality code, four digits.")
    email = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    active = serializers.BooleanField(help_text="False once merged into or replaced by a "
                                      "successor.")
    successor = serializers.IntegerField(source="successor_id", allow_null=True,
                                         help_text="The organisation that took over, if any.")

    class Meta:
        ref_name = "Organisation"


class OrganisationSummary(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sector = serializers.ChoiceField(choices=SECTOR_CHOICES)

    class Meta:
        ref_name = "OrganisationSummary"


class PersonOutput(serializers.Serializer):
    """A person as the API shows them. The BSN appears in bodies only, never in a URL, and in
    full only when the person is in the caller's reach (context ``in_reach``); otherwise
    masked to its last three digits (docs/access.md)."""

    id = serializers.IntegerField()
    bsn = serializers.SerializerMethodField(
        help_text="The full BSN when the person is in your organisation's reach; otherwise "
        "masked to its last three digits (`******123`). null when unknown.")
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    birth_date = serializers.DateField()
    death_date = serializers.DateField(allow_null=True)
    place = serializers.CharField()

    class Meta:
        ref_name = "Person"

    def get_bsn(self, person) -> str | None:
        if not person.bsn:
            return None
        if self.context.get("in_reach"):
            return person.bsn
        return "*" * (len(person.bsn) - 3) + person.bsn[-3:]


class PersonSummary(serializers.Serializer):
    """Who a person is, in lists and in references from other resources."""

    id = serializers.IntegerField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    birth_date = serializers.DateField()

    class Meta:
        ref_name = "PersonSummary"


#: The largest id a row can have (``BigAutoField``: a signed 64-bit integer). A larger number
#: overflows the database driver (a server error on SQLite) instead of finding nothing.
MAX_ID = 2**63 - 1


def id_value(**kwargs) -> serializers.IntegerField:
    """An id given as a plain number (a filter, or an id the service resolves itself)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """An object named by its id: a JSON integer from 1 to :data:`MAX_ID`, nothing else.
    DRF's own field hands any value to the database lookup, which reads ``1.5`` or ``"1"``
    as id 1 (the wrong type silently accepted) and overflows on a number past 64 bits."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        queryset = self.get_queryset()
        if queryset.query.where or queryset.query.select_related:
            return super().to_internal_value(data)
        found = prepared.get(queryset.model, data)  # the whole table: one prepared read
        if found is None:
            self.fail("does_not_exist", pk_value=data)
        return found


def related_field(queryset, **kwargs) -> IdRelatedField:
    return IdRelatedField(queryset=queryset, **kwargs)


def person_field(**kwargs) -> IdRelatedField:
    """An input referring to a person by id."""
    kwargs.setdefault("help_text", "The person's id.")
    return IdRelatedField(queryset=Person.objects.all(), **kwargs)


def organisation_field(**kwargs) -> IdRelatedField:
    kwargs.setdefault("help_text", "The organisation's id.")
    return IdRelatedField(queryset=Organisation.objects.all(), **kwargs)


class EmptyInput(serializers.Serializer):
    """No fields: the action is the whole request (a body, if sent, must still be an object)."""
