"""Break-even between two options for one VPC pair or one (VPC, AWS service): where their cost lines cross.

Each option's cost line is its cost over the period against the subject's volume [GB per period], the traffic
keeping the shape it has in the input (directions, AZs, initiators, IP versions). It is read from the option's
own declarations (`vpccost.options`), priced by the same catalog as `compare`, as exact fractions:

- a fixed part: the resources the option needs for this subject that nothing else keeps — TGW attachments and
  peerings, endpoints, NLBs, a hub with its endpoint and hosted zone, and NAT gateways unless the VPC's other
  traffic with AWS and the internet (through NAT, its default route) keeps them anyway;
- a per-GB part: the flat prices of its per-GB charges, averaged over the subject's flows, plus tiered prices
  (interface-endpoint processing) as segments, as if the subject were the region's only such traffic.

The crossing volume is exact; it is shown as a decimal (rounded up at the 12th decimal only when it does not
terminate).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np

from vpccost.analyses.subject_costs import Prices, ResourceKey, SubjectCosts, subject_costs, subject_needs
from vpccost.designs.as_is import recorded_layout
from vpccost.errors import InputError, MissingPriceError
from vpccost.inputs.load import (
    Hours,
    PricingInput,
    TopologyInput,
    TrafficInput,
    catalog_from,
    load_estate,
    period_hours_for,
    period_hours_from,
)
from vpccost.model.usage import Settings
from vpccost.options import own_nat, shared_vpc, subjects
from vpccost.options.base import Context, Option
from vpccost.options.registry import PAIR_OPTIONS, SERVICE_OPTIONS
from vpccost.pricing.cost_lines import Amount, CostLine, LineParts
from vpccost.results import BreakEven
from vpccost.units import exact_arithmetic, fraction_to_decimal

Segment = tuple[Fraction, Fraction | None, Fraction]
ZERO = Decimal(0)


def crossing(first: CostLine[Amount], second: CostLine[Amount]) -> Fraction | None:
    """The smallest volume where the lines meet and change order (0 when they start equal and part)."""
    pieces = _difference(first, second)
    for index, (begin, start, slope) in enumerate(pieces):
        end = pieces[index + 1][0] if index + 1 < len(pieces) else None
        if start == 0 and slope != 0:
            return Fraction(begin)
        if slope == 0 or (start > 0) == (slope > 0):
            continue
        root = Fraction(begin) - Fraction(start) / Fraction(slope)
        if end is None or root <= end:
            return root
    return None


def cheaper_from(line: CostLine[Amount], other: CostLine[Amount]) -> Fraction | None:
    """The smallest volume from which `line` costs less than `other` at every larger volume: 0 when it always
    does, None when it never comes to."""
    found = cheaper_piece(line, other)
    if found is None:
        return None
    begin, rise, slope = found
    return Fraction(begin) + Fraction(rise) / Fraction(slope)


def cheaper_piece(line: CostLine[Amount], other: CostLine[Amount]) -> tuple[Amount, Amount, Amount] | None:
    """Where `line` starts to cost less than `other` for good, as `begin + rise / slope` (rise ≥ 0, slope > 0) in
    the lines' own numbers, so that exact decimals need no division; None when it never does."""
    pieces = _difference(line, other)
    zero: Amount = line.fixed_usd - line.fixed_usd
    one: Amount = zero + 1
    _, last_start, last_slope = pieces[-1]
    if last_slope > 0 or (last_slope == 0 and last_start >= 0):
        return None
    for index in range(len(pieces) - 1, -1, -1):
        begin, start, slope = pieces[index]
        if start >= 0 and slope < 0:
            return begin, start, -slope
        if start >= 0:
            return (pieces[index + 1][0], zero, one) if index + 1 < len(pieces) else None
    return zero, zero, one


