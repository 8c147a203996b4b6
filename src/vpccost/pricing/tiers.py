"""Tiers: how a period's quantity of an item splits over its price steps.

Tier bounds come from the price data and count usage per month (AWS's usual) or per hour; an estimate over
another period scales monthly bounds by hours/730. Each tier is named the way infracost names them:
`first 10240 GB/month`, `next 40960 GB/month`, `over 153600 GB/month`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from vpccost.pricing.snapshot import PriceEntry, Tier
from vpccost.units import HOURS_PER_MONTH, exact_arithmetic, format_decimal, rounding_arithmetic


@dataclass(frozen=True)
class TierCharge:
    """The part of a quantity that falls in one tier, and its price."""

    label: str | None
    quantity: Decimal
    price_usd: Decimal


def tier_scale(entry: PriceEntry, period_hours: Decimal) -> Decimal:
    """How many tier periods the estimate's period holds: tier bounds are multiplied by this."""
    return _tier_scale(entry.tier_period, period_hours)


@functools.lru_cache(maxsize=64)
def _tier_scale(tier_period: str, period_hours: Decimal) -> Decimal:
    if tier_period == "hour":
        return period_hours
    # Monthly bounds scale by hours/730, which need not be a finite decimal: rounded to 1e-12 here.
    with rounding_arithmetic():
        return (period_hours / HOURS_PER_MONTH).quantize(Decimal("1E-12")).normalize()


def split_into_tiers(entry: PriceEntry, quantity: Decimal, period_hours: Decimal) -> list[TierCharge]:
    """Split the period's total `quantity` of `entry`'s unit over its tiers (bounds from the price data).

    Only tiers that receive some quantity are returned; an untiered entry gives one charge."""
    if not entry.is_tiered:
        return [TierCharge(None, quantity, entry.tiers[0].price_usd)]
    return [
        TierCharge(_tier_label(tier, entry.unit, entry.tier_period), part, tier.price_usd)
        for tier, part in _tier_parts(entry, quantity, period_hours)
    ]


def _tier_parts(entry: PriceEntry, quantity: Decimal, period_hours: Decimal) -> Iterator[tuple[Tier, Decimal]]:
    """Each tier that receives some of `quantity`, and how much (the bounds scaled to the period)."""
    scale = tier_scale(entry, period_hours)
    with exact_arithmetic():
        for tier in entry.tiers:
            begin = tier.begin * scale
            if quantity <= begin and not (begin == 0 and quantity == 0):
                return
            upper = quantity if tier.end is None else min(quantity, tier.end * scale)
            yield tier, upper - begin


@functools.lru_cache(maxsize=256)
def _tier_label(tier: Tier, unit: str, period: str) -> str:
    per = "/hour" if period == "hour" else "/month"
    if tier.begin == 0 and tier.end is not None:
        return f"first {format_decimal(tier.end)} {unit}{per}"
    if tier.end is None:
        return f"over {format_decimal(tier.begin)} {unit}{per}"
    return f"next {format_decimal(tier.end - tier.begin)} {unit}{per}"


def tiered_cost_usd(entry: PriceEntry, quantity: Decimal, period_hours: Decimal = HOURS_PER_MONTH) -> Decimal:
    """What `quantity` (in the entry's unit, over `period_hours`) costs at `entry`'s prices, tiers applied."""
    first = entry.tiers[0]
    with exact_arithmetic():
        if first.end is None or quantity <= first.end * tier_scale(entry, period_hours):
            return quantity * first.price_usd
        return sum((part * tier.price_usd for tier, part in _tier_parts(entry, quantity, period_hours)), Decimal(0))


def describe_tiers(tiers: tuple[Tier, ...]) -> str:
    """The tiers' prices for reading: `0.01 / 0.006 / 0.004`."""
    return " / ".join(format_decimal(tier.price_usd) for tier in tiers)
