"""The inzage export (AVG art. 15): everything kindzicht holds about one person, in plain
Dutch, as a dict that is both the machine-readable JSON and the source of the PDF.

What is withheld, and why (docs/privacy.md has the full reasoning):

* **A shielded observer** (a signal registered on behalf of someone, ``Signal.observer``):
  never shown. AVG art. 15(4) — the right to a copy must not harm the rights of others — and
  art. 23(1)(i) with the Jeugdwet's protection of reporters: revealing who observed can put that
  professional or the child at risk. The organisation, the responsible professional and the
  contact (the coordinator of the signal) are shown instead.
* **The source of second-hand information** (a concern from a neighbour, a relative): withheld
  for the same reason; the fact that a concern was recorded, and its content, are shown.
* **Other persons' data**: relatives appear only as a relation (kind, name, period) — never
  their birth date, BSN, or anything recorded about them. Household members are counted, not
  named. Records about someone else (a sibling's concern) are not in the export at all.
* **Free text of other persons' records**: an event that names this person but belongs to a
  record about someone else is listed (date, what, which organisation) with its content marked
  as withheld, because names of others in free text cannot be parsed out reliably.
* **The access log** shows organisations and roles, not the names of the professionals:
  AVG art. 15 gives the dates and purposes of consultations, not in principle the identity of
  employees (CJEU 22 June 2023, C-579/21, *Pankki S*).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import connection

from kindzicht.core import clock
from kindzicht.core.actions import Actor, audit_read
from kindzicht.core.labels import ACTION_NL, EVENT_NL
from kindzicht.core.models import AuditEntry, DomainEvent, EventSubject
from kindzicht.people.models import (
    HouseholdMembership,
    Organisation,
    Person,
    Relation,
    Role,
)

from .models import InzageRequest, Rectification

WITHHELD = "[achtergehouden]"

RELATION_NL = {
    ("parent_of", "from"): "ouder van", ("parent_of", "to"): "kind van",
    ("guardian_of", "from"): "voogd van", ("guardian_of", "to"): "onder voogdij van",
    ("partner_of", "from"): "partner van", ("partner_of", "to"): "partner van",
}
ROLE_NL = dict(Role.choices)
WITH_WHOM_NL = {"colleague": "collega", "safe_at_home": "Veilig Thuis", "parents": "ouders",
                "child": "kind"}


def _d(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return clock.local_date(value).isoformat()
    return value.isoformat()


def _org_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    return dict(Organisation.objects.filter(pk__in=wanted).values_list("pk", "name"))


def section(key: str, title: str, intro: str, columns: list[tuple[str, str]],
            rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One part of the export: a heading a parent can read, a sentence saying what it is,
    the column labels (key → Dutch label) and the rows."""
    return {"key": key, "title": title, "intro": intro,
            "columns": [{"key": k, "label": label} for k, label in columns], "rows": rows}


def access_log_entries(person_id: int):
    """Read entries (``kind = read``) whose ``person_ids`` name the person."""
    qs = AuditEntry.objects.filter(kind="read")
    if connection.vendor == "postgresql":
        return qs.filter(person_ids__contains=[person_id])
    table = AuditEntry._meta.db_table
    return qs.extra(where=[f"EXISTS (SELECT 1 FROM json_each({table}.person_ids) "
                           "WHERE json_each.value = %s)"], params=[person_id])


