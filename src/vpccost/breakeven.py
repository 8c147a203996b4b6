"""Break-even between two options for one VPC pair or one (VPC, AWS service): where their cost lines cross.

Each option's cost line is its monthly cost against the subject's volume [GB per period], the traffic keeping
the shape it has in the input (directions, AZs, initiators, IP versions): a fixed part — the resources the
option needs for this subject alone (TGW attachments and peerings, endpoints, NLBs, NAT gateways when no other
traffic of the VPC keeps them, a hub with its endpoint and hosted zone) — plus a per-GB part, with
interface-endpoint processing tiers as segments. Both come from the same catalog as `compare`, as exact
fractions, so the crossing volume is exact; it is shown as a decimal (rounded up at the 12th decimal only when
it does not terminate).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np

from vpccost.designs.mixed import NEW_HUB_AZ_COUNT, PAIR_OPTIONS, SERVICE_OPTIONS, hosted_zone_months
from vpccost.errors import InputError
from vpccost.inputs.load import PricingInput, TopologyInput, TrafficInput, catalog_from, load_estate, period_hours_from
from vpccost.model.aws_facts import GATEWAY_ENDPOINT_SERVICES
from vpccost.model.codes import NONE
from vpccost.model.estate import VPC, Estate
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.tiers import tier_scale
from vpccost.results import BreakEven, CostLine
from vpccost.units import fraction_to_decimal

PLOT_POINTS = 3


def crossing(first: CostLine, second: CostLine) -> Fraction | None:
    """The smallest volume where the lines meet and change order (0 when they start equal and part)."""
    breaks = sorted({Fraction(0)} | {b for line in (first, second) for b, _, _ in line.segments})
    difference = [first.cost_at(b) - second.cost_at(b) for b in breaks]
    for index, begin in enumerate(breaks):
        start = difference[index]
        slope = _rate_at(first, begin) - _rate_at(second, begin)
        end = breaks[index + 1] if index + 1 < len(breaks) else None
        if start == 0 and slope != 0:
            return begin
        if slope == 0 or (start > 0) == (slope > 0):
            continue
        root = begin - start / slope
        if end is None or root <= end:
            return root
    return None


def _rate_at(line: CostLine, gb: Fraction) -> Fraction:
    for begin, end, rate in line.segments:
        if begin <= gb and (end is None or gb < end):
            return rate
    return Fraction(0)


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
    hours: Decimal | int | str = 730,
) -> BreakEven:
    """The break-even volume between two options for the VPC `pair`, or for `vpc` calling `service`."""
    catalog = catalog_from(pricing, overrides)
    period_hours = period_hours_from(hours)
    estate = load_estate(traffic, topology)
    lines = _Lines(estate, catalog, period_hours)
    if pair is not None:
        build, subject, region, gb = lines.pair(pair)
        allowed = [o for o in PAIR_OPTIONS if o != "sharing"] + ["sharing"]
    elif vpc is not None and service is not None:
        build, subject, region, gb = lines.service(vpc, service)
        allowed = list(SERVICE_OPTIONS)
    else:
        raise InputError("give a VPC pair, or a VPC and an AWS service", field="pair")
    unknown = [option for option in options if option not in allowed]
    if unknown or len(options) != 2 or options[0] == options[1]:
        raise InputError(f"give two different options among {', '.join(allowed)}", field="options")
    first, second = build(options[0]), build(options[1])
    return BreakEven(subject, region, gb, first, second, crossing(first, second), period_hours)


class _Lines:
    def __init__(self, estate: Estate, catalog: Catalog, period_hours: Decimal) -> None:
        self.estate = estate
        self.catalog = catalog
        self.period_hours = period_hours
        self.hours = Fraction(period_hours.to_integral_value(rounding=ROUND_CEILING))
        self.gb = [Fraction(int(units)) * Fraction(estate.gb_per_unit) for units in estate.flows.volume.tolist()]

    def rate(self, item: str, region_code: int, to_region: int | None = None) -> Fraction:
        regions = self.estate.regions
        target = None if to_region is None else regions[to_region]
        return Fraction(self.catalog.get(item, regions[region_code], target).flat_price_usd)

    def _vpc(self, reference: str) -> int:
        for code, info in enumerate(self.estate.vpcs):
            if reference in (info.id, info.name):
                return code
        raise InputError(f"VPC '{reference}' carries no traffic in this estate", field="vpc")

    def _nat_fixed(self, vpc: int) -> Fraction:
        """NAT gateways count against an option only when no other traffic of the VPC keeps them."""
        o = self.estate.outside
        if (o.nat_processed & ~o.endpoint_reachable & (o.vpc == vpc)).any():
            return Fraction(0)
        info = self.estate.vpcs[vpc]
        region = int(self.estate.vpc_region_codes[vpc])
        gateways = len(info.azs)
        return gateways * self.hours * (self.rate("nat_gateway_hours", region) + self.rate("public_ipv4_in_use_hours",
                                                                                             region))  # fmt: skip

    def _endpoint_segments(self, region: int, base: Fraction) -> tuple[tuple[Fraction, Fraction | None, Fraction], ...]:
        entry = self.catalog.get("vpc_endpoint_bytes", self.estate.regions[region])
        scale = Fraction(tier_scale(entry, self.period_hours))
        return tuple(
            (
                Fraction(t.begin) * scale,
                None if t.end is None else Fraction(t.end) * scale,
                base + Fraction(t.price_usd),
            )
            for t in entry.tiers
        )

    def pair(self, pair: tuple[str, str]) -> tuple[Callable[[str], CostLine], str, str, Decimal]:
        estate, f = self.estate, self.estate.flows
        a, b = self._vpc(pair[0]), self._vpc(pair[1])
        rows = np.flatnonzero((f.src.kind == VPC) & (f.dst.kind == VPC) & (
            ((f.src.vpc == a) & (f.dst.vpc == b)) | ((f.src.vpc == b) & (f.dst.vpc == a))))  # fmt: skip
        total = sum((self.gb[i] for i in rows.tolist()), Fraction(0))
        if not total:
            raise InputError(f"{pair[0]} and {pair[1]} exchange no traffic", field="pair")
        region_a, region_b = (int(estate.vpc_region_codes[v]) for v in (a, b))

        def inter(i: int) -> Fraction:
            s, d = int(f.src.region[i]), int(f.dst.region[i])
            return self.rate("data_transfer_inter_region_bytes", s, d) if s != d else Fraction(0)

        def crossing_az(i: int) -> bool:
            return bool(f.src.az[i] == NONE or f.dst.az[i] == NONE or f.src.az[i] != f.dst.az[i])

        def line(option: str) -> CostLine:
            per_gb = Fraction(0)
            fixed = Fraction(0)
            initiators = {int(f.src.vpc[i] if f.src_initiates[i] else f.dst.vpc[i]) for i in rows.tolist()}
            for i in rows.tolist():
                s, d = int(f.src.region[i]), int(f.dst.region[i])
                init = int(f.src.vpc[i] if f.src_initiates[i] else f.dst.vpc[i])
                resp = b if init == a else a
                cost = inter(i)
                if option in ("peering", "sharing") and s == d and crossing_az(i):
                    if option == "peering":
                        cost += self.rate("vpc_peering_out_bytes", s) + self.rate("vpc_peering_in_bytes", d)
                    else:
                        cost += self.rate("data_transfer_regional_bytes", s) * 2
                elif option == "transit-gateway":
                    cost += self.rate("transit_gateway_bytes", s)
                elif option == "privatelink":
                    cost += self.rate("nlb_nlcu_hours", int(estate.vpc_region_codes[resp]))
                elif option == "nat":
                    if not f.ipv6[i]:
                        cost += self.rate("nat_gateway_bytes", int(estate.vpc_region_codes[init]))
                    if s == d:
                        cost += self.rate("data_transfer_regional_bytes", s) * 2
                per_gb += self.gb[i] * cost
            rate = per_gb / total
            if option == "transit-gateway":
                fixed = self.hours * (self.rate("transit_gateway_attachment_hours", region_a)
                                      + self.rate("transit_gateway_attachment_hours", region_b))  # fmt: skip
                if region_a != region_b:
                    fixed += self.hours * (self.rate("transit_gateway_peering_hours", region_a)
                                           + self.rate("transit_gateway_peering_hours", region_b))  # fmt: skip
            if option == "nat":
                fixed = sum((self._nat_fixed(v) for v in initiators), Fraction(0))
            if option == "privatelink":
                for consumer in initiators:
                    provider = b if consumer == a else a
                    region, provider_region = (int(estate.vpc_region_codes[v]) for v in (consumer, provider))
                    fixed += len(estate.vpcs[consumer].azs) * self.hours * self.rate("vpc_endpoint_hours", region)
                    fixed += self.hours * self.rate("nlb_hours", provider_region)
                return CostLine(option, fixed, self._endpoint_segments(region_a, rate))
            return CostLine(option, fixed, ((Fraction(0), None, rate),))

        subject = f"{estate.vpcs[a].label} ↔ {estate.vpcs[b].label}"
        return line, subject, estate.regions[region_a], fraction_to_decimal(total)

    def service(self, vpc: str, service: str) -> tuple[Callable[[str], CostLine], str, str, Decimal]:
        estate, o = self.estate, self.estate.outside
        code = self._vpc(vpc)
        name = service.removeprefix("aws:")
        if name not in estate.services:
            raise InputError(f"no traffic to aws:{name} in this estate", field="service")
        rows = np.flatnonzero(o.endpoint_reachable & (o.vpc == code) & (o.service == estate.services.index(name)))
        total = sum((self.gb[i] for i in rows.tolist()), Fraction(0))
        if not total:
            raise InputError(f"{vpc} does not call aws:{name} in its own region", field="service")
        region = int(estate.vpc_region_codes[code])
        v4_share = sum((self.gb[i] for i in rows.tolist() if o.nat_processed[i]), Fraction(0)) / total
        azs = len(estate.vpcs[code].azs)

        def line(option: str) -> CostLine:
            if option == "nat":
                per_gb = v4_share * self.rate("nat_gateway_bytes", region)
                return CostLine(option, self._nat_fixed(code), ((Fraction(0), None, per_gb),))
            if option == "gateway-endpoint":
                if name not in GATEWAY_ENDPOINT_SERVICES:
                    raise InputError(f"aws:{name} has no gateway endpoint (only S3 and DynamoDB)", field="options")
                return CostLine(option, Fraction(0), ((Fraction(0), None, Fraction(0)),))
            if option == "interface-endpoint":
                fixed = azs * self.hours * self.rate("vpc_endpoint_hours", region)
                return CostLine(option, fixed, self._endpoint_segments(region, Fraction(0)))
            attachment = self.rate("transit_gateway_attachment_hours", region)
            zone = Fraction(self.catalog.get("route53_hosted_zone_months", "global").flat_price_usd)
            fixed = 2 * self.hours * attachment + NEW_HUB_AZ_COUNT * self.hours * self.rate(
                "vpc_endpoint_hours", region
            )
            fixed += zone * Fraction(hosted_zone_months(self.period_hours))
            return CostLine(option, fixed, self._endpoint_segments(region, self.rate("transit_gateway_bytes", region)))

        return line, f"{estate.vpcs[code].label} → aws:{name}", estate.regions[region], fraction_to_decimal(total)
