"""Compare designs: price every design for the same traffic and rank them."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from vpccost.catalog import Catalog, PriceEntry
from vpccost.designs import DESIGNS
from vpccost.designs import as_is as as_is_design
from vpccost.engine import DesignResult, price
from vpccost.errors import InputError
from vpccost.inputs.load import (
    PricingInput,
    TopologyInput,
    TrafficInput,
    catalog_from,
    collector_paused,
    load_estate,
    period_hours_from,
    topology_from,
)
from vpccost.model.estate import Estate
from vpccost.model.usage import DesignUsage, Settings
from vpccost.service_access import ServiceAccess, service_access
from vpccost.topology import Topology
from vpccost.traffic import label_column_warnings
from vpccost.units import format_decimal, to_cents


@dataclass
class Comparison:
    """Every requested design priced for the same traffic, the service-access comparison beside them,
    and the assumptions the estimate made."""

    catalog: Catalog
    options: Settings
    estate: Estate
    designs: list[DesignResult]
    service_access: list[ServiceAccess]
    assumptions: list[str]
    warnings: list[str]

    @property
    def ranked(self) -> list[DesignResult]:
        """Priced feasible designs cheapest first, then infeasible priced ones, then unpriced ones."""

        def key(result: DesignResult) -> tuple[int, Decimal, str]:
            total = result.total_usd
            group = 0 if result.priced and result.feasible else 1 if result.priced else 2
            return (group, total if total is not None else Decimal(0), result.design)

        return sorted(self.designs, key=key)

    @property
    def cheapest(self) -> DesignResult | None:
        """The cheapest design that is priced and feasible."""
        best = self.ranked[0] if self.designs else None
        return best if best is not None and best.priced and best.feasible else None

    @property
    def as_is(self) -> DesignResult | None:
        """The existing connectivity's result, when the topology records it and it is priced and feasible."""
        for result in self.designs:
            if result.design == as_is_design.NAME and result.priced and result.feasible:
                return result
        return None

    def saving_vs_as_is(self, result: DesignResult) -> Decimal | None:
        """What `result` would save per period against the design `as-is` (negative: it costs more); None when
        either is not priced and feasible."""
        baseline = self.as_is
        if baseline is None or baseline.total_usd is None or result.total_usd is None or not result.feasible:
            return None
        return baseline.total_usd - result.total_usd

    def design(self, name: str) -> DesignResult:
        for result in self.designs:
            if result.design == name:
                return result
        raise KeyError(name)

    @property
    def prices_used(self) -> list[PriceEntry]:
        seen: dict[tuple[str, str, str | None], PriceEntry] = {}
        for result in self.designs:
            for entry in result.prices_used:
                seen.setdefault(entry.key, entry)
        return sorted(seen.values(), key=lambda e: (e.region, e.item, e.to_region or ""))

    def to_frame(self) -> pd.DataFrame:
        """Line items of every design, one row each, with exact Decimal quantities and money."""
        from vpccost.outputs import line_items_frame

        return line_items_frame(self)

    @property
    def plot(self) -> ComparisonPlots:
        """Plotly figures of this comparison: `result.plot.by_design()`, `.by_account()`, `.sankey()`…"""
        return ComparisonPlots(self)

    def _repr_html_(self) -> str:
        """The ranked designs as an HTML table, for Jupyter."""
        from vpccost.outputs import designs_frame

        frame = designs_frame(self).set_index("rank")
        frame["total_usd"] = [None if total is None else f"{to_cents(total):,.2f}" for total in frame["total_usd"]]
        note = f"<p>prices {html.escape(self.catalog.name)}, {format_decimal(self.options.period_hours)} h</p>"
        return str(frame.to_html(escape=True, na_rep="not priced")) + note

    def to_dict(self) -> dict[str, object]:
        """The JSON document of `vpccost compare --format json`."""
        from vpccost.outputs import comparison_document

        return comparison_document(self)


