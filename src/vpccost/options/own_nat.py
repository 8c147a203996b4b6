"""Own NAT: a VPC reaches the internet, AWS public addresses and AWS services through its own NAT gateways —
or, when it sits in its region's shared VPC, through the shared VPC's. Also the rule every other path through a
NAT gateway uses (the `nat-public` option between VPCs).

Metered: NAT processing on the bytes of both directions of the connections the VPC opens over IPv4 ("regardless
of the traffic's source or destination"), paid by the gateway's owner; the gateways themselves — one in each AZ
of the VPC (AWS's zone-independent layout), or one per VPC with `nat_per_vpc`, each with a public IPv4 address —
counted once per VPC whatever goes through them. Existing gateways (`Context.layout`) are counted where the
topology records them: a zonal gateway in its AZ, a regional one in each AZ where it is active (billed per hour
per active AZ at the zonal gateway's prices). Where a VPC's gateways do not sit in every one of its AZs (one per
VPC sits in its first AZ), bytes from the other AZs cross AZs to them, and both the workload's side and the
gateway's side pay regional transfer. Transfer to the internet and to services is the same whichever way the
VPC reaches them (`options.transfer.outside`), but on the bytes of connections through the NAT gateways it is
paid by the gateways' owner, as their processing is (`transfer_payer`): the network account for a member of a
shared VPC, else the VPC's owner.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from vpccost.model.codes import NONE
from vpccost.model.estate import Estate
from vpccost.model.usage import NAT_GATEWAY_RESOURCE, Fixed, PerGb, ResourceNames
from vpccost.options import transfer
from vpccost.options.base import Context, FixedResource, Need, Option, OptionUsage
from vpccost.pricing.items import (
    DATA_TRANSFER_REGIONAL_BYTES,
    NAT_GATEWAY_BYTES,
    NAT_GATEWAY_HOURS,
    PUBLIC_IPV4_IN_USE_HOURS,
)

T = TypeVar("T")

NAME = "nat"
NAT_GATEWAY = "NAT gateway"


@dataclass(frozen=True)
class NatHomes:
    """Where NAT gateways live, by home code: codes below the number of VPCs are the VPCs' own, the others
    the shared VPC of each region (`shared-vpc-<region>`, owned by the network account)."""

    resources: ResourceNames
    owner: np.ndarray
    """Per home: the account that owns (pays for) its NAT gateways."""
    region: np.ndarray
    """Per home: its region code."""
    azs: list[tuple[str, ...]]
    """Per home: its AZs (the VPC's, or those of the region's shared VPC)."""


def _homes(ctx: Context) -> NatHomes:
    estate = ctx.estate
    regions = estate.regions
    azs = [vpc.azs for vpc in ctx.vpcs] + ctx.shared_vpc_azs
    return NatHomes(
        resources=ResourceNames(NAT_GATEWAY_RESOURCE, ctx.vpc_ids + [f"shared-vpc-{region}" for region in regions]),
        owner=np.concatenate([ctx.vpc_owner, np.full(len(regions), ctx.network_account, dtype=np.int32)]),
        region=np.concatenate([ctx.vpc_region, np.arange(len(regions), dtype=np.int32)]),
        azs=azs,
    )


def homes(ctx: Context) -> NatHomes:
    """The NAT homes of the context's estate."""
    return ctx.memo("nat-homes", lambda: _homes(ctx), per_estate=True)


@dataclass(frozen=True)
class NatLayout:
    """Where the NAT gateways of each home sit in one context (homes by code, as in `NatHomes`)."""

    azs: list[tuple[str, ...]]
    """Per home: the AZ of each gateway it pays for by the hour (one public IPv4 address each)."""
    present: np.ndarray
    """Homes × (the estate's AZ codes, then one column for an unknown AZ, always False): a gateway sits there."""
    covers_home: np.ndarray
    """Per home: its gateways sit in every AZ of the home, so no traffic crosses AZs to reach them."""
    recorded: np.ndarray
    """Per home: its gateways are the ones the topology records (`Context.layout`)."""


