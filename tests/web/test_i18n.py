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


def kindzicht_models() -> list:
    from django.apps import apps

    return [m for m in apps.get_models() if m.__module__.startswith("kindzicht.")]


def declared_fields(model) -> list:
    """The fields a kindzicht model declares itself (not Django's user fields, which Django
    names and translates, nor the automatic primary key)."""
    from django.contrib.auth.models import AbstractUser

    django_own = ({f.name for f in AbstractUser._meta.get_fields()}
                  if issubclass(model, AbstractUser) else set())
    return [f for f in model._meta.local_fields + model._meta.local_many_to_many
            if not f.auto_created and f.name not in django_own]


def test_every_model_and_field_has_a_dutch_name_with_an_english_translation():
    """The admin shows models and fields by their verbose names: Django derives one from the
    English code name ("Audit entrys", "Valid from") unless it is given. Each is given, marked
    for translation (the source is Dutch), and the English catalogue has it."""
    from django.apps import apps
    from django.utils import translation
    from django.utils.functional import Promise

    entries = po_entries()
    problems = []
    with translation.override("nl"):
        for config in apps.get_app_configs():
            if config.name.startswith("kindzicht.") and not (
                    isinstance(config.verbose_name, Promise)
                    and entries.get(str(config.verbose_name))):
                problems.append(f"app {config.label}: {config.verbose_name}")
        for model in kindzicht_models():
            for what in ("verbose_name", "verbose_name_plural"):
                name = model._meta.original_attrs.get(what)
                if not (isinstance(name, Promise) and entries.get(str(name))):
                    problems.append(f"{model._meta.label} {what}: {name!r}")
            for f in declared_fields(model):
                if not (isinstance(f.verbose_name, Promise) and entries.get(str(f.verbose_name))):
                    problems.append(f"{model._meta.label}.{f.name}: {f.verbose_name!r}")
                # a help text is translated too — unless it lists codes, the same in both
                text = f.help_text
                if text and not (isinstance(text, Promise) and entries.get(str(text))) and not (
                        re.fullmatch(r"[a-z_]+( \| [a-z_]+)+", str(text))):
                    problems.append(f"{model._meta.label}.{f.name} help text: {text!r}")
                # and so are the choices the admin's filters and columns show
                for code, label in f.flatchoices:
                    if not (isinstance(label, Promise) and entries.get(str(label))):
                        problems.append(f"{model._meta.label}.{f.name} choice {code}: {label!r}")
    assert not problems, problems


@pytest.mark.django_db
def test_the_admin_index_names_every_model_in_the_chosen_language(client):
    """Dutch by default, English when chosen — never Django's guess from the class name
    ("Matchs", "Audit entrys")."""
    from auth_support import verified_login
    from django.contrib import admin
    from django.utils import translation
    from django.utils.html import escape
    from django.utils.text import camel_case_to_spaces, capfirst
    from factories import OrganisationFactory, ProfessionalFactory

    verified_login(client, ProfessionalFactory(
        organisation=OrganisationFactory(sector="municipality"), role="admin"))
    dutch = client.get(reverse("admin:index")).content.decode()
    client.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("admin:index")).content.decode()
    shown = [m for m in kindzicht_models() if m in admin.site._registry]
    assert len(shown) > 40
    for model in shown:
        plural = model._meta.verbose_name_plural
        with translation.override("nl"):
            nl = escape(capfirst(str(plural)))
        with translation.override("en"):
            en = escape(capfirst(str(plural)))
        assert f">{nl}<" in dutch and f">{en}<" in english, model
        assert nl != capfirst(camel_case_to_spaces(model.__name__) + "s"), model
    for nl, en in (("Signalen", "Signals"), ("Auditregels", "Audit entries"),
                   ("Personen", "Persons"), ("Gezinsplannen", "Family plans")):
        assert f">{nl}<" in dutch and f">{en}<" in english
    assert ">Matchs<" not in english and ">Audit entrys<" not in english
    # the third-party apps the admin shows (the lockout, the authenticator apps) too
    for nl, en in (("Inlogpogingen", "Login attempts"), ("Blokkadetellers", "Access attempts"),
                   ("Gekoppelde authenticator-apps", "Linked authenticator apps")):
        assert f">{nl}<" in dutch and f">{en}<" in english
    for guess in ("Axes", "Otp_Totp", "TOTP devices", "Access logs"):
        assert f">{guess}<" not in dutch
