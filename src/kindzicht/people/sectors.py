"""Sector codes (product.md) with their Dutch labels, and the sector groups rules rely on."""

from django.utils.translation import gettext_lazy as _

SECTORS: dict[str, str] = {
    "youth_health": _("Jeugdgezondheidszorg (JGZ)"),
    "school": _("Onderwijs"),
    "childcare": _("Kinderopvang"),
    "gp": _("Huisarts"),
    "midwife": _("Verloskundige"),
    "maternity_care": _("Kraamzorg"),
    "hospital": _("Ziekenhuis"),
    "police": _("Politie"),
    "district_team": _("Wijkteam / CJG"),
    "social_work": _("Maatschappelijk werk"),
    "youth_care": _("Jeugdhulp"),
    "youth_mental_health": _("Jeugd-GGZ"),
    "adult_mental_health": _("GGZ volwassenen"),
    "addiction_care": _("Verslavingszorg"),
    "youth_protection": _("Gecertificeerde instelling (jeugdbescherming)"),
    "safe_at_home": _("Veilig Thuis"),
    "child_protection_board": _("Raad voor de Kinderbescherming"),
    "juvenile_court": _("Kinderrechter"),
    "debt_counselling": _("Schuldhulpverlening"),
    "housing": _("Woningcorporatie"),
    "attendance_officer": _("Leerplicht"),
    "probation": _("Reclassering"),
    "municipality": _("Gemeente"),
}
SECTOR_CHOICES = list(SECTORS.items())

#: Sectors whose involvement with a parent makes P1 apply (findings.md 2.1).
ADULT_SECTORS = frozenset(
    {"adult_mental_health", "addiction_care", "probation", "debt_counselling", "social_work"}
)
#: Sectors that register no signals by default (product.md 2.2).
NOT_AUTHORISED_TO_SIGNAL = frozenset({"municipality", "juvenile_court"})
