"""Results as DataFrames, CSV and Jupyter tables: exact decimals kept, money written with two decimals at least,
user text never a formula, and a design without a price marked (hand-written results, tests/support)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from tests.support.comparisons import comparison, line, result
from vpccost.outputs.frames import comparison_html, designs_frame, line_items_csv, line_items_frame
from vpccost.results import DesignResult, LineItem


def test_line_items_keep_exact_decimals_and_say_whether_their_design_is_priced() -> None:
    compared = comparison(result("peering", "0.1", "0.2"), result("nat", "1", missing=("no price for x",)))
    frame = line_items_frame(compared)
    assert list(frame.columns) == [*LineItem._fields, "design_priced", "payer_account_name", "payer_cost_center"]
    assert sum(frame.loc[frame["design"] == "peering", "cost_usd"], Decimal(0)) == Decimal("0.3")
    assert frame["design_priced"].tolist() == [True, True, False]


def test_designs_in_rank_with_exact_totals_or_none() -> None:
    compared = comparison(result("dear", "30"), result("cheap", "20"), result("nat", "1", missing=("m",)))
    frame = designs_frame(compared)
    assert frame[["rank", "design", "total_usd", "priced"]].values.tolist() == [
        [1, "cheap", Decimal(20), True],
        [2, "dear", Decimal(30), True],
        [3, "nat", None, False],
    ]


def test_csv_writes_money_with_two_decimals_and_neutralises_user_text() -> None:
    lines = [line("peering", "28", resource="=HYPERLINK(1)"), line("peering", "0.045", component="+cmd")]
    compared = comparison(DesignResult("peering", lines, [], [], [], []))
    rows = list(csv.DictReader(io.StringIO(line_items_csv(compared))))
    assert [(row["resource"], row["component"], row["cost_usd"]) for row in rows] == [
        ("'=HYPERLINK(1)", "c", "28.00"),
        ("r", "'+cmd", "0.045"),
    ]
    assert "label" not in rows[0]  # the estimate is not split by a label


def test_the_jupyter_table_rounds_to_cents_escapes_and_names_what_is_not_priced() -> None:
    compared = comparison(result("<b>peering</b>", "1234.565"), result("nat", "1", missing=("m",)))
    html = comparison_html(compared)
    assert "1,234.57" in html and "not priced" in html
    assert "&lt;b&gt;peering&lt;/b&gt;" in html and "<b>" not in html
    assert html.endswith("<p>prices hand, 730 h</p>")


def test_csv_line_items_end_with_the_payer_accounts_name_and_cost_center() -> None:
    lines = [line("peering", "1", payer="111111111111"), line("peering", "2", payer="222222222222")]
    accounts = [{"id": "111111111111", "name": "=network", "cost_center": "CC-1"}]
    compared = comparison(DesignResult("peering", lines, [], [], [], []), accounts=accounts)
    reader = csv.DictReader(io.StringIO(line_items_csv(compared)))
    assert list(reader.fieldnames or [])[-3:] == ["design_priced", "payer_account_name", "payer_cost_center"]
    assert [(row["payer_account"], row["payer_account_name"], row["payer_cost_center"]) for row in reader] == [
        ("111111111111", "'=network", "CC-1"),  # a name that reads as a formula is neutralised
        ("222222222222", "", ""),
    ]
