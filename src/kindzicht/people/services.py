"""Writes about organisations, professionals, persons, relations and households.

Each function is one action: it validates, writes, records its domain event and audit entry in
one transaction, and refuses bad input with a specific error before anything is written.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kindzicht.core import clock
from kindzicht.core.actions import Actor, record
from kindzicht.core.errors import Refused, ValidationError

from .bsn import is_valid_bsn, normalise_bsn
from .models import (
    Household,
    HouseholdAddress,
    HouseholdMembership,
    Organisation,
    Person,
    Professional,
    Relation,
    RelationKind,
)
from .sectors import SECTORS

ADULT_AGE = 18


def age_on(person: Person, day: date) -> int:
    b = person.birth_date
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def is_child(person: Person, day: date | None = None) -> bool:
    return age_on(person, day or clock.today()) < ADULT_AGE


def _check_municipality_code(code: str, field: str = "municipality_code") -> str:
    code = (code or "").strip()
    if not (len(code) == 4 and code.isdigit()):
        raise ValidationError(_("Een gemeentecode bestaat uit vier cijfers (de CBS-code), "
                                "niet '%(code)s'.") % {"code": code}, field=field)
    return code


def _check_postcode(postcode: str) -> str:
    pc = (postcode or "").replace(" ", "").upper()
    if not (len(pc) == 6 and pc[:4].isdigit() and pc[0] != "0" and pc[4:].isalpha()):
        raise ValidationError(_("Een postcode ziet eruit als 1234AB, niet '%(postcode)s'.")
                              % {"postcode": postcode}, field="postcode")
    return pc


def organisation_create(actor: Actor, *, name: str, sector: str, municipality_code: str = "",
                        email: str = "", phone: str = "", address: str = "") -> Organisation:
    if sector not in SECTORS:
        raise ValidationError(_("Onbekende sector '%(sector)s'; kies uit: %(choices)s.")
                              % {"sector": sector, "choices": ", ".join(SECTORS)},
                              field="sector")
    if not name.strip():
        raise ValidationError(_("Een organisatie heeft een naam nodig."), field="name")
    if municipality_code:
        _check_municipality_code(municipality_code)
    with transaction.atomic():
        org = Organisation.objects.create(name=name.strip(), sector=sector,
                                          municipality_code=municipality_code, email=email,
                                          phone=phone, address=address)
        record(actor, "organisation_created", obj=org, payload={"sector": sector})
    return org


def professional_create(actor: Actor, *, organisation: Organisation | None, username: str,
                        role: str, first_name: str = "", last_name: str = "", email: str = "",
                        phone: str = "", function: str = "",
                        password: str | None = None) -> Professional:
    from .models import Role

    if role not in Role.values:
        raise ValidationError(_("Onbekende rol '%(role)s'; kies uit: %(choices)s.")
                              % {"role": role, "choices": ", ".join(Role.values)}, field="role")
    with transaction.atomic():
        if Professional.objects.filter(username=username).exists():
            raise ValidationError(_("De gebruikersnaam '%(username)s' is al in gebruik.")
                                  % {"username": username}, field="username")
        pro = Professional(organisation=organisation, username=username, role=role,
                           first_name=first_name, last_name=last_name, email=email, phone=phone,
                           function=function,
                           is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
        if password:
            pro.set_password(password)
        else:
            pro.set_unusable_password()
        pro.save()
        record(actor, "professional_created", obj=pro, payload={"role": role})
    return pro


def person_create(actor: Actor, *, birth_date: date, given_name: str = "", family_name: str = "",
                  bsn: str | None = None, place: str = "") -> Person:
    """Register a person. A BSN, when given, must pass the 11-proef and be unique."""
    if bsn:
        bsn = normalise_bsn(bsn)
        if not is_valid_bsn(bsn):
            raise ValidationError(_("Dit BSN is niet geldig (het voldoet niet aan de "
                                    "elfproef)."), field="bsn")
    if birth_date > clock.today():
        raise ValidationError(_("De geboortedatum ligt in de toekomst."), field="birth_date")
    if birth_date < date(1900, 1, 1):
        raise ValidationError(_("De geboortedatum ligt vóór 1900."), field="birth_date")
    for field, value in (("given_name", given_name), ("family_name", family_name)):
        if len(value) > 120 or any(ord(c) < 32 for c in value):
            raise ValidationError(_("Een naam is ten hoogste 120 leesbare tekens lang."),
                                  field=field)
    try:
        with transaction.atomic():
            person = Person.objects.create(bsn=bsn or None, given_name=given_name.strip(),
                                           family_name=family_name.strip(),
                                           birth_date=birth_date, place=place)
            record(actor, "person_created", subjects=[person.pk], obj=person)
    except IntegrityError as exc:
        raise ValidationError(_("Er is al een persoon met dit BSN vastgelegd."),
                              field="bsn") from exc
    return person


def relation_add(actor: Actor, *, person: Person, kind: str, other: Person,
                 valid_from: date | None = None, valid_to: date | None = None) -> Relation:
    if kind not in RelationKind.values:
        raise ValidationError(_("Onbekende relatie '%(kind)s'; kies uit: %(choices)s.")
                              % {"kind": kind, "choices": ", ".join(RelationKind.values)},
                              field="kind")
    if person.pk == other.pk:
        raise ValidationError(_("Een persoon kan geen relatie met zichzelf hebben."),
                              field="other")
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError(_("De relatie eindigt voordat ze begint."), field="valid_to")
    if kind in (RelationKind.PARENT_OF, RelationKind.GUARDIAN_OF) and (
            other.birth_date <= person.birth_date):
        raise ValidationError(_("Een ouder of voogd moet ouder zijn dan het kind."),
                              field="person")
    with transaction.atomic():
        rel = Relation.objects.create(person=person, kind=kind, other=other,
                                      valid_from=valid_from, valid_to=valid_to)
        record(actor, "relation_added", subjects=[person.pk, other.pk], obj=rel,
               payload={"kind": kind})
        if kind == RelationKind.PARENT_OF and 0 <= (clock.today() - other.birth_date).days <= 28:
            # a child born in the last four weeks: a birth in the family (asks for
            # re-assessment of its siblings at open risk, rule R1); once per day and child
            _derive_life_event(actor, person=other, kind="birth")
        _family_changed(actor, [person.pk, other.pk])
    return rel


def relation_end(actor: Actor, *, relation: Relation, on: date) -> Relation:
    if relation.valid_from and on < relation.valid_from:
        raise ValidationError(_("De relatie eindigt voordat ze begint."), field="valid_to")
    with transaction.atomic():
        relation.valid_to = on
        relation.save(update_fields=["valid_to"])
        record(actor, "relation_ended", subjects=[relation.person_id, relation.other_id],
               obj=relation)
        _family_changed(actor, [relation.person_id, relation.other_id])
    return relation


def household_create(actor: Actor, *, members: list[Person], municipality_code: str,
                     postcode: str, label: str = "", since: date | None = None) -> Household:
    code = _check_municipality_code(municipality_code)
    pc = _check_postcode(postcode)
    with transaction.atomic():
        hh = Household.objects.create(label=label)
        HouseholdAddress.objects.create(household=hh, municipality_code=code, postcode=pc,
                                        valid_from=since)
        HouseholdMembership.objects.bulk_create(
            [HouseholdMembership(household=hh, person=m, joined_on=since) for m in members])
        record(actor, "household_created", subjects=[m.pk for m in members], obj=hh,
               payload={"municipality_code": code})
    return hh


def _current_membership(household: Household, person: Person) -> HouseholdMembership | None:
    return HouseholdMembership.objects.filter(household=household, person=person,
                                              left_on__isnull=True).first()


def _has_children(household: Household, day: date, excluding: int) -> bool:
    from datetime import timedelta

    cutoff = day.replace(year=day.year - ADULT_AGE) + timedelta(days=0)
    return HouseholdMembership.objects.filter(
        household=household, left_on__isnull=True, person__birth_date__gt=cutoff
    ).exclude(person_id=excluding).exists()


def household_join(actor: Actor, *, household: Household, person: Person) -> HouseholdMembership:
    """A person joins a household. An adult joining a household with children is a new
    partner (a life event that asks for re-assessment, findings.md R1)."""
    today = clock.today()
    if person.birth_date > today:
        raise ValidationError(_("Deze persoon is op deze datum nog niet geboren."),
                              field="person")
    if _current_membership(household, person):
        raise Refused(_("Deze persoon woont al in dit huishouden."), field="person")
    with transaction.atomic():
        m = HouseholdMembership.objects.create(household=household, person=person,
                                               joined_on=today)
        event = record(actor, "household_joined", subjects=[person.pk], obj=m,
                       payload={"household": household.pk})
        if not is_child(person, today) and _has_children(household, today, person.pk):
            _derive_life_event(actor, person=person, kind="new_partner")
        _family_changed(actor, [person.pk], household=household, event=event)
    return m


def household_leave(actor: Actor, *, household: Household, person: Person) -> HouseholdMembership:
    today = clock.today()
    m = _current_membership(household, person)
    if m is None:
        raise Refused(_("Deze persoon woont niet in dit huishouden."), field="person")
    if m.joined_on and today < m.joined_on:
        raise ValidationError(_("Een lidmaatschap kan niet eindigen voordat het begint."),
                              field="left_on")
    with transaction.atomic():
        m.left_on = today
        m.save(update_fields=["left_on"])
        event = record(actor, "household_left", subjects=[person.pk], obj=m,
                       payload={"household": household.pk})
        if not is_child(person, today) and _has_children(household, today, person.pk):
            _derive_life_event(actor, person=person, kind="partner_left")
        _family_changed(actor, [person.pk], household=household, event=event)
    return m


def household_move(actor: Actor, *, household: Household, municipality_code: str,
                   postcode: str) -> HouseholdAddress:
    """The household moves: a life event (``moved``); a new municipality also changes which
    municipality oversees the case — nothing of the history is lost."""
    code = _check_municipality_code(municipality_code)
    pc = _check_postcode(postcode)
    today = clock.today()
    with transaction.atomic():
        current = household.addresses.filter(valid_to__isnull=True).order_by("-id").first()
        if current:
            current.valid_to = today
            current.save(update_fields=["valid_to"])
        addr = HouseholdAddress.objects.create(household=household, municipality_code=code,
                                               postcode=pc, valid_from=today)
        members = list(household.memberships.filter(left_on__isnull=True)
                       .values_list("person_id", flat=True))
        record(actor, "household_moved", subjects=members, obj=addr,
               payload={"household": household.pk, "municipality_code": code,
                        "from_municipality": current.municipality_code if current else None})
        _derive_life_event(actor, household=household, kind="moved")
        from kindzicht.index.moves import signals_follow_move

        signals_follow_move(actor, address=addr)  # the new municipality hears who is involved
    return addr


def person_record_death(actor: Actor, *, person: Person, on: date) -> Person:
    """Record a death; it ends the person's signals in the index."""
    if on > clock.today():
        raise ValidationError(_("De datum van overlijden ligt in de toekomst."), field="on")
    if on < person.birth_date:
        raise ValidationError(_("De datum van overlijden ligt vóór de geboortedatum."),
                              field="on")
    if person.death_date:
        raise Refused(_("Het overlijden van deze persoon is al vastgelegd."), field="person")
    from kindzicht.access.reach import require_reach

    require_reach(actor, person.pk)
    with transaction.atomic():
        person.death_date = on
        person.save(update_fields=["death_date"])
        record(actor, "person_died", subjects=[person.pk], obj=person)
        from kindzicht.index.services import signals_end_for_person

        signals_end_for_person(actor, person=person, reason="death")
    return person


def _derive_life_event(actor: Actor, **kwargs) -> None:
    from kindzicht.safety.services import life_event_record

    life_event_record(actor, derived=True, **kwargs)


def _family_changed(actor: Actor, person_ids: list[int], household: Household | None = None,
                    event=None) -> None:
    """Family membership changed: open risk and matches are re-evaluated for the children
    concerned (a partner who joins brings their signals; one who leaves takes them away)."""
    from kindzicht.continuity.risk import family_changed

    family_changed(actor, person_ids=person_ids, household=household)
