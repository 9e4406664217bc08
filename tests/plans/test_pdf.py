"""The printable family plan: a real PDF (fpdf2, no system libraries), in Dutch, with the goals,
the agreements with the parents and their consequence, the evaluation moments and room to
sign. The document is written to test-results/ so that a person can look at it."""

from __future__ import annotations

import re
import zlib
from datetime import timedelta
from pathlib import Path

from kindzicht.core import clock
from kindzicht.core.pdf import printable
from kindzicht.plans import services
from kindzicht.plans.pdf import plan_pdf
from kindzicht.plans.selectors import plan_get, plan_view

from .conftest import DAY

OUT = Path(__file__).resolve().parents[2] / "test-results"


def pageprintable(pdf: bytes) -> str:
    """The text drawn on the pages (fpdf2 compresses each content stream with zlib).

    Each stream is taken up to ``endstream`` with the line end before it, and the
    decompressor ignores what follows the end of the zlib data: a stream whose compressed
    bytes happen to end in a carriage return (about one in 256, with Faker's names in the
    plan) lost that byte to an optional ``\r`` before ``\nendstream``, and the page's text
    with it."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            data = zlib.decompressobj().decompress(stream)
        except zlib.error:
            continue
        text += [m.decode("cp1252") for m in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", data)]
    return " ".join(text).replace("\\(", "(").replace("\\)", ")")


def test_the_plan_as_a_pdf(world):
    with clock.frozen(DAY):
        plan = services.plan_make(
            world.actors["wt"], child=world.child, goals=[
                {"text": "Mila gaat elke schooldag naar school en is op tijd",
                 "owner": world.orgs["school"], "due": DAY + timedelta(days=30)},
                {"text": "Moeder start haar behandeling bij de GGZ en zegt geen afspraken af",
                 "owner": world.orgs["ggz"], "due": DAY + timedelta(days=21)}],
            parent_agreements=[{"text": "Moeder belt de regisseur als een afspraak niet "
                                "doorgaat — dezelfde dag",
                                "consequence": "Bij twee gemiste afspraken bespreekt de "
                                "regisseur met Veilig Thuis of een melding nodig is."}],
            evaluations=[DAY + timedelta(days=42)])
        view = plan_view(world.actors["wt"], plan_get(world.actors["wt"], plan.pk))
        pdf = plan_pdf(view)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    OUT.mkdir(exist_ok=True)
    (OUT / "gezinsplan.pdf").write_bytes(pdf)
    text = pageprintable(pdf)
    for expected in ("Gezinsplan", "Doelen", "Afspraken met de ouders",
                     "Mila gaat elke schooldag naar school", "Org school",
                     "Bij twee gemiste afspraken", "Evaluatiemomenten", "15-04-2024",
                     "Besproken en afgesproken", "Naam, datum en handtekening"):
        assert expected in text, expected
    assert "—" in text  # the em dash survives (Windows-1252)


def test_text_outside_the_core_font_is_replaced_not_lost():
    assert printable("Ëlla’s plan — café") == "Ëlla’s plan — café"
    assert printable("Zoë → ☺ ŀ") == "Zoë -> ? l"
