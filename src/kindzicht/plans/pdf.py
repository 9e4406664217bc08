"""The family plan on paper (PDF), in Dutch, for the conversation with the parents: who is
involved, the goals with their owner, date and status, the agreements with the parents and what
happens if they are not kept, the evaluation moments, and room to sign. The page itself, and
why fpdf2, is ``core.pdf.Document``.
"""

from __future__ import annotations

from datetime import date

from fpdf.enums import XPos, YPos

from kindzicht.core import clock
from kindzicht.core.pdf import GREEN, MUTED, Document, printable

from .selectors import PlanView

STATUS_NL = {"open": "open", "met": "behaald", "missed": "niet behaald",
             "postponed": "uitgesteld"}


def _d(day: date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else "—"


class PlanPdf(Document):
    audience = "vertrouwelijk: alleen voor het gezin en de betrokken professionals"


def plan_pdf(view: PlanView) -> bytes:
    """The plan as a PDF document (bytes)."""
    plan = view.plan
    names = ", ".join(f"{c.name} ({_d(c.birth_date)})" for c in view.children) or "—"
    pdf = PlanPdf(f"Gezinsplan {', '.join(c.given_name or c.name for c in view.children)}")
    pdf.add_page()

    pdf.set_font("Helvetica", "B", 20)
    pdf.set_text_color(*GREEN)
    pdf.cell(0, 10, "Gezinsplan", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.para("1 gezin, 1 plan, 1 regisseur — afspraken met een tijdpad, zodat iedereen weet "
             "wie wat doet en wanneer.", size=10, color=MUTED)
    pdf.ln(2)
    regisseur = plan.regisseur.get_full_name() if plan.regisseur else "—"
    contact = " · ".join(x for x in (plan.coordinator.phone, plan.coordinator.email) if x)
    pdf.facts([
        ("Voor", names if plan.child_id else f"het huishouden: {names}"),
        ("Regisseur", f"{regisseur}, {plan.coordinator.name}"),
        ("Contact", contact or "via de regisseur"),
        ("Plan gemaakt op", _d(plan.on)),
        ("Afgedrukt op", _d(clock.today())),
    ])

    pdf.heading("Doelen")
    if view.goals:
        pdf.grid(["Wat willen we bereiken?", "Wie zorgt ervoor?", "Uiterlijk", "Stand"],
                 [[g.text, g.owner.name, _d(g.due) + (
                     f"\n(eerst {_d(g.original_due)})" if g.original_due and
                     g.original_due != g.due else ""), STATUS_NL.get(g.status, g.status)]
                  for g in view.goals], widths=(78, 44, 26, 26))
    else:
        pdf.para("Er zijn nog geen doelen.", style="I", color=MUTED)

    pdf.heading("Afspraken met de ouders")
    if view.agreements:
        pdf.grid(["Afspraak", "Wat gebeurt er als de afspraak niet wordt nagekomen?"],
                 [[a.text, a.consequence] for a in view.agreements], widths=(87, 87))
    else:
        pdf.para("Er zijn geen afspraken vastgelegd.", style="I", color=MUTED)
    if plan.agreements:
        pdf.ln(1)
        pdf.para(plan.agreements)

    pdf.heading("Evaluatiemomenten")
    if view.evaluations:
        for ev in view.evaluations:
            line = f"•  {_d(ev.due)}"
            if ev.held_on:
                line += f" — gehouden op {_d(ev.held_on)}: {ev.note}"
            pdf.para(line)
    else:
        pdf.para("Er is nog geen evaluatiemoment gepland.", style="I", color=MUTED)

    pdf.heading("Als een doel niet lukt")
    pdf.para("Wordt een doel niet op tijd gehaald, dan besluit de regisseur binnen twee weken "
             "wat er gebeurt: een nieuw doel of een nieuwe datum, meer of andere hulp, of — als "
             "de veiligheid van de kinderen dat vraagt — een melding bij Veilig Thuis of een "
             "verzoek aan de Raad voor de Kinderbescherming. Dat bespreken we met u.")

    pdf.heading("Besproken en afgesproken")
    pdf.ln(2)
    y = pdf.get_y()
    half = (pdf.w - pdf.l_margin - pdf.r_margin - 8) / 2
    for i, who in enumerate(("Ouder(s)", f"Regisseur ({plan.coordinator.name})")):
        x = pdf.l_margin + i * (half + 8)
        pdf.set_xy(x, y)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(half, 6, printable(who))
        pdf.set_draw_color(120, 120, 120)
        pdf.rect(x, y + 7, half, 22)
        pdf.set_xy(x, y + 31)
        pdf.set_font("Helvetica", "", 9)
        pdf.set_text_color(*MUTED)
        pdf.cell(half, 5, "Naam, datum en handtekening")
        pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())
