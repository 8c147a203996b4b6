"""The Excel workbook: read back with openpyxl, its figures match the JSON contract to the cent, numbers are
numbers with currency formats, and text from user data never becomes a formula."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT, WriteEstate, cents, vpc
from tests.support.comparisons import comparison as hand_comparison
from tests.support.comparisons import line
from vpccost.errors import VpccostError
from vpccost.outputs.documents import comparison_document
from vpccost.outputs.files import write_atomically
from vpccost.outputs.periods import period_of
from vpccost.outputs.xlsx import MONEY_FORMAT, NO_LABEL, write_xlsx, xlsx_bytes
from vpccost.results import Comparison, DatedComparison, DesignResult

MULTI = EXAMPLES / "multi-account"
SHEETS = ["Summary", "Line items", "By account", "Assumptions", "Prices"]
HYPERLINK = '=HYPERLINK("http://x")'


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return vpccost.compare(MULTI / "traffic.csv", MULTI / "topology.yaml", pricing=SNAPSHOT)


@pytest.fixture(scope="module")
def split_comparison() -> Comparison:
    return vpccost.compare(MULTI / "traffic.csv", MULTI / "topology.yaml", split_by="team", pricing=SNAPSHOT)


def workbook_of(periods: list[DatedComparison]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx_bytes(periods)))


def sheet(workbook: openpyxl.Workbook, name: str) -> Worksheet:
    found = workbook[name]
    assert isinstance(found, Worksheet)
    return found


def records(worksheet: Worksheet) -> list[dict[str, Any]]:
    """The rows under the header as dicts of header -> cell."""
    rows = list(worksheet.iter_rows())
    headers = [str(cell.value) for cell in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def number(cell: Any) -> Decimal:
    """A numeric cell's value as the decimal Excel stored: float repr is its shortest exact decimal."""
    assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool), cell.value
    return Decimal(repr(cell.value))


def json_totals(comparison: Comparison) -> dict[str, str | None]:
    return {design["design"]: design["total_usd"] for design in comparison_document(comparison)["designs"]}


def test_every_sheet_exists(comparison: Comparison) -> None:
    workbook = workbook_of([period_of(comparison, date(2026, 1, 1))])
    assert workbook.sheetnames == SHEETS


def test_summary_totals_equal_the_json_totals_to_the_cent(comparison: Comparison) -> None:
    workbook = workbook_of([period_of(comparison, date(2026, 1, 1))])
    summary = {row["Design"].value: row for row in records(sheet(workbook, "Summary"))}
    totals = json_totals(comparison)
    assert set(summary) == set(totals)
    for design, total in totals.items():
        cell = summary[design]["Total (USD)"]
        assert cents(number(cell)) == cents(total), design
        assert cell.number_format == MONEY_FORMAT
    # rank 1 is the cheapest priced, feasible design (multi-account: sharing, 760.73 USD in the golden file)
    assert [row["Rank"].value for row in summary.values()] == list(range(1, len(totals) + 1))
    assert comparison.cheapest is not None
    assert summary[comparison.cheapest.design]["Rank"].value == 1


def test_line_items_sum_per_design_to_the_summary_total(comparison: Comparison) -> None:
    workbook = workbook_of([period_of(comparison, date(2026, 1, 1))])
    summary = {row["Design"].value: number(row["Total (USD)"]) for row in records(sheet(workbook, "Summary"))}
    sums: dict[str, Decimal] = defaultdict(Decimal)
    rows = records(sheet(workbook, "Line items"))
    for row in rows:
        sums[row["Design"].value] += number(row["Cost (USD)"])
    assert {design: cents(total) for design, total in sums.items()} == {
        design: cents(total) for design, total in summary.items()
    }
    # line items only: one row per line item, no total rows
    assert len(rows) == sum(len(result.line_items) for result in comparison.designs)


