"""`vpccost compare`: tables, CSV and exports written whole, options checked, exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT, run_cli, run_json
from vpccost.pricing.items import NAT_GATEWAY_HOURS

MULTI: list[str | Path] = [
    EXAMPLES / "multi-account" / "traffic.csv",
    "--topology",
    EXAMPLES / "multi-account" / "topology.yaml",
    "--pricing",
    SNAPSHOT,
]


def test_table_output_ranks_designs_and_lists_assumptions() -> None:
    result = run_cli("compare", *MULTI)
    assert result.exit_code == 0
    assert "cheapest" in result.stdout
    assert "Assumptions" in result.stdout
    assert "break-even" in result.stdout


def test_csv_output_to_a_file(tmp_path: Path) -> None:
    output = tmp_path / "items.csv"
    result = run_cli("compare", *MULTI, "--output", output)
    assert result.exit_code == 0 and result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(output.read_text())))
    multi = EXAMPLES / "multi-account"
    priced = vpccost.compare(multi / "traffic.csv", multi / "topology.yaml", pricing=SNAPSHOT).designs
    assert {row["design"] for row in rows} == {result.design for result in priced if result.line_items}
    assert all(re.match(r"^\d+\.\d{2,}$", row["cost_usd"]) for row in rows)


def test_csv_neutralises_formulas_in_user_text(tmp_path: Path) -> None:
    traffic = tmp_path / "traffic.csv"
    traffic.write_text('src,dst,gb,src_region\n"=HYPERLINK(""http://x"")",internet,5,us-east-1\n')
    result = run_cli("compare", traffic, "--format", "csv", "--designs", "peering", "--pricing", SNAPSHOT)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(row["resource"].startswith("'=HYPERLINK") for row in rows)


def test_designs_option_and_unknown_design() -> None:
    document = json.loads(run_cli("compare", *MULTI, "--designs", "peering,sharing", "--format", "json").stdout)
    assert [design["design"] for design in document["designs"]] == ["peering", "sharing"]
    result = run_cli("compare", *MULTI, "--designs", "transit-gatway")
    assert result.exit_code == 2
    assert "unknown design 'transit-gatway' (did you mean 'transit-gateway'?)" in result.stderr


@pytest.mark.parametrize("hours", ["0", "-5", "many"])
def test_bad_hours(hours: str) -> None:
    result = run_cli("compare", *MULTI, "--hours", hours)
    assert result.exit_code == 2
    assert "hours" in result.stderr


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    result = run_cli("compare", tmp_path / "nope.csv")
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr


def test_focus_export_and_html_report(tmp_path: Path) -> None:
    focus, html = tmp_path / "focus.csv", tmp_path / "report.html"
    result = run_cli("compare", *MULTI, "--format", "focus", "--start", "2027-03", "--output", focus, "--html", html)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(focus.read_text())))
    assert {row["BillingPeriodStart"] for row in rows} == {"2027-03-01T00:00:00Z"}
    assert "<html" in html.read_text()[:500].lower()
    bad_month = run_cli("compare", *MULTI, "--format", "focus", "--start", "March")
    assert bad_month.exit_code == 2
    assert "'March' is not a month" in bad_month.stderr


def test_an_estimate_longer_than_its_billing_month_is_not_dated(tmp_path: Path) -> None:
    # FOCUS charge periods lie within their billing period: 1,000 hours do not fit in February 2027 (672 h)
    result = run_cli("compare", *MULTI, "--hours", "1000", "--format", "focus", "--start", "2027-02")
    assert result.exit_code == 2
    assert "does not fit in 2027-02 (672 h)" in result.stderr
    assert run_cli("compare", *MULTI, "--hours", "1000").exit_code == 0  # undated outputs are fine


FLOWLOGS = EXAMPLES / "flowlogs"


@pytest.fixture(scope="module")
def aggregated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled flow logs (09:00 to 09:30 UTC) aggregated as they are and with --monthly."""
    folder = tmp_path_factory.mktemp("aggregated")
    files = {"window": folder / "traffic.csv", "monthly": folder / "monthly.csv"}
    for kind, path in files.items():
        extra = ["--monthly"] if kind == "monthly" else []
        result = run_cli(
            "flowlogs", "aggregate", FLOWLOGS / "AWSLogs", "-t", FLOWLOGS / "topology.yaml", "-o", path, *extra
        )
        assert result.exit_code == 0, result.stderr
    return files