@dataclass(frozen=True)
class ComparisonPlots:
    """Figures from `vpccost.charts`, bound to one comparison; `design` defaults to the cheapest one."""

    comparison: Comparison

    def by_design(self) -> Any:
        from vpccost import charts

        return charts.cost_by_design(self.comparison)

    def by_account(self, design: str | None = None) -> Any:
        from vpccost import charts

        return charts.cost_by_account(self.comparison, self._design(design))

    def by_label(self, design: str | None = None) -> Any:
        from vpccost import charts

        return charts.cost_by_label(self.comparison, self._design(design))

    def sankey(self, design: str | None = None) -> Any:
        from vpccost import charts

        return charts.sankey(self.comparison, self._design(design))

    def _design(self, design: str | None) -> str:
        if design is not None:
            return design
        cheapest = self.comparison.cheapest
        return cheapest.design if cheapest is not None else self.comparison.designs[0].design


def compare(
    traffic: TrafficInput,
    topology: TopologyInput = None,
    *,
    pricing: PricingInput = None,
    overrides: str | Path | None = None,
    designs: Sequence[str] | None = None,
    hours: Decimal | int | str = 730,
    nat_per_vpc: bool = False,
    free_tier: bool = False,
    split_by: str | None = None,
) -> Comparison:
    """Price `designs` (all five by default) for `traffic` over a period of `hours` [h].

    `split_by` names a label column of the traffic (team, application): per-GB line items are then split by
    its values, so costs can be charged back by label; hourly resources carry no label."""
    period_hours = period_hours_from(hours)
    catalog = catalog_from(pricing, overrides)
    loaded_topology = topology_from(topology)
    names = design_names(designs, loaded_topology)
    estate = load_estate(traffic, loaded_topology)
    options = Settings(period_hours=period_hours, nat_per_vpc=nat_per_vpc, free_tier=free_tier, split_by=split_by)
    return compare_estate(estate, catalog, options, names)


def design_names(designs: Sequence[str] | None, topology: Topology | None) -> list[str]:
    """The designs to price: `designs` as asked (checked), else the five pure designs, and `as-is` when the
    topology records existing connectivity."""
    existing = as_is_design.records_connectivity(topology)
    known = [*DESIGNS, as_is_design.NAME]
    if not designs:
        return known if existing else list(DESIGNS)
    names = list(designs)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise InputError(f"unknown design {', '.join(unknown)}; choose from {', '.join(known)}", field="designs")
    if as_is_design.NAME in names and not existing:
        raise InputError(
            "the as-is design prices the existing connectivity a topology records (route tables, peerings, transit "
            "gateways, endpoints, NAT gateways; `vpccost discover` writes them), and there is none",
            field="designs",
        )
    return names


def _design_usage(name: str, estate: Estate, options: Settings) -> DesignUsage:
    return as_is_design.usage(estate, options) if name == as_is_design.NAME else DESIGNS[name](estate, options)


def compare_estate(estate: Estate, catalog: Catalog, options: Settings, designs: Sequence[str]) -> Comparison:
    """Price `designs` for an estate that is already resolved (a forecast re-prices one estate per month)."""
    with collector_paused():
        results = [
            price(
                _design_usage(name, estate, options),
                catalog,
                period_hours=options.period_hours,
                free_tier=options.free_tier,
            )
            for name in designs
        ]
        access = service_access(estate, catalog, options)
    return Comparison(
        catalog=catalog,
        options=options,
        estate=estate,
        designs=results,
        service_access=access,
        assumptions=comparison_assumptions(estate, results, options.period_hours, catalog),
        warnings=label_column_warnings(estate.traffic),
    )


def comparison_assumptions(
    estate: Estate, results: list[DesignResult], period_hours: Decimal, catalog: Catalog
) -> list[str]:
    notes = [
        f"Period: {format_decimal(period_hours)} hours (730 = one month); monthly tier bounds scale by hours/730.",
        "Volumes are GB of 2^30 bytes per period; tiers apply to each usage type's total per region across "
        "accounts, then are allocated to payer accounts pro rata.",
    ]
    notes += estate.assumptions
    for result in results:
        notes += [note for note in result.assumptions if note not in notes]
    unverified = sorted({entry.label for result in results for entry in result.prices_used if not entry.verified})
    if unverified:
        notes.append(f"Prices not verified (see pricing show): {', '.join(unverified)}.")
    notes.append(f"Prices: snapshot {catalog.name}, on-demand list prices in {catalog.currency}.")
    return notes
