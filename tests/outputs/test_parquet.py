"""The Parquet export: read back with pyarrow, money and quantities are exact decimals whose per-design sums
equal the comparison's totals exactly."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT
from vpccost.errors import VpccostError
from vpccost.outputs.documents import comparison_document
from vpccost.outputs.parquet import decimal_type, write_parquet
from vpccost.outputs.periods import period_of
from vpccost.results import Comparison, DatedComparison, LineItem

MULTI = EXAMPLES / "multi-account"


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return vpccost.compare(MULTI / "traffic.csv", MULTI / "topology.yaml", pricing=SNAPSHOT)


@pytest.fixture(scope="module")
def split_comparison() -> Comparison:
    return vpccost.compare(MULTI / "traffic.csv", MULTI / "topology.yaml", split_by="team", pricing=SNAPSHOT)


def read(periods: list[DatedComparison], tmp_path: Path) -> pa.Table:
    path = tmp_path / "line_items.parquet"
    write_parquet(periods, path)
    assert [entry.name for entry in tmp_path.iterdir()] == ["line_items.parquet"]  # no temporary file left
    return pq.read_table(path)


def test_money_and_quantities_are_exact_decimals(comparison: Comparison, tmp_path: Path) -> None:
    table = read([period_of(comparison, date(2026, 1, 1))], tmp_path)
    for name in ("quantity", "rate_usd", "cost_usd"):
        assert pa.types.is_decimal(table.schema.field(name).type), name
    assert table.column_names == [*(name for name in LineItem._fields if name != "label"), "design_priced"]
    priced = {result.design: result.priced for result in comparison.designs}
    assert table.column("design_priced").to_pylist() == [
        priced[design] for design in table.column("design").to_pylist()
    ]
    items = [item for result in comparison.designs for item in result.line_items]
    for name in ("quantity", "rate_usd", "cost_usd"):
        assert table.column(name).to_pylist() == [getattr(item, name) for item in items], name
    assert table.column("resource").to_pylist() == [item.resource for item in items]


def test_per_design_sums_equal_the_totals_exactly(comparison: Comparison, tmp_path: Path) -> None:
    table = read([period_of(comparison, date(2026, 1, 1))], tmp_path)
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for design, cost in zip(table.column("design").to_pylist(), table.column("cost_usd").to_pylist(), strict=True):
        sums[design] += cost
    assert sums == {result.design: result.total_usd for result in comparison.designs}
    # and, as the JSON contract writes them (multi-account: sharing 2003.5075 USD)
    document = comparison_document(comparison)
    assert sums == {design["design"]: Decimal(design["total_usd"]) for design in document["designs"]}


def test_split_estimate_has_a_label_column(split_comparison: Comparison, tmp_path: Path) -> None:
    table = read([period_of(split_comparison, date(2026, 1, 1))], tmp_path)
    assert table.column_names[-2:] == ["label", "design_priced"]
    labels = set(table.column("label").to_pylist())
    assert {"storefront", "checkout", "platform", "data"} <= labels
    assert None in labels  # hourly resources carry no label


def test_several_periods_have_a_month_column_and_provenance(comparison: Comparison, tmp_path: Path) -> None:
    periods = [period_of(comparison, date(2026, 1, 1)), period_of(comparison, date(2026, 2, 1))]
    table = read(periods, tmp_path)
    assert table.column_names[0] == "month"
    months = table.column("month").to_pylist()
    assert months.count("2026-01") == months.count("2026-02") == table.num_rows // 2
    metadata = json.loads(table.schema.metadata[b"vpccost"])
    assert [period["month"] for period in metadata["periods"]] == ["2026-01", "2026-02"]
    assert metadata["periods"][0]["snapshot"] == comparison.catalog.name
    assert metadata["periods"][0]["period_start"] == "2026-01-01T00:00:00Z"


def test_decimal_type_is_as_narrow_as_the_data_allows() -> None:
    # 12345.6789 needs 5 digits before the point; 0.0000001 (a per-request price) 7 after it
    assert decimal_type("rate_usd", [Decimal("12345.6789"), Decimal("1E-7"), Decimal("0.040")]) == pa.decimal128(12, 7)
    # trailing zeros carry no digits; money keeps at least cents
    assert decimal_type("cost_usd", [Decimal("100.000"), Decimal("1E+2")]) == pa.decimal128(5, 2)
    assert decimal_type("quantity", [Decimal("1460")]) == pa.decimal128(4, 0)
    assert decimal_type("quantity", []) == pa.decimal128(1, 0)


def test_a_value_that_does_not_fit_decimal128_is_refused() -> None:
    with pytest.raises(VpccostError, match=r"cost_usd cannot be stored exactly.*needs 41 digits.*38"):
        decimal_type("cost_usd", [Decimal("1E+30"), Decimal("1E-10")])


def test_a_failed_write_leaves_the_previous_file(
    comparison: Comparison, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "line_items.parquet"
    path.write_bytes(b"previous")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(pq, "write_table", fail)
    with pytest.raises(OSError, match="disk full"):
        write_parquet([period_of(comparison, date(2026, 1, 1))], path)
    assert path.read_bytes() == b"previous"
    assert [entry.name for entry in tmp_path.iterdir()] == ["line_items.parquet"]
