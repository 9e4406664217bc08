"""Dutch labels (translatable) for codes the web pages show: family roles, roles, sectors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kindzicht.people import family
from kindzicht.people.models import Role
from kindzicht.people.sectors import SECTORS

FAMILY_ROLES = {
    family.PARENT: _("ouder"),
    family.GUARDIAN: _("voogd"),
    family.STEP_PARENT: _("stiefouder"),
    family.SIBLING: _("broer of zus"),
    family.HOUSEHOLD: _("huisgenoot"),
}
#: The order in which a family is listed: closest first.
FAMILY_ORDER = [family.PARENT, family.GUARDIAN, family.STEP_PARENT, family.SIBLING,
                family.HOUSEHOLD]

TASK_KINDS = {"reminder": _("herinnering"), "alert": _("signaal"), "task": _("taak")}


def role_label(code: str) -> str:
    return str(dict(Role.choices).get(code, code))


def sector_label(code: str) -> str:
    return str(SECTORS.get(code, code))


def mask_bsn(bsn: str | None) -> str:
    """Show only the last three digits: enough to tell two people apart on screen, not enough
    to copy a BSN from a shoulder-surfed screen or a screenshot."""
    if not bsn:
        return ""
    return "•" * (len(bsn) - 3) + bsn[-3:]


def factor_label(code: str) -> str:
    """A risk factor's Dutch name (translated), from the safety catalogue."""
    from django.utils.translation import gettext

    from kindzicht.safety.factors import LABELS_NL

    return gettext(LABELS_NL[code]) if code in LABELS_NL else code
