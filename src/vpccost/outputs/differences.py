"""What differs between the top designs of a comparison: the cheapest priced design and the next ones (up to
`DESIGNS` in all), line by line. A line is a component of a resource with its usage type (summed over payer
accounts and labels); the lines that cost the same in every design shown are left out, so the differences of the
lines that remain add up to the differences of the designs' totals. Lines are grouped by resource, with a subtotal
each, biggest difference first. The table and Markdown outputs show it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from vpccost.results import Comparison, DesignResult
from vpccost.units import exact_arithmetic

DESIGNS = 3
"""Designs compared: the cheapest and the next two."""
ROWS = 12
"""Rows shown (resources and their lines) before `… N more`."""


@dataclass(frozen=True)
class LineDifference:
    resource: str
    component: str
    usage_type: str
    costs_usd: dict[str, Decimal | None]
    """Design -> the line's cost, None where the design has no such line (it costs nothing there)."""

    @property
    def spread_usd(self) -> Decimal:
        """The most expensive design's cost less the cheapest one's."""
        return _spread(self.costs_usd)


@dataclass(frozen=True)
class ResourceDifference:
    resource: str
    costs_usd: dict[str, Decimal | None]
    """Design -> the sum of this resource's lines that differ; None where the design has none of them."""
    lines: list[LineDifference]

    @property
    def spread_usd(self) -> Decimal:
        return _spread(self.costs_usd)


@dataclass(frozen=True)
class Differences:
    designs: list[str]
    """The designs compared, cheapest first."""
    totals_usd: dict[str, Decimal]
    """Design -> its total."""
    resources: list[ResourceDifference]
    """The resources whose lines differ, biggest difference first."""

    @property
    def lines(self) -> list[LineDifference]:
        return [line for resource in self.resources for line in resource.lines]

    @property
    def differing_usd(self) -> dict[str, Decimal]:
        """Design -> the sum of every line that differs: these differ between designs as their totals do."""
        with exact_arithmetic():
            return {
                design: sum((resource.costs_usd[design] or Decimal(0) for resource in self.resources), Decimal(0))
                for design in self.designs
            }

    def shown(self, rows: int = ROWS) -> tuple[list[ResourceDifference], int]:
        """The resources with the lines that fit in `rows` rows (a resource's own row counts, and is shown only
        with at least one of its lines), and how many lines are left out."""
        kept: list[ResourceDifference] = []
        used = 0
        for resource in self.resources:
            room = rows - used - 1
            if room < 1:
                break
            lines = resource.lines[:room]
            kept.append(ResourceDifference(resource.resource, resource.costs_usd, lines))
            used += 1 + len(lines)
        left_out = len(self.lines) - sum(len(resource.lines) for resource in kept)
        return kept, left_out


def _sum(costs: list[Decimal | None]) -> Decimal | None:
    present = [cost for cost in costs if cost is not None]
    return sum(present, Decimal(0)) if present else None


def _spread(costs: dict[str, Decimal | None]) -> Decimal:
    values = [cost if cost is not None else Decimal(0) for cost in costs.values()]
    with exact_arithmetic():
        return max(values) - min(values)


def top_designs(comparison: Comparison, count: int = DESIGNS) -> list[DesignResult]:
    """The first `count` priced designs of the ranking: the cheapest feasible first."""
    return [result for result in comparison.ranked if result.priced][:count]


def differences(comparison: Comparison, count: int = DESIGNS) -> Differences | None:
    """The differences between the top `count` priced designs; None when fewer than two are priced."""
    designs = top_designs(comparison, count)
    if len(designs) < 2:
        return None
    names = [result.design for result in designs]
    costs: dict[tuple[str, str, str], dict[str, Decimal]] = defaultdict(dict)
    with exact_arithmetic():
        for result in designs:
            for item in result.line_items:
                found = costs[(item.resource, item.component, item.usage_type)]
                found[result.design] = found.get(result.design, Decimal(0)) + item.cost_usd
    by_resource: dict[str, list[LineDifference]] = defaultdict(list)
    for (resource, component, usage_type), by_design in costs.items():
        line = LineDifference(resource, component, usage_type, {name: by_design.get(name) for name in names})
        if line.spread_usd != 0:
            by_resource[resource].append(line)
    resources = []
    with exact_arithmetic():
        for resource, lines in by_resource.items():
            lines.sort(key=lambda line: (-line.spread_usd, line.component, line.usage_type))
            subtotal = {name: _sum([line.costs_usd[name] for line in lines]) for name in names}
            resources.append(ResourceDifference(resource, subtotal, lines))
    resources.sort(key=lambda found: (-found.spread_usd, -max(line.spread_usd for line in found.lines), found.resource))
    totals = {result.design: result.total_usd or Decimal(0) for result in designs}
    return Differences(names, totals, resources)
