"""Spreadsheet cells that must never become formulas (OWASP, "CSV Injection": cells starting =, +, -, @, tab, CR),
and text for a terminal that must never control or reorder it."""

from __future__ import annotations

import pytest

from vpccost.outputs.text import neutralize_formula, restore_formula, safe_markup, terminal_lines, terminal_safe


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_text_a_spreadsheet_would_read_as_a_formula_gets_an_apostrophe(text: str) -> None:
    assert neutralize_formula(text) == f"'{text}"


@pytest.mark.parametrize("text", ["vpc-0a1b", "a=b", "1-2", "", " =x"])
def test_other_text_is_left_alone(text: str) -> None:
    assert neutralize_formula(text) == text


@pytest.mark.parametrize("text", ["=1+1", "@SUM(A1)", "vpc-0a1b", "'quoted", "'", ""])
def test_a_neutralised_cell_reads_back_as_it_was(text: str) -> None:
    assert restore_formula(neutralize_formula(text)) == text


TERMINAL = [
    ("escape sequence", "a\x1b[2Jb", "a\\x1b[2Jb"),
    ("bell and carriage return", "ok\x07\rno", "ok\\x07\\x0dno"),
    ("C1 control", "x\x9by", "x\\x9by"),
    ("right-to-left override", "web\u202egnp.exe", "web\\u202egnp.exe"),
    ("left-to-right embedding", "\u202ax\u202c", "\\u202ax\\u202c"),
    ("isolates", "\u2066a\u2069\u2067b\u2068", "\\u2066a\\u2069\\u2067b\\u2068"),
    ("bidi marks", "a\u200fb\u200ec\u061c", "a\\u200fb\\u200ec\\u061c"),
    ("line separator", "a\u2028b", "a\\u2028b"),
    ("plain Unicode kept", "vpc-ünïcode → 東京 ↔ 🚀", "vpc-ünïcode → 東京 ↔ 🚀"),
]


@pytest.mark.parametrize(("text", "shown"), [case[1:] for case in TERMINAL], ids=[case[0] for case in TERMINAL])
def test_control_and_reordering_characters_are_shown_as_escapes(text: str, shown: str) -> None:
    assert terminal_safe(text) == shown
    assert safe_markup(text) == shown


def test_a_message_of_several_lines_keeps_its_line_breaks() -> None:
    assert terminal_lines("missing:\n  a\x1b[31m\n  b") == "missing:\n  a\\x1b[31m\n  b"


def test_markup_is_escaped_too() -> None:
    assert safe_markup("[red]x\u202e") == "\\[red]x\\u202e"
