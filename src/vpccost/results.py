"""What vpccost computes, as data: line items, a design's result, a comparison of designs, dated estimates,
forecasts, an optimization, a break-even, and the prices of a snapshot and their changes.

These types hold data and answer questions about it (totals, ranking, savings); they render nothing. Every
analysis builds them and every output reads them, so neither imports the other. The convenience methods a
notebook reaches for (`comparison.to_frame()`, `.to_dict()`, `.plot.sankey()`, `_repr_html_`) are the one
documented seam: they import their renderer from `vpccost.outputs` when called, and no other module imports
outputs lazily.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from vpccost.designs import AS_IS, OPTIMIZED
from vpccost.designs.mix import Mix
from vpccost.model.estate import Estate
from vpccost.model.usage import Settings
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.cost_lines import CostLine, LineParts
from vpccost.pricing.diff import PriceChange
from vpccost.pricing.snapshot import PriceEntry
from vpccost.units import exact_arithmetic, fraction_to_decimal

if TYPE_CHECKING:
    import pandas as pd


class LineItem(NamedTuple):
    design: str
    component: str
    service_code: str
    usage_type: str
    region: str
    resource: str
    payer_account: str
    quantity: Decimal
    unit: str
    rate_usd: Decimal
    cost_usd: Decimal
    price_verified: bool
    item: str
    """The item priced (`nat_gateway_bytes`): with `region` and `to_region`, the key of its price."""
    to_region: str | None
    """The destination region of inter-region transfer (None otherwise)."""
    base_component: str
    """`component` without its destination region and tier: what is consumed (`Data processed (NAT gateway)`)."""
    tier: str | None
    """The price tier the quantity falls in (`first 10240 GB/month`, `free tier, …`); None for a flat price."""
    resource_owner: str
    """What holds the resource: a VPC id, a hub, a transit gateway (`tgw-us-east-1`), a shared VPC."""
    resource_kind: str
    """The kind of resource (`vpccost.model.usage.RESOURCE_KINDS`): vpc, nat-gateway, tgw-attachment…"""
    label: str | None
    """The traffic label value the line belongs to, when the estimate is split by a label column."""


class AccountCost(NamedTuple):
    """What one payer account is charged in one design (per label value when the estimate is split by a label):
    chargeback. `name` and `cost_center` are the topology's for the account, None where it gives none."""

    design: str
    account: str
    name: str | None
    cost_center: str | None
    label: str | None
    """The label value; None for the lines no label applies to (hourly resources), and when not split."""
    cost_usd: Decimal


class LabelCost(NamedTuple):
    """What one value of the label an estimate is split by costs in one design; `label` None for the lines no
    label applies to (hourly resources)."""

    design: str
    label: str | None
    cost_usd: Decimal


class ChargebackRow(NamedTuple):
    """One payer account (and label value, when split) across the designs: what it would pay in each."""

    account: str
    name: str | None
    cost_center: str | None
    label: str | None
    costs_usd: dict[str, Decimal]
    """Design -> the account's cost in it (0 where it pays nothing), for every priced design."""


@dataclass
class DesignResult:
    design: str
    line_items: list[LineItem]
    problems: list[str]
    quota_increases: list[str]
    assumptions: list[str]
    missing_prices: list[str]
    prices_used: list[PriceEntry] = field(default_factory=list)

    @property
    def priced(self) -> bool:
        return not self.missing_prices

    @property
    def feasible(self) -> bool:
        return not self.problems

    @property
    def total_usd(self) -> Decimal | None:
        """The exact sum of the line items, or None when a price is missing."""
        if not self.priced:
            return None
        with exact_arithmetic():
            return sum((item.cost_usd for item in self.line_items), Decimal(0))


