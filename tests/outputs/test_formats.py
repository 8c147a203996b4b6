"""The format registry: each format declared once, its writers found by module path, rendering and writing."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT, WriteEstate, vpc
from vpccost.errors import ExportWarning, InputError
from vpccost.outputs.documents import comparison_document
from vpccost.outputs.formats import FORMATS, formats_for, inferred_from, render, write
from vpccost.results import Comparison, Forecast, PriceList

MULTI = (EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml")


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return vpccost.compare(*MULTI)


@pytest.fixture(scope="module")
def outlook() -> Forecast:
    return vpccost.forecast(*MULTI, months=2, growth="10%", start="2027-01")


@pytest.mark.parametrize(
    ("name", "result"), [(entry.name, result) for entry in FORMATS.values() for result in entry.writers]
)
def test_every_writer_named_in_the_registry_exists(name: str, result: type) -> None:
    assert callable(FORMATS[name].writer(result))


def test_importing_the_registry_loads_no_heavy_writer() -> None:
    # plotly draws charts and openpyxl writes workbooks: neither is needed until such a format is written
    # (pyarrow is: it reads traffic files)
    code = (
        "import sys, vpccost\n"
        "before = set(sys.modules)\n"
        "import vpccost.outputs.formats\n"
        "print(sorted(m for m in set(sys.modules) - before if m.startswith(('plotly', 'openpyxl'))))"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"


def test_binary_formats_are_the_file_only_ones() -> None:
    assert {entry.name for entry in FORMATS.values() if entry.binary} == {"parquet", "xlsx"}


@pytest.mark.parametrize(
    ("path", "expected"),
    [("a.json", "json"), ("a.CSV", "csv"), ("a.parquet", "parquet"), ("a.xlsx", "xlsx"), ("a.html", "html"),
     ("a.txt", None), ("a", None)],
)  # fmt: skip
def test_the_output_suffix_names_a_format(path: str, expected: str | None) -> None:
    found = inferred_from(Path(path))
    assert (found.name if found else None) == expected


def test_a_comparison_fits_every_format_and_a_price_list_only_the_text_ones() -> None:
    assert [entry.name for entry in formats_for(Comparison)] == list(FORMATS)
    assert {entry.name for entry in formats_for(PriceList)} <= {"table", "json", "csv"}


def test_render_gives_what_the_format_modules_give(comparison: Comparison) -> None:
    assert json.loads(render("json", comparison)) == json.loads(json.dumps(comparison_document(comparison)))
    table = render("table", comparison)
    assert isinstance(table, str) and "Designs ranked" in table and "\x1b[" not in table
    assert isinstance(render("csv", comparison), str)
    assert isinstance(render("xlsx", comparison), bytes)


def test_a_dated_format_dates_an_estimate_from_start(comparison: Comparison) -> None:
    workbook = load_workbook(io.BytesIO(render("xlsx", comparison, start="2027-05")))  # type: ignore[arg-type]
    facts = {row[0]: row[1] for row in workbook["Assumptions"].iter_rows(min_row=2, values_only=True)}
    assert facts["Billing month"] == "2027-05"
    focus = render("focus", comparison, start="2027-05")
    assert isinstance(focus, str) and "2027-05-01T00:00:00Z" in focus


def test_a_forecast_renders_month_by_month(outlook: Forecast) -> None:
    csv_text = render("csv", outlook)
    assert isinstance(csv_text, str) and "2027-01" in csv_text and "2027-02" in csv_text
    assert "<html" in str(render("html", outlook))[:200].lower()


def test_an_unfitting_format_is_refused_naming_it_and_the_fitting_ones(comparison: Comparison) -> None:
    prices = PriceList(comparison.catalog, "us-east-1")
    with pytest.raises(InputError, match="parquet does not fit a PriceList; choose from table, json"):
        render("parquet", prices)
    with pytest.raises(InputError, match="unknown format yaml"):
        render("yaml", comparison)


def test_write_writes_the_rendered_bytes(comparison: Comparison, tmp_path: Path) -> None:
    target = tmp_path / "estimate.xlsx"
    assert write("xlsx", comparison, target) == target
    assert load_workbook(target).sheetnames[0] == "Summary"
    assert write("json", comparison, tmp_path / "estimate.json").read_text() == render("json", comparison)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["estimate.json", "estimate.xlsx"]


def test_focus_warns_of_each_design_it_leaves_out(write_estate: WriteEstate) -> None:
    # the 2026-11-26 snapshot has no ap-northeast-1 NAT prices: internet traffic leaves peering unpriced there
    traffic, topology = write_estate(
        [vpc("a", region="ap-northeast-1", azs=["apne1-az1"]), vpc("b", region="ap-northeast-1", azs=["apne1-az1"])],
        "src,dst,gb\na,b,10\na,internet,1",
    )
    unpriced = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT)
    with pytest.warns(ExportWarning, match="design peering is not priced and is left out of the FOCUS export"):
        render("focus", unpriced)
