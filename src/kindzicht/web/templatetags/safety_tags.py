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
