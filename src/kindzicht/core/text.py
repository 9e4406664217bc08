"""What text kindzicht accepts from outside, one rule for every input field.

Text in this system ends up in the database, on screens, in PDFs, in exports and in audit
entries read years later. Some characters do harm there and never belong in a name, a reason
or a note:

- control characters (NUL to US, DEL, the C1 range) other than tab, newline and carriage
  return: PostgreSQL refuses NUL in text outright (an error deep in a write), and the others
  corrupt terminals, CSV and PDF exports;
- the bidirectional embedding, override and isolate marks (U+202A–U+202E, U+2066–U+2069):
  they make a stored name read differently than it is (``Trojan Source``);
- lone surrogates (``"\\ud800"`` is valid JSON but no character; UTF-8 cannot encode it) and
  the noncharacters U+FFFE and U+FFFF.

And one free-text field holds at most :data:`MAX_TEXT_LENGTH` characters: a megabyte "note"
is an attack or an accident, never a note. Fields with a tighter limit (a name, a code)
declare it themselves.

Markup (``<script>``) and SQL-looking text are *not* refused here: they are text, stored as
given and escaped where shown (templates autoescape, the API answers JSON, queries are
parameterised) — refusing them would be a blocklist that a real name (``O'Brien``) or a
teacher's note (``score < 3``) trips over.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

#: At most this many characters in one text field (about five pages of a note).
MAX_TEXT_LENGTH = 10_000
#: Control characters a multi-line text may hold.
ALLOWED_CONTROLS = frozenset("\t\n\r")
#: Bidirectional embeddings, overrides and isolates.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
NONCHARACTERS = frozenset("\ufffe\uffff")
#: Control characters (Unicode category Cc) as ranges of code points.
CONTROL_RANGES = ((0x00, 0x1F), (0x7F, 0x9F))


def _forbidden_class() -> str:
    """One character class for what text may not hold: the control characters but
    :data:`ALLOWED_CONTROLS`, the bidi controls, the noncharacters and the lone surrogates
    (category Cs, U+D800–U+DFFF) — searched by the regular expression engine rather than a
    Python loop over each character (a national import checks 40 million of them)."""
    controls = [chr(cp) for low, high in CONTROL_RANGES for cp in range(low, high + 1)
                if chr(cp) not in ALLOWED_CONTROLS]
    listed = "".join(re.escape(c) for c in controls + sorted(BIDI_CONTROLS | NONCHARACTERS))
    return f"[{listed}\ud800-\udfff]"


_FORBIDDEN = re.compile(_forbidden_class())


def forbidden_character(value: str) -> str | None:
    """The first character of ``value`` that text may not hold, or None."""
    found = _FORBIDDEN.search(value)
    return found.group() if found else None


def text_problem(value: str, *, max_length: int = MAX_TEXT_LENGTH) -> str | None:
    """Why ``value`` is not acceptable text (a message for the person who sent it), or None."""
    if len(value) > max_length:
        return _("Deze tekst is te lang: %(length)d tekens, ten hoogste %(max)d.") % {
            "length": len(value), "max": max_length}
    char = forbidden_character(value)
    if char is not None:
        return _("Deze tekst bevat een teken dat niet is toegestaan (U+%(code)04X).") % {
            "code": ord(char)}
    return None


def text_problems(data: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted field path, message) for each unacceptable string in a parsed JSON document or
    form: values and object keys, nested lists (``goals.0.text``) and objects included."""
    if isinstance(data, str):
        problem = text_problem(data)
        if problem:
            yield prefix, problem
    elif isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(key, str) and (problem := text_problem(key, max_length=200)):
                yield name, problem
                continue
            yield from text_problems(value, name)
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from text_problems(value, f"{prefix}.{index}" if prefix else str(index))