def test_line_item_cells_are_numbers_with_currency_and_quantity_formats(comparison: Comparison) -> None:
    workbook = workbook_of([period_of(comparison, date(2026, 1, 1))])
    items = [item for result in comparison.designs for item in result.line_items]
    for row, item in zip(records(sheet(workbook, "Line items")), items, strict=True):
        assert number(row["Cost (USD)"]) == item.cost_usd  # these costs have few digits: Excel keeps them exactly
        assert number(row["Quantity"]) == item.quantity
        assert number(row["Rate (USD)"]) == item.rate_usd
        assert row["Cost (USD)"].number_format == MONEY_FORMAT
        assert row["Rate (USD)"].number_format.startswith('"$"#,##0.00')
        assert row["Quantity"].number_format.startswith("#,##0")
        assert row["Price verified"].value is item.price_verified
        assert row["Resource"].value == item.resource
    assert "Label" not in [cell.value for cell in sheet(workbook, "Line items")[1]]


def test_by_account_sums_equal_the_totals(split_comparison: Comparison) -> None:
    workbook = workbook_of([period_of(split_comparison, date(2026, 1, 1))])
    rows = records(sheet(workbook, "By account"))
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        sums[row["Design"].value] += number(row["Cost (USD)"])
        assert row["Cost (USD)"].number_format == MONEY_FORMAT
    totals = json_totals(split_comparison)
    assert {design: cents(total) for design, total in sums.items()} == {
        design: cents(total) for design, total in totals.items()
    }
    # split by team: one row per design, payer account and team (hourly resources have no team)
    sharing = {
        (row["Payer account"].value, row["Label (team)"].value) for row in rows if row["Design"].value == "sharing"
    }
    expected = {(item.payer_account, item.label) for item in split_comparison.design("sharing").line_items}
    assert sharing == expected


def test_by_account_bills_a_participants_egress_through_the_shared_nat_to_the_owner(
    write_estate: WriteEstate,
) -> None:
    # network account 111111111111 owns the shared VPC; app (222222222222) sends 100 GB to the internet over IPv4
    # through its NAT gateways and 10 GB across AZs to db (222222222222). The owner pays the NAT gateways, their
    # processing and the transfer across them (Amazon VPC User Guide, VPC sharing billing): 2 × 730 h × ($0.045 +
    # $0.005) = $73.00, 100 GB × $0.045 = $4.50, 100 GB × $0.09 = $9.00 → $86.50; app's account pays the cross-AZ
    # transfer, 10 GB × ($0.01 + $0.01) = $0.20 (us-east-1 prices of the bundled snapshot, AWS VPC and EC2 pricing).
    traffic, topology = write_estate(
        [vpc("app", account="222222222222"), vpc("db", account="222222222222", azs=["use1-az2"])],
        "src,dst,src_az,dst_az,gb\napp,internet,use1-az1,,100\napp,db,use1-az1,use1-az2,10",
        network_account="111111111111",
    )
    comparison = vpccost.compare(traffic, topology, designs=["sharing"], pricing=SNAPSHOT)
    rows = records(sheet(workbook_of([period_of(comparison, date(2026, 1, 1))]), "By account"))
    assert {row["Payer account"].value: cents(number(row["Cost (USD)"])) for row in rows} == {
        "111111111111": Decimal("86.50"),
        "222222222222": Decimal("0.20"),
    }


def test_headers_are_bold_and_frozen_and_line_items_are_filtered(comparison: Comparison) -> None:
    workbook = workbook_of([period_of(comparison, date(2026, 1, 1))])
    for name in SHEETS:
        worksheet = sheet(workbook, name)
        assert worksheet.freeze_panes == "A2", name
        assert all(cell.font.b for cell in worksheet[1]), name
        assert all(cell.data_type == "s" for cell in worksheet[1]), name
    line_items = sheet(workbook, "Line items")
    assert line_items.auto_filter.ref == f"A1:{get_column_letter(line_items.max_column)}{line_items.max_row}"
    assert all((line_items.column_dimensions[letter].width or 0) >= 8 for letter in "ABCDEFGHIJKLM")