@dataclass(frozen=True)
class ServiceAccess:
    """How one VPC reaches one AWS service in its region, each way priced for its traffic."""

    vpc: str
    vpc_name: str | None
    region: str
    service: str
    gb: Decimal
    nat_needed_for_other_traffic: bool
    nat_usd: Decimal | None
    gateway_endpoint_usd: Decimal | None
    interface_endpoint_usd: Decimal | None
    cheapest: str | None
    breakeven_gb: Decimal | None
    """Volume per period above which an interface endpoint costs less than the NAT gateway (rounded up to
    0.01 GB); None when it never does; 0 when it always does."""
    notes: tuple[str, ...]
    az_count: int
    ways: Mapping[str, LineParts] = field(default_factory=dict)
    """Each way's cost in its parts (`nat`, `gateway_endpoint`, `interface_endpoint`), where it is priced."""

    @functools.cached_property
    def lines(self) -> dict[str, CostLine[Fraction]]:
        """Each way's cost line, where it is priced."""
        return {way: parts.line() for way, parts in self.ways.items()}

    def usd_at(self, way: str, gb: Decimal) -> Decimal | None:
        """What a way costs at another volume [GB per period]; None where it is not priced."""
        parts = self.ways.get(way)
        return None if parts is None else fraction_to_decimal(parts.line().cost_at(Fraction(gb)))


@dataclass(frozen=True)
class Optimum:
    """What the optimizer's cheapest mix of options costs for the same estate: `compare`'s headline says how much
    it saves against the cheapest design, or that the design is already optimal."""

    total_usd: Decimal
    optimal: bool
    """Proven optimal (False: the time limit stopped the solver at `gap`)."""
    gap: float | None


@dataclass
class Comparison:
    """Every requested design priced for the same traffic, the service-access comparison beside them,
    and the assumptions the estimate made."""

    catalog: Catalog
    settings: Settings
    estate: Estate
    designs: list[DesignResult]
    service_access: list[ServiceAccess]
    assumptions: list[str]
    warnings: list[str]
    optimum: Optimum | None = None
    """The optimizer's cheapest mix for the same estate, where `compare` ran it (None: not run)."""

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
            if result.design == AS_IS and result.priced and result.feasible:
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

    def account_name(self, account: str) -> str | None:
        """The name the topology gives the account, if any."""
        details = self.estate.account_details.get(account)
        return None if details is None else details.name

    def cost_center(self, account: str) -> str | None:
        """The cost center the topology gives the account, if any."""
        details = self.estate.account_details.get(account)
        return None if details is None else details.cost_center

    def account_label(self, account: str) -> str:
        """The account id with its name, `222222222222 (prod)`, where the topology gives one."""
        name = self.account_name(account)
        return f"{account} ({name})" if name else account

    def by_account(self, design: str, *, by_label: bool | None = None) -> list[AccountCost]:
        """A design's cost per payer account (and per label value when `by_label`, which defaults to whether
        the estimate is split by a label), exact; by account id, then label values, the unlabelled last. The rows
        of a design with a missing price sum only the line items that could be priced."""
        split = self.settings.split_by is not None if by_label is None else by_label
        costs: dict[tuple[str, str | None], Decimal] = {}
        with exact_arithmetic():
            for item in self.design(design).line_items:
                key = (item.payer_account, item.label if split else None)
                costs[key] = costs.get(key, Decimal(0)) + item.cost_usd
        return [
            AccountCost(design, account, self.account_name(account), self.cost_center(account), label, cost)
            for (account, label), cost in sorted(costs.items(), key=lambda pair: _account_label_key(*pair[0]))
        ]

    def chargeback(self) -> list[ChargebackRow]:
        """Each payer account (per label value when split) and what it pays in each priced design, ranked order;
        by account id, then label values, the unlabelled last. Each design's column adds up to its total."""
        designs = [result.design for result in self.ranked if result.priced]
        rows: dict[tuple[str, str | None], ChargebackRow] = {}
        for design in designs:
            for cost in self.by_account(design):
                key = (cost.account, cost.label)
                if key not in rows:
                    zeros = dict.fromkeys(designs, Decimal(0))
                    rows[key] = ChargebackRow(cost.account, cost.name, cost.cost_center, cost.label, zeros)
                rows[key].costs_usd[design] = cost.cost_usd
        return [rows[key] for key in sorted(rows, key=lambda key: _account_label_key(*key))]

    def by_label(self, design: str) -> list[LabelCost]:
        """A design's cost per value of the label the estimate is split by, exact; values in order, then the lines
        no label applies to. The rows add up to the design's total. Empty when the estimate is not split."""
        if self.settings.split_by is None:
            return []
        costs: dict[str | None, Decimal] = {}
        with exact_arithmetic():
            for item in self.design(design).line_items:
                costs[item.label] = costs.get(item.label, Decimal(0)) + item.cost_usd
        return [
            LabelCost(design, label, cost)
            for label, cost in sorted(costs.items(), key=lambda pair: _account_label_key("", pair[0]))
        ]

    @property
    def prices_used(self) -> list[PriceEntry]:
        seen: dict[tuple[str, str, str | None], PriceEntry] = {}
        for result in self.designs:
            for entry in result.prices_used:
                seen.setdefault(entry.key, entry)
        return sorted(seen.values(), key=lambda e: (e.region, e.item, e.to_region or ""))

    # ---- the seam to outputs --------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Line items of every design, one row each, with exact Decimal quantities and money."""
        from vpccost.outputs.frames import line_items_frame

        return line_items_frame(self)

    def to_dict(self) -> dict[str, object]:
        """The JSON document of `vpccost compare --format json`."""
        from vpccost.outputs.documents import comparison_document

        return comparison_document(self)

    @property
    def plot(self) -> ComparisonPlots:
        """Plotly figures of this comparison: `result.plot.by_design()`, `.by_account()`, `.sankey()`…"""
        return ComparisonPlots(self)

    def _repr_html_(self) -> str:
        """The ranked designs as an HTML table, for Jupyter."""
        from vpccost.outputs.frames import comparison_html

        return comparison_html(self)


