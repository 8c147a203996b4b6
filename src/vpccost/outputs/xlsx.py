"""An estimate or a forecast as an Excel workbook, for finance.

Sheets: Summary (each design's total, rank and problems, per month, or with the period a single estimate's totals
are over), Line items, By account (cost per design and payer account, with the account's name and cost center,
and per label when the estimate is split), By label (when split: cost per design and label value, and each
design's total), Assumptions, and Prices (with provenance); an optimization's workbook adds Decisions (what each
VPC pair and each VPC's AWS-service traffic takes, and why).

Money and quantities are written as numbers, from the exact `Decimal`s, with number formats that show dollars
and cents; Excel itself holds them as binary floating point (15-16 significant digits), so the Parquet export
is the one to use where every digit matters. Text is always written as text: a label, VPC name or resource
that starts with `=` stays a string and never becomes a formula.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from vpccost._version import __version__
from vpccost.errors import VpccostError
from vpccost.outputs.explain import headline, why
from vpccost.outputs.files import write_atomically
from vpccost.outputs.periods import period_of
from vpccost.results import Comparison, DatedComparison, Forecast, ForecastSpan, Growth, Optimization
from vpccost.units import exact_arithmetic

MONEY_FORMAT = '"$"#,##0.00'
"""Totals and line-item costs: dollars and cents (the cell keeps every digit of the exact amount)."""

RATE_FORMAT = '"$"#,##0.00########'
"""Unit prices: at least cents, and up to 10 decimals so per-request prices (USD 0.0000001) show."""

QUANTITY_FORMAT = "#,##0.00####"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

MAX_CELL_TEXT = 32767
"""Excel's limit on the characters of one cell."""

MIN_WIDTH, MAX_WIDTH = 8, 60

Value = str | Decimal | int | bool | datetime | None

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_OOXML_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


@dataclass(frozen=True)
class Column:
    header: str
    number_format: str | None = None


def write_xlsx(periods: Sequence[DatedComparison], path: Path) -> None:
    """Write the workbook of `periods` (one estimate, or a forecast's months) to `path`, atomically: a
    temporary file in the same folder is renamed into place, so an error leaves no half-written file."""
    data = xlsx_bytes(periods)
    write_atomically(path, lambda handle: handle.write(data))


def xlsx_bytes(periods: Sequence[DatedComparison]) -> bytes:
    """The workbook of `periods` as the bytes of an .xlsx file."""
    return _saved(_workbook(periods))


def comparison_xlsx(comparison: Comparison, start: date | str | None = None) -> bytes:
    """The workbook of an estimate dated from `start`'s month (default: next month, UTC)."""
    return xlsx_bytes([period_of(comparison, start)])


def forecast_xlsx(forecast: Forecast, start: date | str | None = None) -> bytes:
    """The workbook of a forecast, month by month (dated by its own months: `start` is not used)."""
    return xlsx_bytes(forecast.periods)


def optimization_xlsx(optimization: Optimization, start: date | str | None = None) -> bytes:
    """The workbook of every design an optimization priced, `optimized` among them, dated from `start`'s month
    (default: next month, UTC), with a Decisions sheet."""
    workbook = _workbook([period_of(optimization.comparison, start)])
    _decisions(workbook.create_sheet("Decisions"), optimization)
    return _saved(workbook)


def _workbook(periods: Sequence[DatedComparison]) -> Workbook:
    if not periods:
        raise VpccostError("no periods to write: an estimate needs at least one")
    workbook = Workbook()
    summary = workbook.active
    assert isinstance(summary, Worksheet)
    summary.title = "Summary"
    _summary(summary, periods)
    if _several(periods):
        _forecast_totals(workbook.create_sheet("Forecast totals"), periods)
    _line_items(workbook.create_sheet("Line items"), periods)
    _by_account(workbook.create_sheet("By account"), periods)
    if _split_by(periods) is not None:
        _by_label(workbook.create_sheet("By label"), periods)
    _assumptions(workbook.create_sheet("Assumptions"), periods)
    _prices(workbook.create_sheet("Prices"), periods)
    workbook.properties.creator = f"vpccost {__version__}"
    return workbook


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- sheets ---------------------------------------------------------------------------------------------------


def _several(periods: Sequence[DatedComparison]) -> bool:
    return len(periods) > 1


def _split_by(periods: Sequence[DatedComparison]) -> str | None:
    """The label column the estimate is split by (None when it is not split)."""
    names = {period.comparison.settings.split_by for period in periods} - {None}
    if not names:
        return None
    return names.pop() if len(names) == 1 else ""


def _label_header(split_by: str) -> str:
    return f"Label ({split_by})" if split_by else "Label"


