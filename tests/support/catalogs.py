"""Price catalogs written by hand: a few entries whose prices a test states, so that the pricing layer can be
checked against numbers a person works out on paper (the prices are invented for the test, not AWS's)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from vpccost.pricing.catalog import Catalog
from vpccost.pricing.items import ITEMS
from vpccost.pricing.snapshot import PriceEntry, Snapshot, Tier


def entry(
    item: str,
    region: str,
    *steps: tuple[str | None, str],
    to_region: str | None = None,
    usage_type: str | None = None,
    tier_period: Literal["month", "hour"] = "month",
) -> PriceEntry:
    """The price of `item` in `region`: `steps` are (end of the tier or None for the last, USD per unit)."""
    tiers, begin = [], Decimal(0)
    for end, price in steps:
        tiers.append(Tier(begin=begin, end=None if end is None else Decimal(end), price_usd=Decimal(price)))
        begin = Decimal(end) if end is not None else begin
    registered = ITEMS[item]
    return PriceEntry(
        item=item,
        region=region,
        to_region=to_region,
        service_code=registered.service_code,
        usage_type=usage_type or registered.usage_type,
        unit=registered.unit,
        tiers=tuple(tiers),
        tier_period=tier_period,
        source="written by hand for a test",
        evidence="U",
        verified=False,
    )


def catalog(entries: Sequence[PriceEntry], *, prefixes: dict[str, str] | None = None, name: str = "hand") -> Catalog:
    snapshot = Snapshot(date="2026-01-01", entries=list(entries), usage_type_prefixes=prefixes or {})
    return Catalog(snapshot, name=name)
