"""The continuity guards' refusals, told in the user's language.

The services word their refusals in English for the API and the CLI; on a Dutch screen the
user needs the same instruction in Dutch: which handover to complete first, or who must take
over. This builds that text from the same facts the guard looked at, and falls back to the
service's own message for any refusal it does not know.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kindzicht.continuity.models import Handover, HandoverStatus
from kindzicht.core.errors import GuardRefused
from kindzicht.people.models import Organisation, Person


def refusal_text(exc: GuardRefused, *, organisation: Organisation | None,
                 child: Person) -> str:
    if organisation is None:
        return exc.message
    if exc.field == "aftercare":
        return _("Intensieve hulp aan %(child)s, die open risico heeft, kan niet stoppen zonder "
                 "nazorg. Beschrijf de nazorg: wie doet wat, en hoe lang.") % {
            "child": child.name}
    if exc.field == "person":
        pending = (Handover.objects.filter(child=child, sender=organisation, status__in=[
            HandoverStatus.OFFERED, HandoverStatus.ACCEPTED]).select_related("receiver")
            .order_by("-at").first())
        base = _("%(org)s heeft de veiligheidsregie voor %(child)s, die open risico heeft.") % {
            "org": organisation.name, "child": child.name}
        if pending is None:
            return base + " " + _(
                "Niemand heeft de overname nog bevestigd. Bied eerst een overdracht aan en laat "
                "de ontvanger de start bevestigen, of laat een andere organisatie de "
                "veiligheidsregie nemen. Daarna kunt u de betrokkenheid beëindigen.")
        if pending.status == HandoverStatus.OFFERED:
            step = _("%(receiver)s moet de overdracht accepteren en de start bevestigen") % {
                "receiver": pending.receiver.name}
        else:
            step = _("%(receiver)s moet de start bevestigen") % {
                "receiver": pending.receiver.name}
        return base + " " + _(
            "Rond eerst de overdracht aan %(receiver)s af: %(step)s. Pas daarna kan %(org)s de "
            "betrokkenheid beëindigen.") % {"receiver": pending.receiver.name, "step": step,
                                            "org": organisation.name}
    return exc.message
