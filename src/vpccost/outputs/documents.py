"""The JSON documents vpccost writes (README.md, "JSON output"): `compare`, `forecast`, `optimize`, `breakeven`,
`pricing show` and `pricing diff`.

Money and quantities are JSON strings holding exact decimals (as the AWS Cost Explorer API returns amounts):
`"28.00"`, `"0.045"`. Booleans are JSON booleans.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

from vpccost._version import __version__
from vpccost.model.aws_facts import region_name
from vpccost.outputs.explain import headline, saves, why
from vpccost.pricing.cost_lines import CostLine
from vpccost.pricing.coverage import Coverage
from vpccost.pricing.snapshot import PriceEntry
from vpccost.results import (
    AccountCost,
    BreakEven,
    Comparison,
    DesignResult,
    Forecast,
    LineItem,
    Optimization,
    PriceChanges,
    PriceList,
    ServiceAccess,
)
from vpccost.units import exact_arithmetic, format_decimal, format_usd, fraction_text, fraction_to_decimal, utc_text

LINE_ITEM_FIELDS = LineItem._fields
MONEY_FIELDS = frozenset({"rate_usd", "cost_usd"})


def comparison_document(comparison: Comparison) -> dict[str, Any]:
    """The `--format json` document of `compare`."""
    cheapest = comparison.cheapest
    return {
        "vpccost_version": __version__,
        "pricing": {
            "snapshot": comparison.catalog.name,
            "currency": comparison.catalog.currency,
            "prices_used": [_price_entry(entry) for entry in comparison.prices_used],
        },
        "period_hours": format_decimal(comparison.settings.period_hours),
        "service_access_mode": comparison.settings.service_access,
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
                "line_items": [_line_item(item, comparison) for item in result.line_items],
                "by_account": [
                    _account_cost(row, split=comparison.settings.split_by is not None)
                    for row in comparison.by_account(result.design)
                ],
            }
            for result in comparison.designs
        ],
        "service_access": [_service_access(row) for row in comparison.service_access],
        "recommendation": _recommendation(comparison, cheapest),
    }


def _line_item(item: LineItem, comparison: Comparison) -> dict[str, Any]:
    """The line item's fields, then its payer account's name and cost center (null where the topology gives
    none); `label` only when the estimate is split."""
    document: dict[str, Any] = {}
    for name in LINE_ITEM_FIELDS:
        value = getattr(item, name)
        if name == "label" and value is None:
            continue
        if isinstance(value, Decimal):
            value = format_usd(value) if name in MONEY_FIELDS else format_decimal(value)
        document[name] = value
    document["payer_account_name"] = comparison.account_name(item.payer_account)
    document["payer_cost_center"] = comparison.cost_center(item.payer_account)
    return document


def _account_cost(row: AccountCost, *, split: bool) -> dict[str, Any]:
    """One payer account's cost in a design (per label value when split, `label` null for the lines no label
    applies to): chargeback."""
    document: dict[str, Any] = {
        "payer_account": row.account,
        "payer_account_name": row.name,
        "payer_cost_center": row.cost_center,
    }
    if split:
        document["label"] = row.label
    document["cost_usd"] = format_usd(row.cost_usd)
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
        "source_date": entry.source_date,
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
        "period_hours": format_decimal(first.settings.period_hours),
        "growth": {
            "description": forecast.growth.description,
            "factors": [format_decimal(factor) for factor in forecast.growth.factors],
        },
        "buildable": {design: forecast.buildable(design) for design in forecast.designs},
        "cheapest_by_month": dict(forecast.cheapest_by_month()),
        "cheapest_changes": [dataclasses.asdict(change) for change in forecast.cheapest_changes()],
        "totals": [
            {
                "span": span.label,
                "months": len(span.months),
                "total_usd": {
                    design: None if total is None else format_usd(total) for design, total in span.totals_usd.items()
                },
            }
            for span in forecast.spans()
        ],
        "months": months,
    }


def _recommendation(comparison: Comparison, cheapest: DesignResult | None) -> dict[str, Any]:
    if cheapest is None or cheapest.total_usd is None:
        return {
            "design": None,
            "total_usd": None,
            "saving_vs_usd": {},
            "headline": headline(comparison),
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
    recommendation: dict[str, Any] = {
        "design": cheapest.design,
        "total_usd": format_usd(best_usd),
        "saving_vs_usd": savings,
        "headline": headline(comparison),
        "reason": why(comparison),
    }
    if comparison.optimum is not None:
        with exact_arithmetic():
            mix_saving = best_usd - comparison.optimum.total_usd
        recommendation["optimized"] = {
            "total_usd": format_usd(comparison.optimum.total_usd),
            "saving_usd": format_usd(mix_saving),
            "proven_optimal": comparison.optimum.optimal,
            "already_optimal": not saves(mix_saving),
        }
    if comparison.as_is is not None:
        recommendation["saving_vs_as_is_usd"] = {
            result.design: format_usd(saving)
            for result in comparison.ranked
            if result is not comparison.as_is and (saving := comparison.saving_vs_as_is(result)) is not None
        }
    return recommendation


def optimization_document(optimization: Optimization) -> dict[str, Any]:
    """The `vpccost optimize --format json` document: the `compare` document with design `optimized`, and an
    `optimization` object with the decisions, savings and solver status."""
    document = comparison_document(optimization.comparison)
    document["optimization"] = _optimization(optimization)
    return document


def _optimization(optimization: Optimization) -> dict[str, Any]:
    savings = {name: None if value is None else format_usd(value) for name, value in optimization.savings.items()}
    return {
        "status": optimization.status,
        "optimal": optimization.optimal,
        "gap": optimization.gap,
        "solve_seconds": round(optimization.solve_seconds, 3),
        "model": {
            "variables": optimization.model_variables,
            "constraints": optimization.model_constraints,
            "binaries": optimization.model_binaries,
        },
        "hub_vpc": optimization.mix.hub_vpc,
        "shared_vpcs": sorted(optimization.mix.shared),
        "saving_vs_usd": savings,
        "not_allowed": [
            {"design": result.design, "total_usd": None if result.total_usd is None else format_usd(result.total_usd)}
            for result in optimization.not_allowed
        ],
        "notes": optimization.notes,
        "pairs": [
            {
                "vpcs": list(p.vpcs),
                "option": p.option,
                "gb": format_decimal(p.gb),
                "options_usd": {name: f"{value:.2f}" for name, value in p.options_usd.items()},
                "reason": p.reason,
            }
            for p in optimization.pairs
        ],
        "services": [
            {
                "vpc": s.vpc,
                "service": s.service,
                "option": s.option,
                "gb": format_decimal(s.gb),
                "options_usd": {name: f"{value:.2f}" for name, value in s.options_usd.items()},
                "reason": s.reason,
            }
            for s in optimization.services
        ],
    }


def breakeven_document(result: BreakEven) -> dict[str, Any]:
    """The `vpccost breakeven --format json` document."""
    return {
        "subject": result.subject,
        "region": result.region,
        "gb": format_decimal(result.gb),
        "period_hours": format_decimal(result.period_hours),
        "options": [_line_document(line, Fraction(result.gb)) for line in (result.first, result.second)],
        "breakeven_gb": None if result.breakeven_gb is None else fraction_text(result.breakeven_gb),
        "cheaper_now": result.cheaper_now,
    }


def _line_document(line: CostLine[Fraction], gb: Fraction) -> dict[str, Any]:
    return {
        "option": line.option,
        "fixed_usd": format_usd(fraction_to_decimal(line.fixed_usd)),
        "usd_per_gb": [
            {
                "from_gb": fraction_text(begin),
                "to_gb": None if end is None else fraction_text(end),
                "usd_per_gb": fraction_text(rate),
            }
            for begin, end, rate in line.segments
        ],
        "cost_usd_now": format_usd(fraction_to_decimal(line.cost_at(gb))),
    }


def pricing_document(prices: PriceList) -> dict[str, Any]:
    """The `vpccost pricing show --format json` document: the snapshot's entries with their provenance."""
    return {
        "snapshot": prices.catalog.name,
        "currency": prices.catalog.currency,
        "entries": [_price_entry(entry) for entry in prices.entries],
    }


