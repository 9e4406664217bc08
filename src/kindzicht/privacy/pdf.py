"""The inzage export on paper (PDF), rendered from the same dict as the JSON, so the two can
never say different things, on the same page as the family plan (``core.pdf.Document``, which
explains why fpdf2)."""

from __future__ import annotations

from typing import Any

from kindzicht.core.pdf import MUTED, Document, printable

DATES = {"on", "from", "to", "raised", "due", "decided", "handled", "expires", "joined",
         "left", "replaced", "birth_date", "death_date"}
NARROW = {"members", "scope", "status", "outcome", "kind"}
WIDE = {"text", "goals", "agreements", "reason", "answer", "note", "content", "reasons",
        "addresses", "factors", "what"}


def _widths(keys: list[str]) -> tuple[int, ...]:
    """Relative column widths: a date fits on one line, free text gets the room."""
    return tuple(22 if k in DATES else 20 if k in NARROW else 40 if k in WIDE else 28
                 for k in keys)


class InzagePdf(Document):
    audience = "persoonlijk en vertrouwelijk"
    table_size, table_line, table_padding = 8.5, 4.4, 1.2


def _d(iso: str) -> str:
    """2026-12-03 → 03-12-2026 (how a Dutch reader writes dates); other text unchanged."""
    if len(iso) == 10 and iso[4] == "-" and iso[7] == "-":
        return f"{iso[8:10]}-{iso[5:7]}-{iso[0:4]}"
    return iso


def inzage_pdf(data: dict[str, Any]) -> bytes:
    person, req = data["person"], data["request"]
    pdf = InzagePdf(f"Inzage {person['name']}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, printable(data["document"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.facts([
        ("Over", f"{person['name']}, geboren {_d(person['birth_date'])}"),
        ("Aangevraagd door", f"{req['requester']} ({req['requester_relation']})"),
        ("Verzoek ontvangen", _d(req["received_on"])),
        ("Gemaakt op", _d(data["made_on"])),
    ])
    pdf.ln(2)
    pdf.para("Dit overzicht bevat alles wat kindzicht over u heeft vastgelegd, per onderwerp. "
             "Waar '[achtergehouden]' staat, is iets weggelaten om een ander te beschermen; "
             "aan het eind staat wat en waarom.", color=MUTED)
    for sec in data["sections"]:
        pdf.heading(sec["title"])
        pdf.para(sec["intro"], size=9.5, color=MUTED)
        pdf.ln(1)
        if not sec["rows"]:
            pdf.para("Hierover is niets vastgelegd.")
            continue
        keys = [c["key"] for c in sec["columns"]]
        labels = [c["label"] for c in sec["columns"]]
        rows = [[_d(str(row.get(k, "") if row.get(k) is not None else "")) for k in keys]
                for row in sec["rows"]]
        pdf.grid(labels, rows, _widths(keys))
    pdf.heading("Wat is achtergehouden en waarom")
    if data["withheld"]:
        for w in data["withheld"]:
            pdf.para(f"• {w['what']}: {w['count']} keer.")
        pdf.ln(1)
        pdf.para("De wet laat dit toe om de rechten van anderen te beschermen (AVG artikel 15 "
                 "lid 4 en artikel 23): bijvoorbeeld iemand die zijn zorgen deelde, of "
                 "familieleden, die recht hebben op hun eigen privacy.", size=9.5, color=MUTED)
    else:
        pdf.para("Niets.")
    pdf.heading("Hoe lang uw gegevens worden bewaard")
    pdf.para("Daarna worden ze verwijderd. Een regio kan voor haar organisaties een kortere "
             "termijn hebben.", size=9.5, color=MUTED)
    pdf.ln(1)
    pdf.grid(["Soort gegeven", "Maanden", "Telt vanaf", "Grond"],
             [[r["kind"], str(r["months"]), r["from"], r["ground"]] for r in data["retention"]],
             (40, 14, 34, 46))
    pdf.heading("Uw rechten")
    pdf.para(data["rights"])
    return bytes(pdf.output())
