"""Template helpers: accessible form fields (hint and error wired with aria-describedby)."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from kindzicht.access.services import REVIEW_TASK_CODE
from kindzicht.index.services import INFORM_TASK, RENEW_TASK
from kindzicht.oversight.alerts import CODE as AUDIT_CHAIN
from kindzicht.plans.follow_up import CODE as GOAL_FOLLOW_UP
from kindzicht.safety.reassessment import TASK_CODE as REASSESSMENT

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


#: what a task is, for the codes of tasks that are no rule of findings.md (whose codes, P1 …
#: C5, are public and shown as they are)
TASK_CODE_LABELS = {
    INFORM_TASK: _("verwijsindex: gezin informeren"),
    RENEW_TASK: _("verwijsindex: verlengen"),
    "transition_18": _("overgang naar 18"),
    "answer_rejection": _("reactie op een afwijzing"),
    GOAL_FOLLOW_UP: _("doel: doorpakken"),
    "safety_assessment": _("veiligheidsbeoordeling"),
    REASSESSMENT: _("herbeoordeling"),
    REVIEW_TASK_CODE: _("doorbreking beoordelen"),
    AUDIT_CHAIN: _("controle auditketen"),
}


@register.filter
def task_code(code: str) -> str:
    """A task's code as its tag shows it: a rule's code as it is, another task's kind in
    words (a professional reads "verwijsindex: verlengen", not ``index_renew``)."""
    return str(TASK_CODE_LABELS.get(code, code))


@register.filter
def person_role(person) -> str:
    """"Kind" for a child, "Persoon" for someone of 18 or older: a task of the index can be
    about a parent with a signal."""
    from kindzicht.people.services import is_child

    return str(_("Kind") if is_child(person) else _("Persoon"))
