"""The standard risk factor codes per domain (findings.md), and the specialist sector a
factor needs (K5). A region may add its own codes (``RegionalFactor``)."""

from __future__ import annotations

DOMAINS = ("child", "parent", "family", "context")

FACTORS: dict[str, tuple[str, str | None]] = {
    # child
    "development_delay": ("child", None),
    "behaviour_problems": ("child", None),
    "sexually_harmful_behaviour": ("child", None),
    "school_absence": ("child", "attendance_officer"),
    "unexplained_injury": ("child", None),
    "disability": ("child", None),
    "prematurity": ("child", None),
    # parent
    "parent_mental_health": ("parent", "adult_mental_health"),
    "parent_addiction": ("parent", "addiction_care"),
    "parent_intellectual_disability": ("parent", None),
    "parent_criminal_record": ("parent", None),
    "parent_sexual_offence": ("parent", "probation"),
    "parent_abused_as_child": ("parent", None),
    "parent_rejects_help": ("parent", None),
    # family
    "domestic_violence": ("family", "safe_at_home"),
    "new_partner": ("family", None),
    "overburdened_parent": ("family", None),
    "sibling_removed": ("family", None),
    "conflict_separation": ("family", None),
    "social_isolation": ("family", None),
    # socio-economic / cultural context
    "debts": ("context", "debt_counselling"),
    "housing_instability": ("context", "housing"),
    "unemployment": ("context", None),
    "migration_stress": ("context", None),
    "frequent_moves": ("context", None),
}

LABELS_NL = {
    "development_delay": "ontwikkelingsachterstand",
    "behaviour_problems": "gedragsproblemen",
    "sexually_harmful_behaviour": "seksueel grensoverschrijdend gedrag",
    "school_absence": "schoolverzuim",
    "unexplained_injury": "onverklaard letsel",
    "disability": "beperking",
    "prematurity": "vroeggeboorte",
    "parent_mental_health": "psychische problemen ouder",
    "parent_addiction": "verslaving ouder",
    "parent_intellectual_disability": "licht verstandelijke beperking ouder",
    "parent_criminal_record": "justitieel verleden ouder",
    "parent_sexual_offence": "zedendelict ouder",
    "parent_abused_as_child": "ouder zelf mishandeld als kind",
    "parent_rejects_help": "ouder wijst hulp af",
    "domestic_violence": "huiselijk geweld",
    "new_partner": "nieuwe partner",
    "overburdened_parent": "overbelaste ouder",
    "sibling_removed": "broer of zus uit huis geplaatst",
    "conflict_separation": "vechtscheiding",
    "social_isolation": "sociaal isolement",
    "debts": "schulden",
    "housing_instability": "woonproblemen",
    "unemployment": "werkloosheid",
    "migration_stress": "migratiestress",
    "frequent_moves": "vaak verhuisd",
}


def domain_of(code: str) -> str | None:
    entry = FACTORS.get(code)
    return entry[0] if entry else None


def specialist_sector(code: str) -> str | None:
    entry = FACTORS.get(code)
    if entry is None:  # a region's own code (RegionalFactor) may need a specialist sector too
        from .models import RegionalFactor

        return RegionalFactor.objects.filter(code=code).exclude(specialist_sector="") \
            .values_list("specialist_sector", flat=True).first()
    return entry[1]
