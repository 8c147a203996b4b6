"""Text from user data made safe where it lands: spreadsheet cells that must never become formulas, and text
printed to a terminal that must never colour, move, clear or reorder it."""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(text: str) -> str:
    """Prefix text that a spreadsheet would read as a formula with an apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def restore_formula(text: str) -> str:
    """The text `neutralize_formula` was given: a file vpccost wrote (a traffic matrix) reads back unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls, and the format characters that reorder or break text: the bidi marks (U+061C, U+200E,
U+200F), embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069), and the line and paragraph
separators."""


def terminal_safe(text: str) -> str:
    """`text` with every control character (escape, bell, carriage return, …) written as `\\xHH` and every
    character that reorders text (a right-to-left override) as `\\uHHHH`, so that what a terminal shows is what
    the text holds."""
    return _CONTROL.sub(_escaped, text)


def terminal_lines(text: str) -> str:
    """`terminal_safe` line by line: the line breaks of a message of several lines are kept."""
    return "\n".join(terminal_safe(line) for line in text.split("\n"))


def _escaped(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_markup(text: str) -> str:
    """User text for a rich cell or title that is parsed as markup: `[` escaped (rich's `escape`) and
    `terminal_safe`."""
    from rich.markup import escape

    return escape(terminal_safe(text))
