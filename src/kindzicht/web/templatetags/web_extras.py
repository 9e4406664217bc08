"""Template helpers: accessible form fields (hint and error wired with aria-describedby)."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()


@register.filter
def is_choice_group(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.simple_tag
def describedby(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_hint")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.simple_tag
def render_field(field: BoundField, autocomplete: str = "") -> str:
    attrs: dict[str, str] = {}
    ids = describedby(field)
    if ids:
        attrs["aria-describedby"] = ids
    if field.errors:
        attrs["aria-invalid"] = "true"
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The number of unread Berichten for the navigation (a count names nobody)."""
    from kindzicht.core.actions import Actor
    from kindzicht.core.inbox import unread_count

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "organisation_id", None):
        return 0
    return unread_count(Actor.of(user, purpose="navigation"))