def test_assumptions_and_prices_carry_the_period_and_provenance(comparison: Comparison) -> None:
    workbook = workbook_of([period_of(comparison, date(2026, 1, 1))])
    assumptions = [(row["Topic"].value, row["Value"].value) for row in records(sheet(workbook, "Assumptions"))]
    assert ("Billing month", "2026-01") in assumptions
    assert ("Pricing snapshot", comparison.catalog.name) in assumptions
    assert [value for topic, value in assumptions if topic == "Assumption"] == comparison.assumptions
    prices = records(sheet(workbook, "Prices"))
    assert {(row["Item"].value, row["Region"].value, row["To region"].value) for row in prices} == {
        (entry.item, entry.region, entry.to_region) for entry in comparison.prices_used
    }
    tiers = sum(len(entry.tiers) for entry in comparison.prices_used)
    assert len(prices) == tiers
    for row in prices:
        assert isinstance(row["Price (USD per unit)"].value, int | float)
        assert row["Evidence"].value in {"C", "C2", "D", "U", "override"}


def test_text_that_looks_like_a_formula_stays_text(write_estate: WriteEstate, tmp_path: Path) -> None:
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(["src", "dst", "src_az", "dst_az", "gb", "team"])
    writer.writerow(["=1+1", "b", "use1-az1", "use1-az2", "10", HYPERLINK])
    writer.writerow(["b", "=1+1", "use1-az2", "use1-az1", "5", "@SUM(A1)"])
    traffic, topology = write_estate(
        [vpc("=1+1", name="=1+1", cidrs=["10.0.0.0/16"]), vpc("b", azs=["use1-az2"], cidrs=["10.1.0.0/16"])],
        rows.getvalue(),
    )
    comparison = vpccost.compare(traffic, topology, split_by="team", pricing=SNAPSHOT)
    path = tmp_path / "estimate.xlsx"
    write_xlsx([period_of(comparison, date(2026, 1, 1))], path)

    workbook = openpyxl.load_workbook(path)
    values: dict[str, set[str]] = defaultdict(set)
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (worksheet.title, cell.coordinate, cell.value)
                    values[worksheet.title].add(cell.value)
    assert HYPERLINK in values["Line items"]
    assert "=1+1" in values["Line items"]  # the resource of the VPC named (and identified as) =1+1
    assert HYPERLINK in values["By account"]
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name


def test_control_characters_are_escaped_not_fatal() -> None:
    traffic = pd.DataFrame(
        {"src": ["a"], "dst": ["b"], "src_region": ["us-east-1"], "dst_region": ["us-east-1"], "gb": ["10"]}
    )
    traffic["team"] = "bad\x01team_x0041_"
    comparison = vpccost.compare(traffic, split_by="team", pricing=SNAPSHOT)
    workbook = workbook_of([period_of(comparison, date(2026, 1, 1))])
    labels = {row["Label (team)"].value for row in records(sheet(workbook, "Line items"))}
    # OOXML's escapes: Excel shows the control character, and the literal text _x0041_, unchanged
    assert "bad_x0001_team_x005F_x0041_" in labels


def test_two_periods_have_a_month_column_and_a_total_over_the_months(comparison: Comparison) -> None:
    periods = [period_of(comparison, date(2026, 1, 1)), period_of(comparison, date(2026, 2, 1))]
    workbook = workbook_of(periods)
    for name in ("Summary", "Line items", "By account", "Assumptions"):
        assert sheet(workbook, name)["A1"].value == "Month", name
    line_items = records(sheet(workbook, "Line items"))
    assert {row["Month"].value for row in line_items} == {"2026-01", "2026-02"}
    assert len(line_items) == 2 * sum(len(result.line_items) for result in comparison.designs)
    summary = {(row["Month"].value, row["Design"].value): row for row in records(sheet(workbook, "Summary"))}
    totals = {row["Design"].value: row for row in records(sheet(workbook, "Forecast totals"))}
    assert {month for month, _ in summary} == {"2026-01", "2026-02"}  # monthly rows only: they can be summed
    for design, total in json_totals(comparison).items():
        assert cents(number(summary[("2026-01", design)]["Total (USD)"])) == cents(total)
        # the same traffic in both months: the total over the months is twice one month's
        assert totals[design]["Months"].value == "2026-01 to 2026-02"
        assert cents(number(totals[design]["Total (USD)"])) == cents(2 * Decimal(str(total)))
    # a single snapshot: each price appears once, not once per month
    assert len(records(sheet(workbook, "Prices"))) == sum(len(entry.tiers) for entry in comparison.prices_used)