def build_export(actor: Actor, request: InzageRequest) -> dict[str, Any]:
    """The export of ``request.person`` (audited as one read with the actor's purpose)."""
    from kindzicht.continuity.models import Decision, Involvement, Request
    from kindzicht.index.models import Signal
    from kindzicht.meldcode.models import Concern, Report
    from kindzicht.plans.models import FamilyPlan
    from kindzicht.rules.models import Task
    from kindzicht.safety.models import Assessment

    person = Person.objects.get(pk=request.person_id)
    pid = person.pk
    withheld: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []

    def withhold(rule: str, what: str, n: int = 1) -> None:
        for w in withheld:
            if w["rule"] == rule:
                w["count"] += n
                return
        withheld.append({"rule": rule, "what": what, "count": n})

    # -- identity and its corrections
    sections.append(section(
        "identity", "Wie u bent", "De gegevens waarmee kindzicht u kent.",
        [("given_name", "Voornaam"), ("family_name", "Achternaam"),
         ("birth_date", "Geboortedatum"), ("death_date", "Overlijdensdatum"),
         ("bsn", "BSN"), ("place", "Woonplaats")],
        [{"given_name": person.given_name, "family_name": person.family_name,
          "birth_date": _d(person.birth_date), "death_date": _d(person.death_date),
          "bsn": person.bsn or "", "place": person.place}]))
    sections.append(section(
        "rectifications", "Correcties van uw gegevens",
        "Verzoeken om uw gegevens te verbeteren, wat er is gedaan en waarom.",
        [("on", "Datum"), ("field", "Gegeven"), ("before", "Was"), ("after", "Wordt / gevraagd"),
         ("outcome", "Uitkomst"), ("reason", "Reden")],
        [{"on": _d(r.on), "field": r.get_field_display(), "before": r.before, "after": r.after,
          "outcome": r.get_outcome_display(), "reason": r.reason}
         for r in Rectification.objects.filter(person_id=pid).order_by("at", "id")]))

    # -- relations (the other person by name and kind only) and households
    rel_rows = []
    for r in Relation.objects.filter(person_id=pid).select_related("other"):
        rel_rows.append({"relation": RELATION_NL.get((r.kind, "from"), r.kind),
                         "name": r.other.name, "from": _d(r.valid_from), "to": _d(r.valid_to)})
    for r in Relation.objects.filter(other_id=pid).select_related("person"):
        rel_rows.append({"relation": RELATION_NL.get((r.kind, "to"), r.kind),
                         "name": r.person.name, "from": _d(r.valid_from), "to": _d(r.valid_to)})
    if rel_rows:
        withhold("others", "Gegevens van familieleden en huisgenoten (alleen de relatie staat "
                 "erin)", len(rel_rows))
    sections.append(section(
        "relations", "Uw familierelaties",
        "Met wie u volgens kindzicht een relatie heeft. Wat over deze personen zelf is "
        "vastgelegd, staat hier niet: dat zijn hun gegevens.",
        [("relation", "Relatie"), ("name", "Naam"), ("from", "Vanaf"), ("to", "Tot")],
        rel_rows))
    hh_rows = []
    for m in HouseholdMembership.objects.filter(person_id=pid).select_related("household"):
        others = HouseholdMembership.objects.filter(household_id=m.household_id).exclude(
            person_id=pid).count()
        addresses = "; ".join(
            f"{a.postcode} (gemeente {a.municipality_code}) {_d(a.valid_from)}–{_d(a.valid_to)}"
            for a in m.household.addresses.order_by("valid_from", "id"))
        hh_rows.append({"household": m.household.label or f"huishouden {m.household_id}",
                        "joined": _d(m.joined_on), "left": _d(m.left_on),
                        "addresses": addresses, "members": others})
    sections.append(section(
        "households", "Uw huishoudens",
        "De huishoudens waarvan u lid bent of was, met de adressen (postcode). Andere leden "
        "worden alleen geteld.",
        [("household", "Huishouden"), ("joined", "Lid vanaf"), ("left", "Lid tot"),
         ("addresses", "Adressen"), ("members", "Aantal andere leden")], hh_rows))

    # -- involvements
    invs = list(Involvement.objects.filter(person_id=pid).select_related("organisation")
                .order_by("at", "id"))
    sections.append(section(
        "involvements", "Organisaties die met u werken of werkten",
        "Welke organisatie betrokken is of was, met welke hulp, en hoe het werd afgesloten.",
        [("organisation", "Organisatie"), ("service", "Hulp"), ("from", "Vanaf"),
         ("to", "Tot"), ("end_reason", "Reden einde"), ("aftercare", "Nazorg")],
        [{"organisation": i.organisation.name, "service": i.service, "from": _d(i.on),
          "to": _d(i.ended_on), "end_reason": i.end_reason, "aftercare": i.aftercare}
         for i in invs]))

    # -- signals in the reference index (the shielded observer withheld)
    sig_rows = []
    for s in Signal.objects.filter(person_id=pid).select_related("organisation",
                                                                  "professional"):
        if s.observer:
            withhold("observer", "De naam van wie de zorg opmerkte, als het signaal namens "
                     "die persoon werd afgegeven (afgeschermde melder)")
        sig_rows.append({
            "organisation": s.organisation.name,
            "contact": " — ".join(p for p in (
                s.professional.get_full_name() if s.professional else "", s.contact) if p),
            "observer": WITHHELD if s.observer else "",
            "from": _d(s.on), "expires": _d(s.expires_on), "to": _d(s.ended_on),
            "end_reason": s.end_reason})
    sections.append(section(
        "signals", "Signalen in de verwijsindex",
        "Een signaal zegt alleen dat een organisatie zich zorgen maakt en met wie u contact "
        "kunt opnemen; de inhoud staat niet in de verwijsindex.",
        [("organisation", "Organisatie"), ("contact", "Contactpersoon"),
         ("observer", "Waargenomen door"), ("from", "Afgegeven"), ("expires", "Vervalt"),
         ("to", "Beëindigd"), ("end_reason", "Reden einde")], sig_rows))

    # -- concerns, Meldcode steps and reports (about this person as the child)
    concern_rows, step_rows = [], []
    for c in Concern.objects.filter(child_id=pid).select_related("organisation").order_by(
            "at", "id"):
        shield_source = c.kind in ("second_hand", "non_professional") and bool(c.source)
        if shield_source:
            withhold("source", "Wie een zorg doorgaf als dat niet de professional zelf was "
                     "(een buur, een familielid)")
        concern_rows.append({"on": _d(c.on), "organisation": c.organisation.name,
                             "kind": c.get_kind_display(),
                             "source": WITHHELD if shield_source else c.source,
                             "text": c.text, "outcome": c.get_outcome_display(),
                             "decided": _d(c.decided_on), "reason": c.decision_reason})
        for st in c.steps.order_by("at", "id"):
            step_rows.append({"on": _d(st.on), "organisation": c.organisation.name,
                              "step": st.get_step_display(),
                              "with_whom": WITH_WHOM_NL.get(st.with_whom, st.with_whom),
                              "note": st.note})
    sections.append(section(
        "concerns", "Zorgen die zijn vastgelegd",
        "Zorgen van professionals over (de veiligheid van) u als kind, en wat ermee gebeurde.",
        [("on", "Datum"), ("organisation", "Organisatie"), ("kind", "Soort"),
         ("source", "Bron"), ("text", "Omschrijving"), ("outcome", "Besluit"),
         ("decided", "Besloten op"), ("reason", "Toelichting")], concern_rows))
    sections.append(section(
        "meldcode_steps", "Stappen van de meldcode",
        "De stappen die een professional zette volgens de meldcode huiselijk geweld en "
        "kindermishandeling.",
        [("on", "Datum"), ("organisation", "Organisatie"), ("step", "Stap"),
         ("with_whom", "Met wie"), ("note", "Aantekening")], step_rows))
    sections.append(section(
        "reports", "Meldingen bij Veilig Thuis",
        "Meldingen over u bij Veilig Thuis en wat Veilig Thuis ermee deed.",
        [("on", "Datum"), ("reporter", "Gemeld door"), ("safe_at_home", "Veilig Thuis"),
         ("status", "Status"), ("handled", "Behandeld op"), ("decline", "Toelichting")],
        [{"on": _d(r.on), "reporter": r.reporter.name, "safe_at_home": r.safe_at_home.name,
          "status": r.get_status_display(), "handled": _d(r.handled_on),
          "decline": r.decline_text}
         for r in Report.objects.filter(child_id=pid).select_related(
             "reporter", "safe_at_home").order_by("at", "id")]))

    # -- assessments and factors
    as_rows = []
    for a in Assessment.objects.filter(child_id=pid).select_related("organisation").order_by(
            "at", "id"):
        factors = ", ".join(f"{f.code} ({f.owner.name})"
                            for f in a.factors.select_related("owner").order_by("code"))
        as_rows.append({"on": _d(a.on), "organisation": a.organisation.name,
                        "safety": a.get_safety_display(), "risk": a.get_risk_display(),
                        "factors": factors, "agreements": a.agreements})
    sections.append(section(
        "assessments", "Veiligheids- en risicotaxaties",
        "Hoe veilig het was en hoe groot het risico, volgens de organisatie die het "
        "beoordeelde, met de risicofactoren en wie eraan werkt.",
        [("on", "Datum"), ("organisation", "Organisatie"), ("safety", "Veiligheid"),
         ("risk", "Risico"), ("factors", "Risicofactoren (eigenaar)"),
         ("agreements", "Afspraken")], as_rows))

    # -- family plans (of the person, or of a household they belong to)
    hh_ids = list(HouseholdMembership.objects.filter(person_id=pid).values_list(
        "household_id", flat=True))
    plan_rows = []
    for p in FamilyPlan.objects.filter(child_id=pid).select_related("coordinator") | \
            FamilyPlan.objects.filter(household_id__in=hh_ids).select_related("coordinator"):
        goals = "; ".join(f"{g.text} ({g.owner.name}, {_d(g.due)}, {g.get_status_display()})"
                          for g in p.goals.select_related("owner").order_by("due", "id"))
        agreements = "; ".join(f"{a.text} — anders: {a.consequence}"
                               for a in p.parent_agreements.order_by("at", "id"))
        plan_rows.append({"on": _d(p.on), "coordinator": p.coordinator.name,
                          "scope": "gezin" if p.household_id else "kind",
                          "goals": goals, "agreements": "; ".join(
                              x for x in (p.agreements, agreements) if x),
                          "replaced": _d(p.replaced_on)})
    sections.append(section(
        "plans", "Gezinsplannen, doelen en afspraken",
        "Plannen voor u of uw gezin: de doelen, wie eraan werkt, en de afspraken.",
        [("on", "Gemaakt op"), ("coordinator", "Regie"), ("scope", "Voor"),
         ("goals", "Doelen (wie, wanneer, stand)"), ("agreements", "Afspraken"),
         ("replaced", "Vervangen op")], plan_rows))

    # -- requests and decisions
    sections.append(section(
        "requests", "Verzoeken aan de Raad of de rechter",
        "Verzoeken om onderzoek of een maatregel.",
        [("on", "Datum"), ("kind", "Verzoek"), ("requester", "Door"), ("reasons", "Redenen")],
        [{"on": _d(r.on), "kind": r.get_kind_display(), "requester": r.requester.name,
          "reasons": r.reasons}
         for r in Request.objects.filter(child_id=pid).select_related("requester").order_by(
             "at", "id")]))
    sections.append(section(
        "decisions", "Besluiten",
        "Besluiten van de Raad voor de Kinderbescherming of de rechter.",
        [("on", "Datum"), ("decision", "Besluit"), ("organisation", "Door"),
         ("reasons", "Redenen")],
        [{"on": _d(d.on), "decision": d.get_decision_display(),
          "organisation": d.organisation.name, "reasons": d.reasons}
         for d in Decision.objects.filter(child_id=pid).select_related(
             "organisation").order_by("at", "id")]))

    # -- safety responsibility, handovers, parents' cooperation, shares, life events
    from kindzicht.continuity.models import Handover, ResponsibilityPeriod
    from kindzicht.plans.models import Cooperation, Share
    from kindzicht.safety.models import LifeEvent

    sections.append(section(
        "responsibility", "Wie de veiligheidsregie had",
        "Welke organisatie verantwoordelijk was voor uw veiligheid als kind, en wanneer.",
        [("from", "Vanaf"), ("to", "Tot"), ("organisation", "Organisatie"),
         ("basis", "Kader")],
        [{"from": _d(r.on), "to": _d(r.ended_on),
          "organisation": r.organisation.name if r.organisation else "niemand (een gat)",
          "basis": r.get_basis_display()}
         for r in ResponsibilityPeriod.objects.filter(child_id=pid).select_related(
             "organisation").order_by("at", "id")]))
    sections.append(section(
        "handovers", "Overdrachten tussen organisaties",
        "Wanneer de zorg voor u van de ene organisatie naar de andere ging.",
        [("on", "Aangeboden"), ("sender", "Van"), ("receiver", "Naar"), ("status", "Stand"),
         ("note", "Toelichting")],
        [{"on": _d(h.on), "sender": h.sender.name, "receiver": h.receiver.name,
          "status": h.get_status_display(), "note": "; ".join(x for x in (h.note, h.reason)
                                                              if x)}
         for h in Handover.objects.filter(child_id=pid).select_related(
             "sender", "receiver").order_by("at", "id")]))
    sections.append(section(
        "cooperation", "Afspraken met en hulp aan uw ouders",
        "Wanneer aangeboden hulp werd geweigerd of uitgesteld, of een afspraak werd gemist.",
        [("on", "Datum"), ("organisation", "Organisatie"), ("kind", "Wat"),
         ("help", "Hulp")],
        [{"on": _d(c.on), "organisation": c.organisation.name, "kind": c.get_kind_display(),
          "help": c.help}
         for c in Cooperation.objects.filter(child_id=pid).select_related(
             "organisation").order_by("at", "id")]))
    sections.append(section(
        "shares", "Met wie informatie over u is gedeeld",
        "De ontvangers van uw gegevens (AVG artikel 15 lid 1 onder c): wie deelde wat met wie, "
        "en op welke grond.",
        [("on", "Datum"), ("from", "Door"), ("to", "Aan"), ("text", "Onderwerp"),
         ("basis", "Grond")],
        [{"on": _d(x.on), "from": x.from_organisation.name, "to": x.to_organisation.name,
          "text": x.topic, "basis": x.get_basis_display()}
         for x in Share.objects.filter(person_id=pid).select_related(
             "from_organisation", "to_organisation").order_by("at", "id")]))
    sections.append(section(
        "life_events", "Gebeurtenissen in uw leven of gezin",
        "Veranderingen die een organisatie vastlegde omdat ze de veiligheid kunnen raken.",
        [("on", "Datum"), ("kind", "Gebeurtenis"), ("organisation", "Vastgelegd door")],
        [{"on": _d(e.on), "kind": e.kind.replace("_", " "),
          "organisation": e.organisation.name if e.organisation else ""}
         for e in LifeEvent.objects.filter(person_id=pid).select_related(
             "organisation").order_by("at", "id")]))

    # -- tasks about the person
    tasks = list(Task.objects.filter(child_id=pid).order_by("raised_on", "id"))
    orgs = _org_names(t.organisation_id for t in tasks)
    sections.append(section(
        "tasks", "Taken en signaleringen over u",
        "Wat kindzicht een organisatie liet doen of liet weten, en hun antwoord.",
        [("raised", "Datum"), ("organisation", "Voor"), ("kind", "Soort"), ("text", "Wat"),
         ("due", "Uiterlijk"), ("status", "Stand"), ("answer", "Antwoord")],
        [{"raised": _d(t.raised_on), "organisation": orgs.get(t.organisation_id,
                                                              t.municipality_code),
          "kind": t.get_kind_display(), "text": t.text, "due": _d(t.due_on),
          "status": t.get_status_display(), "answer": t.answer} for t in tasks]))

    # -- the events naming the person (content of other persons' records withheld)
    event_ids = EventSubject.objects.filter(person_id=pid).values_list("event_id", flat=True)
    events = list(DomainEvent.objects.filter(pk__in=event_ids).order_by("occurred_at", "id"))
    others = _others_records(events, pid)
    orgs = _org_names(e.organisation_id for e in events)
    ev_rows = []
    for e in events:
        foreign = (e.object_type, e.object_id) in others
        if foreign:
            withhold("foreign_record", "De inhoud van vastleggingen over iemand anders waarin "
                     "u wordt genoemd (vrije tekst kan namen van anderen bevatten)")
        ev_rows.append({"on": _d(e.occurred_on), "what": EVENT_NL.get(
            e.type, e.type.replace("_", " ")), "organisation": orgs.get(e.organisation_id, ""),
            "content": WITHHELD if foreign else ""})
    sections.append(section(
        "events", "Alles wat over u is vastgelegd, in volgorde",
        "Elke handeling in kindzicht die u noemt. Gaat het om het dossier van iemand anders, "
        "dan staat alleen dat u werd genoemd, niet de inhoud.",
        [("on", "Datum"), ("what", "Wat"), ("organisation", "Door"), ("content", "Inhoud")],
        ev_rows))

    # -- the access log (NEN 7513)
    log = list(access_log_entries(pid).order_by("recorded_at", "id").values(
        "recorded_at", "domain_at", "organisation_id", "role", "action", "purpose"))
    orgs = _org_names(x["organisation_id"] for x in log)
    sections.append(section(
        "access_log", "Wie uw gegevens heeft ingezien",
        "Elke keer dat iemand uw gegevens bekeek: wanneer, welke organisatie, in welke rol "
        "en waarvoor. Namen van medewerkers staan hier niet in.",
        [("on", "Datum"), ("organisation", "Organisatie"), ("role", "Rol"),
         ("what", "Wat werd bekeken"), ("purpose", "Doel")],
        [{"on": _d(x["domain_at"] or x["recorded_at"]),
          "organisation": orgs.get(x["organisation_id"], "kindzicht (systeem)"),
          "role": str(ROLE_NL.get(x["role"], x["role"])),
          "what": ACTION_NL.get(x["action"], x["action"].replace("_", " ")),
          "purpose": x["purpose"]} for x in log]))

    audit_read(actor, "inzage_export", person_ids=[pid], obj=request)
    return {
        "document": "Inzage in uw gegevens (AVG artikel 15)",
        "made_on": clock.today().isoformat(),
        "request": {"id": request.pk, "requester": request.requester_name,
                    "requester_relation": request.get_requester_relation_display(),
                    "received_on": _d(request.received_on), "due_on": _d(request.due_on)},
        "person": {"id": pid, "name": person.name, "birth_date": _d(person.birth_date)},
        "sections": sections,
        "withheld": withheld,
        "retention": _retention_rows(),
        "rights": RIGHTS_TEXT,
    }