def price_changes_document(changes: PriceChanges) -> list[dict[str, Any]]:
    """The `vpccost pricing diff --format json` document: one object per changed entry."""
    return [dataclasses.asdict(change) for change in changes.changes]


def coverage_document(found: Coverage) -> dict[str, Any]:
    """The `vpccost pricing coverage --format json` document: per region, each item's status, and the counts."""
    return {
        "snapshot": found.snapshot,
        "items": list(found.items),
        "summary": found.counts(),
        "regions": [
            {
                "region": region,
                "name": region_name(region),
                "ready": found.ready(region),
                "counts": found.counts(region),
                "items": {
                    item: {
                        key: value
                        for key, value in dataclasses.asdict(found.cell(item, region)).items()
                        if key not in ("item", "region") and value not in (None, 0)
                    }
                    for item in found.items
                },
            }
            for region in found.regions
        ],
    }


# ---- the json format: each document as text ----------------------------------------------------------------


def json_text(document: dict[str, Any] | list[dict[str, Any]]) -> str:
    """A document as the JSON text vpccost prints: indented by two, with a final newline."""
    return json.dumps(document, indent=2) + "\n"


def comparison_json(comparison: Comparison) -> str:
    return json_text(comparison_document(comparison))


def forecast_json(forecast: Forecast) -> str:
    return json_text(forecast_document(forecast))


def optimization_json(optimization: Optimization) -> str:
    return json_text(optimization_document(optimization))


def breakeven_json(result: BreakEven) -> str:
    return json_text(breakeven_document(result))


def pricing_json(prices: PriceList) -> str:
    return json_text(pricing_document(prices))


def price_changes_json(changes: PriceChanges) -> str:
    return json_text(price_changes_document(changes))


def coverage_json(found: Coverage) -> str:
    return json_text(coverage_document(found))
