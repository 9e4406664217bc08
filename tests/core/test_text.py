"""``core.text``: the one character class the input rules search with is the rule itself —
every code point, checked against the rule stated by Unicode category: a control character
(Cc) but tab, newline and carriage return, a lone surrogate (Cs), a bidi control or a
noncharacter."""

from __future__ import annotations

import sys
import unicodedata

from kindzicht.core.text import BIDI_CONTROLS, NONCHARACTERS, forbidden_character, text_problem


def forbidden_by_category(char: str) -> bool:
    if char in "\t\n\r":
        return False
    return (unicodedata.category(char) in ("Cc", "Cs") or char in BIDI_CONTROLS
            or char in NONCHARACTERS)


def test_the_character_class_is_the_rule_for_every_code_point():
    wrong = [hex(cp) for cp in range(sys.maxunicode + 1)
             if (forbidden_character(f"a{chr(cp)}b") == chr(cp)) != forbidden_by_category(chr(cp))]
    assert wrong == []


def test_the_first_forbidden_character_is_named():
    assert forbidden_character("Lotte\tBakker\r\n") is None
    assert forbidden_character("Lo\u202ette\x00") == "\u202e"
    assert text_problem("Lo\u202ette") == ("Deze tekst bevat een teken dat niet is toegestaan "
                                           "(U+202E).")
    assert text_problem("x" * 11, max_length=10) == ("Deze tekst is te lang: 11 tekens, ten "
                                                      "hoogste 10.")
