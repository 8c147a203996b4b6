"""`vpccost breakeven` in every format that fits a break-even: CSV segments and the chart page."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, SNAPSHOT, run_cli

S3 = EXAMPLES / "s3-access"
BREAKEVEN: list[str | Path] = [
    "breakeven", S3 / "traffic.csv", "--topology", S3 / "topology.yaml", "--vpc", "ingest", "--service", "aws:s3",
    "--options", "nat,interface-endpoint", "--pricing", SNAPSHOT,
]  # fmt: skip


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    result = run_cli(*BREAKEVEN, "--format", "json")
    assert result.exit_code == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def test_csv_has_a_row_per_segment_of_both_cost_lines(document: dict[str, Any]) -> None:
    result = run_cli(*BREAKEVEN, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "subject", "region", "period_hours", "option", "fixed_usd", "from_gb", "to_gb", "usd_per_gb", "gb",
        "cost_usd_now", "breakeven_gb",
    ]  # fmt: skip
    options = document["options"]
    assert [row["option"] for row in rows] == [line["option"] for line in options for _ in line["usd_per_gb"]]
    # NAT: $0.045/GB x 1,215 GB = $54.675; the endpoint: 14.60 fixed + 0.01 x 1,215 = $26.75 (see test_breakeven)
    now = {row["option"]: row["cost_usd_now"] for row in rows}
    assert (
        now
        == {line["option"]: line["cost_usd_now"] for line in options}
        == {
            "nat": "54.675",
            "interface-endpoint": "26.75",
        }
    )
    assert {row["breakeven_gb"] for row in rows} == {document["breakeven_gb"]} == {"417.142857142858"}
    rates = [(row["from_gb"], row["to_gb"], row["usd_per_gb"]) for row in rows if row["option"] == "interface-endpoint"]
    assert rates == [(s["from_gb"], s["to_gb"] or "", s["usd_per_gb"]) for s in options[1]["usd_per_gb"]]


def test_csv_inferred_from_the_suffix(tmp_path: Path) -> None:
    target = tmp_path / "lines.csv"
    result = run_cli(*BREAKEVEN, "--output", target)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text().startswith("subject,region,")


def test_html_is_the_chart_page(tmp_path: Path) -> None:
    target, chart = tmp_path / "page.html", tmp_path / "chart.html"
    result = run_cli(*BREAKEVEN, "--output", target, "--html", chart)
    assert result.exit_code == 0, result.stderr
    page = target.read_text()
    assert page.lower().startswith("<!doctype html>") and "Plotly.newPlot" in page
    assert "nat vs interface-endpoint" in page and "break-even 417.142857142858 GB" in page
    assert "Plotly.newPlot" in chart.read_text()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["chart.html", "page.html"]


def test_a_subject_that_starts_like_a_formula_is_neutralised_in_csv(tmp_path: Path) -> None:
    topology = tmp_path / "topology.yaml"
    topology.write_text("vpcs:\n  - {id: '=cmd', account: '111111111111', region: us-east-1, azs: [use1-az1]}\n")
    traffic = tmp_path / "traffic.csv"
    traffic.write_text("src,dst,gb\n=cmd,aws:s3,100\n")
    result = run_cli(
        "breakeven", traffic, "-t", topology, "--vpc", "=cmd", "--service", "aws:s3",
        "--options", "nat,interface-endpoint", "--format", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    subjects = {row["subject"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert subjects == {"'=cmd → aws:s3"}


def test_cli_writes_json_and_the_chart(tmp_path: Path) -> None:
    chart = tmp_path / "chart.html"
    arguments = ["--vpc", "ingest", "--service", "aws:s3", "--options", "nat,interface-endpoint"]
    result = run_cli(
        "breakeven", S3 / "traffic.csv", "-t", S3 / "topology.yaml", *arguments, "--html", chart, "-f", "json",
        "--pricing", SNAPSHOT,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert '"breakeven_gb": "417.142857142858"' in result.stdout
    assert "plotly" in chart.read_text()
