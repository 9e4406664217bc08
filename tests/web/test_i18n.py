"""Dutch is the source language; English comes from the committed, compiled catalogue."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse

from kindzicht.safety.factors import LABELS_NL
from kindzicht.web.domain_labels import DOMAIN_LABELS

LOCALE = Path(__file__).resolve().parents[2] / "src" / "kindzicht" / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"


def po_entries() -> dict[str, str]:
    """msgid -> msgstr of the singular entries of the English .po file."""
    text = PO.read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n"):
        if "msgid_plural" in block or block.lstrip().startswith("#~"):
            continue
        m = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block, re.M)
        if m:
            def join(s):
                return "".join(re.findall(r'"(.*)"', s)).replace('\\"', '"').replace("\\n", "\n")
            entries[join(m.group(1))] = join(m.group(2))
    entries.pop("", None)
    return entries


def test_every_entry_is_translated_and_compiled():
    entries = po_entries()
    assert len(entries) > 300
    untranslated = [k for k, v in entries.items() if not v]
    assert not untranslated, untranslated[:10]
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [k for k, v in entries.items() if compiled.gettext(k) != v]
    assert not stale, f"django.mo is older than django.po; run compilemessages: {stale[:5]}"


def test_risk_factor_labels_are_marked_for_translation():
    assert sorted(DOMAIN_LABELS) == sorted(LABELS_NL.values())
    entries = po_entries()
    assert all(entries.get(label) for label in LABELS_NL.values())


@pytest.mark.django_db
def test_person_page_in_english(web, pro, family):
    from .conftest import involve

    involve(pro, family.child)
    web.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    html = web.get(reverse("web:person", kwargs={"pk": family.child.pk})).content.decode()
    for english in ("Personal details", "Family on", "step-parent", "sibling", "Address history",
                    "Involved organisations"):
        assert english in html
    for dutch in ("Persoonsgegevens", "stiefouder", "Adresgeschiedenis"):
        assert dutch not in html
