"""Spreadsheet cells that must never become formulas (OWASP, "CSV Injection": cells starting =, +, -, @, tab, CR)."""

from __future__ import annotations

import pytest

from vpccost.outputs.text import neutralize_formula


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_text_a_spreadsheet_would_read_as_a_formula_gets_an_apostrophe(text: str) -> None:
    assert neutralize_formula(text) == f"'{text}"


@pytest.mark.parametrize("text", ["vpc-0a1b", "a=b", "1-2", "", " =x"])
def test_other_text_is_left_alone(text: str) -> None:
    assert neutralize_formula(text) == text
