"""`vpccost compare`: tables, CSV and exports written whole, options checked, exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT, run_cli

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
