"""The index's section on a person's page — "wie is er nog betrokken bij dit gezin" — as an
inclusion tag, so the page only includes it: the read (audited, need to know) is the index's
own selector."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("web/index/_person_index.html", takes_context=True)
def index_section(context, person):
    from kindzicht.index.selectors import family_index

    from ..access import actor, may_see_cases

    request = context.get("request")
    if request is None or not may_see_cases(request.user) or person.death_date:
        return {"show": False}
    view = family_index(actor(request, "index_family"), person)
    return {"show": True, "person": person, "fi": view, "request": request}


@register.filter
def whom_label(whom: str) -> str:
    from ..index_forms import WHOM_CHOICES

    return str(WHOM_CHOICES.get(whom, whom))


@register.filter
def end_reason_label(reason: str) -> str:
    from django.utils.translation import gettext as _

    labels = {"withdrawn": _("ingetrokken"), "expired": _("verlopen"), "death": _("overleden"),
              "age": _("23 jaar geworden"), "ended_involvement": _("betrokkenheid beëindigd"),
              "corrected": _("gecorrigeerd"), "merged": _("samengevoegd")}
    return str(labels.get(reason, reason))
