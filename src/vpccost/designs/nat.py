"""NAT/internet: VPCs reach each other's public addresses through the initiator's NAT gateway and the
internet gateway (no private connectivity at all).

Metered: NAT processing at the initiator's VPC on the bytes of both directions (IPv6 leaves through an
egress-only internet gateway, no NAT charge); within a region the bytes are billed as regional transfer,
$/GB out at the sender and in at the receiver; across regions at the sender's inter-region rate. AWS
services and the internet go through each VPC's NAT gateways too. Always feasible: overlapping CIDRs do
not matter between public addresses.
"""

from __future__ import annotations

from vpccost.designs.common import (
    NatGateways,
    meter_inter_region,
    meter_intra_vpc,
    meter_outside,
    meter_sender_and_receiver,
    nat_in_own_vpc,
    vpc_to_vpc,
)
from vpccost.estate import Estate
from vpccost.usage import DesignUsage, Options, UsageBuilder

NAME = "nat"


def usage(estate: Estate, options: Options) -> DesignUsage:
    b = UsageBuilder(NAME, estate, options)
    f = b.flows
    meter_intra_vpc(b)
    between = vpc_to_vpc(b)
    nat = NatGateways(b)
    initiator_vpc = f.initiator("vpc")
    nat.process(
        between & ~f.ipv6,
        nat_in_own_vpc(b, initiator_vpc),
        workload_az=f.initiator("az"),
        workload_account=f.initiator("account"),
    )
    meter_sender_and_receiver(
        b,
        between & (f.src.region == f.dst.region),
        component="Data transfer between public addresses (same region)",
        item_out="data_transfer_regional_bytes",
        item_in="data_transfer_regional_bytes",
    )
    meter_inter_region(b, between, component="Inter-region data transfer (internet path)", payer=f.src.account)
    meter_outside(b, nat, lambda vpc: nat_in_own_vpc(b, vpc))
    nat.meter_gateways()
    if between.any():
        b.assume("nat design: the responder's public address or public load balancer is not priced.")
    return b.usage