def _difference(first: CostLine[Amount], second: CostLine[Amount]) -> list[tuple[Amount, Amount, Amount]]:
    """`first − second` as pieces (begin, value at begin, slope), from 0, in one walk along both lines' segments
    (each runs from 0 without gaps, as a cost line's do)."""
    a, b = first.segments, second.segments
    value: Amount = first.fixed_usd - second.fixed_usd
    begin: Amount = value - value
    i = j = 0
    pieces: list[tuple[Amount, Amount, Amount]] = []
    while True:
        slope = a[i][2] - b[j][2]
        pieces.append((begin, value, slope))
        end_a, end_b = a[i][1], b[j][1]
        if end_a is None and end_b is None:
            return pieces
        end: Amount = min(e for e in (end_a, end_b) if e is not None)
        value += (end - begin) * slope
        begin = end
        i += end_a == end
        j += end_b == end


class Lines:
    """Cost lines of options for subjects of one kind, read from the options' declarations."""

    def __init__(self, ctx: Context, prices: Prices, found: subjects.Subjects) -> None:
        self.ctx = ctx
        self.prices = prices
        self.found = found
        self.kept = baseline_resources(prices)
        self._costs: dict[tuple[str, bool], SubjectCosts] = {}

    def costs(self, option: Option, *, shared: bool = False) -> SubjectCosts:
        """The option's costs for every subject (`shared`: with every VPC placed in its region's shared VPC)."""
        key = (option.name, shared)
        if key not in self._costs:
            ctx = self.ctx.with_members(np.ones(len(self.ctx.vpcs), dtype=bool)) if shared else self.ctx
            self._costs[key] = subject_costs(self.prices, self.found, option, ctx=ctx)
        return self._costs[key]

    def parts(
        self, option: Option, subject: int, *, own: Sequence[ResourceKey] = (), shared: bool = False
    ) -> LineParts:
        """What `option` costs one subject, in its parts. Resources the rest of the estate keeps anyway count for
        nothing (`own`: the subject's own needs under its default route, which keep nothing for it)."""
        found = self.all_parts(option, {subject: own}, shared=shared)[subject]
        if isinstance(found, MissingPriceError):
            raise found
        return found

    def all_parts(
        self, option: Option, own: Mapping[int, Sequence[ResourceKey]], *, shared: bool = False
    ) -> dict[int, LineParts | MissingPriceError]:
        """`parts` for each subject of `own` (subject -> its own needs), or the price it is missing."""
        costs = self.costs(option, shared=shared)
        gb_per_unit, hours, kept = self.ctx.estate.gb_per_unit, self.ctx.settings.period_hours, self.kept
        tiers = [(self.prices.entry(item, region), units) for (item, region), units in costs.tiered_units.items()]
        found: dict[int, LineParts | MissingPriceError] = {}
        # a subject without a missing price has every resource it needs priced
        fixed_of: dict[ResourceKey, Decimal] = {}
        for key, resource in costs.resources.items():
            try:
                fixed_of[key] = self.prices.fixed_usd(resource)
            except MissingPriceError:
                continue
        with exact_arithmetic():
            for subject, subject_own in own.items():
                error = costs.missing[subject]
                if error is not None:
                    found[subject] = error
                    continue
                fixed = ZERO
                for key in costs.needs[subject]:
                    if kept.get(key, 0) - subject_own.count(key) <= 0:
                        fixed += fixed_of[key]
                tiered = tuple((entry, units[subject] * gb_per_unit) for entry, units in tiers if units[subject])
                gb = costs.units[subject] * gb_per_unit
                found[subject] = LineParts(option.name, fixed, gb, costs.per_gb_usd[subject], tiered, hours)
        return found


def baseline_resources(prices: Prices) -> Counter[ResourceKey]:
    """The resources the estate's traffic with AWS and the internet keeps through its default route (NAT): each
    key with the number of subjects that need it."""
    ctx = prices.ctx
    kept: Counter[ResourceKey] = Counter()
    for found in (subjects.services(ctx), subjects.internet(ctx)):
        needs, _ = subject_needs(own_nat.OPTION.usage(ctx, found.rows), found.of_flow, len(found))
        for keys in needs:
            kept.update(keys)
    return kept


