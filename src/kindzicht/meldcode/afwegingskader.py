"""Meldcode step 4: the afwegingskader's five questions and the outcome they lead to
(findings.md 2.3). The professional decides; this only shows where the answers point."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

QUESTIONS = {
    "q1": _("Is er een vermoeden van huiselijk geweld of kindermishandeling?"),
    "q2": _("Is er sprake van acute of structurele onveiligheid?"),
    "q3": _("Kan ik effectieve hulp bieden of organiseren?"),
    "q4": _("Aanvaarden de betrokkenen de hulp?"),
    "q5": _("Leidt de hulp binnen de gewenste termijn tot duurzame veiligheid?"),
}


def outcome(answers: dict[str, bool]) -> str:
    """no_concern | report | organise_help, from complete yes/no answers."""
    if not answers["q1"]:
        return "no_concern"
    if answers["q2"] or not answers["q3"] or not answers["q4"] or not answers["q5"]:
        return "report"
    return "organise_help"
