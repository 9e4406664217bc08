"""Calamities registered for learning (the replay and the inspectorate's reconstruction)."""

from __future__ import annotations

from django.db import models

from kindzicht.core.models import Dated


class Calamity(Dated):
    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    kind = models.CharField(max_length=20, choices=[(k, k) for k in (
        "death", "serious_abuse", "sexual_abuse", "long_absence", "other")])
    text = models.TextField(blank=True)
