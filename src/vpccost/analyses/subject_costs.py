"""What an option would charge each subject, priced: the options' declarations (`vpccost.options`) evaluated
against the catalog, subject by subject.

For one option and every subject of a kind, `subject_costs` gives the subject's per-GB charges at its volume
(flat prices), the volume it sends through each tiered price (interface-endpoint processing: its tiers span the
region's total, so a subject alone cannot price it), and the fixed resources it needs, each with its cost over
the period. Service access and break-even lines read it in exact decimals, the optimizer in floats (which only
choose: every amount it reports is priced again exactly). None of them writes a routing or pricing rule of its
own.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from vpccost.errors import MissingPriceError
from vpccost.model.codes import NONE, sum_by_key
from vpccost.model.usage import Fixed, PerGb
from vpccost.options.base import Blocked, Context, FixedResource, Option, OptionUsage
from vpccost.options.subjects import Subjects
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.snapshot import PriceEntry
from vpccost.units import exact_arithmetic

TierKey = tuple[str, int]
"""(item, region code) of a tiered price."""
ResourceKey = tuple[Hashable, ...]


@dataclass
class SubjectCosts:
    """One option's charges for every subject of a kind (lists and arrays run over the subjects)."""

    option: str
    units: np.ndarray
    """Each subject's volume [the estate's volume units]."""
    per_gb_usd: np.ndarray
    """Each subject's per-GB charges at flat prices, over its whole volume [USD per period]: exact `Decimal`s, or
    floats when asked for."""
    tiered_units: dict[TierKey, np.ndarray]
    """Per tiered price: each subject's volume through it [volume units]."""
    needs: list[list[ResourceKey]]
    """Each subject's fixed resources, by key."""
    resources: dict[ResourceKey, FixedResource]
    blocked: dict[int, Blocked]
    """The subjects the option refuses, and why."""
    missing: list[MissingPriceError | None]
    """Each subject's first missing price, None when every price it needs is known."""
    usage: OptionUsage = field(repr=False)


class Prices:
    """Catalog prices by item and region codes, looked up once each; fixed resources' costs, once each."""

    def __init__(self, ctx: Context, catalog: Catalog) -> None:
        self.ctx = ctx
        self.catalog = catalog
        self._entries: dict[tuple[str, int, int], PriceEntry | MissingPriceError] = {}
        self._fixed: dict[ResourceKey, Decimal | MissingPriceError] = {}
        self._charges: dict[tuple[str, str, int, str], Decimal] = {}

    def entry(self, item: str, region: int, to_region: int = NONE) -> PriceEntry:
        """The price entry of `item` in the region with code `region` (to `to_region`); `MissingPriceError`."""
        key = (item, region, to_region)
        found = self._entries.get(key)
        if found is None:
            regions = self.ctx.estate.regions
            try:
                found = self.catalog.get(item, regions[region], None if to_region == NONE else regions[to_region])
            except MissingPriceError as error:
                found = error
            self._entries[key] = found
        if isinstance(found, MissingPriceError):
            raise found
        return found

    def fixed_usd(self, resource: FixedResource) -> Decimal:
        """What a resource costs over the period [USD]: its charges' quantities at their (flat) prices."""
        found = self._fixed.get(resource.key)
        if found is None:
            charges = resource.charges
            try:
                if len(charges) == 1:
                    found = self._charge_usd(charges[0])
                else:
                    with exact_arithmetic():
                        found = sum((self._charge_usd(charge) for charge in charges), Decimal(0))
            except MissingPriceError as error:
                found = error
            self._fixed[resource.key] = found
        if isinstance(found, MissingPriceError):
            raise found
        return found

    def _charge_usd(self, charge: Fixed) -> Decimal:
        """One fixed charge over the period, priced once per (item, region, number, per): a VPC's endpoints to
        every service it calls cost alike."""
        key = (charge.item, charge.region, charge.number, charge.per)
        found = self._charges.get(key)
        if found is None:
            price = self.catalog.get(charge.item, charge.region).flat_price_usd
            with exact_arithmetic():
                found = self._charges[key] = charge.quantity(self.ctx.settings) * price
        return found


