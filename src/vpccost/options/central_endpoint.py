"""Central endpoint: a VPC reaches an AWS service in its region through an interface endpoint in its region's
shared-services hub VPC, over the transit gateway.

The hub of a region is the assignment's hub VPC when it is in that region, else a new hub VPC (`hub-<region>`)
with 2 AZs and its own TGW attachment, paid by the network account. Per (hub, service): an interface endpoint in
every AZ of the hub and a Route 53 private hosted zone so that the spokes resolve it (billed per started month),
counted once however many spokes use them. Metered per call: the hub endpoint's processing (tiered with the
region's other interface endpoints), paid by the hub's owner; the bytes cross the TGW once each way — the spoke's
bytes enter from its attachment (the spoke's owner pays), the service's from the hub's (the hub's owner pays).
The spoke and the hub are attached. A VPC in a shared VPC, the hub itself, and a VPC whose CIDRs of an IP family
its calls use overlap the hub's cannot use a central endpoint (the TGW holds one route per CIDR).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from vpccost.model.codes import NONE, versions_by_key
from vpccost.model.usage import (
    HOSTED_ZONE_RESOURCE,
    INTERFACE_ENDPOINT_RESOURCE,
    TGW_ATTACHMENT_RESOURCE,
    Fixed,
    PerGb,
    Resource,
    ResourceNames,
)
from vpccost.options import interface_endpoint, transit_gateway
from vpccost.options.base import Blocked, Context, FixedResource, Need, Option, OptionUsage
from vpccost.pricing.items import (
    GLOBAL_REGION,
    ROUTE53_HOSTED_ZONE_MONTHS,
    TRANSIT_GATEWAY_BYTES,
    VPC_ENDPOINT_BYTES,
    VPC_ENDPOINT_HOURS,
)

NAME = "central-endpoint"
NEW_HUB_AZ_COUNT = 2
"""A new shared-services hub VPC spans two AZs (the least AWS recommends for availability)."""
HOSTED_ZONE = "Route 53 private hosted zone"
ASSUMPTION = (
    f"Central interface endpoints sit in a shared-services hub VPC per region (a new one has {NEW_HUB_AZ_COUNT} AZs "
    "and its own TGW attachment, paid by the network account), reached through the transit gateway; each "
    "centralized service needs a Route 53 private hosted zone, billed per started month."
)


@dataclass(frozen=True)
class Hubs:
    """One hub per region code: its name, the account that owns it, its AZs, and the VPC code when it is a VPC of
    the estate (NONE for a new hub)."""

    names: list[str]
    owner: np.ndarray
    az_count: list[int]
    vpc: list[int]


def hubs(ctx: Context) -> Hubs:
    return ctx.memo("hubs", lambda: _hubs(ctx))


def _hubs(ctx: Context) -> Hubs:
    estate = ctx.estate
    hub_region = estate.vpcs[ctx.hub].region if ctx.hub != NONE else None
    names, owners, azs, vpcs = [], [], [], []
    for region in estate.regions:
        if region == hub_region:
            info = estate.vpcs[ctx.hub]
            names.append(info.id)
            owners.append(int(ctx.vpc_owner[ctx.hub]))
            azs.append(len(info.azs))
            vpcs.append(ctx.hub)
        else:
            names.append(f"hub-{region}")
            owners.append(ctx.network_account)
            azs.append(NEW_HUB_AZ_COUNT)
            vpcs.append(NONE)
    return Hubs(names, np.array(owners, dtype=np.int32), azs, vpcs)


def hub_attachment(ctx: Context, region: int) -> FixedResource:
    """The TGW attachment of a region's hub: the hub VPC's own attachment, or a new hub's."""
    table = hubs(ctx)
    if table.vpc[region] != NONE:
        return transit_gateway.attachment(ctx, table.vpc[region])
    name = table.names[region]
    payer = ctx.estate.accounts[table.owner[region]]
    resource = Resource(name, TGW_ATTACHMENT_RESOURCE, f"{name}/{TGW_ATTACHMENT_RESOURCE}")
    return transit_gateway.attachment_of(ctx, (TGW_ATTACHMENT_RESOURCE, "hub", region), ctx.estate.regions[region],
                                         payer, resource)  # fmt: skip


