"""Transit Gateway: one TGW per region owned by the network account, every VPC with inter-VPC traffic
attached, and a TGW peering between each pair of regions that exchange traffic.

Metered: each VPC attachment per hour (paid by the VPC's owner); data processing on every byte a VPC
sends into the TGW (paid by the sending attachment's owner), whichever side opened the connection; bytes
arriving over a peering attachment are not processed again; cross-AZ through the TGW is free; across
regions the sending region's inter-region rate applies once, and each side's peering attachment is billed
per hour to its TGW's owner. AWS services and the internet go through each VPC's NAT gateways.
Feasibility: no routing between overlapping CIDRs; at most 5,000 attachments per TGW; over 50 peering
attachments per TGW needs a quota increase.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vpccost.designs.common import (
    NatGateways,
    communicating_pairs,
    meter_inter_region,
    meter_intra_vpc,
    meter_outside,
    nat_in_own_vpc,
    report_overlaps,
    vpc_to_vpc,
)
from vpccost.model.estate import Estate
from vpccost.model.usage import DesignUsage, Settings, UsageBuilder

NAME = "transit-gateway"

ATTACHMENTS_PER_TGW_MAX = 5000
PEERING_ATTACHMENTS_PER_TGW_DEFAULT = 50


def usage(estate: Estate, options: Settings) -> DesignUsage:
    b = UsageBuilder(NAME, estate, options)
    meter_intra_vpc(b)
    between = vpc_to_vpc(b)
    meter_transit(b, between)
    meter_attachments(b, attached_vpcs(b, between), region_pairs(b, between))
    nat = NatGateways(b)
    meter_outside(b, nat, lambda vpc: nat_in_own_vpc(b, vpc))
    nat.meter_gateways()
    report_overlaps(b, communicating_pairs(b, between), design_phrase="a transit gateway")
    return b.usage


def meter_transit(b: UsageBuilder, rows: np.ndarray) -> None:
    """The selected VPC-to-VPC flows through the transit gateways: processing on entry from the sending VPC,
    the inter-region rate once across a TGW peering."""
    f = b.flows
    b.per_gb(
        "Data processed (Transit gateway)",
        "transit_gateway_bytes",
        rows,
        region=f.src.region,
        payer=b.vpc_owner[f.src.vpc],
        resource=f.src.vpc,
        resource_names=b.vpc_resources("tgw-attachment"),
    )
    network_account = np.full(len(f), b.estate.network_account, dtype=np.int32)
    meter_inter_region(b, rows, component="Inter-region data transfer over TGW peering", payer=network_account)
    if (rows & (f.src.region != f.dst.region)).any():
        b.assume("Inter-region transfer over TGW peering is billed to the transit gateways' owner (network account).")


def attached_vpcs(b: UsageBuilder, rows: np.ndarray) -> list[int]:
    """Codes of the VPCs that send or receive the selected flows."""
    f = b.flows
    attached: list[int] = np.unique(np.concatenate([f.src.vpc[rows], f.dst.vpc[rows]])).tolist()
    return attached


def region_pairs(b: UsageBuilder, rows: np.ndarray) -> list[tuple[str, str]]:
    """The region pairs (sorted names) the selected flows cross: each needs a TGW peering."""
    f, regions = b.flows, b.estate.regions
    crossing = {
        (min(regions[s], regions[d]), max(regions[s], regions[d]))
        for s, d in zip(f.src.region[rows].tolist(), f.dst.region[rows].tolist(), strict=True)
        if s != d
    }
    return sorted(crossing)


def meter_attachments(
    b: UsageBuilder,
    attached: list[int],
    peered_regions: list[tuple[str, str]],
    *,
    other_attachments: Sequence[tuple[str, str, str]] = (),
) -> None:
    """A VPC attachment per attached VPC (paid by its owner), `other_attachments` as (region, payer, resource)
    (a hub VPC that carries no traffic of its own), and both sides of a TGW peering per region pair (paid by
    the network account); the TGW attachment limits."""
    estate = b.estate
    per_region: dict[str, int] = {}
    attachments = [(estate.vpcs[code].region, estate.vpcs[code].account, f"{estate.vpcs[code].id}/tgw-attachment")
                   for code in attached]  # fmt: skip
    for region, payer, resource in [*attachments, *other_attachments]:
        per_region[region] = per_region.get(region, 0) + 1
        b.hourly("Transit gateway attachment (VPC)", "transit_gateway_attachment_hours", region=region, payer=payer,
                 resource=resource)  # fmt: skip
    network_account = estate.accounts[estate.network_account]
    peerings: dict[str, int] = {}
    for first, second in peered_regions:
        for region, other in ((first, second), (second, first)):
            peerings[region] = peerings.get(region, 0) + 1
            b.hourly(
                "Transit gateway attachment (peering)",
                "transit_gateway_peering_hours",
                region=region,
                payer=network_account,
                resource=f"tgw-{region}/peering-{other}",
            )
    for region, count in sorted(per_region.items()):
        if count > ATTACHMENTS_PER_TGW_MAX:
            b.problem(f"{count} VPC attachments on the {region} transit gateway; at most {ATTACHMENTS_PER_TGW_MAX}")
    for region, count in sorted(peerings.items()):
        if count > PEERING_ATTACHMENTS_PER_TGW_DEFAULT:
            b.quota_increase(
                f"{count} peering attachments on the {region} transit gateway "
                f"(default quota {PEERING_ATTACHMENTS_PER_TGW_DEFAULT}, adjustable)"
            )
