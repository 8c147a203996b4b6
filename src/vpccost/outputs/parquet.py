"""An estimate's or a forecast's line items as a Parquet file, with exact decimals.

`quantity`, `rate_usd` and `cost_usd` are Parquet decimals (Arrow `decimal128`) whose scale holds every value
exactly: the scale is the most decimals any value of the column needs, the precision its widest value. A value
that would need more than decimal128's 38 digits is refused rather than rounded.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from vpccost._version import __version__
from vpccost.errors import VpccostError
from vpccost.outputs.files import write_atomically
from vpccost.outputs.periods import period_of
from vpccost.results import Comparison, DatedComparison, Forecast, LineItem, Optimization
from vpccost.units import format_decimal, utc_text

DECIMAL128_MAX_PRECISION = 38
DECIMAL_COLUMNS = ("quantity", "rate_usd", "cost_usd")
MIN_SCALE = {"quantity": 0, "rate_usd": 2, "cost_usd": 2}
"""Money columns keep at least cents even when every value is whole."""

TEXT_COLUMNS = ("design", "component", "service_code", "usage_type", "region", "resource", "payer_account", "unit")


def write_parquet(periods: Sequence[DatedComparison], path: Path) -> None:
    """Write the line items of `periods` to `path` as Parquet, atomically (a temporary file in the same folder
    renamed into place). Columns: `month` when there are several periods, the line-item fields, and `label`
    when the estimate is split by a label column."""
    table = line_items_table(periods)
    write_atomically(path, lambda handle: pq.write_table(table, handle))


def parquet_bytes(periods: Sequence[DatedComparison]) -> bytes:
    """The Parquet file of `periods`' line items, as bytes."""
    buffer = io.BytesIO()
    pq.write_table(line_items_table(periods), buffer)
    return buffer.getvalue()


def comparison_parquet(comparison: Comparison, start: date | str | None = None) -> bytes:
    """The line items of an estimate dated from `start`'s month (default: next month, UTC)."""
    return parquet_bytes([period_of(comparison, start)])


def optimization_parquet(optimization: Optimization, start: date | str | None = None) -> bytes:
    """The line items of every design an optimization priced, `optimized` among them, dated as an estimate."""
    return parquet_bytes([period_of(optimization.comparison, start)])


def forecast_parquet(forecast: Forecast, start: date | str | None = None) -> bytes:
    """The line items of every month of a forecast (dated by its own months: `start` is not used)."""
    return parquet_bytes(forecast.periods)


def line_items_table(periods: Sequence[DatedComparison]) -> pa.Table:
    """The line items of `periods` as an Arrow table with exact decimal columns."""
    if not periods:
        raise VpccostError("no periods to write: an estimate needs at least one")
    several = len(periods) > 1
    split = any(period.comparison.settings.split_by is not None for period in periods)
    rows: list[tuple[DatedComparison, bool, LineItem]] = [
        (period, result.priced, item)
        for period in periods
        for result in period.comparison.designs
        for item in result.line_items
    ]
    columns: dict[str, pa.Array] = {}
    if several:
        columns["month"] = pa.array([period.month for period, _, _ in rows], type=pa.string())
        factors = [period.volume_factor for period, _, _ in rows]
        columns["volume_factor"] = pa.array(factors, type=decimal_type("volume_factor", factors))
    for name in LineItem._fields:
        if name == "label" and not split:
            continue
        values = [getattr(item, name) for _, _, item in rows]
        if name in DECIMAL_COLUMNS:
            columns[name] = pa.array(values, type=decimal_type(name, values))
        elif name == "price_verified":
            columns[name] = pa.array(values, type=pa.bool_())
        else:
            columns[name] = pa.array(values, type=pa.string())
    columns["design_priced"] = pa.array([priced for _, priced, _ in rows], type=pa.bool_())
    schema = pa.schema(
        [pa.field(name, array.type, nullable=name in {"label", "to_region", "tier"}) for name, array in columns.items()]
    )
    return pa.Table.from_arrays(list(columns.values()), schema=schema.with_metadata(_metadata(periods)))


def decimal_type(column: str, values: Sequence[Decimal]) -> pa.DataType:
    """The narrowest `decimal128(precision, scale)` that holds every value of `column` exactly."""
    integer_digits = 1
    scale = MIN_SCALE.get(column, 0)
    for value in values:
        digits, decimals = _digits(column, value)
        integer_digits = max(integer_digits, digits)
        scale = max(scale, decimals)
    precision = integer_digits + scale
    if precision > DECIMAL128_MAX_PRECISION:
        widest = max(values, key=lambda value: _digits(column, value)[0])
        finest = max(values, key=lambda value: _digits(column, value)[1])
        raise VpccostError(
            f"column {column} cannot be stored exactly as a Parquet decimal: it needs {precision} digits "
            f"({integer_digits} before the point, e.g. {format_decimal(widest)}, and {scale} after it, "
            f"e.g. {format_decimal(finest)}), more than decimal128's {DECIMAL128_MAX_PRECISION}"
        )
    return pa.decimal128(precision, scale)


def _digits(column: str, value: Decimal) -> tuple[int, int]:
    """(digits before the decimal point, digits after it) of `value` without trailing zeros."""
    if not value.is_finite():
        raise VpccostError(f"column {column} holds {value}, which is not a finite number")
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    significant = len(digits)
    while significant > 0 and digits[significant - 1] == 0:
        significant -= 1
        exponent += 1
    if significant == 0:
        return (0, 0)
    return (max(0, significant + exponent), max(0, -exponent))


def _metadata(periods: Sequence[DatedComparison]) -> dict[str, str]:
    """Provenance in the file's key-value metadata: the vpccost version, and each period's dates, hours,
    price snapshot, label column, volume factor and assumptions (the growth assumption among them)."""
    described: list[dict[str, Any]] = [
        {
            "month": period.month,
            "period_start": utc_text(period.start),
            "period_end": utc_text(period.end),
            "period_hours": format_decimal(period.comparison.settings.period_hours),
            "snapshot": period.comparison.catalog.name,
            "currency": period.comparison.catalog.currency,
            "split_by": period.comparison.settings.split_by,
            "volume_factor": format_decimal(period.volume_factor),
            "assumptions": period.comparison.assumptions,
        }
        for period in periods
    ]
    return {"vpccost": json.dumps({"vpccost_version": __version__, "periods": described})}
