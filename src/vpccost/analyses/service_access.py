"""AWS-service access: for each VPC and AWS service it calls in its own region, what the traffic costs
through a NAT gateway, a gateway endpoint (S3, DynamoDB: free) or an interface endpoint, and the volume
at which an interface endpoint starts to pay for itself.

This is the break-even of the service options (`analyses.breakeven.Lines`): each way's cost line comes from
the option's own declaration, priced by the same catalog as the designs. Each comparison is marginal: a NAT
gateway's hours count against the NAT option only when this service is the VPC's only traffic through NAT
(then an endpoint removes the gateways); otherwise the gateways stay and only their per-GB processing is at
stake. Listed: the calls the VPC opens over IPv4, which a NAT gateway would process.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

from vpccost.analyses.breakeven import Lines, cheaper_from
from vpccost.analyses.subject_costs import Prices, ResourceKey
from vpccost.errors import MissingPriceError
from vpccost.model.estate import Estate
from vpccost.model.usage import Settings
from vpccost.options import gateway_endpoint, interface_endpoint, own_nat, subjects
from vpccost.options.base import Context, Option
from vpccost.pricing.catalog import Catalog
from vpccost.results import CostLine, ServiceAccess
from vpccost.units import exact_arithmetic, fraction_to_decimal, rounding_arithmetic

BREAKEVEN_QUANTUM_GB = Decimal("0.01")
WAYS: tuple[tuple[str, Option, str], ...] = (
    ("nat", own_nat.OPTION, "NAT gateway"),
    ("gateway_endpoint", gateway_endpoint.OPTION, "gateway endpoint"),
    ("interface_endpoint", interface_endpoint.OPTION, "interface endpoint"),
)
"""Each way compared: its name in the comparison, the option, and what a note calls it."""


def service_access(estate: Estate, catalog: Catalog, settings: Settings) -> list[ServiceAccess]:
    """One comparison per (VPC, AWS service in its region) that the VPC calls over IPv4, by VPC and service."""
    ctx = Context(estate, settings)
    found = subjects.services(ctx)
    if not (found.rows & estate.outside.nat_processed).any():
        return []
    lines = Lines(ctx, Prices(ctx, catalog), found)
    own_needs = lines.costs(own_nat.OPTION).needs
    results = []
    with exact_arithmetic():
        for subject, (vpc_code, service_code) in enumerate(found.keys.tolist()):
            if not own_needs[subject]:
                continue  # no call over IPv4: nothing a NAT gateway would process
            results.append(_compare(lines, subject, vpc_code, service_code, own_needs[subject]))
    return results


def _compare(lines: Lines, subject: int, vpc_code: int, service_code: int, own: list[ResourceKey]) -> ServiceAccess:
    ctx = lines.ctx
    info = ctx.vpcs[vpc_code]
    units = lines.costs(own_nat.OPTION).units[subject]
    gb = Fraction(units) * Fraction(ctx.estate.gb_per_unit)
    kept = lines.kept.copy()
    kept.subtract(own)
    nat_needed = any(kept[key] > 0 for key in own)
    notes: list[str] = []
    drawn: dict[str, CostLine] = {}
    for name, option, called in WAYS:
        block = lines.costs(option).blocked.get(subject)
        if block is not None and not block.priced:
            continue
        try:
            drawn[name] = lines.line(option, subject, own=own)
        except MissingPriceError as error:
            notes.append(f"{called} not priced: {error.key}")
    costs = {name: fraction_to_decimal(line.cost_at(gb)) for name, line in drawn.items()}
    cheapest = min(costs, key=lambda name: (costs[name], name)) if costs else None
    nat, endpoint = drawn.get("nat"), drawn.get("interface_endpoint")
    breakeven = None
    if nat is not None and endpoint is not None:
        volume = cheaper_from(endpoint, nat)
        breakeven = None if volume is None else _rounded_up(volume)
    if not nat_needed:
        notes.append("NAT gateway hours counted against NAT: this is the VPC's only traffic through NAT")
    return ServiceAccess(
        vpc=info.id,
        vpc_name=info.name,
        region=info.region,
        service=ctx.estate.services[service_code],
        gb=fraction_to_decimal(gb),
        nat_needed_for_other_traffic=nat_needed,
        nat_usd=costs.get("nat"),
        gateway_endpoint_usd=costs.get("gateway_endpoint"),
        interface_endpoint_usd=costs.get("interface_endpoint"),
        cheapest=cheapest,
        breakeven_gb=breakeven,
        notes=tuple(notes),
        az_count=len(info.azs),
        lines=drawn,
    )


def _rounded_up(volume: Fraction) -> Decimal:
    """A break-even volume rounded up to 0.01 GB."""
    with rounding_arithmetic():
        exact = Decimal(volume.numerator) / Decimal(volume.denominator)
        return exact.quantize(BREAKEVEN_QUANTUM_GB, rounding=decimal.ROUND_CEILING)