def _design_columns() -> list[Column]:
    """The columns of a ranked design: Summary's, and Forecast totals'."""
    return [
        Column("Rank"),
        Column("Design"),
        Column("Total (USD)", MONEY_FORMAT),
        Column("Priced"),
        Column("Feasible"),
        Column("Problems"),
        Column("Quota increases"),
        Column("Missing prices"),
    ]


def _summary(sheet: Worksheet, periods: Sequence[DatedComparison]) -> None:
    """Each design ranked with its total; a forecast's per month, a single estimate's with the period the total
    is over (its hours, start, end and billing month) on every row."""
    several = _several(periods)
    columns = [
        *([Column("Month")] if several else []),
        *_design_columns(),
        *([] if several else [*_PERIOD_COLUMNS, Column("Recommendation")]),
    ]
    rows: list[list[Value]] = []
    for period in periods:
        cheapest = period.comparison.cheapest
        for rank, result in enumerate(period.comparison.ranked, start=1):
            rows.append(
                [
                    *([period.month] if several else []),
                    rank,
                    result.design,
                    result.total_usd,
                    result.priced,
                    result.feasible,
                    "; ".join(result.problems),
                    "; ".join(result.quota_increases),
                    "; ".join(result.missing_prices),
                    *([] if several else _period_cells(period)),
                    *([] if several else [_recommendation(period.comparison) if result is cheapest else None]),
                ]
            )
    _write_table(sheet, columns, rows)


def _recommendation(comparison: Comparison) -> str:
    """The headline and why the cheapest design wins, on its Summary row."""
    return f"{headline(comparison)} {why(comparison)}"


_PERIOD_COLUMNS = [
    Column("Period hours", QUANTITY_FORMAT),
    Column("Period start (UTC)", DATETIME_FORMAT),
    Column("Period end (UTC)", DATETIME_FORMAT),
    Column("Billing month"),
]
"""What a single estimate's totals are over, after the Summary's design columns."""


def _period_cells(period: DatedComparison) -> list[Value]:
    return [
        period.comparison.settings.period_hours,
        _excel_time(period.start),
        _excel_time(period.end),
        period.month,
    ]


def _forecast_totals(sheet: Worksheet, periods: Sequence[DatedComparison]) -> None:
    """A forecast's totals per calendar year and over all its months, on a sheet of their own."""
    columns = [Column("Months"), *_design_columns()]
    _write_table(sheet, columns, _forecast_total_rows(periods))


def _forecast_total_rows(periods: Sequence[DatedComparison]) -> list[list[Value]]:
    """Per span (each calendar year, then the whole horizon), one row per design ranked: its total over the span
    (none when a month is unpriced); a design that cannot be built in every month ranks after those that can."""
    forecast = Forecast(periods=list(periods), growth=Growth(tuple(p.volume_factor for p in periods), ""))
    rows: list[list[Value]] = []
    for span in forecast.spans():
        chosen = [period for period in periods if period.month in span.months]

        def key(design: str, span: ForecastSpan = span) -> tuple[int, Decimal, str]:
            total = span.totals_usd[design]
            group = 0 if forecast.buildable(design) else 1 if total is not None else 2
            return (group, total if total is not None else Decimal(0), design)

        for rank, design in enumerate(sorted(forecast.designs, key=key), start=1):
            results = [period.comparison.design(design) for period in chosen]
            rows.append(
                [
                    span.label,
                    rank,
                    design,
                    span.totals_usd[design],
                    all(result.priced for result in results),
                    all(result.feasible for result in results),
                    "; ".join(_unique(text for result in results for text in result.problems)),
                    "; ".join(_unique(text for result in results for text in result.quota_increases)),
                    "; ".join(_unique(text for result in results for text in result.missing_prices)),
                ]
            )
    return rows


def _unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def _line_items(sheet: Worksheet, periods: Sequence[DatedComparison]) -> None:
    several = _several(periods)
    split_by = _split_by(periods)
    columns = [
        *([Column("Month")] if several else []),
        Column("Design"),
        Column("Component"),
        Column("Service code"),
        Column("Usage type"),
        Column("Region"),
        Column("Resource"),
        Column("Payer account"),
        Column("Account name"),
        Column("Cost center"),
        Column("Quantity", QUANTITY_FORMAT),
        Column("Unit"),
        Column("Rate (USD)", RATE_FORMAT),
        Column("Cost (USD)", MONEY_FORMAT),
        Column("Price verified"),
        *([Column(_label_header(split_by))] if split_by is not None else []),
    ]
    rows: list[list[Value]] = []
    for period in periods:
        for result in period.comparison.designs:
            for item in result.line_items:
                rows.append(
                    [
                        *([period.month] if several else []),
                        item.design,
                        item.component,
                        item.service_code,
                        item.usage_type,
                        item.region,
                        item.resource,
                        item.payer_account,
                        period.comparison.account_name(item.payer_account),
                        period.comparison.cost_center(item.payer_account),
                        item.quantity,
                        item.unit,
                        item.rate_usd,
                        item.cost_usd,
                        item.price_verified,
                        *([item.label] if split_by is not None else []),
                    ]
                )
    _write_table(sheet, columns, rows)


