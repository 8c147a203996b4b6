"""`vpccost optimize` in every format that fits an optimization: the figures agree with the JSON document."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLES, SNAPSHOT, run_cli

HUB = EXAMPLES / "optimizer" / "hub-peering-quota"


# the README's example: three peerings per VPC at most, so the optimizer mixes peering and a transit gateway
OPTIMIZE: list[str | Path] = [
    "optimize", HUB / "traffic.csv", "--topology", HUB / "topology.yaml", "--allow", "peering,transit-gateway",
    "--peering-quota", "3", "--pricing", SNAPSHOT,
]  # fmt: skip


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    result = run_cli(*OPTIMIZE, "--format", "json")
    assert result.exit_code == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def totals(document: dict[str, Any]) -> dict[str, Decimal]:
    return {design["design"]: Decimal(design["total_usd"]) for design in document["designs"]}


def sums(rows: list[dict[str, Any]], design: str = "design", cost: str = "cost_usd") -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for row in rows:
        found[row[design]] = found.get(row[design], Decimal(0)) + Decimal(str(row[cost]))
    return found


def test_csv_holds_the_line_items_of_every_design_with_optimized(document: dict[str, Any]) -> None:
    result = run_cli(*OPTIMIZE, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[:3] == ["design", "component", "service_code"]
    assert totals(document)["optimized"] == Decimal("115.50")  # 5 line items, worked out in examples/optimizer
    assert sums(rows)["optimized"] == totals(document)["optimized"]
    assert {name: total for name, total in totals(document).items() if total} == sums(rows)


def test_xlsx_inferred_from_the_suffix_has_the_workbook_and_the_decisions(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    target = tmp_path / "optimized.xlsx"
    result = run_cli(*OPTIMIZE, "--output", target)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Summary", "Line items", "By account", "Assumptions", "Prices", "Decisions"]
    summary = {row[1]: row[2] for row in workbook["Summary"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(summary["optimized"])) == totals(document)["optimized"]
    decisions = list(workbook["Decisions"].iter_rows(values_only=True))
    assert decisions[0] == ("Kind", "Subject", "Option", "GB", "Reason")
    pairs = document["optimization"]["pairs"]
    assert len(decisions) - 1 == len(pairs) + len(document["optimization"]["services"])
    assert sorted(str(row[2]) for row in decisions[1:]) == sorted(pair["option"] for pair in pairs)


def test_parquet_inferred_from_the_suffix_keeps_exact_totals(tmp_path: Path, document: dict[str, Any]) -> None:
    target = tmp_path / "optimized.parquet"
    result = run_cli(*OPTIMIZE, "--output", target)
    assert result.exit_code == 0, result.stderr
    rows = pq.read_table(target).to_pylist()
    assert sums(rows)["optimized"] == totals(document)["optimized"]


def test_focus_lists_the_optimized_design(document: dict[str, Any]) -> None:
    result = run_cli(*OPTIMIZE, "--format", "focus")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sums(rows, design="x_Design", cost="BilledCost")["optimized"] == totals(document)["optimized"]


def test_html_inferred_from_the_suffix_is_the_report_of_its_comparison(tmp_path: Path) -> None:
    target = tmp_path / "optimized.html"
    result = run_cli(*OPTIMIZE, "--output", target)
    assert result.exit_code == 0, result.stderr
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "vpccost report" in page and "optimized" in page and "Plotly" in page


def test_binary_formats_need_an_output_file(tmp_path: Path) -> None:
    result = run_cli(*OPTIMIZE, "--format", "parquet")
    assert result.exit_code == 2
    assert result.stderr == "error: --format parquet writes a file: give --output FILE\n"


OPTIMIZER = EXAMPLES / "optimizer"


def test_the_table_shows_decisions() -> None:
    folder = OPTIMIZER / "hub-peering-quota"
    result = run_cli("optimize", folder / "traffic.csv", "-t", folder / "topology.yaml", "--peering-quota", "3",
                     "--pricing", SNAPSHOT)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "optimized" in result.stdout
    assert "Decisions" in result.stdout
