"""VPC peering: one peering connection per communicating VPC pair (peering is not transitive: no hub).

Metered: nothing per hour; within a region, traffic that crosses AZs pays $/GB out at the sender and in at
the receiver (same AZ ID is free); across regions, the sender pays its region's inter-region rate.
AWS services and the internet go through each VPC's NAT gateways.
Feasibility: no overlapping CIDRs between peers; at most 125 active peerings per VPC (over 50 needs a quota
increase); each peer CIDR is a route, at most 1,000 per route table (over 50 needs a quota increase).
"""

from __future__ import annotations

import numpy as np

from vpccost.designs.common import (
    NatGateways,
    communicating_pairs,
    crosses_az,
    meter_inter_region,
    meter_intra_vpc,
    meter_outside,
    meter_sender_and_receiver,
    nat_in_own_vpc,
    report_overlaps,
    vpc_to_vpc,
)
from vpccost.model.estate import Estate
from vpccost.model.usage import DesignUsage, Settings, UsageBuilder

NAME = "peering"

PEERINGS_PER_VPC_DEFAULT = 50
PEERINGS_PER_VPC_MAX = 125
ROUTES_PER_TABLE_DEFAULT = 50
ROUTES_PER_TABLE_MAX = 1000


def usage(estate: Estate, options: Settings) -> DesignUsage:
    b = UsageBuilder(NAME, estate, options)
    meter_intra_vpc(b)
    between = vpc_to_vpc(b)
    meter_peering(b, between)
    nat = NatGateways(b)
    meter_outside(b, nat, lambda vpc: nat_in_own_vpc(b, vpc))
    nat.meter_gateways()
    pairs = communicating_pairs(b, between)
    report_overlaps(b, pairs, design_phrase="VPC peering")
    check_quotas(b, pairs)
    return b.usage


def meter_peering(b: UsageBuilder, rows: np.ndarray) -> None:
    """The selected VPC-to-VPC flows over peering connections: cross-AZ within a region, inter-region across."""
    f = b.flows
    meter_sender_and_receiver(
        b,
        crosses_az(b, rows & (f.src.region == f.dst.region)),
        component="Cross-AZ data transfer over VPC peering",
        item_out="vpc_peering_out_bytes",
        item_in="vpc_peering_in_bytes",
    )
    meter_inter_region(b, rows, component="Inter-region data transfer over VPC peering", payer=f.src.account)


def check_quotas(b: UsageBuilder, pairs: np.ndarray) -> None:
    """Peering connections and peering routes per VPC, for the peered `pairs` (an (n, 2) array of VPC codes)."""
    vpcs = b.estate.vpcs
    peers = np.bincount(pairs.ravel(), minlength=len(vpcs))
    # each peer's CIDR blocks need a route in the other's route table (one when the CIDRs are not known)
    blocks = np.array([max(1, len(vpc.networks)) for vpc in vpcs], dtype=np.int64)
    routes = np.zeros(len(vpcs), dtype=np.int64)
    np.add.at(routes, pairs[:, 0], blocks[pairs[:, 1]])
    np.add.at(routes, pairs[:, 1], blocks[pairs[:, 0]])
    for code in np.flatnonzero(peers > PEERINGS_PER_VPC_DEFAULT).tolist():
        count, label = int(peers[code]), vpcs[code].label
        if count > PEERINGS_PER_VPC_MAX:
            b.problem(f"{label} needs {count} peering connections; at most {PEERINGS_PER_VPC_MAX} per VPC")
        elif count > PEERINGS_PER_VPC_DEFAULT:
            b.quota_increase(
                f"{label}: {count} active peering connections (default quota {PEERINGS_PER_VPC_DEFAULT}, "
                f"maximum {PEERINGS_PER_VPC_MAX})"
            )
    for code in np.flatnonzero(routes > ROUTES_PER_TABLE_DEFAULT).tolist():
        count, label = int(routes[code]), vpcs[code].label
        if count > ROUTES_PER_TABLE_MAX:
            b.problem(f"{label} needs {count} peering routes in a route table; at most {ROUTES_PER_TABLE_MAX}")
        elif count > ROUTES_PER_TABLE_DEFAULT:
            b.quota_increase(
                f"{label}: {count} peering routes per route table (default quota {ROUTES_PER_TABLE_DEFAULT}, "
                f"maximum {ROUTES_PER_TABLE_MAX})"
            )