def _account_label_key(account: str, label: str | None) -> tuple[str, int, str]:
    """By account, then labelled rows before the unlabelled (hourly resources carry no label)."""
    return (account, 1, "") if label is None else (account, 0, label)


@dataclass(frozen=True)
class ComparisonPlots:
    """Figures from `vpccost.outputs.charts`, bound to one comparison; `design` defaults to the cheapest one."""

    comparison: Comparison

    def by_design(self) -> Any:
        from vpccost.outputs import charts

        return charts.cost_by_design(self.comparison)

    def by_account(self, design: str | None = None) -> Any:
        from vpccost.outputs import charts

        return charts.cost_by_account(self.comparison, self._design(design))

    def by_label(self, design: str | None = None) -> Any:
        from vpccost.outputs import charts

        return charts.cost_by_label(self.comparison, self._design(design))

    def sankey(self, design: str | None = None) -> Any:
        from vpccost.outputs import charts

        return charts.sankey(self.comparison, self._design(design))

    def _design(self, design: str | None) -> str:
        if design is not None:
            return design
        cheapest = self.comparison.cheapest
        return cheapest.design if cheapest is not None else self.comparison.designs[0].design


@dataclass(frozen=True)
class DatedComparison:
    """One estimate dated for finance. `start`/`end` bound the charges (FOCUS ChargePeriod);
    `billing_start`/`billing_end` the calendar month they would be billed in (FOCUS BillingPeriod). All UTC."""

    start: datetime
    end: datetime
    billing_start: datetime
    billing_end: datetime
    comparison: Comparison
    volume_factor: Decimal = Decimal(1)
    """In a forecast, this month's volumes relative to the traffic as given."""

    @property
    def month(self) -> str:
        """`YYYY-MM` of the billing month."""
        return self.billing_start.strftime("%Y-%m")


@dataclass(frozen=True)
class Growth:
    """Monthly volume factors relative to the first month, and how they were stated."""

    factors: tuple[Decimal, ...]
    description: str


