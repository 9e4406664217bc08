"""Template filters of the safety screens: Dutch labels of factor codes (standard and
regional), life events, domains, safety decisions and risk levels."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def factor_label(code: str) -> str:
    from kindzicht.safety.regional import factor_label as label

    return label(code)


@register.filter
def life_event_label(kind: str) -> str:
    from kindzicht.safety.life_events import life_event_label as label

    return label(kind)


@register.filter
def domain_label(domain: str) -> str:
    from ..safety_forms import DOMAIN_LABELS

    return str(DOMAIN_LABELS.get(domain, domain))


@register.filter
def safety_label(value: str) -> str:
    from kindzicht.safety.models import Safety

    return str(dict(Safety.choices).get(value, value))


@register.filter
def risk_label(value: str) -> str:
    from kindzicht.safety.models import RiskLevel

    return str(dict(RiskLevel.choices).get(value, value))


@register.filter
def reassessment_reason(task) -> str:
    """Why a re-assessment task was raised, from its facts (``"2024-03-04: new_partner"``):
    the life event's Dutch label and its date."""
    from datetime import date

    from kindzicht.safety.life_events import life_event_label as label

    parts = []
    for fact in task.facts or []:
        day, _sep, kind = str(fact).partition(": ")
        try:
            parts.append(f"{label(kind)} ({date.fromisoformat(day):%d-%m-%Y})")
        except ValueError:
            parts.append(str(fact))
    return ", ".join(parts)


@register.filter
def sector_label(code: str) -> str:
    from ..labels import sector_label as label

    return label(code)