def _compare_flowlogs(traffic: Path, *arguments: str | Path) -> Any:
    return run_cli("compare", traffic, "-t", FLOWLOGS / "topology.yaml", "--pricing", SNAPSHOT, *arguments)


def _nat_gateway_hours(document: dict[str, Any]) -> str:
    (design,) = [design for design in document["designs"] if design["design"] == "nat"]
    (item,) = [item for item in design["line_items"] if item["item"] == NAT_GATEWAY_HOURS]
    return str(item["quantity"])


def test_compare_prices_the_period_the_flow_log_matrix_records(aggregated: dict[str, Path]) -> None:
    result = _compare_flowlogs(aggregated["window"], "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["period_hours"] == "0.5"
    assert document["assumptions"][0].startswith(
        f"Period: 0.5 hours, recorded by flowlogs aggregate in {aggregated['window']} (730 = one month)"
    )
    # orders has app servers in two AZs: one NAT gateway per AZ, 2 gateways. AWS bills a started hour whole, so
    # the 0.5-hour period is 1 billed hour each: 2 × 1 = 2 NAT gateway hours (a month would be 2 × 730 = 1,460)
    assert _nat_gateway_hours(document) == "2"


def test_compare_accepts_hours_equal_to_the_recorded_period(aggregated: dict[str, Path]) -> None:
    result = _compare_flowlogs(aggregated["window"], "--hours", "0.50", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["period_hours"] == "0.5"


@pytest.mark.parametrize("command", ["compare", "optimize"])
def test_hours_that_disagree_with_the_recorded_period_exit_2_and_write_nothing(
    tmp_path: Path, aggregated: dict[str, Path], command: str
) -> None:
    output = tmp_path / "result.json"
    result = run_cli(
        command, aggregated["window"], "-t", FLOWLOGS / "topology.yaml", "--pricing", SNAPSHOT, "--hours", "730",
        "--output", output,
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"error: {aggregated['window']}, line 1, field 'hours': the traffic covers 0.5 hours" in result.stderr
    assert "recorded by flowlogs aggregate), but --hours is 730" in result.stderr
    assert "give --hours 0.5 (or leave --hours out)" in result.stderr
    assert "aggregate the flow logs with --monthly" in result.stderr
    assert not output.exists()


@pytest.mark.parametrize("arguments", [[], ["--hours", "730"]])
def test_a_monthly_matrix_records_730_hours(aggregated: dict[str, Path], arguments: list[str]) -> None:
    assert aggregated["monthly"].read_text().startswith("# vpccost-period-hours: 730\n")
    result = _compare_flowlogs(aggregated["monthly"], *arguments, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["period_hours"] == "730"
    assert "(volumes scaled from 0.5 hours observed)" in document["assumptions"][0]
    # 2 NAT gateways × 730 hours
    assert _nat_gateway_hours(document) == "1460"


def test_a_traffic_file_without_a_recorded_period_is_priced_as_a_month() -> None:
    result = run_cli("compare", *MULTI, "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["period_hours"] == "730"
    assert document["assumptions"][0].startswith("Period: 730 hours (730 = one month)")


def test_the_headline_checks_the_optimizer_unless_told_not_to() -> None:
    multi = EXAMPLES / "multi-account"
    args: list[str | Path] = [multi / "traffic.csv", "--topology", multi / "topology.yaml", "--pricing", SNAPSHOT]
    checked = run_json("compare", *args)
    assert checked["recommendation"]["headline"] == (
        "Cheapest design: sharing at $760.73/month: already optimal, no mix of options costs less."
    )
    assert checked["recommendation"]["optimized"]["already_optimal"] is True
    skipped = run_json("compare", *args, "--no-optimize")
    assert "optimized" not in skipped["recommendation"]
    assert skipped["recommendation"]["headline"].endswith("run vpccost optimize to look for a cheaper mix of options.")
