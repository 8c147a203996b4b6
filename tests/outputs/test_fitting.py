"""Tables fitted to a width: tokens never cut, the longest shortenable ones named in a legend, control characters
written as escapes."""

from __future__ import annotations

import io

from rich.console import Console

from vpccost.outputs.fitting import Column, Legend, fit_table, prose, shorten, token
from vpccost.outputs.text import terminal_safe


def test_the_longest_tokens_are_shortened_first_and_defined_in_the_legend() -> None:
    legend = Legend()
    rows = [[[token("a-very-long-resource-identifier-here", "R")], [prose("some words here")]],
            [[token("short", "R")], [prose("more words")]]]  # fmt: skip
    fitted = fit_table([Column("resource"), Column("what")], rows, 40, legend)
    console = Console(file=io.StringIO(), width=40, color_system=None)
    fitted.print(console, legend)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert fitted.fits and fitted.shortened == [("R", "a-very-long-resource-identifier-here")]
    assert "R1 = a-very-long-resource-identifier-here" in " ".join(text.split()) and "short" in text
    assert max(len(line) for line in text.splitlines()) <= 40


def test_control_characters_are_escapes_and_shortening_keeps_whole_words() -> None:
    assert terminal_safe("a\x1b[2Jb\x07") == "a\\x1b[2Jb\\x07"
    assert shorten("one two three four", 12) == "one two …"
    assert shorten("short", 12) == "short"
