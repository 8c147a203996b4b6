"""Results as terminal tables: designs ranked with the cheapest marked, the gap to it, why a design is infeasible or
not priced, the biggest line items and the assumptions (hand-written results, tests/support)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from rich.console import Console

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT
from tests.support.comparisons import comparison, line, result
from vpccost.outputs.formats import render
from vpccost.outputs.table import render_comparison, signed_usd, usd
from vpccost.results import Comparison, DesignResult


def rendered(
    *designs: DesignResult,
    assumptions: tuple[str, ...] = (),
    accounts: list[dict[str, str]] | None = None,
    split_by: str | None = None,
    detail: bool = False,
) -> str:
    console = Console(record=True, width=200, color_system=None, file=io.StringIO())
    made = comparison(*designs, assumptions=assumptions, accounts=accounts, split_by=split_by)
    render_comparison(made, console, detail=detail)
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


def test_detail_lists_every_line_item_of_each_design_biggest_first() -> None:
    text = rendered(result("peering", *(str(cost) for cost in range(1, 8))), detail=True)
    assert "peering: every line item (7)" in text
    costs = [row.split()[-1] for row in text.splitlines() if row.strip().startswith("c ")]
    assert costs == [f"${cost}.00" for cost in range(7, 0, -1)]
    assert "peering: every line item" not in rendered(result("peering", "1", "2"))  # by default, what differs


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
    text = rendered(DesignResult("sharing", lines, [], [], [], []), accounts=NAMED, split_by="team", detail=True)
    top = cells(text, "sharing: every line item")
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


def example(name: str) -> Comparison:
    return vpccost.compare(EXAMPLES / name / "traffic.csv", EXAMPLES / name / "topology.yaml", pricing=SNAPSHOT)


def at_width(found: Comparison, width: int, *, detail: bool = False) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    render_comparison(found, console, detail=detail)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def ranking_to_service_access(text: str) -> str:
    """The tables this layout fits, with their legends: all but the chargeback table (laid out by rich alone)
    and the assumptions (prose)."""
    before, after = text.split("Chargeback:", 1)
    access = after.split("AWS-service access", 1)[1] if "AWS-service access" in after else ""
    return before + access.split("\nAssumptions", 1)[0]


@pytest.mark.parametrize("width", [80, 100, 160])
@pytest.mark.parametrize("name", ["multi-account", "s3-access"])
def test_the_table_fits_the_width_without_cutting_an_id_and_defines_every_short_name(name: str, width: int) -> None:
    found = example(name)
    for detail in (False, True):
        text = at_width(found, width, detail=detail)
        assert max(len(row) for row in text.splitlines()) <= width
        tokens = {item.resource for design in found.designs for item in design.line_items}
        tokens |= {item.usage_type for design in found.designs for item in design.line_items}
        tokens |= {row.vpc_name or row.vpc for row in found.service_access}
        kept = ranking_to_service_access(text)
        for cut in re.findall(r"(\S+)…", kept):
            assert not any(whole.startswith(cut) and whole != cut for whole in tokens), cut
        defined = dict(re.findall(r"\b([RUVS]\d+) = (\S+)", kept))
        used = set(re.findall(r"(?<![\w-])([RUVS]\d+)(?![\w-])", kept))
        assert used == set(defined), (used, defined)
        assert all(value in tokens | {row.service for row in found.service_access} for value in defined.values())


def test_a_long_status_is_its_first_clause_and_the_count_of_problems() -> None:
    text = " ".join(at_width(example("multi-account"), 100).split())
    assert "(2 problems: see --detail)" in text and "(1 problem: see --detail)" in text
    assert "a TGW route table holds one route per CIDR" not in text
    detailed = " ".join(at_width(example("multi-account"), 100, detail=True).split())
    assert "a TGW route table holds one route per CIDR" in detailed


def test_the_differences_add_up_to_the_gaps_between_the_totals() -> None:
    found = example("multi-account")
    text = at_width(found, 160)
    assert "What differs between the top designs (sharing, privatelink, nat)" in text
    block = text.split("What differs", 1)[1].split("Chargeback", 1)[0]
    # shared-vpc-us-east-1/nat-gateway is sharing's alone: 3 NAT gateways × 730 h × $0.045 = $98.55 an hour-line,
    # 3947.5 GB × $0.045 = $177.64 of data, 3 addresses × 730 h × $0.005 = $10.95: $287.14
    assert re.search(r"shared-vpc-us-east-1/nat-gateway +\$287\.14 +— +—", block)
    row = next(line for line in block.splitlines() if "every line that differs" in line)
    amounts = [Decimal(amount.replace(",", "")) for amount in re.findall(r"\$([\d,.]+)", row)]
    totals = [found.design(name).total_usd for name in ("sharing", "privatelink", "nat")]
    assert [amounts[1] - amounts[0], amounts[2] - amounts[0]] == [
        round(totals[1] - totals[0], 2),  # type: ignore[operator]
        round(totals[2] - totals[0], 2),  # type: ignore[operator]
    ]


def test_user_text_cannot_send_terminal_control_characters() -> None:
    text = ranking_to_service_access(rendered(result("nat\x1b[31m", "1", "2"), result("b", "3")))
    assert "\x1b" not in text and "\\x1b[31m" in text


def test_pricing_show_fits_the_terminal_without_breaking_a_token() -> None:
    from rich.cells import cell_len

    from vpccost.outputs.table import render_pricing
    from vpccost.results import PriceList

    prices = PriceList(vpccost.load_pricing(SNAPSHOT), "us-east-1")
    for width in (100, 120, 160):
        buffer = io.StringIO()
        render_pricing(prices, Console(file=buffer, width=width))
        text = buffer.getvalue()
        rows = [line for line in text.splitlines() if line.strip().startswith("us-east-1 ")]
        assert len(rows) == len(prices.entries)
        # an item, usage type or source too long for the width is a short name (I1, U1, S1) that the legend below
        # the table gives in full (a legend line longer than the terminal wraps); nothing is cut on a row
        unspaced = "".join(text.split())
        for row, entry in zip(rows, prices.entries, strict=True):
            assert cell_len(row.rstrip()) <= width
            item = entry.item + (f" → {entry.to_region}" if entry.to_region else "")
            assert item in row or f"={''.join(item.split())}" in unspaced
            assert entry.usage_type in row or f"={entry.usage_type}" in unspaced
            assert "".join(entry.source.split()) in unspaced