def _layout(ctx: Context) -> NatLayout:
    table = homes(ctx)
    recorded_azs = ctx.layout.nat_gateways
    az_code = {az: code for code, az in enumerate(ctx.estate.azs)}
    azs: list[tuple[str, ...]] = []
    recorded = np.zeros(len(table.azs), dtype=bool)
    for home, zones in enumerate(table.azs):
        found = recorded_azs.get(ctx.vpc_ids[home]) if home < len(ctx.vpcs) else None
        recorded[home] = found is not None
        azs.append(found if found is not None else zones[:1] if ctx.settings.nat_per_vpc else zones)
    present = np.zeros((len(azs), len(az_code) + 1), dtype=bool)
    for home, zones in enumerate(azs):
        present[home, [az_code[az] for az in set(zones) if az in az_code]] = True
    covers = np.array([set(zones) >= set(table.azs[home]) for home, zones in enumerate(azs)], dtype=bool)
    return NatLayout(azs=azs, present=present, covers_home=covers, recorded=recorded)


def layout(ctx: Context) -> NatLayout:
    """Where the NAT gateways of every home sit in this context: as the topology records them, else one in each
    AZ of the home (or one in its first AZ with `nat_per_vpc`)."""
    return _memo(ctx, "nat-layout", lambda: _layout(ctx))


def _memo(ctx: Context, key: str, build: Callable[[], T]) -> T:
    """A NAT table built once per context where the topology records gateways; else once per estate and layout
    setting, as it then follows the estate and `nat_per_vpc` alone, the same for every design."""
    if ctx.layout.nat_gateways:
        return ctx.memo(key, build)
    return ctx.memo(f"{key} built, one per VPC: {ctx.settings.nat_per_vpc}", build, per_estate=True)


def crosses_to_gateway(ctx: Context, rows: np.ndarray, home: np.ndarray, workload_az: np.ndarray) -> np.ndarray:
    """The selected flows whose workload is in an AZ where its home has no NAT gateway (`home`, `workload_az`: per
    flow). An unknown AZ counts as crossing unless the home's gateways sit in all of its AZs."""
    placed = layout(ctx)
    crossing: np.ndarray = rows & ~placed.covers_home[home] & ~placed.present[home, workload_az]
    return crossing


def home_of(ctx: Context, vpc: np.ndarray) -> np.ndarray:
    """Per flow: the home of the NAT gateways a flow from `vpc` (per-flow VPC codes) goes through — the VPC's
    own, or its region's shared VPC when the VPC sits in it."""
    known = np.where(vpc == NONE, 0, vpc)
    shared = len(ctx.vpcs) + ctx.vpc_region[known]
    home: np.ndarray = np.where(ctx.member[vpc], shared, known)
    return home


def processing(
    ctx: Context, rows: np.ndarray, vpc: np.ndarray, *, workload_az: np.ndarray, workload_account: np.ndarray
) -> OptionUsage:
    """The NAT gateways at each selected flow's home (`vpc`: per-flow VPC codes) process its bytes; the flows
    need those gateways."""
    table = homes(ctx)
    home = home_of(ctx, vpc)
    usage = OptionUsage()
    if not rows.any():
        return usage
    region, owner = table.region[home], table.owner[home]
    usage.charges.append(PerGb(f"Data processed ({NAT_GATEWAY})", NAT_GATEWAY_BYTES, rows, region, owner, home,
                               table.resources))  # fmt: skip
    usage.needs.append(Need(rows, home, gateways_of(ctx)))
    crossing = crosses_to_gateway(ctx, rows, home, workload_az)
    if crossing.any():
        unknown = crossing & (workload_az == NONE)
        recorded = layout(ctx).recorded[home]
        if (unknown & ~recorded).any():
            usage.assumptions.append(
                "With one NAT gateway per VPC, traffic whose AZ is not known is priced as crossing AZs to it."
            )
        if (unknown & recorded).any():
            usage.assumptions.append(
                "Where the recorded NAT gateways of a VPC do not sit in all its AZs, traffic whose AZ is not known is "
                "priced as crossing AZs to them."
            )
        for side, payer in (("workload side", workload_account), ("NAT gateway side", owner)):
            usage.charges.append(
                PerGb(f"Cross-AZ data transfer to the {NAT_GATEWAY} ({side})", DATA_TRANSFER_REGIONAL_BYTES,
                      crossing, region, payer, home, table.resources)
            )  # fmt: skip
    return usage