NAMED = [{"id": "111111111111", "name": "network", "cost_center": "CC-1"}, {"id": "222222222222", "name": "prod"}]


def split_by_team() -> Comparison:
    """Hand-written lines of design sharing split by team: 111… pays 2.00 unlabelled and 0.05 for web; 222… pays
    1.00 for api and 0.10 + 0.20 for web. Design dear: 222… pays 5.00 for web."""
    sharing = [
        line("sharing", "2.00", payer="111111111111"),
        line("sharing", "0.10", payer="222222222222", label="web"),
        line("sharing", "0.20", payer="222222222222", label="web"),
        line("sharing", "1.00", payer="222222222222", label="api"),
        line("sharing", "0.05", payer="111111111111", label="web"),
    ]
    dear = [line("dear", "5.00", payer="222222222222", label="web")]
    designs = [DesignResult("sharing", sharing, [], [], [], []), DesignResult("dear", dear, [], [], [], [])]
    return hand_comparison(*designs, accounts=NAMED, split_by="team")


def values(worksheet: Worksheet, *headers: str) -> list[tuple[Any, ...]]:
    rows = records(worksheet)
    return [tuple(row[header].value for header in headers) for row in rows]


def test_by_account_and_line_items_name_each_account_and_its_cost_center() -> None:
    workbook = workbook_of([period_of(split_by_team(), date(2027, 1, 1))])
    by_account = values(
        sheet(workbook, "By account"), "Design", "Payer account", "Account name", "Cost center", "Label (team)",
        "Cost (USD)",
    )  # fmt: skip
    assert by_account == [
        ("sharing", "111111111111", "network", "CC-1", "web", 0.05),
        ("sharing", "111111111111", "network", "CC-1", None, 2),
        ("sharing", "222222222222", "prod", None, "api", 1),
        ("sharing", "222222222222", "prod", None, "web", 0.3),
        ("dear", "222222222222", "prod", None, "web", 5),
    ]
    line_items = values(sheet(workbook, "Line items"), "Payer account", "Account name", "Cost center")
    assert line_items[:2] == [("111111111111", "network", "CC-1"), ("222222222222", "prod", None)]
    headers = [cell.value for cell in sheet(workbook, "Line items")[1]]
    assert headers[headers.index("Payer account") :][:3] == ["Payer account", "Account name", "Cost center"]


def test_by_label_gives_each_teams_cost_and_a_total_equal_to_the_designs() -> None:
    compared = split_by_team()
    workbook = workbook_of([period_of(compared, date(2027, 1, 1))])
    assert workbook.sheetnames == ["Summary", "Line items", "By account", "By label", "Assumptions", "Prices"]
    by_label = sheet(workbook, "By label")
    # sharing: api 1.00; web 0.10 + 0.20 + 0.05 = 0.35; unlabelled (hourly) 2.00; total 3.35. dear: web 5.00.
    assert values(by_label, "Design", "Label (team)", "Cost (USD)", "Design priced") == [
        ("sharing", "api", 1, True),
        ("sharing", "web", 0.35, True),
        ("sharing", NO_LABEL, 2, True),
        ("sharing", "Total", 3.35, True),
        ("dear", "web", 5, True),
        ("dear", "Total", 5, True),
    ]
    totals = {row["Design"].value: row for row in records(by_label) if row["Label (team)"].value == "Total"}
    for design in ("sharing", "dear"):
        assert number(totals[design]["Cost (USD)"]) == compared.design(design).total_usd
        assert totals[design]["Cost (USD)"].font.bold and totals[design]["Cost (USD)"].number_format == MONEY_FORMAT


