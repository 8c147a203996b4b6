"""AWS-service access: for each VPC and AWS service it calls in its own region, what the traffic costs
through a NAT gateway, a gateway endpoint (S3, DynamoDB: free) or an interface endpoint, and the volume
at which an interface endpoint starts to pay for itself.

Only traffic the VPC initiates over IPv4 is counted: that is what a NAT gateway would process. Prices come
from the same catalog as the designs. Each comparison is marginal: a NAT gateway's hours count against the
NAT option only when this service is the VPC's only traffic through NAT (then an endpoint removes the
gateways); otherwise the gateways stay and only their per-GB processing is at stake.
"""

from __future__ import annotations

import decimal
from collections import Counter
from decimal import Decimal

import numpy as np

from vpccost.errors import MissingPriceError
from vpccost.model.aws_facts import GATEWAY_ENDPOINT_SERVICES
from vpccost.model.codes import sum_by_key
from vpccost.model.estate import Estate
from vpccost.model.usage import Settings
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.tiers import tiered_cost_usd
from vpccost.results import ServiceAccess
from vpccost.units import exact_arithmetic, rounding_arithmetic

BREAKEVEN_QUANTUM_GB = Decimal("0.01")


def service_access(estate: Estate, catalog: Catalog, options: Settings) -> list[ServiceAccess]:
    """One comparison per (VPC, AWS service in its region) that the VPC calls over IPv4, by VPC and service."""
    with exact_arithmetic():
        return _service_access(estate, catalog, options)


def _service_access(estate: Estate, catalog: Catalog, options: Settings) -> list[ServiceAccess]:
    o = estate.outside
    vpc, service = o.vpc, o.service
    candidates = o.nat_processed & o.endpoint_reachable
    # the internet, AWS public addresses and services in other regions keep needing a NAT gateway
    vpcs_with_other_nat = set(np.unique(vpc[o.nat_processed & ~candidates]).tolist())
    if not candidates.any():
        return []
    sizes = [len(estate.vpcs), len(estate.services)]
    volume = estate.flows.volume[candidates]
    (vpc_codes, service_codes), sums = sum_by_key([vpc[candidates], service[candidates]], sizes, volume)
    services_per_vpc = Counter(vpc_codes)
    results = []
    for vpc_code, service_code, units in zip(vpc_codes, service_codes, sums, strict=True):
        info = estate.vpcs[vpc_code]
        gb = units * estate.gb_per_unit
        results.append(
            _compare_options(
                catalog,
                options,
                vpc=info.id,
                vpc_name=info.name,
                region=info.region,
                az_count=len(info.azs),
                service=estate.services[service_code],
                gb=gb,
                nat_needed=vpc_code in vpcs_with_other_nat or services_per_vpc[vpc_code] > 1,
            )
        )
    return results


def _compare_options(
    catalog: Catalog,
    options: Settings,
    *,
    vpc: str,
    vpc_name: str | None,
    region: str,
    az_count: int,
    service: str,
    gb: Decimal,
    nat_needed: bool,
) -> ServiceAccess:
    hours = options.period_hours
    nat_gateways = 1 if options.nat_per_vpc else az_count
    notes: list[str] = []
    nat_usd = nat_rate = nat_fixed = None
    try:
        nat_rate = catalog.get("nat_gateway_bytes", region).flat_price_usd
        nat_fixed = Decimal(0)
        if not nat_needed:
            hourly = catalog.get("nat_gateway_hours", region).flat_price_usd
            ipv4 = catalog.get("public_ipv4_in_use_hours", region).flat_price_usd
            nat_fixed = nat_gateways * hours * (hourly + ipv4)
        nat_usd = nat_fixed + gb * nat_rate
    except MissingPriceError as error:
        notes.append(f"NAT gateway not priced: {error.key}")
    endpoint_usd = endpoint_rate = endpoint_fixed = None
    try:
        endpoint_fixed = az_count * hours * catalog.get("vpc_endpoint_hours", region).flat_price_usd
        endpoint_rate = catalog.get("vpc_endpoint_bytes", region).flat_price_usd
        endpoint_usd = endpoint_fixed + tiered_cost_usd(catalog.get("vpc_endpoint_bytes", region), gb, hours)
    except MissingPriceError as error:
        notes.append(f"interface endpoint not priced: {error.key}")
    gateway_usd = Decimal(0) if service in GATEWAY_ENDPOINT_SERVICES else None
    options_usd = {"nat": nat_usd, "gateway_endpoint": gateway_usd, "interface_endpoint": endpoint_usd}
    priced = {name: cost for name, cost in options_usd.items() if cost is not None}
    cheapest = min(priced, key=lambda name: (priced[name], name)) if priced else None
    breakeven = None
    if None not in (nat_rate, nat_fixed, endpoint_rate, endpoint_fixed):
        breakeven = _breakeven_gb(nat_rate, nat_fixed, endpoint_rate, endpoint_fixed)  # type: ignore[arg-type]
    if not nat_needed:
        notes.append("NAT gateway hours counted against NAT: this is the VPC's only traffic through NAT")
    return ServiceAccess(
        vpc=vpc,
        vpc_name=vpc_name,
        region=region,
        service=service,
        gb=gb,
        nat_needed_for_other_traffic=nat_needed,
        nat_usd=nat_usd,
        gateway_endpoint_usd=gateway_usd,
        interface_endpoint_usd=endpoint_usd,
        cheapest=cheapest,
        breakeven_gb=breakeven,
        notes=tuple(notes),
        az_count=az_count,
        nat_fixed_usd=nat_fixed,
        nat_usd_per_gb=nat_rate,
        interface_endpoint_fixed_usd=endpoint_fixed,
    )


def _breakeven_gb(
    nat_rate: Decimal, nat_fixed: Decimal, endpoint_rate: Decimal, endpoint_fixed: Decimal
) -> Decimal | None:
    """Where endpoint_fixed + endpoint_rate * g = nat_fixed + nat_rate * g (first processing tier),
    rounded up to 0.01 GB."""
    if endpoint_fixed <= nat_fixed:
        return Decimal(0) if endpoint_rate <= nat_rate else None
    if nat_rate <= endpoint_rate:
        return None
    with rounding_arithmetic():
        volume = (endpoint_fixed - nat_fixed) / (nat_rate - endpoint_rate)
        return volume.quantize(BREAKEVEN_QUANTUM_GB, rounding=decimal.ROUND_CEILING)
