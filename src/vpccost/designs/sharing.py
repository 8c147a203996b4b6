"""VPC sharing: one shared VPC per region, owned by the network account, holds every workload of that
region; workloads keep their accounts and AZs. Shared VPCs in different regions are peered.

Metered: traffic between workloads of one region is traffic inside one VPC (regional transfer each way
when it crosses AZs, paid by the sending and the receiving workload's account); across regions the
sender's inter-region rate over the peering, paid by the sending workload's account; AWS services and the
internet through the shared VPC's NAT gateways — one in each AZ the region's workloads use — paid by the
network account. Sharing itself is free. Over 100 participant accounts in one shared VPC needs a quota
increase.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import numpy as np

from vpccost.designs.common import (
    NatGateways,
    NatHomes,
    crosses_az,
    meter_inter_region,
    meter_intra_vpc,
    meter_outside,
    meter_sender_and_receiver,
    vpc_to_vpc,
)
from vpccost.model.estate import DEFAULT_AZ_COUNT, Estate
from vpccost.model.usage import DesignUsage, Settings, UsageBuilder

NAME = "sharing"

PARTICIPANTS_PER_SHARED_VPC_DEFAULT = 100


def usage(estate: Estate, options: Settings) -> DesignUsage:
    b = UsageBuilder(NAME, estate, options)
    meter_intra_vpc(b)
    between = vpc_to_vpc(b)
    meter_shared(b, between)
    homes = shared_vpc_nat_homes(b)
    nat = NatGateways(b)
    meter_outside(b, nat, lambda vpc: replace(homes, home=b.vpc_region[vpc]))
    nat.meter_gateways()
    members = np.ones(len(estate.vpcs), dtype=bool)
    check_participants(b, members)
    note_overlaps(b, members)
    return b.usage


def meter_shared(b: UsageBuilder, rows: np.ndarray) -> None:
    """The selected flows between workloads placed in the shared VPCs: within one region they are traffic
    inside one VPC; across regions they cross the peering between the shared VPCs."""
    f = b.flows
    meter_sender_and_receiver(
        b,
        crosses_az(b, rows & (f.src.region == f.dst.region)),
        component="Cross-AZ data transfer within the shared VPC",
        item_out="data_transfer_regional_bytes",
        item_in="data_transfer_regional_bytes",
    )
    meter_inter_region(b, rows, component="Inter-region data transfer over shared-VPC peering", payer=f.src.account)


def shared_vpc_nat_homes(b: UsageBuilder) -> NatHomes:
    """One shared VPC per region (indexed by region code), spanning every AZ its workloads use — the AZ
    IDs known for the region's VPCs, or the default number of AZs when none is known."""
    estate = b.estate
    azs: dict[str, set[str]] = defaultdict(set)
    for vpc in estate.vpcs:
        if vpc.azs_from != "default":
            azs[vpc.region].update(vpc.azs)
    placeholder = tuple(f"(AZ {n + 1})" for n in range(DEFAULT_AZ_COUNT))
    return NatHomes(
        home=np.zeros(0, dtype=np.int32),
        names=[f"shared-vpc-{region}/nat-gateway" for region in estate.regions],
        owner=np.full(len(estate.regions), estate.network_account, dtype=np.int32),
        region=np.arange(len(estate.regions), dtype=np.int32),
        azs=[tuple(sorted(azs[region])) or placeholder for region in estate.regions],
    )


def check_participants(b: UsageBuilder, members: np.ndarray) -> None:
    """Participant accounts per shared VPC: the workload accounts of the flows of member VPCs (`members`: a
    boolean per VPC code)."""
    estate = b.estate
    participants: dict[str, set[str]] = defaultdict(set)
    member = np.append(members, False)  # a side that is not a VPC (code NONE) picks the trailing False
    for side in (b.flows.src, b.flows.dst):
        inside = member[side.vpc]
        for region, account in set(zip(side.region[inside].tolist(), side.account[inside].tolist(), strict=True)):
            if account >= 0:
                participants[estate.regions[region]].add(estate.accounts[account])
    for region, accounts in sorted(participants.items()):
        if len(accounts) > PARTICIPANTS_PER_SHARED_VPC_DEFAULT:
            b.quota_increase(
                f"shared VPC in {region}: {len(accounts)} participant accounts "
                f"(default quota {PARTICIPANTS_PER_SHARED_VPC_DEFAULT}, adjustable)"
            )


def note_overlaps(b: UsageBuilder, members: np.ndarray) -> None:
    """VPCs merged into one shared VPC need distinct addresses: overlapping ones must be re-addressed."""
    vpcs = b.estate.vpcs
    for x, y in sorted(b.estate.overlapping_cidrs):
        if vpcs[x].region == vpcs[y].region and members[x] and members[y]:
            b.assume(
                f"sharing design: {vpcs[x].label} and {vpcs[y].label} overlap; their subnets need new "
                "addresses in the shared VPC."
            )
