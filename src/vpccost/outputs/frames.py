"""Results as tidy DataFrames and CSV, and the small HTML tables notebooks show.

Money and quantities stay exact decimals: DataFrames hold `Decimal` objects, CSV plain decimal text. Text
that came from user data is neutralised in CSV so a spreadsheet never reads it as a formula.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Sequence

import pandas as pd

from vpccost.model.aws_facts import region_name
from vpccost.outputs.documents import LINE_ITEM_FIELDS, MONEY_FIELDS, breakeven_document
from vpccost.outputs.text import neutralize_formula
from vpccost.pricing.coverage import Coverage
from vpccost.results import BreakEven, Comparison, DatedComparison, Forecast, Optimization, PriceChanges, PriceList
from vpccost.units import cents_text, format_decimal, format_usd

BREAKEVEN_COLUMNS = (
    "subject", "region", "period_hours", "option", "fixed_usd", "from_gb", "to_gb", "usd_per_gb", "gb",
    "cost_usd_now", "breakeven_gb",
)  # fmt: skip
PRICE_COLUMNS = (
    "region", "item", "to_region", "service_code", "usage_type", "operation", "unit", "tier", "tier_begin",
    "tier_end", "tier_period", "price_usd", "sku", "rate_code", "source", "source_date", "evidence", "verified",
    "note",
)  # fmt: skip
PRICE_CHANGE_COLUMNS = ("region", "item", "to_region", "change", "before", "after")
COVERAGE_COLUMNS = ("region", "region_name", "item", "status", "usage_type", "destinations")


ACCOUNT_COLUMNS = ("payer_account_name", "payer_cost_center")
"""After `design_priced`: the payer account's name and cost center, where the topology gives them."""


def line_items_frame(comparison: Comparison) -> pd.DataFrame:
    """Every design's line items, one row each; quantities and money are exact `Decimal`s. `design_priced` is
    false for the lines of a design with a missing price: they do not add up to what that design costs.
    `payer_account_name` and `payer_cost_center` are the topology's for the payer account (None otherwise)."""
    rows = [item for result in comparison.designs for item in result.line_items]
    frame = pd.DataFrame.from_records(rows, columns=list(LINE_ITEM_FIELDS))
    priced = {result.design: result.priced for result in comparison.designs}
    frame["design_priced"] = frame["design"].map(priced).astype(bool)
    accounts = frame["payer_account"].tolist()
    frame["payer_account_name"] = pd.Series([comparison.account_name(a) for a in accounts], dtype=object)
    frame["payer_cost_center"] = pd.Series([comparison.cost_center(a) for a in accounts], dtype=object)
    return frame


def designs_frame(comparison: Comparison) -> pd.DataFrame:
    """One row per design: rank, total (exact Decimal or None), feasibility and problems."""
    rows = [
        {
            "rank": rank,
            "design": result.design,
            "total_usd": result.total_usd,
            "priced": result.priced,
            "feasible": result.feasible,
            "problems": "; ".join(result.problems),
            "quota_increases": "; ".join(result.quota_increases),
            "missing_prices": "; ".join(result.missing_prices),
        }
        for rank, result in enumerate(comparison.ranked, start=1)
    ]
    return pd.DataFrame(rows)


def periods_line_items_frame(periods: Sequence[DatedComparison]) -> pd.DataFrame:
    """The line items of several dated estimates (a forecast), with leading `month` and `volume_factor`
    (the month's volumes against the traffic as given) columns."""
    columns = ["month", "volume_factor", *LINE_ITEM_FIELDS, "design_priced", *ACCOUNT_COLUMNS]
    frames = [_dated_line_items(period) for period in periods]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _dated_line_items(period: DatedComparison) -> pd.DataFrame:
    frame = line_items_frame(period.comparison)
    frame.insert(0, "volume_factor", [period.volume_factor] * len(frame))
    frame.insert(0, "month", period.month)
    return frame


def line_items_csv(comparison: Comparison) -> str:
    """Line items as CSV: exact decimals as plain text, user-derived text neutralised."""
    return frame_csv(line_items_frame(comparison), split=comparison.settings.split_by is not None)


def periods_csv(periods: Sequence[DatedComparison]) -> str:
    """A forecast's line items as CSV, month by month."""
    split = any(period.comparison.settings.split_by for period in periods)
    return frame_csv(periods_line_items_frame(periods), split=split)


def forecast_csv(forecast: Forecast) -> str:
    """The line items of every month of `forecast` as CSV (`periods_csv` of its months)."""
    return periods_csv(forecast.periods)


def optimization_csv(optimization: Optimization) -> str:
    """The line items of every design an optimization priced, `optimized` among them, as CSV."""
    return line_items_csv(optimization.comparison)


def breakeven_csv(result: BreakEven) -> str:
    """Both cost lines as CSV, one row per per-GB segment: the option's fixed cost, the segment's volumes and
    rate, and (repeated on each row) the volume now, the option's cost now and where the lines cross. The
    figures are the JSON document's, exact."""
    document = breakeven_document(result)
    rows = [
        [
            result.subject,
            result.region,
            document["period_hours"],
            line["option"],
            line["fixed_usd"],
            segment["from_gb"],
            segment["to_gb"],
            segment["usd_per_gb"],
            document["gb"],
            line["cost_usd_now"],
            document["breakeven_gb"],
        ]
        for line in document["options"]
        for segment in line["usd_per_gb"]
    ]
    return _csv(BREAKEVEN_COLUMNS, rows)