def test_by_label_of_the_example_totals_each_design_exactly(split_comparison: Comparison) -> None:
    workbook = workbook_of([period_of(split_comparison, date(2026, 1, 1))])
    rows = records(sheet(workbook, "By label"))
    for result in split_comparison.designs:
        mine = [row for row in rows if row["Design"].value == result.design]
        (total,) = (row for row in mine if row["Label (team)"].value == "Total")
        parts = [row for row in mine if row is not total]
        assert {row["Label (team)"].value for row in parts} >= {"data", "storefront"}
        assert cents(number(total["Cost (USD)"])) == cents(result.total_usd)
        assert cents(sum((number(row["Cost (USD)"]) for row in parts), Decimal(0))) == cents(result.total_usd)


def test_the_summary_of_one_estimate_states_the_period_its_totals_are_over(comparison: Comparison) -> None:
    workbook = workbook_of([period_of(comparison, date(2027, 1, 1))])
    summary = sheet(workbook, "Summary")
    headers = [cell.value for cell in summary[1]]
    assert headers[:3] == ["Rank", "Design", "Total (USD)"]
    assert headers[-5:] == ["Period hours", "Period start (UTC)", "Period end (UTC)", "Billing month", "Recommendation"]
    rows = records(summary)
    # the headline and why the cheapest design wins, on its row alone
    assert [row["Recommendation"].value is not None for row in rows] == [True] + [False] * (len(rows) - 1)
    assert str(rows[0]["Recommendation"].value).startswith(f"Cheapest design: {rows[0]['Design'].value} at $")
    for row in rows:
        assert row["Period hours"].value == 730
        assert row["Period start (UTC)"].value == datetime(2027, 1, 1)
        assert row["Period end (UTC)"].value == datetime(2027, 2, 1)
        assert row["Billing month"].value == "2027-01"
    day = vpccost.compare(MULTI / "traffic.csv", MULTI / "topology.yaml", hours=24, pricing=SNAPSHOT)
    (first, *_) = records(sheet(workbook_of([period_of(day, date(2027, 3, 1))]), "Summary"))
    assert first["Period hours"].value == 24
    assert (first["Period start (UTC)"].value, first["Period end (UTC)"].value) == (
        datetime(2027, 3, 1),
        datetime(2027, 3, 2),
    )
    assert first["Billing month"].value == "2027-03"


def test_one_period_has_no_month_column(comparison: Comparison) -> None:
    workbook = workbook_of([period_of(comparison, date(2026, 1, 1))])
    assert sheet(workbook, "Summary")["A1"].value == "Rank"
    assert sheet(workbook, "Line items")["A1"].value == "Design"


def test_no_periods_is_an_error() -> None:
    with pytest.raises(VpccostError, match="no periods"):
        xlsx_bytes([])


def test_write_is_atomic(comparison: Comparison, tmp_path: Path) -> None:
    path = tmp_path / "estimate.xlsx"
    path.write_bytes(b"previous")

    def fail(handle: Any) -> None:
        handle.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomically(path, fail)
    assert path.read_bytes() == b"previous"
    assert [entry.name for entry in tmp_path.iterdir()] == ["estimate.xlsx"]

    write_xlsx([period_of(comparison, date(2026, 1, 1))], path)
    assert zipfile.is_zipfile(path)
    assert [entry.name for entry in tmp_path.iterdir()] == ["estimate.xlsx"]


def test_forecast_totals_give_each_calendar_year_then_the_horizon() -> None:
    growing = vpccost.forecast(
        EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml",
        months=14, growth="7%", start="2027-06", pricing=SNAPSHOT, service_access="design",
    )  # fmt: skip
    rows = records(sheet(workbook_of(growing.periods), "Forecast totals"))
    assert [row["Months"].value for row in rows] == ["2027"] * 5 + ["2028"] * 5 + ["2027-06 to 2028-07"] * 5
    for span in growing.spans():
        ranked = [row for row in rows if row["Months"].value == span.label]
        # the designs that can be built first, cheapest first; then those that cannot
        assert [row["Design"].value for row in ranked][-2:] == ["peering", "transit-gateway"]
        for row in ranked:
            assert cents(number(row["Total (USD)"])) == cents(span.totals_usd[row["Design"].value])