def breakeven(
    traffic: TrafficInput,
    topology: TopologyInput = None,
    *,
    options: tuple[str, str],
    pair: tuple[str, str] | None = None,
    vpc: str | None = None,
    service: str | None = None,
    pricing: PricingInput = None,
    overrides: str | Path | None = None,
    hours: Hours = None,
    sheet: str | None = None,
) -> BreakEven:
    """The break-even volume between two options for the VPC `pair`, or for `vpc` calling `service`, over a
    period of `hours` [h] (by default the period the traffic file records, else 730)."""
    if hours is not None:
        period_hours_from(hours)  # checked before any file is read
    catalog = catalog_from(pricing, overrides)
    estate = load_estate(traffic, topology, sheet=sheet)
    settings = Settings(period_hours=period_hours_for(estate.traffic, hours))
    ctx = Context(estate, settings, layout=recorded_layout(estate))
    prices = Prices(ctx, catalog)
    if pair is not None:
        found = subjects.pairs(ctx)
        subject = _pair_subject(ctx, found, pair)
        allowed: Mapping[str, Option] = {
            **{name: option for name, option in PAIR_OPTIONS.items() if name != shared_vpc.NAME},
            shared_vpc.NAME: PAIR_OPTIONS[shared_vpc.NAME],
        }
        x, y = found.keys[subject].tolist()
        label = f"{estate.vpcs[x].label} ↔ {estate.vpcs[y].label}"
        region = estate.vpcs[x].region
    elif vpc is not None and service is not None:
        found = subjects.services(ctx)
        subject = _service_subject(ctx, found, vpc, service)
        allowed = SERVICE_OPTIONS
        code, service_code = found.keys[subject].tolist()
        label = f"{estate.vpcs[code].label} → aws:{estate.services[service_code]}"
        region = estate.vpcs[code].region
    else:
        raise InputError("give a VPC pair, or a VPC and an AWS service", field="pair")
    unknown = [option for option in options if option not in allowed]
    if unknown or len(options) != 2 or options[0] == options[1]:
        raise InputError(f"give two different options among {', '.join(allowed)}", field="options")
    lines = Lines(ctx, prices, found)
    volume = lines.costs(own_nat.OPTION if pair is None else allowed[options[0]]).units[subject]
    if not volume:
        raise _no_traffic(pair, vpc, service)
    own: Sequence[ResourceKey] = () if pair is not None else lines.costs(own_nat.OPTION).needs[subject]
    first, second = (_line(lines, allowed[name], subject, own) for name in options)
    gb = fraction_to_decimal(Fraction(volume) * Fraction(estate.gb_per_unit))
    return BreakEven(label, region, gb, first, second, crossing(first, second), settings.period_hours)


def _no_traffic(pair: tuple[str, str] | None, vpc: str | None, service: str | None) -> InputError:
    if pair is not None:
        return InputError(f"{pair[0]} and {pair[1]} exchange no traffic", field="pair")
    return InputError(f"{vpc} does not call aws:{(service or '').removeprefix('aws:')} in its own region",
                      field="service")  # fmt: skip


def _line(lines: Lines, option: Option, subject: int, own: Sequence[ResourceKey]) -> CostLine[Fraction]:
    shared = option.name == shared_vpc.NAME
    costs = lines.costs(option, shared=shared)
    block = costs.blocked.get(subject)
    if block is not None and not block.priced:
        raise InputError(block.reason.removesuffix("; not priced"), field="options")
    return lines.parts(option, subject, own=own, shared=shared).line()


def _vpc(ctx: Context, reference: str) -> int:
    for code, info in enumerate(ctx.vpcs):
        if reference in (info.id, info.name):
            return code
    raise InputError(f"VPC '{reference}' carries no traffic in this estate", field="vpc")


def _pair_subject(ctx: Context, found: subjects.Subjects, pair: tuple[str, str]) -> int:
    a, b = sorted((_vpc(ctx, pair[0]), _vpc(ctx, pair[1])))
    for index, (x, y) in enumerate(found.keys.tolist()):
        if (x, y) == (a, b):
            return index
    raise _no_traffic(pair, None, None)


def _service_subject(ctx: Context, found: subjects.Subjects, vpc: str, service: str) -> int:
    code = _vpc(ctx, vpc)
    name = service.removeprefix("aws:")
    if name not in ctx.estate.services:
        raise InputError(f"no traffic to aws:{name} in this estate", field="service")
    wanted = ctx.estate.services.index(name)
    for index, (v, s) in enumerate(found.keys.tolist()):
        if (v, s) == (code, wanted):
            return index
    raise _no_traffic(None, vpc, service)
