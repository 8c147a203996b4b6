"""NAT/internet: VPCs reach each other's public addresses through the initiator's NAT gateway and the
internet gateway (no private connectivity at all).

Metered: NAT processing at the initiator's VPC on the bytes of both directions (IPv6 leaves through an
egress-only internet gateway, no NAT charge); within a region the bytes are billed as regional transfer,
$/GB out at the sender and in at the receiver; across regions at the sender's inter-region rate. AWS
services and the internet go through each VPC's NAT gateways too. Always feasible: overlapping CIDRs do
not matter between public addresses.
"""

from __future__ import annotations

import numpy as np

from vpccost.designs.common import (
    NatGateways,
    meter_inter_region,
    meter_intra_vpc,
    meter_outside,
    meter_sender_and_receiver,
    nat_in_own_vpc,
    vpc_to_vpc,
)
from vpccost.model.estate import Estate
from vpccost.model.usage import DesignUsage, Settings, UsageBuilder

NAME = "nat"
PUBLIC_PATH_ASSUMPTION = "nat design: the responder's public address or public load balancer is not priced."


def usage(estate: Estate, options: Settings) -> DesignUsage:
    b = UsageBuilder(NAME, estate, options)
    meter_intra_vpc(b)
    between = vpc_to_vpc(b)
    nat = NatGateways(b)
    meter_public_path(b, between, nat)
    meter_outside(b, nat, lambda vpc: nat_in_own_vpc(b, vpc))
    nat.meter_gateways()
    if between.any():
        b.assume(PUBLIC_PATH_ASSUMPTION)
    return b.usage


def meter_public_path(b: UsageBuilder, rows: np.ndarray, nat: NatGateways) -> None:
    """The selected VPC-to-VPC flows between public addresses: the initiator's NAT gateway, then regional or
    inter-region transfer (the gateways themselves are metered by `nat.meter_gateways()`)."""
    f = b.flows
    nat.process(
        rows & ~f.ipv6,
        nat_in_own_vpc(b, f.initiator("vpc")),
        workload_az=f.initiator("az"),
        workload_account=f.initiator("account"),
    )
    meter_sender_and_receiver(
        b,
        rows & (f.src.region == f.dst.region),
        component="Data transfer between public addresses (same region)",
        item_out="data_transfer_regional_bytes",
        item_in="data_transfer_regional_bytes",
    )
    meter_inter_region(b, rows, component="Inter-region data transfer (internet path)", payer=f.src.account)