def endpoint(ctx: Context, code: int) -> FixedResource:
    """A region's central endpoint to one service (`code` packs the region and service codes): the interface
    endpoint in every AZ of the hub, and the hosted zone."""
    table = hubs(ctx)
    width = len(ctx.estate.services) + 1
    region, service = code // width, ctx.estate.services[code % width]
    name, payer = table.names[region], ctx.estate.accounts[table.owner[region]]
    endpoint_resource = Resource(name, INTERFACE_ENDPOINT_RESOURCE, f"{name}/vpce:{service}")
    zone = Resource(name, HOSTED_ZONE_RESOURCE, f"{name}/phz:{service}")
    return FixedResource(
        key=(NAME, region, service),
        charges=(
            Fixed(f"{interface_endpoint.INTERFACE_ENDPOINT} (per AZ)", VPC_ENDPOINT_HOURS, ctx.estate.regions[region],
                  payer, endpoint_resource, table.az_count[region]),
            Fixed(HOSTED_ZONE, ROUTE53_HOSTED_ZONE_MONTHS, GLOBAL_REGION, payer, zone, per="month"),
        ),
        assumption=ASSUMPTION,
    )  # fmt: skip


class CentralEndpoint(Option):
    """A VPC's calls to an AWS service through the interface endpoint in its region's hub."""

    name = NAME

    def usage(self, ctx: Context, rows: np.ndarray) -> OptionUsage:
        o = ctx.outside
        table = hubs(ctx)
        region = o.vpc_region
        hub_owner = table.owner[np.where(rows, region, 0)]
        services = ctx.estate.services
        width = len(services) + 1
        central = np.where(rows, region.astype(np.int64) * width + o.service, NONE)
        codes = range(len(table.names) * width)
        names = ResourceNames(
            INTERFACE_ENDPOINT_RESOURCE,
            [table.names[code // width] for code in codes],
            [f"vpce:{services[code % width]}" if code % width < len(services) else "" for code in codes],
        )
        hub_attachments = ResourceNames(TGW_ATTACHMENT_RESOURCE, [
            ctx.vpc_ids[vpc] if vpc != NONE else name for name, vpc in zip(table.names, table.vpc, strict=True)
        ])  # fmt: skip
        return OptionUsage(
            charges=[
                PerGb(f"Data processed ({interface_endpoint.INTERFACE_ENDPOINT}, central)", VPC_ENDPOINT_BYTES, rows,
                      region, hub_owner, central, names),
                PerGb(transit_gateway.DATA_PROCESSED, TRANSIT_GATEWAY_BYTES, rows & o.vpc_sends, region,
                      ctx.vpc_owner[o.vpc], o.vpc, ctx.vpc_resources(TGW_ATTACHMENT_RESOURCE)),
                PerGb(transit_gateway.DATA_PROCESSED, TRANSIT_GATEWAY_BYTES, rows & ~o.vpc_sends, region, hub_owner,
                      np.where(rows, region, 0), hub_attachments),
            ],
            needs=[
                Need(rows, o.vpc, functools.cache(functools.partial(transit_gateway.attachment, ctx))),
                Need(rows, region, functools.cache(functools.partial(hub_attachment, ctx))),
                Need(rows, central, functools.cache(functools.partial(endpoint, ctx))),
            ],
        )  # fmt: skip

    def blocked(self, ctx: Context, subjects: np.ndarray) -> dict[int, Blocked]:
        blocked = interface_endpoint.member_blocked(ctx, subjects, self.name)
        hub = ctx.hub
        if hub == NONE:
            return blocked
        overlapping = ctx.estate.cidr_overlaps
        services = ctx.estate.services
        same_region = ctx.vpc_region[subjects[:, 0]] == ctx.vpc_region[hub]
        versions = _call_ip_versions(ctx)
        for index in np.flatnonzero(same_region).tolist():
            if index in blocked:
                continue
            vpc, service = subjects[index].tolist()
            label = ctx.vpcs[vpc].label
            # a route per CIDR: only an overlap in a family the calls use keeps them from the hub's endpoints
            used = versions.get((vpc, service), frozenset())
            overlaps = [
                text for version, text in overlapping.get((min(vpc, hub), max(vpc, hub)), []) if version in used
            ]
            if vpc == hub:
                blocked[index] = Blocked(
                    f"{label} is the hub: its own calls to aws:{services[service]} cannot use a central endpoint"
                )
            elif overlaps:
                blocked[index] = Blocked(
                    f"{label} overlaps the hub {ctx.vpcs[hub].label} ({', '.join(overlaps)}): the transit gateway "
                    "cannot route to its central endpoints",
                    priced=True,
                )
        return dict(sorted(blocked.items()))


def _call_ip_versions(ctx: Context) -> dict[tuple[int, int], frozenset[int]]:
    """The IP versions of each (VPC, AWS service)'s calls."""
    o = ctx.outside
    width = len(ctx.estate.services) + 1
    keys = o.vpc[o.is_service].astype(np.int64) * width + o.service[o.is_service]
    found = versions_by_key(keys, ctx.flows.ipv6[o.is_service])
    return {divmod(key, width): versions for key, versions in found.items()}


OPTION = CentralEndpoint()