def gateways_of(ctx: Context) -> Callable[[int], FixedResource]:
    """The NAT gateways of each home (by home code), built once (`_memo`) whichever flows need them."""

    def build() -> Callable[[int], FixedResource]:
        # bound to what the gateways depend on, not to the context (a per-estate copy must not keep one alive)
        return functools.cache(
            functools.partial(gateways, ctx.estate, homes(ctx), layout(ctx), nat_per_vpc=ctx.settings.nat_per_vpc)
        )

    return _memo(ctx, "nat-gateways", build)


def gateways(estate: Estate, table: NatHomes, placed: NatLayout, home: int, *, nat_per_vpc: bool) -> FixedResource:
    """The NAT gateways of one home, each with its public IPv4 address, where `placed` puts them: those the topology
    records, in their AZs; else one per AZ, or one with `nat_per_vpc`."""
    count = len(placed.azs[home])
    region = estate.regions[table.region[home]]
    payer = estate.accounts[table.owner[home]]
    resource = table.resources[home]
    if placed.recorded[home]:
        described = "the NAT gateways the topology records, in their AZs (a regional one in each AZ it is active in),"
    elif nat_per_vpc:
        described = "one NAT gateway per VPC that sends traffic through NAT,"
    else:
        described = "a NAT gateway in each AZ of a VPC that sends traffic through NAT,"
    return FixedResource(
        key=(NAT_GATEWAY_RESOURCE, home),
        charges=(
            Fixed(NAT_GATEWAY, NAT_GATEWAY_HOURS, region, payer, resource, count),
            Fixed(f"Public IPv4 address ({NAT_GATEWAY})", PUBLIC_IPV4_IN_USE_HOURS, region, payer, resource, count),
        ),
        assumption=f"NAT layout: {described} each with a public IPv4 address.",
    )


def transfer_payer(ctx: Context) -> np.ndarray:
    """Per flow: the account that pays the transfer of a flow between a VPC and the internet or an AWS service
    when the VPC reaches them through its NAT gateways. The connections the VPC opens over IPv4 go through the
    gateways, and their transfer is paid by the gateways' owner — for a member of a shared VPC, the network
    account, since the owner of a shared VPC pays the data processing and data transfer across its NAT gateways
    (Amazon VPC User Guide, "Billing and metering for owner and participants"); the rest (IPv6, connections
    opened from outside) leaves straight through the internet gateway, paid by the VPC side's workload account."""

    def build() -> np.ndarray:
        o = ctx.outside
        owner = homes(ctx).owner[home_of(ctx, o.vpc)]
        payer: np.ndarray = np.where(o.nat_processed, owner, o.vpc_account)
        return payer

    return ctx.memo("nat-transfer-payer", build)


class OwnNat(Option):
    """A VPC's calls to AWS services, and its internet traffic, through its NAT gateways."""

    name = NAME

    def usage(self, ctx: Context, rows: np.ndarray) -> OptionUsage:
        o = ctx.outside
        nat = processing(ctx, rows & o.nat_processed, o.vpc, workload_az=o.vpc_az, workload_account=o.vpc_account)
        nat.charges += transfer.outside(ctx, rows, payer=transfer_payer(ctx))
        return nat


OPTION = OwnNat()
