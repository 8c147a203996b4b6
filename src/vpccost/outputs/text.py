"""Text written into files other programs open: spreadsheet cells that must never become formulas."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(text: str) -> str:
    """Prefix text that a spreadsheet would read as a formula with an apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
