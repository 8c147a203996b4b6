"""The engine: metered usage -> priced line items.

Usage is aggregated per (item, region, to_region) across every payer account (consolidated billing)
before tiers apply; each tier's quantity is then allocated to the meters pro rata. Money is exact: a line
item's cost is its quantity times its rate, and a design's total is the exact sum of its line items.
"""

from __future__ import annotations

import decimal
from collections import defaultdict
from decimal import Decimal

from vpccost.errors import MissingPriceError
from vpccost.model.usage import DesignUsage, Meter
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.items import ITEMS, unknown_prefix_assumption, usage_type_prefix
from vpccost.pricing.snapshot import PriceEntry
from vpccost.pricing.tiers import split_into_tiers
from vpccost.results import DesignResult, LineItem
from vpccost.units import HOURS_PER_MONTH, exact_arithmetic, rounding_arithmetic

FREE_ALLOWANCES_GB_PER_MONTH: dict[str, Decimal] = {
    key: item.free_gb_per_month for key, item in ITEMS.items() if item.free_gb_per_month is not None
}
"""The account-wide free allowances the item registry records (internet egress: 100 GB/month over all regions)."""

ALLOCATION_QUANTUM_EXPONENT = -12
"""Pro-rata shares of a tier are rounded to 1e-12 of a unit (or finer, to the tier quantity's own digits),
with the remainder given to the largest fractions, so the shares add up exactly."""


def price(usage: DesignUsage, catalog: Catalog, *, period_hours: Decimal, free_tier: bool = False) -> DesignResult:
    """Price a design's usage with the catalog. Missing prices are collected, not raised."""
    with exact_arithmetic():
        return _price(usage, catalog, period_hours, free_tier)


def _price(usage: DesignUsage, catalog: Catalog, period_hours: Decimal, free_tier: bool) -> DesignResult:
    groups: dict[tuple[str, str, str | None], list[Meter]] = defaultdict(list)
    for meter in _merged(usage.meters):
        groups[(meter.item, meter.region, meter.to_region)].append(meter)
    entries: dict[tuple[str, str, str | None], PriceEntry] = {}
    missing: list[str] = []
    for key in groups:
        try:
            entries[key] = catalog.get(*key)
        except MissingPriceError as error:
            missing.append(str(error))
    allowance = _free_allowance(groups, entries, period_hours) if free_tier else {}
    shared_tiers = False
    unknown_prefixes: set[str] = set()
    line_items: list[LineItem] = []
    # groups in a stable order (region, then item); within a group, tiers in order, then resources
    for key, meters in sorted(groups.items(), key=lambda group: (group[0][1], group[0][0], group[0][2] or "")):
        meters.sort(key=_meter_order)
        entry = entries.get(key)
        if entry is not None:
            free_gb = allowance.get(key, Decimal(0))
            usage_type, unknown = _usage_type(entry, key[2], catalog.snapshot.usage_type_prefixes)
            if unknown is not None:
                unknown_prefixes.add(unknown)
            items, shared = _line_items(usage.design, entry, usage_type, meters, period_hours, free_gb)
            shared_tiers |= shared
            line_items.extend(items)
    assumptions = list(usage.assumptions)
    if shared_tiers:
        assumptions.append(
            "Where a usage type's total spans several tiers, each tier's quantity is shared among payers and "
            "resources pro rata, rounded to 1e-12 of a unit; the costs still add up exactly."
        )
    for item in sorted({key[0] for key in allowance}):
        assumptions.append(
            f"Free tier: {FREE_ALLOWANCES_GB_PER_MONTH[item]} GB/month of {ITEMS[item].path.lower()} egress, applied "
            "to the regions with the highest first-tier price first, before tiers."
        )
    assumptions += [unknown_prefix_assumption(region) for region in sorted(unknown_prefixes)]
    return DesignResult(
        design=usage.design,
        line_items=line_items,
        problems=list(usage.problems),
        quota_increases=list(usage.quota_increases),
        assumptions=assumptions,
        missing_prices=sorted(set(missing)),
        prices_used=sorted(entries.values(), key=lambda e: (e.region, e.item, e.to_region or "")),
    )


def _merged(meters: list[Meter]) -> list[Meter]:
    """One meter per (component, item, region, to_region, payer, resource, label): paths that meter the same
    thing for the same resource (NAT processing of VPC and internet traffic) become one line."""
    merged: dict[tuple[object, ...], Meter] = {}
    for meter in meters:
        key = meter[:-1]  # every field but the quantity
        known = merged.get(key)
        merged[key] = meter if known is None else known._replace(quantity=known.quantity + meter.quantity)
    return meters if len(merged) == len(meters) else list(merged.values())


def _meter_order(meter: Meter) -> tuple[str, str, str, str]:
    return (meter.component, meter.resource.name, meter.payer_account, meter.label or "")


