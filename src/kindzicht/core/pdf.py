"""The shape every kindzicht document on paper shares (the family plan, the inzage export):
A4 in Dutch, the core font, headings in kindzicht's colour, fact lists, tables, and a footer
that says who may read it.

Why fpdf2 and not WeasyPrint (architecture.md's choice for reports from HTML): WeasyPrint needs
the Pango and HarfBuzz system libraries, which a fresh machine with only Python and pip lacks,
so installing kindzicht would no longer be one ``pip install``. fpdf2 is pure Python (its own
dependencies, Pillow and fontTools, ship wheels), draws the page itself and needs no browser or
system library. It uses the PDF core font Helvetica in the Windows-1252 encoding, which holds
every Dutch letter (ë, é, ï, ü …), curly quotes and dashes; anything outside it is replaced
rather than dropped silently (``printable``).
"""

from __future__ import annotations

import unicodedata

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

#: kindzicht's lint green (the web UI's --lint), and a soft fill for table heads.
GREEN = (21, 66, 115)
SOFT = (230, 238, 246)
MUTED = (90, 90, 90)


def printable(value: object) -> str:
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


class Document(FPDF):
    """An A4 document. ``audience`` ends the footer (who may read it); the ``table_*``
    sizes (points, millimetres) let a dense export print smaller than a plan that is read
    together in a conversation."""

    audience = "vertrouwelijk"
    table_size, table_line, table_padding = 10.0, 5.4, 1.6

    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.core_fonts_encoding = "windows-1252"
        self.doc_title = title
        self.set_title(printable(title))
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
        self.cell(0, 5, printable(f"{self.doc_title} — {self.audience} — pagina {self.page_no()} "
                              f"van {{nb}}"), align="C")

    def heading(self, text: str) -> None:
        self.ln(4)
        self.set_font("Helvetica", "B", 13)
        self.set_text_color(*GREEN)
        self.cell(0, 8, printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*GREEN)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)
        self.set_text_color(0, 0, 0)

    def para(self, text: str, *, size: float = 10.5, style: str = "",
             color: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.set_font("Helvetica", style, size)
        self.set_text_color(*color)
        self.multi_cell(0, 5.4, printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)

    def facts(self, rows: list[tuple[str, str]]) -> None:
        for label, value in rows:
            self.set_font("Helvetica", "B", 10.5)
            self.cell(48, 6, printable(label))
            self.set_font("Helvetica", "", 10.5)
            self.multi_cell(0, 6, printable(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, head: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        self.set_font("Helvetica", "", self.table_size)
        self.set_draw_color(170, 170, 170)
        self.set_line_width(0.2)
        with self.table(col_widths=widths, text_align="LEFT", line_height=self.table_line,
                        padding=self.table_padding,
                        headings_style=FontFace(emphasis="BOLD", fill_color=SOFT),
                        first_row_as_headings=True) as table:
            for row in [head, *rows]:
                r = table.row()
                for cell in row:
                    r.cell(printable(cell))