def pricing_csv(prices: PriceList) -> str:
    """A snapshot's prices as CSV, one row per tier, with where each price comes from."""
    rows = [
        [
            entry.region,
            entry.item,
            entry.to_region,
            entry.service_code,
            entry.usage_type,
            entry.operation,
            entry.unit,
            str(number),
            format_decimal(tier.begin),
            None if tier.end is None else format_decimal(tier.end),
            entry.tier_period,
            format_decimal(tier.price_usd),
            entry.sku,
            entry.rate_code,
            entry.source,
            entry.source_date,
            entry.evidence,
            str(entry.verified).lower(),
            entry.note,
        ]
        for entry in prices.entries
        for number, tier in enumerate(entry.tiers, start=1)
    ]
    return _csv(PRICE_COLUMNS, rows)


def price_changes_csv(changes: PriceChanges) -> str:
    """What changed between two snapshots as CSV, one row per entry added, removed or changed."""
    rows = [
        [change.region, change.item, change.to_region, change.change, change.before, change.after]
        for change in changes.changes
    ]
    return _csv(PRICE_CHANGE_COLUMNS, rows)


def coverage_csv(found: Coverage) -> str:
    """A snapshot's coverage as CSV, one row per (region, item)."""
    rows = [
        [
            region,
            region_name(region),
            item,
            cell.status,
            cell.usage_type,
            str(cell.destinations) if cell.destinations else None,
        ]
        for region in found.regions
        for item in found.items
        for cell in [found.cell(item, region)]
    ]
    return _csv(COVERAGE_COLUMNS, rows)


def _csv(columns: Sequence[str], rows: Iterable[Sequence[str | None]]) -> str:
    """A header and rows as CSV text (`\\n` line ends; None as an empty field). Every field is neutralised:
    the numbers these tables hold are never negative, so only text can start like a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([["" if value is None else neutralize_formula(value) for value in row] for row in rows])
    return buffer.getvalue()


def frame_csv(frame: pd.DataFrame, *, split: bool) -> str:
    if not split:
        frame = frame.drop(columns=["label"])
    for column in frame.columns:
        if column in MONEY_FIELDS:
            frame[column] = frame[column].map(format_usd)
        elif column in {"quantity", "volume_factor"}:
            frame[column] = frame[column].map(format_decimal)
        elif column not in {"price_verified", "design_priced"}:
            frame[column] = frame[column].map(lambda value: "" if value is None else neutralize_formula(str(value)))
    return frame.to_csv(index=False, lineterminator="\n")


def forecast_frame(forecast: Forecast) -> pd.DataFrame:
    """One row per month and design: `month`, `design`, `volume_factor`, `priced`, `feasible`, `total_usd`
    (exact Decimal; None where the design is not priced)."""
    rows = [
        {
            "month": period.month,
            "design": result.design,
            "volume_factor": period.volume_factor,
            "priced": result.priced,
            "feasible": result.feasible,
            "total_usd": result.total_usd,
        }
        for period in forecast.periods
        for result in period.comparison.designs
    ]
    return pd.DataFrame(rows, columns=["month", "design", "volume_factor", "priced", "feasible", "total_usd"])


def decisions_frame(optimization: Optimization) -> pd.DataFrame:
    """One row per decision of an optimization (pairs, then services): what was chosen, the volume, and why."""
    rows = [
        {"kind": "pair", "subject": f"{p.vpcs[0]} ↔ {p.vpcs[1]}", "option": p.option, "gb": p.gb,
         "reason": p.reason}
        for p in optimization.pairs
    ] + [
        {"kind": "service", "subject": f"{s.vpc} → {s.service}", "option": s.option, "gb": s.gb,
         "reason": s.reason}
        for s in optimization.services
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["kind", "subject", "option", "gb", "reason"])


def comparison_html(comparison: Comparison) -> str:
    """The ranked designs as an HTML table (totals rounded to the cent), for Jupyter."""
    frame = designs_frame(comparison).set_index("rank")
    frame["total_usd"] = [None if total is None else cents_text(total) for total in frame["total_usd"]]
    note = f"<p>prices {html.escape(comparison.catalog.name)}, {format_decimal(comparison.settings.period_hours)} h</p>"
    return str(frame.to_html(escape=True, na_rep="not priced")) + note


def forecast_html(forecast: Forecast) -> str:
    """Monthly totals per design (rounded to the cent), for Jupyter."""
    table = forecast_frame(forecast).pivot(index="month", columns="design", values="total_usd")
    table = table.map(lambda total: None if total is None else cents_text(total))
    note = f"<p>growth: {html.escape(forecast.growth.description)}</p>"
    return str(table.to_html(escape=True, na_rep="not priced")) + note


def optimization_html(optimization: Optimization) -> str:
    """The optimized total, its savings and the decisions, for Jupyter."""
    total = optimization.result.total_usd
    status = html.escape(optimization.status)
    head = f"<p>optimized: {'not priced' if total is None else '$' + cents_text(total)}, {status}"
    savings = ", ".join(
        f"{html.escape(name)} {'—' if value is None else '$' + cents_text(value)}"
        for name, value in optimization.savings.items()
    )
    frame = decisions_frame(optimization)
    return head + f"; saving against {savings}</p>" + str(frame.to_html(escape=True, index=False))
