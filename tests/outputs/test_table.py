"""Results as terminal tables: designs ranked with the cheapest marked, the gap to it, why a design is infeasible or
not priced, the biggest line items and the assumptions (hand-written results, tests/support)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from rich.console import Console

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT
from tests.support.comparisons import comparison, line, result
from vpccost.outputs.formats import render
from vpccost.outputs.table import render_comparison, signed_usd, usd
from vpccost.results import DesignResult


def rendered(
    *designs: DesignResult,
    assumptions: tuple[str, ...] = (),
    accounts: list[dict[str, str]] | None = None,
    split_by: str | None = None,
) -> str:
    console = Console(record=True, width=200, color_system=None, file=io.StringIO())
    render_comparison(comparison(*designs, assumptions=assumptions, accounts=accounts, split_by=split_by), console)
    return console.export_text()


def cells(text: str, title: str) -> list[list[str]]:
    """The rows of the table titled `title`: its cells, split on runs of two or more spaces."""
    after = "\n".join(row.rstrip() for row in text.split(title, 1)[1].splitlines())
    block = after.split("\n\n", 2)[1]
    rows = [row for row in block.splitlines() if row.strip() and not set(row.strip()) <= set("─━")]
    return [re.split(r"\s{2,}", row.strip()) for row in rows]


def test_amounts_are_dollars_rounded_to_the_cent_with_the_sign_first() -> None:
    assert usd(Decimal("1234.565")) == "$1,234.57"
    assert usd(None) == "—"
    assert signed_usd(Decimal("-2.25")) == "-$2.25"
    assert signed_usd(Decimal("2.25")) == "$2.25"


def test_designs_are_ranked_with_the_cheapest_marked_and_the_gap_to_it() -> None:
    text = rendered(
        result("dear", "30.5"),
        result("cheap", "20"),
        result("broken", "1", problems=("a and b overlap",)),
        result("nat", "1", missing=("no price for nat_gateway_hours in ap-south-1; supply it",)),
        assumptions=("Period: 730 hours.",),
    )
    ranking = text.split("Chargeback")[0]
    rows = [row.split() for row in ranking.splitlines() if row.strip()[:1].isdigit()]
    assert [row[:2] for row in rows] == [["1", "cheap"], ["2", "dear"], ["3", "broken"], ["4", "nat"]]
    assert re.search(r"cheap ★ cheapest +\$20\.00", text)
    assert "+$10.50" in text  # dear against cheap: $30.50 − $20.00
    assert "infeasible: a and b overlap" in text
    assert "not priced: no price for nat_gateway_hours in ap-south-1" in text and "supply it" not in text
    assert "• Period: 730 hours." in text


def test_each_priced_design_lists_its_biggest_line_items() -> None:
    text = rendered(result("peering", *(str(cost) for cost in range(1, 8))))
    assert "peering: biggest line items (7 in all)" in text
    costs = [row.split()[-1] for row in text.splitlines() if row.strip().startswith("c ")]
    assert costs == ["$7.00", "$6.00", "$5.00", "$4.00", "$3.00"]  # the five biggest, biggest first


def test_a_forecast_table_marks_what_cannot_be_built_and_when_the_cheapest_changes() -> None:
    growing = vpccost.forecast(
        EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml",
        months=14, growth="7%", start="2027-06", pricing=SNAPSHOT, service_access="design",
    )  # fmt: skip
    text = render("table", growing)
    assert isinstance(text, str)
    assert "peering ✗" in text and "transit-gateway ✗" in text and "sharing ✗" not in text
    assert "In 2027-10 the cheapest design that can be built changes: sharing → privatelink" in text
    # factors shown to four decimals: 1.07^2 = 1.1449, 1.07^13 = 2.409845…
    assert " 1.1449 " in text and " 2.4098 " in text and "2.409845" not in text
    assert "total 2027 " in text and "total 2027-06 to 2028-07" in text


NAMED = [{"id": "111111111111", "name": "network", "cost_center": "CC-1"}, {"id": "222222222222", "name": "prod"}]


def test_the_chargeback_names_each_payer_account_beside_its_cost_in_each_design() -> None:
    dear = DesignResult(
        "dear", [line("dear", "3", payer="111111111111"), line("dear", "4.5", payer="222222222222")], [], [], [], []
    )
    cheap = DesignResult("cheap", [line("cheap", "2", payer="333333333333")], [], [], [], [])
    text = rendered(dear, cheap, result("nat", "1", missing=("no price for x",)), accounts=NAMED)
    # ranked cheap ($2), dear ($7.50); the unpriced design has no column; 333… has no name in the topology
    assert cells(text, "Chargeback: cost per payer account, 730 h") == [
        ["payer account", "account name", "cost center", "cheap", "dear"],
        ["111111111111", "network", "CC-1", "$0.00", "$3.00"],
        ["222222222222", "prod", "$0.00", "$4.50"],
        ["333333333333", "$2.00", "$0.00"],
        ["total", "$2.00", "$7.50"],
    ]


def test_a_chargeback_without_names_has_no_name_columns() -> None:
    text = rendered(result("peering", "1", "2"))
    assert cells(text, "Chargeback: cost per payer account")[:2] == [["payer account", "peering"], ["1", "$3.00"]]


def test_a_split_estimate_shows_the_label_in_its_line_items_and_chargeback() -> None:
    lines = [
        line("sharing", "5", payer="222222222222", label="web"),
        line("sharing", "1", payer="222222222222", label="[bold]api"),
        line("sharing", "2", payer="222222222222"),
    ]
    text = rendered(DesignResult("sharing", lines, [], [], [], []), accounts=NAMED, split_by="team")
    top = cells(text, "sharing: biggest line items")
    assert top[0][-2:] == ["cost", "team"]
    assert [row[-2:] for row in top[1:]] == [
        ["$5.00", "web"],
        ["$2.00", "(unlabelled: hourly)"],
        ["$1.00", "[bold]api"],
    ]
    assert cells(text, "Chargeback: cost per payer account") == [
        ["payer account", "account name", "team", "sharing"],
        ["222222222222", "prod", "[bold]api", "$1.00"],  # label text is escaped, never rich markup
        ["222222222222", "prod", "web", "$5.00"],
        ["222222222222", "prod", "(unlabelled: hourly)", "$2.00"],
        ["total", "$8.00"],
    ]
