"""Template helpers of the Meldcode pages: the chain-partner knowledge base shown in context
(also on pages built by other screens, such as choosing a handover's receiver), labels of step
details, and where a task about a concern or a report leads."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kindzicht.meldcode.selectors import knowledge

register = template.Library()

WITH_LABELS = {
    "colleague": _("een collega"),
    "safe_at_home": _("Veilig Thuis (advies)"),
    "parents": _("de ouders"),
    "child": _("het kind"),
}
DECLINE_LABELS = {
    "not_own_observation": _("geen eigen waarneming van de melder"),
    "no_grounds": _("geen grond voor een melding"),
    "other": _("andere reden"),
}


@register.inclusion_tag("web/meldcode/_knowledge.html")
def partner_knowledge(*sectors: str, title: str = "", open_first: bool = False) -> dict:
    """``{% partner_knowledge "safe_at_home" "child_protection_board" %}``; no sectors: all."""
    return {"knowledge": knowledge(sectors or None), "title": title, "open_first": open_first}


@register.filter
def with_label(code: str) -> str:
    return str(WITH_LABELS.get(code, code))


@register.filter
def decline_label(code: str) -> str:
    return str(DECLINE_LABELS.get(code, code))


@register.filter
def task_target(task) -> str:
    """The page a task is about: a Meldcode deadline (K1, K3, K4) leads to the concern, a
    report's task (K2, the safety assessment) to the report; '' for anything else."""
    kind, _sep, rest = (task.key or "").partition(":")
    ident = rest.split("#", 1)[0]
    # Escalations to a municipality stay without a link: it never sees case content.
    if not ident.isdigit() or task.organisation_id is None:
        return ""
    if kind == "concern":
        return reverse("web:concern", kwargs={"pk": int(ident)})
    if kind == "report" and task.code in ("K2", "safety_assessment"):
        return reverse("web:report", kwargs={"pk": int(ident)})
    return ""


@register.filter
def task_target_label(task) -> str:
    return str(_("Naar de zorg") if (task.key or "").startswith("concern:")
               else _("Naar de melding"))


@register.filter
def weighing_label(answers: dict) -> str:
    """Where one weighing's answers lead, in words."""
    from kindzicht.meldcode.afwegingskader import QUESTIONS, outcome
    from kindzicht.meldcode.models import Outcome

    if not all(isinstance(answers.get(q), bool) for q in QUESTIONS):
        return ""
    return str(dict(Outcome.choices)[outcome(answers)])