def subject_costs(
    prices: Prices, subjects: Subjects, option: Option, *, ctx: Context | None = None, exact: bool = True
) -> SubjectCosts:
    """What `option` would charge every subject in `subjects` if each took it — in `ctx` (the prices' context
    by default; a context with members prices the shared-VPC variant), in exact decimals or in floats."""
    ctx = ctx or prices.ctx
    n = len(subjects)
    rows, of_flow = subjects.rows, subjects.of_flow
    usage = option.usage(ctx, rows)
    volume = ctx.flows.volume
    units = _zeros(n)
    if rows.any():
        (unit_subjects,), unit_sums = sum_by_key([of_flow[rows]], [n], volume[rows])
        units[unit_subjects] = np.array(unit_sums, dtype=object)
    per_gb = _zeros(n) if exact else np.zeros(n)
    tiered: dict[TierKey, np.ndarray] = {}
    missing: list[MissingPriceError | None] = [None] * n
    with exact_arithmetic():
        for charge in usage.charges:
            _price_charge(prices, charge, of_flow, n, per_gb, tiered, missing, exact=exact)
    needs, resources = subject_needs(usage, of_flow, n)
    _first_missing(prices, needs, resources, missing)
    blocked = option.blocked(ctx, subjects.keys)
    return SubjectCosts(option.name, units, per_gb, tiered, needs, resources, blocked, missing, usage)


def _price_charge(
    prices: Prices,
    charge: PerGb,
    of_flow: np.ndarray,
    n: int,
    per_gb: np.ndarray,
    tiered: dict[TierKey, np.ndarray],
    missing: list[MissingPriceError | None],
    *,
    exact: bool,
) -> None:
    """Add one per-GB charge to each subject: its volume summed per (subject, region, to_region), priced once per
    (region, to_region)."""
    ctx = prices.ctx
    rows = charge.rows & (of_flow != NONE)
    if not rows.any():
        return
    regions = len(ctx.estate.regions)
    to_region = charge.to_region[rows] if charge.to_region is not None else np.full(int(rows.sum()), NONE)
    (subject_list, region_list, to_list), sums = sum_by_key(
        [of_flow[rows], charge.region[rows], to_region], [n, regions, regions], ctx.flows.volume[rows]
    )
    subject_codes, region_codes, to_codes = np.array(subject_list), np.array(region_list), np.array(to_list)
    totals = np.array(sums, dtype=object)
    combination = region_codes * (regions + 1) + (to_codes + 1)
    # each (region, to_region) is priced once; its subjects are distinct, so they take their sums in one step
    for packed in np.unique(combination).tolist():
        region, to_shifted = divmod(packed, regions + 1)
        selected = combination == packed
        chosen = subject_codes[selected]
        try:
            entry = prices.entry(charge.item, region, to_shifted - 1)
        except MissingPriceError as error:
            for subject in chosen.tolist():
                missing[subject] = missing[subject] or error
            continue
        if entry.is_tiered:
            key = (charge.item, region)
            if key not in tiered:
                tiered[key] = _zeros(n)
            tiered[key][chosen] += totals[selected]
        elif exact:
            per_gb[chosen] += totals[selected] * (ctx.estate.gb_per_unit * entry.flat_price_usd)
        else:
            rate = float(ctx.estate.gb_per_unit) * float(entry.flat_price_usd)
            per_gb[chosen] += totals[selected].astype(float) * rate


def subject_needs(
    usage: OptionUsage, of_flow: np.ndarray, n: int
) -> tuple[list[list[ResourceKey]], dict[ResourceKey, FixedResource]]:
    """Each subject's fixed resources under an option's usage (by key, in the order first needed), and every
    resource by key."""
    needs: list[list[ResourceKey]] = [[] for _ in range(n)]
    resources: dict[ResourceKey, FixedResource] = {}
    for need in usage.needs:
        selected = need.rows & (of_flow != NONE)
        if not selected.any():
            continue
        width = int(need.codes[selected].max()) + 1
        packed = np.unique(of_flow[selected].astype(np.int64) * width + need.codes[selected])
        by_code: dict[int, FixedResource] = {}
        for subject, code in zip((packed // width).tolist(), (packed % width).tolist(), strict=True):
            resource = by_code.get(code)
            if resource is None:
                made = need.resource(code)
                resource = by_code[code] = resources.setdefault(made.key, made)
            if resource.key not in needs[subject]:
                needs[subject].append(resource.key)
    return needs, resources


def _first_missing(
    prices: Prices,
    needs: list[list[ResourceKey]],
    resources: dict[ResourceKey, FixedResource],
    missing: list[MissingPriceError | None],
) -> None:
    """Note each subject's first fixed resource without a price, where no per-GB price was missing first."""
    errors: dict[ResourceKey, MissingPriceError] = {}
    for key, resource in resources.items():
        try:
            prices.fixed_usd(resource)
        except MissingPriceError as error:
            errors[key] = error
    if not errors:
        return
    for subject, keys in enumerate(needs):
        if missing[subject] is None:
            missing[subject] = next((errors[key] for key in keys if key in errors), None)


def _zeros(n: int) -> np.ndarray:
    zeros = np.zeros(n, dtype=object)
    zeros[:] = 0
    return zeros
