"""The family plan on paper (PDF), in Dutch, for the conversation with the parents: who is
involved, the goals with their owner, date and status, the agreements with the parents and what
happens if they are not kept, the evaluation moments, and room to sign.

Why fpdf2 and not WeasyPrint (architecture.md's choice for reports from HTML): WeasyPrint needs
the Pango and HarfBuzz system libraries, which a fresh machine with only Python and pip lacks,
so installing kindzicht would no longer be one ``pip install``. fpdf2 is pure Python (its own
dependencies, Pillow and fontTools, ship wheels), draws the page itself and needs no browser or
system library. It uses the PDF core font Helvetica in the Windows-1252 encoding, which holds
every Dutch letter (ë, é, ï, ü …), curly quotes and dashes; anything outside it is replaced
rather than dropped silently (``_text``).
"""

from __future__ import annotations

import unicodedata
from datetime import date

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from kindzicht.core import clock

from .selectors import PlanView

#: kindzicht's lint green (the web UI's --lint), and a soft fill for table heads.
GREEN = (21, 66, 115)
SOFT = (230, 238, 246)
MUTED = (90, 90, 90)
STATUS_NL = {"open": "open", "met": "behaald", "missed": "niet behaald",
             "postponed": "uitgesteld"}


def _text(value: object) -> str:
    """Text the core font can print: Windows-1252, with look-alikes for what it lacks."""
    s = str(value or "")
    s = s.replace("\u2011", "-").replace("\u00a0", " ").replace("\u2192", "->")
    out = []
    for ch in s:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(plain or "?")
    return "".join(out)


def _d(day: date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else "—"


class PlanPdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.core_fonts_encoding = "windows-1252"
        self.doc_title = title
        self.set_title(_text(title))
        self.set_author("kindzicht")
        self.set_creator("kindzicht")
        self.set_lang("nl")
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=20)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, _text(f"{self.doc_title} — vertrouwelijk: alleen voor het gezin en de "
                              f"betrokken professionals — pagina {self.page_no()} van {{nb}}"),
                  align="C")

    def heading(self, text: str) -> None:
        self.ln(4)
        self.set_font("Helvetica", "B", 13)
        self.set_text_color(*GREEN)
        self.cell(0, 8, _text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*GREEN)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)
        self.set_text_color(0, 0, 0)

    def para(self, text: str, *, size: float = 10.5, style: str = "",
             color: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.set_font("Helvetica", style, size)
        self.set_text_color(*color)
        self.multi_cell(0, 5.4, _text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)

    def facts(self, rows: list[tuple[str, str]]) -> None:
        for label, value in rows:
            self.set_font("Helvetica", "B", 10.5)
            self.cell(48, 6, _text(label))
            self.set_font("Helvetica", "", 10.5)
            self.multi_cell(0, 6, _text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, head: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        self.set_font("Helvetica", "", 10)
        self.set_draw_color(170, 170, 170)
        self.set_line_width(0.2)
        with self.table(col_widths=widths, text_align="LEFT", line_height=5.4,
                        padding=1.6, headings_style=FontFace(emphasis="BOLD", fill_color=SOFT),
                        first_row_as_headings=True) as table:
            for row in [head, *rows]:
                r = table.row()
                for cell in row:
                    r.cell(_text(cell))


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
        pdf.cell(half, 6, _text(who))
        pdf.set_draw_color(120, 120, 120)
        pdf.rect(x, y + 7, half, 22)
        pdf.set_xy(x, y + 31)
        pdf.set_font("Helvetica", "", 9)
        pdf.set_text_color(*MUTED)
        pdf.cell(half, 5, "Naam, datum en handtekening")
        pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())
