"""Results as GitHub Markdown: the ranked designs' rows carry their totals, what differs adds up, every line item
with detail, and user text never becomes markup or HTML."""

from __future__ import annotations

import re

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT
from tests.support.comparisons import comparison, result
from vpccost.outputs.formats import render
from vpccost.outputs.markdown import comparison_markdown, md
from vpccost.outputs.table import usd


def test_the_ranked_designs_are_a_table_whose_rows_carry_the_totals() -> None:
    found = vpccost.compare(EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml",
                            pricing=SNAPSHOT)  # fmt: skip
    text = render("markdown", found)
    assert isinstance(text, str)
    ranked = text.split("### What differs", 1)[0]
    rows = [row for row in ranked.splitlines() if re.match(r"\| \d+ \|", row)]
    assert [row.split(" | ")[1].split(" ")[0] for row in rows] == [md(design.design) for design in found.ranked]
    assert [row.split(" | ")[2] for row in rows] == [md(usd(design.total_usd)) for design in found.ranked]
    assert "| ---: | --- | ---: | ---: | --- |" in ranked
    assert "### Assumptions" in text and "- Period" in text
    detailed = render("markdown", found, detail=True)
    assert isinstance(detailed, str)
    for design in found.ranked:
        assert f"### {md(design.design)}: every line item ({len(design.line_items)})" in detailed


def test_user_text_is_escaped_for_markdown_and_never_html() -> None:
    text = comparison_markdown(comparison(result("a|b", "1"), result("# <b>x</b> `y`", "2"), assumptions=("- z",)))
    assert "a\\|b" in text and "\\# &lt;b\\>x&lt;/b\\> \\`y\\`" in text and "<b>" not in text
    assert "- \\- z" in text
    assert md("12. x") == "12\\. x" and md("> q") == "\\> q" and md("a\x1bb\nc") == "a b c"
