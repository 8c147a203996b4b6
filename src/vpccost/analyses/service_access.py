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
from collections.abc import Hashable, Sequence
from decimal import Decimal
from fractions import Fraction

import numpy as np

from vpccost.analyses.breakeven import Lines, cheaper_piece
from vpccost.analyses.subject_costs import Prices
from vpccost.designs.as_is import recorded_layout
from vpccost.designs.mix import service_key
from vpccost.errors import MissingPriceError
from vpccost.model.codes import NONE
from vpccost.model.estate import Estate
from vpccost.model.usage import Settings
from vpccost.options import gateway_endpoint, interface_endpoint, own_nat, subjects
from vpccost.options.base import Blocked, Context, Option
from vpccost.options.subjects import Subjects
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.cost_lines import Amount, LineParts
from vpccost.results import ServiceAccess
from vpccost.units import exact_arithmetic

WAYS: tuple[tuple[str, Option, str], ...] = (
    ("nat", own_nat.OPTION, "NAT gateway"),
    ("gateway_endpoint", gateway_endpoint.OPTION, "gateway endpoint"),
    ("interface_endpoint", interface_endpoint.OPTION, "interface endpoint"),
)
"""Each way compared: its name in the comparison, the option, and what a note calls it."""


def cheapest_routes(access: Sequence[ServiceAccess]) -> dict[tuple[str, str], str]:
    """(VPC id, `aws:<service>`) -> the option of the cheapest way each comparison found (`Settings.service_access`
    "best": the pure designs reach each service that way, where they allow it)."""
    options = {name: option.name for name, option, _ in WAYS}
    return {service_key(row.vpc, row.service): options[row.cheapest] for row in access if row.cheapest is not None}


def service_access(estate: Estate, catalog: Catalog, settings: Settings) -> list[ServiceAccess]:
    """One comparison per (VPC, AWS service in its region) that the VPC calls over IPv4, by VPC and service."""
    ctx = Context(estate, settings, layout=recorded_layout(estate))
    calls = subjects.services(ctx)
    over_ipv4 = Subjects(calls.keys, np.where(estate.outside.nat_processed, calls.of_flow, NONE))
    if not over_ipv4.rows.any():
        return []
    lines = Lines(ctx, Prices(ctx, catalog), over_ipv4)
    nat = lines.costs(own_nat.OPTION)
    # a call the VPC does not open over IPv4 has nothing a NAT gateway would process
    own = {subject: needs for subject, needs in enumerate(nat.needs) if needs}
    ways = {}
    for name, option, called in WAYS:
        blocked = lines.costs(option).blocked
        # the subjects the option takes: one it refuses outright is not priced that way
        takes = {subject: needs for subject, needs in own.items() if _takes(blocked.get(subject))}
        ways[name] = (lines.all_parts(option, takes), called)
    results = []
    breakevens: dict[Hashable, Decimal | None] = {}
    with exact_arithmetic():
        keys = over_ipv4.keys.tolist()
        for subject, subject_own in own.items():
            vpc_code, service_code = keys[subject]
            info = ctx.vpcs[vpc_code]
            nat_needed = any(lines.kept.get(key, 0) > subject_own.count(key) for key in subject_own)
            notes: list[str] = []
            priced: dict[str, LineParts] = {}
            for name, (parts, called) in ways.items():
                found = parts.get(subject)
                if found is None:
                    continue
                if isinstance(found, MissingPriceError):
                    notes.append(f"{called} not priced: {found.key}")
                else:
                    priced[name] = found
            usd = {name: found.usd() for name, found in priced.items()}
            breakeven = None
            if "nat" in priced and "interface_endpoint" in priced:
                breakeven = _breakeven_gb(priced["interface_endpoint"], priced["nat"], breakevens)
            if not nat_needed:
                notes.append("NAT gateway hours counted against NAT: this is the VPC's only traffic through NAT")
            results.append(
                ServiceAccess(
                    vpc=info.id,
                    vpc_name=info.name,
                    region=info.region,
                    service=estate.services[service_code],
                    gb=nat.units[subject] * estate.gb_per_unit,
                    nat_needed_for_other_traffic=nat_needed,
                    nat_usd=usd.get("nat"),
                    gateway_endpoint_usd=usd.get("gateway_endpoint"),
                    interface_endpoint_usd=usd.get("interface_endpoint"),
                    cheapest=min(usd, key=lambda name: (usd[name], name)) if usd else None,
                    breakeven_gb=breakeven,
                    notes=tuple(notes),
                    az_count=len(info.azs),
                    ways=priced,
                )
            )
    return results


def _takes(block: Blocked | None) -> bool:
    """Whether an option takes a subject: not refused, or refused but still priced."""
    return block is None or block.priced


def _breakeven_gb(line: LineParts, other: LineParts, known: dict[Hashable, Decimal | None]) -> Decimal | None:
    """The volume from which `line` costs less than `other` for good, rounded up to 0.01 GB: in exact decimals
    when every rate terminates (one rate per price, here), else in fractions. Found once per pair of line
    shapes (`known`): thousands of subjects share a handful."""
    try:
        with exact_arithmetic():
            key = (_shape_key(line, Decimal), _shape_key(other, Decimal))
            if key not in known:
                found = cheaper_piece(line.decimal_line(), other.decimal_line())
                known[key] = None if found is None else _hundredths_up(*found)
    except decimal.Inexact:
        key = (_shape_key(line, Fraction), _shape_key(other, Fraction))
        if key not in known:
            exact = cheaper_piece(line.line(), other.line())
            known[key] = None if exact is None else _hundredths_up(*exact)
    return known[key]


def _shape_key(line: LineParts, number: type[Amount]) -> Hashable:
    fixed, rate, shares = line.shape(number)
    return (line.option, fixed, rate, tuple((entry.key, share) for entry, share in shares))


def _hundredths_up(begin: Amount, rise: Amount, slope: Amount) -> Decimal:
    """`begin + rise / slope` rounded up to 0.01: one integer division, exact in decimals and in fractions."""
    whole, rest = divmod((begin * slope + rise) * 100, slope)
    return Decimal(int(whole) + (rest > 0)).scaleb(-2)