def _by_account(sheet: Worksheet, periods: Sequence[DatedComparison]) -> None:
    """Cost per design and payer account (and label, when split). A design with a missing price has no total;
    its rows sum only the line items that could be priced, and say so in `Design priced`."""
    several = _several(periods)
    split_by = _split_by(periods)
    columns = [
        *([Column("Month")] if several else []),
        Column("Design"),
        Column("Payer account"),
        Column("Account name"),
        Column("Cost center"),
        *([Column(_label_header(split_by))] if split_by is not None else []),
        Column("Cost (USD)", MONEY_FORMAT),
        Column("Design priced"),
    ]
    rows: list[list[Value]] = []
    for period in periods:
        for result in period.comparison.designs:
            for row in period.comparison.by_account(result.design, by_label=split_by is not None):
                rows.append(
                    [
                        *([period.month] if several else []),
                        result.design,
                        row.account,
                        row.name,
                        row.cost_center,
                        *([row.label] if split_by is not None else []),
                        row.cost_usd,
                        result.priced,
                    ]
                )
    _write_table(sheet, columns, rows)


NO_LABEL = "(unlabelled: hourly resources)"
"""The By label row of the lines no label applies to (hourly resources)."""
TOTAL_LABEL = "Total"


def _by_label(sheet: Worksheet, periods: Sequence[DatedComparison]) -> None:
    """Cost per design and label value, then a bold `Total` row per design: the exact sum of its rows, which is
    the design's total when it is priced (otherwise the sum of the line items that could be priced)."""
    several = _several(periods)
    split_by = _split_by(periods)
    assert split_by is not None
    columns = [
        *([Column("Month")] if several else []),
        Column("Design"),
        Column(_label_header(split_by)),
        Column("Cost (USD)", MONEY_FORMAT),
        Column("Design priced"),
    ]
    rows: list[list[Value]] = []
    totals: list[int] = []
    for period in periods:
        prefix: list[Value] = [period.month] if several else []
        for result in period.comparison.designs:
            costs = period.comparison.by_label(result.design)
            rows += [
                [*prefix, result.design, NO_LABEL if row.label is None else row.label, row.cost_usd, result.priced]
                for row in costs
            ]
            with exact_arithmetic():
                total = sum((row.cost_usd for row in costs), Decimal(0))
            rows.append([*prefix, result.design, TOTAL_LABEL, total, result.priced])
            totals.append(len(rows) + 1)
    _write_table(sheet, columns, rows)
    bold = Font(bold=True)
    for row_number in totals:
        for cell in sheet[row_number]:
            cell.font = bold


def _decisions(sheet: Worksheet, optimization: Optimization) -> None:
    """One row per decision of the optimizer, VPC pairs then AWS-service traffic, largest volume first."""
    columns = [Column("Kind"), Column("Subject"), Column("Option"), Column("GB", QUANTITY_FORMAT), Column("Reason")]
    rows: list[list[Value]] = [
        ["pair", " ↔ ".join(pair.vpcs), pair.option or "unroutable", pair.gb, pair.reason]
        for pair in sorted(optimization.pairs, key=lambda p: (-p.gb, p.vpcs))
    ]
    rows += [
        ["service", f"{service.vpc} → {service.service}", service.option, service.gb, service.reason]
        for service in sorted(optimization.services, key=lambda s: (-s.gb, s.vpc, s.service))
    ]
    _write_table(sheet, columns, rows)


def _assumptions(sheet: Worksheet, periods: Sequence[DatedComparison]) -> None:
    several = _several(periods)
    columns = [*([Column("Month")] if several else []), Column("Topic"), Column("Value")]
    rows: list[list[Value]] = []
    for period in periods:
        comparison = period.comparison
        prefix: list[Value] = [period.month] if several else []
        facts: list[tuple[str, Value]] = [
            ("Period start (UTC)", _excel_time(period.start)),
            ("Period end (UTC)", _excel_time(period.end)),
            ("Billing month", period.month),
            ("Period hours", comparison.settings.period_hours),
            ("Pricing snapshot", comparison.catalog.name),
            ("Currency", comparison.catalog.currency),
            ("Split by label", comparison.settings.split_by),
            ("vpccost version", __version__),
        ]
        rows += [[*prefix, topic, value] for topic, value in facts]
        rows += [[*prefix, "Assumption", text] for text in comparison.assumptions]
        rows += [[*prefix, "Warning", text] for text in comparison.warnings]
    _write_table(sheet, columns, rows, autofilter=False, formats={"Value": _assumption_format})