def _line_items(
    design: str,
    entry: PriceEntry,
    usage_type: str,
    meters: list[Meter],
    period_hours: Decimal,
    free_gb: Decimal,
) -> tuple[list[LineItem], bool]:
    """The priced lines of one (item, region, to_region), each under `usage_type`, and whether tier quantities
    were shared pro rata."""
    total = sum((meter.quantity for meter in meters), Decimal(0))
    charges: list[tuple[str | None, Decimal, Decimal]] = (
        [(_free_label(entry.item), free_gb, Decimal(0))] if free_gb else []
    )
    charges += [(c.label, c.quantity, c.price_usd) for c in split_into_tiers(entry, total - free_gb, period_hours)]
    weights = [meter.quantity for meter in meters]
    item, service_code, unit, verified = entry.item, entry.service_code, entry.unit, entry.verified
    items = []
    for label, tier_quantity, rate in charges:
        suffix = f" ({label})" if label else ""
        shares = allocate(tier_quantity, weights)
        for meter, quantity in zip(meters, shares, strict=True):
            if not quantity:
                continue
            to_region, resource = meter.to_region, meter.resource
            component = f"{meter.component} (to {to_region}){suffix}" if to_region else meter.component + suffix
            # positional, in LineItem's field order (the hot loop of pricing)
            items.append(
                LineItem(design, component, service_code, usage_type, meter.region, resource.name,
                         meter.payer_account, quantity, unit, rate, quantity * rate, verified, item, to_region,
                         meter.component, label, resource.owner, resource.kind, meter.label)
            )  # fmt: skip
    return items, len(charges) > 1 and len(meters) > 1


def _free_label(item: str) -> str:
    return f"free tier, {FREE_ALLOWANCES_GB_PER_MONTH[item]} GB/month across regions"


def _usage_type(entry: PriceEntry, to_region: str | None, prefixes: dict[str, str]) -> tuple[str, str | None]:
    """The usage type of the entry's line items towards `to_region`, and the destination whose usage-type prefix
    is unknown (else None). An inter-region entry for any other region names its destination with '*'
    (`USE1-*-AWS-Out-Bytes`): the destination's prefix from the snapshot takes its place. When the snapshot does
    not know that prefix, the usage type keeps its '*' rather than a usage type AWS never bills."""
    if to_region is None or "*" not in entry.usage_type:
        return entry.usage_type, None
    prefix = usage_type_prefix(to_region, prefixes)
    if prefix is None:
        return entry.usage_type, to_region
    return entry.usage_type.replace("*", prefix), None


def _free_allowance(
    groups: dict[tuple[str, str, str | None], list[Meter]],
    entries: dict[tuple[str, str, str | None], PriceEntry],
    period_hours: Decimal,
) -> dict[tuple[str, str, str | None], Decimal]:
    """Spread each account-wide free allowance over regions, highest first-tier price first."""
    allowance = {}
    for item, free_gb in FREE_ALLOWANCES_GB_PER_MONTH.items():
        with rounding_arithmetic():
            scaled = free_gb * period_hours / HOURS_PER_MONTH
            remaining = scaled.quantize(Decimal("1E-12"), rounding=decimal.ROUND_FLOOR)
        keys = [key for key in groups if key[0] == item and key in entries]
        keys.sort(key=lambda key: (-entries[key].flat_price_usd, key[1]))
        for key in keys:
            with exact_arithmetic():
                total = sum((meter.quantity for meter in groups[key]), Decimal(0))
                used = min(total, remaining)
                remaining -= used
            if used:
                allowance[key] = used
    return allowance


def allocate(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `amount` over `weights` pro rata, so that the parts add up to `amount` exactly.

    When `amount` equals the sum of the weights (the usual case: a single tier), the parts are the
    weights themselves. Otherwise each part is rounded down to the quantum (1e-12, or finer when `amount`
    has more digits) and the leftover quanta go to the largest remainders, ties to the earlier weight."""
    with exact_arithmetic():
        weight_sum = sum(weights, Decimal(0))
    if amount == weight_sum:
        return list(weights)
    if weight_sum == 0:
        raise ValueError("cannot allocate a non-zero amount over zero weights")
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)
    quantum = Decimal(1).scaleb(min(ALLOCATION_QUANTUM_EXPONENT, exponent))
    with rounding_arithmetic():
        raw = [amount * weight / weight_sum for weight in weights]
        parts = [value.quantize(quantum, rounding=decimal.ROUND_FLOOR) for value in raw]
    with exact_arithmetic():
        leftover = int((amount - sum(parts, Decimal(0))) / quantum)
        by_remainder = sorted(range(len(parts)), key=lambda i: (-(raw[i] - parts[i]), i))
        for index in by_remainder[:leftover]:
            parts[index] += quantum
    return parts
