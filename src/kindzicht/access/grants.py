"""Break-the-glass grants as the audit sees them: a read of a person the reader holds an
active grant for is recorded with the purpose ``break_the_glass: <reason>``, so that the
responsible organisation and the FG see why the record was opened."""

from __future__ import annotations

from kindzicht.core import clock
from kindzicht.core.actions import Actor

PURPOSE_PREFIX = "break_the_glass: "


def read_purpose(actor: Actor, person_ids: list[int]) -> str | None:
    """The purpose of a read under an active grant (the newest grant's reason), else None."""
    from .models import BreakGlass

    if actor.professional is None or not actor.is_live:
        return None
    reason = (BreakGlass.objects.filter(professional_id=actor.professional.pk,
                                        person_id__in=person_ids, expires_at__gt=clock.now())
              .order_by("-opened_at").values_list("reason", flat=True).first())
    return f"{PURPOSE_PREFIX}{reason}" if reason else None
