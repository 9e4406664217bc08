"""``core.text``: the one character class the input rules search with is the rule itself —
every code point, checked against the rule stated by Unicode category."""

from __future__ import annotations

import sys

from kindzicht.core.text import forbidden_character, is_forbidden, text_problem


def test_the_character_class_is_the_rule_for_every_code_point():
    wrong = [hex(cp) for cp in range(sys.maxunicode + 1)
             if (forbidden_character(f"a{chr(cp)}b") == chr(cp)) != is_forbidden(chr(cp))]
    assert wrong == []


def test_the_first_forbidden_character_is_named():
    assert forbidden_character("Lotte\tBakker\r\n") is None
    assert forbidden_character("Lo\u202ette\x00") == "\u202e"
    assert text_problem("Lo\u202ette") == ("Deze tekst bevat een teken dat niet is toegestaan "
                                           "(U+202E).")
    assert text_problem("x" * 11, max_length=10) == ("Deze tekst is te lang: 11 tekens, ten "
                                                      "hoogste 10.")