def _buildable(result: DesignResult) -> bool:
    return result.priced and result.feasible and result.total_usd is not None


@dataclass(frozen=True)
class ForecastSpan:
    """A stretch of a forecast's months (a calendar year, or the whole horizon) and each design's total over it."""

    label: str
    """`2027`, or `2027-01 to 2028-12` for the whole horizon."""
    months: tuple[str, ...]
    totals_usd: dict[str, Decimal | None]
    """Design -> the sum of its monthly totals; None when any month of the span is not priced."""


@dataclass(frozen=True)
class CheapestChange:
    """The month the cheapest design that can be built changes, and from which to which."""

    month: str
    before: str | None
    after: str | None
    """None: no design can be built that month."""


@dataclass
class Forecast:
    periods: list[DatedComparison]
    growth: Growth

    @property
    def months(self) -> list[str]:
        return [period.month for period in self.periods]

    @property
    def designs(self) -> list[str]:
        return [result.design for result in self.periods[0].comparison.designs] if self.periods else []

    def buildable(self, design: str) -> bool:
        """Whether `design` is priced and feasible in every month (one that cannot be built never leads)."""
        return all(_buildable(period.comparison.design(design)) for period in self.periods)

    def cheapest_by_month(self) -> list[tuple[str, str | None]]:
        """Each month and its cheapest design that is priced and feasible that month (None: none is)."""
        cheapest = []
        for period in self.periods:
            built = [result for result in period.comparison.designs if _buildable(result)]
            best = min(built, key=lambda result: (result.total_usd, result.design), default=None)
            cheapest.append((period.month, None if best is None else best.design))
        return cheapest

    def cheapest_changes(self) -> list[CheapestChange]:
        """The months whose cheapest buildable design differs from the month before's."""
        by_month = self.cheapest_by_month()
        return [
            CheapestChange(month, before, after)
            for (_, before), (month, after) in itertools.pairwise(by_month)
            if before != after
        ]

    def spans(self) -> list[ForecastSpan]:
        """Each calendar year the forecast touches, then the whole horizon, with every design's total."""
        years: dict[str, list[DatedComparison]] = {}
        for period in self.periods:
            years.setdefault(period.month[:4], []).append(period)
        spans = [self._span(year, periods) for year, periods in years.items()]
        if len(years) > 1 and self.periods:
            spans.append(self._span(f"{self.periods[0].month} to {self.periods[-1].month}", self.periods))
        elif spans:
            (only,) = spans
            spans = [replace(only, label=f"{self.periods[0].month} to {self.periods[-1].month}")]
        return spans

    def _span(self, label: str, periods: list[DatedComparison]) -> ForecastSpan:
        totals: dict[str, Decimal | None] = {}
        for design in self.designs:
            values = [period.comparison.design(design).total_usd for period in periods]
            if any(value is None for value in values):
                totals[design] = None
                continue
            with exact_arithmetic():
                totals[design] = sum((value for value in values if value is not None), Decimal(0))
        return ForecastSpan(label, tuple(period.month for period in periods), totals)

    def totals(self) -> dict[str, dict[str, Decimal | None]]:
        """Total USD per month per design (None where a design is not priced)."""
        return {
            period.month: {result.design: result.total_usd for result in period.comparison.designs}
            for period in self.periods
        }

    # ---- the seam to outputs --------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per month and design: `month`, `design`, `volume_factor`, `priced`, `feasible`, `total_usd`
        (exact Decimal; None where the design is not priced)."""
        from vpccost.outputs.frames import forecast_frame

        return forecast_frame(self)

    def plot(self) -> Any:
        """The plotly figure of monthly totals per design."""
        from vpccost.outputs.charts import forecast_lines

        return forecast_lines(self.periods)

    def _repr_html_(self) -> str:
        """Monthly totals per design (rounded to cents for display), for Jupyter."""
        from vpccost.outputs.frames import forecast_html

        return forecast_html(self)


@dataclass(frozen=True)
class PairDecision:
    vpcs: tuple[str, str]
    option: str | None
    """None: no allowed option can route the pair (unroutable)."""
    gb: Decimal
    options_usd: dict[str, float]
    """What each allowed option would cost this pair alone (its per-GB charges and its own endpoints), USD."""
    reason: str


@dataclass(frozen=True)
class ServiceDecision:
    vpc: str
    service: str
    option: str
    gb: Decimal
    options_usd: dict[str, float]
    reason: str


@dataclass
class Optimization:
    """The optimized mix, priced exactly, beside the pure designs priced for the same traffic."""

    result: DesignResult
    mix: Mix
    pairs: list[PairDecision]
    services: list[ServiceDecision]
    comparison: Comparison
    """The pure designs and `optimized`, priced with the same catalog and settings."""
    optimal: bool
    gap: float | None
    """The relative gap between the solution and HiGHS's bound (0 when proven optimal)."""
    status: str
    solve_seconds: float
    model_variables: int
    model_constraints: int
    model_binaries: int
    notes: list[str] = field(default_factory=list)
    not_allowed: list[DesignResult] = field(default_factory=list)
    """The pure designs whose connection `--allow` leaves out, priced apart: not ranked against the mix."""

    @property
    def decisions(self) -> dict[str, list[Any]]:
        return {"pairs": list(self.pairs), "services": list(self.services)}

    @property
    def savings(self) -> dict[str, Decimal | None]:
        """Per pure design: its total minus the optimized total (None when either is not priced)."""
        best = self.result.total_usd
        savings: dict[str, Decimal | None] = {}
        for design in self.comparison.designs:
            if design.design == OPTIMIZED:
                continue
            total = design.total_usd
            savings[design.design] = None if total is None or best is None else total - best
        return savings

    # ---- the seam to outputs --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The `compare` JSON document with design `optimized`, plus the decisions, savings and solver status."""
        from vpccost.outputs.documents import optimization_document

        return optimization_document(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per decision (pairs, then services): what was chosen, the volume, and why."""
        from vpccost.outputs.frames import decisions_frame

        return decisions_frame(self)

    def _repr_html_(self) -> str:
        from vpccost.outputs.frames import optimization_html

        return optimization_html(self)


@dataclass(frozen=True)
class BreakEven:
    subject: str
    region: str
    gb: Decimal
    """The subject's volume in the input [GB per period]."""
    first: CostLine[Fraction]
    second: CostLine[Fraction]
    breakeven_gb: Fraction | None
    """The smallest volume at which the two lines meet and then change order; None when they never cross."""
    period_hours: Decimal

    @property
    def cheaper_now(self) -> str:
        volume = Fraction(self.gb)
        first, second = self.first.cost_at(volume), self.second.cost_at(volume)
        return self.first.option if first <= second else self.second.option

    # ---- the seam to outputs --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        from vpccost.outputs.documents import breakeven_document

        return breakeven_document(self)

    def figure(self) -> Any:
        """A plotly figure: both cost lines against the volume, the input's volume and the crossing marked."""
        from vpccost.outputs.charts import breakeven_lines

        return breakeven_lines(self)

    def write_html(self, path: str | Path) -> Path:
        """The figure as a self-contained HTML page, written whole or not at all."""
        from vpccost.outputs.formats import write

        return write("html", self, path)


@dataclass(frozen=True)
class PriceList:
    """A snapshot's prices, every region's or one region's, as `vpccost pricing show` lists them."""

    catalog: Catalog
    region: str | None = None

    @property
    def entries(self) -> list[PriceEntry]:
        return list(self.catalog.entries(self.region))


@dataclass(frozen=True)
class PriceChanges:
    """What changed between two snapshots, entry by entry, as `vpccost pricing diff` lists it."""

    changes: list[PriceChange]
