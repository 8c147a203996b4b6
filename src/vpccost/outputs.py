"""Outputs of a comparison: the JSON document, tidy DataFrames, and CSV.

Money and quantities stay exact decimals: JSON carries them as strings (as the AWS Cost Explorer API
returns amounts), DataFrames as `Decimal` objects, CSV as plain decimal text. Text that came from user data
is neutralised in CSV so a spreadsheet never reads it as a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from vpccost._version import __version__
from vpccost.catalog import PriceEntry
from vpccost.engine import DesignResult, LineItem
from vpccost.periods import utc_text
from vpccost.service_access import ServiceAccess
from vpccost.units import format_decimal, format_usd

if TYPE_CHECKING:
    from vpccost.compare import Comparison
    from vpccost.forecasting import Forecast
    from vpccost.periods import Period

LINE_ITEM_FIELDS = LineItem._fields
MONEY_FIELDS = frozenset({"rate_usd", "cost_usd"})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def comparison_document(comparison: Comparison) -> dict[str, Any]:
    """The `--format json` document (DESIGN.md, Interfaces)."""
    cheapest = comparison.cheapest
    return {
        "vpccost_version": __version__,
        "pricing": {
            "snapshot": comparison.catalog.name,
            "currency": comparison.catalog.currency,
            "prices_used": [_price_entry(entry) for entry in comparison.prices_used],
        },
        "period_hours": format_decimal(comparison.options.period_hours),
        "assumptions": comparison.assumptions,
        "designs": [
            {
                "design": result.design,
                "priced": result.priced,
                "feasible": result.feasible,
                "problems": result.problems,
                "quota_increases": result.quota_increases,
                "missing_prices": result.missing_prices,
                "total_usd": None if result.total_usd is None else format_usd(result.total_usd),
                "line_items": [_line_item(item) for item in result.line_items],
            }
            for result in comparison.designs
        ],
        "service_access": [_service_access(row) for row in comparison.service_access],
        "recommendation": _recommendation(comparison, cheapest),
    }


def _line_item(item: LineItem) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for name in LINE_ITEM_FIELDS:
        value = getattr(item, name)
        if name == "label" and value is None:
            continue
        if isinstance(value, Decimal):
            value = format_usd(value) if name in MONEY_FIELDS else format_decimal(value)
        document[name] = value
    return document


def _price_entry(entry: PriceEntry) -> dict[str, Any]:
    return {
        "item": entry.item,
        "region": entry.region,
        "to_region": entry.to_region,
        "service_code": entry.service_code,
        "usage_type": entry.usage_type,
        "unit": entry.unit,
        "tiers": [
            {
                "begin": format_decimal(tier.begin),
                "end": None if tier.end is None else format_decimal(tier.end),
                "price_usd": format_decimal(tier.price_usd),
            }
            for tier in entry.tiers
        ],
        "sku": entry.sku,
        "source": entry.source,
        "evidence": entry.evidence,
        "verified": entry.verified,
    }


def _service_access(row: ServiceAccess) -> dict[str, Any]:
    def money(value: Decimal | None) -> str | None:
        return None if value is None else format_usd(value)

    return {
        "vpc": row.vpc,
        "vpc_name": row.vpc_name,
        "region": row.region,
        "service": row.service,
        "gb": format_decimal(row.gb),
        "nat_usd": money(row.nat_usd),
        "gateway_endpoint_usd": money(row.gateway_endpoint_usd),
        "interface_endpoint_usd": money(row.interface_endpoint_usd),
        "cheapest": row.cheapest,
        "breakeven_gb": None if row.breakeven_gb is None else format_decimal(row.breakeven_gb),
        "nat_needed_for_other_traffic": row.nat_needed_for_other_traffic,
        "notes": list(row.notes),
    }


def forecast_document(forecast: Forecast) -> dict[str, Any]:
    """The `vpccost forecast --format json` document: the growth assumption, then each month's comparison
    in the `compare` contract."""
    first = forecast.periods[0].comparison
    months = []
    for period in forecast.periods:
        document = comparison_document(period.comparison)
        for key in ("vpccost_version", "pricing", "period_hours"):
            document.pop(key)
        months.append(
            {
                "month": period.month,
                "period_start": utc_text(period.start),
                "period_end": utc_text(period.end),
                **document,
            }
        )
    return {
        "vpccost_version": __version__,
        "pricing": {"snapshot": first.catalog.name, "currency": first.catalog.currency},
        "period_hours": format_decimal(first.options.period_hours),
        "growth": {
            "description": forecast.growth.description,
            "factors": [format_decimal(factor) for factor in forecast.growth.factors],
        },
        "months": months,
    }


def _recommendation(comparison: Comparison, cheapest: DesignResult | None) -> dict[str, Any]:
    if cheapest is None or cheapest.total_usd is None:
        return {
            "design": None,
            "total_usd": None,
            "saving_vs_usd": {},
            "reason": "no design is both priced and feasible",
        }
    best_usd = cheapest.total_usd
    others = [
        result
        for result in comparison.ranked
        if result is not cheapest and result.priced and result.feasible and result.total_usd is not None
    ]
    savings = {
        result.design: format_usd(result.total_usd - best_usd) for result in others if result.total_usd is not None
    }
    reason = f"{cheapest.design} is the cheapest design that is priced and feasible"
    if others:
        reason += f"; next is {others[0].design} at {savings[others[0].design]} USD more"
    recommendation: dict[str, Any] = {
        "design": cheapest.design,
        "total_usd": format_usd(best_usd),
        "saving_vs_usd": savings,
        "reason": reason,
    }
    if comparison.as_is is not None:
        recommendation["saving_vs_as_is_usd"] = {
            result.design: format_usd(saving)
            for result in comparison.ranked
            if result is not comparison.as_is and (saving := comparison.saving_vs_as_is(result)) is not None
        }
    return recommendation


def line_items_frame(comparison: Comparison) -> pd.DataFrame:
    """Every design's line items, one row each; quantities and money are exact `Decimal`s. `design_priced` is
    false for the lines of a design with a missing price: they do not add up to what that design costs."""
    rows = [item for result in comparison.designs for item in result.line_items]
    frame = pd.DataFrame.from_records(rows, columns=list(LINE_ITEM_FIELDS))
    priced = {result.design: result.priced for result in comparison.designs}
    frame["design_priced"] = frame["design"].map(priced).astype(bool)
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


def neutralize_formula(text: str) -> str:
    """Prefix text that a spreadsheet would read as a formula with an apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def periods_line_items_frame(periods: Sequence[Period]) -> pd.DataFrame:
    """The line items of several dated estimates (a forecast), with leading `month` and `volume_factor`
    (the month's volumes against the traffic as given) columns."""
    columns = ["month", "volume_factor", *LINE_ITEM_FIELDS, "design_priced"]
    frames = [_dated_line_items(period) for period in periods]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _dated_line_items(period: Period) -> pd.DataFrame:
    frame = line_items_frame(period.comparison)
    frame.insert(0, "volume_factor", [period.volume_factor] * len(frame))
    frame.insert(0, "month", period.month)
    return frame


def line_items_csv(comparison: Comparison) -> str:
    """Line items as CSV: exact decimals as plain text, user-derived text neutralised."""
    return frame_csv(line_items_frame(comparison), split=comparison.options.split_by is not None)


def periods_csv(periods: Sequence[Period]) -> str:
    """A forecast's line items as CSV, month by month."""
    split = any(period.comparison.options.split_by for period in periods)
    return frame_csv(periods_line_items_frame(periods), split=split)


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