RIGHTS_TEXT = (
    "Klopt iets niet? U mag vragen het te verbeteren (AVG artikel 16). Vindt u dat iets niet "
    "bewaard mag worden, dan mag u vragen het te wissen of het gebruik te beperken (artikel 17 "
    "en 18). Sommige gegevens zijn achtergehouden om anderen te beschermen (artikel 15 lid 4 en "
    "artikel 23): welke soort gegevens en waarom staat hierboven. Bent u het niet eens met hoe "
    "uw verzoek is behandeld, dan kunt u een klacht indienen bij de Autoriteit "
    "Persoonsgegevens."
)


def _retention_rows() -> list[dict[str, Any]]:
    """How long each kind is kept (AVG art. 15(1)(d)), as the policy stands today — in Dutch,
    like the rest of the export, whatever language the FG's screens are in."""
    from django.utils import translation

    from .retention import KINDS, months_for

    rows = []
    with translation.override("nl"):
        for kind in KINDS:
            rows.append({"kind": str(kind.label), "months": months_for(kind)[0],
                         "from": str(kind.starts), "ground": str(kind.source)})
    return rows


def _others_records(events: list[DomainEvent], pid: int) -> set[tuple[str, int]]:
    """The (object_type, object_id) of events whose object is a record about another person:
    a record with a person or child field that is not ``pid``."""
    from django.apps import apps

    out: set[tuple[str, int]] = set()
    by_type: dict[str, set[int]] = {}
    for e in events:
        if e.object_type and e.object_id is not None:
            by_type.setdefault(e.object_type, set()).add(e.object_id)
    for label, ids in by_type.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        field = next((f for f in ("child", "person") if any(
            x.name == f for x in model._meta.concrete_fields)), None)
        if field is None or model._meta.label == "people.Person":
            continue
        for pk, owner in model.objects.filter(pk__in=ids).values_list("pk", f"{field}_id"):
            if owner is not None and owner != pid:
                out.add((label, pk))
    return out