def _assumption_format(value: Value) -> str | None:
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, Decimal):
        return QUANTITY_FORMAT
    return None


def _excel_time(moment: datetime) -> datetime:
    """Excel has no time zones: the UTC wall time."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _prices(sheet: Worksheet, periods: Sequence[DatedComparison]) -> None:
    """Every price the estimate used, one row per tier, with where it comes from. A forecast's months usually
    share a snapshot; each distinct (snapshot, price) appears once."""
    columns = [
        Column("Snapshot"),
        Column("Item"),
        Column("Region"),
        Column("To region"),
        Column("Service code"),
        Column("Usage type"),
        Column("Unit"),
        Column("Tier"),
        Column("Tier begin", QUANTITY_FORMAT),
        Column("Tier end", QUANTITY_FORMAT),
        Column("Tier period"),
        Column("Price (USD per unit)", RATE_FORMAT),
        Column("SKU"),
        Column("Source"),
        Column("Evidence"),
        Column("Verified"),
        Column("Note"),
    ]
    seen: set[tuple[str, object]] = set()
    rows: list[list[Value]] = []
    for comparison in (period.comparison for period in periods):
        for entry in comparison.prices_used:
            if (comparison.catalog.name, entry) in seen:
                continue
            seen.add((comparison.catalog.name, entry))
            for number, tier in enumerate(entry.tiers, start=1):
                rows.append(
                    [
                        comparison.catalog.name,
                        entry.item,
                        entry.region,
                        entry.to_region,
                        entry.service_code,
                        entry.usage_type,
                        entry.unit,
                        number,
                        tier.begin,
                        tier.end,
                        entry.tier_period,
                        tier.price_usd,
                        entry.sku,
                        entry.source,
                        entry.evidence,
                        entry.verified,
                        entry.note,
                    ]
                )
    _write_table(sheet, columns, rows)


# ---- cells ----------------------------------------------------------------------------------------------------


def _write_table(
    sheet: Worksheet,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Value]],
    *,
    autofilter: bool = True,
    formats: dict[str, Callable[[Value], str | None]] | None = None,
) -> None:
    """Header row (bold, frozen), then the rows; numbers with their column's format, text always as text."""
    bold = Font(bold=True)
    widths = [len(column.header) + 3 for column in columns]
    for index, column in enumerate(columns, start=1):
        cell = _cell(sheet, 1, index)
        _set_text(cell, column.header)
        cell.font = bold
    for row_number, row in enumerate(rows, start=2):
        for index, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
            if value is None or value == "":
                continue
            cell = _cell(sheet, row_number, index)
            if isinstance(value, str):
                _set_text(cell, value)
                widths[index - 1] = max(widths[index - 1], len(value) + 1)
                continue
            cell.value = value
            chosen = formats[column.header](value) if formats and column.header in formats else column.number_format
            if chosen is not None:
                cell.number_format = chosen
            widths[index - 1] = max(widths[index - 1], _display_width(value))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"
    if autofilter:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"


def _cell(sheet: Worksheet, row: int, column: int) -> Cell:
    cell = sheet.cell(row=row, column=column)
    assert isinstance(cell, Cell)  # not a merged cell: the sheets merge none
    return cell


def _set_text(cell: Cell, text: str) -> None:
    """Store `text` as a string cell. openpyxl makes any string that starts with `=` a formula (and `#N/A`
    and the like an error); the data type is set back to string after assigning, so it never is one."""
    escaped = _ooxml_text(text)
    if len(escaped) > MAX_CELL_TEXT:
        raise VpccostError(f"text of {len(escaped)} characters does not fit in a spreadsheet cell: {text[:80]}…")
    cell.value = escaped
    cell.data_type = "s"


def _ooxml_text(text: str) -> str:
    """Escape what XML cannot carry (control characters) the way OOXML does, as `_xHHHH_`, and escape the
    underscore of text that already reads as such an escape, so Excel shows the text unchanged."""
    text = _OOXML_ESCAPE.sub("_x005F_", text)
    return _ILLEGAL_XML.sub(lambda match: f"_x{ord(match.group(0)):04X}_", text)


def _display_width(value: Value) -> int:
    if isinstance(value, bool):
        return 6
    if isinstance(value, datetime):
        return 17
    if isinstance(value, Decimal | int):
        return len(f"{value:,.2f}") + 3
    return 10
