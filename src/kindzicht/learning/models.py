"""Calamities registered for learning (the replay and the inspectorate's reconstruction)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kindzicht.core.models import Dated


class Calamity(Dated):
    KINDS = {"death": _("overlijden"), "serious_abuse": _("ernstige mishandeling"),
             "sexual_abuse": _("seksueel misbruik"), "long_absence": _("langdurig uit beeld"),
             "other": _("anders")}
    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("kind"))
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organisatie"))
    kind = models.CharField(_("soort"), max_length=20, choices=list(KINDS.items()))
    text = models.TextField(_("beschrijving"), blank=True)

    class Meta:
        verbose_name = _("calamiteit")
        verbose_name_plural = _("calamiteiten")
