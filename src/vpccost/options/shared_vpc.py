"""VPC sharing: the workloads of VPCs placed in their region's shared VPC (owned by the network account, spanning
every AZ its workloads use) keep their accounts and AZs; shared VPCs in different regions are peered.

Metered: traffic between two members of one region is traffic inside one VPC (regional transfer each way when
it crosses AZs, paid by the sending and the receiving workload's account); across regions the sender's
inter-region rate over the peering, paid by the sending workload's account. Members reach AWS services and the
internet through the shared VPC's NAT gateways: the gateways, their processing and the transfer across them are
paid by the network account (`options.own_nat`); a member's IPv6 traffic and the connections opened from outside
go straight through the internet gateway, their transfer paid by the workload's account
(`options.egress_only_igw`). Sharing itself is free. Feasibility: both VPCs of a pair must be members, and a
member's pairs all use sharing; over 100 participant accounts in one shared VPC needs a quota increase; members
whose CIDRs overlap must be re-addressed.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from vpccost.options import transfer
from vpccost.options.base import Blocked, Context, Findings, Option, OptionUsage

NAME = "sharing"
PARTICIPANTS_PER_SHARED_VPC_DEFAULT = 100


class SharedVpc(Option):
    """A VPC pair's flows between two workloads of the shared VPCs."""

    name = NAME

    def usage(self, ctx: Context, rows: np.ndarray) -> OptionUsage:
        f = ctx.flows
        usage = OptionUsage()
        crossing = transfer.crosses_az(ctx, rows & (f.src.region == f.dst.region), usage)
        usage.charges += transfer.regional_both_ways(
            ctx, crossing, component="Cross-AZ data transfer within the shared VPC"
        )
        usage.charges.append(
            transfer.inter_region(ctx, rows, component="Inter-region data transfer over shared-VPC peering",
                                  payer=f.src.account)
        )  # fmt: skip
        return usage

    def blocked(self, ctx: Context, subjects: np.ndarray) -> dict[int, Blocked]:
        vpcs = ctx.vpcs
        blocked = {}
        for index in np.flatnonzero(~(ctx.member[subjects[:, 0]] & ctx.member[subjects[:, 1]])).tolist():
            x, y = subjects[index].tolist()
            outside = [vpcs[code].label for code in (x, y) if not ctx.member[code]]
            blocked[index] = Blocked(
                f"{vpcs[x].label} and {vpcs[y].label} are to share a VPC, but {', '.join(outside)} is not placed "
                "in the shared VPC",
                priced=True,
            )
        return blocked


def misplaced(ctx: Context, pairs: np.ndarray, option: str) -> dict[int, Blocked]:
    """A member sits in the shared VPC: its traffic with any other VPC must use sharing, not `option`."""
    vpcs = ctx.vpcs
    blocked = {}
    for index in np.flatnonzero(ctx.member[pairs[:, 0]] | ctx.member[pairs[:, 1]]).tolist():
        x, y = pairs[index].tolist()
        member, other = (x, y) if ctx.member[x] else (y, x)
        blocked[index] = Blocked(
            f"{vpcs[member].label} sits in the shared VPC, so its traffic with {vpcs[other].label} must use "
            f"sharing, not {option}",
            priced=True,
        )
    return blocked


def check_members(ctx: Context, findings: Findings) -> list[str]:
    """Participant accounts per shared VPC (the workload accounts of the members' flows); the assumptions the
    members' overlapping CIDRs call for."""
    estate, vpcs = ctx.estate, ctx.vpcs
    participants: dict[str, set[str]] = defaultdict(set)
    for side in (ctx.flows.src, ctx.flows.dst):
        inside = ctx.member[side.vpc]
        for region, account in set(zip(side.region[inside].tolist(), side.account[inside].tolist(), strict=True)):
            if account >= 0:
                participants[estate.regions[region]].add(estate.accounts[account])
    for region, accounts in sorted(participants.items()):
        if len(accounts) > PARTICIPANTS_PER_SHARED_VPC_DEFAULT:
            findings.quota_increases.append(
                f"shared VPC in {region}: {len(accounts)} participant accounts "
                f"(default quota {PARTICIPANTS_PER_SHARED_VPC_DEFAULT}, adjustable)"
            )
    return [
        f"sharing design: {vpcs[x].label} and {vpcs[y].label} overlap; their subnets need new addresses in the "
        "shared VPC."
        for x, y in sorted(estate.overlapping_cidrs)
        if vpcs[x].region == vpcs[y].region and ctx.member[x] and ctx.member[y]
    ]


OPTION = SharedVpc()
