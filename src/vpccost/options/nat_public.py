"""Over public addresses: two VPCs reach each other's public addresses through the initiator's NAT gateway and
the internet gateway, with no private connectivity at all (the `nat` design's way between VPCs).

Metered: NAT processing at the initiator's VPC on the bytes of both directions (IPv6 leaves through an
egress-only internet gateway, no NAT charge); within a region the bytes are billed as regional transfer, $/GB out
at the sender and in at the receiver; across regions at the sender's inter-region rate. Always feasible:
overlapping CIDRs do not matter between public addresses.
"""

from __future__ import annotations

import numpy as np

from vpccost.options import own_nat, transfer
from vpccost.options.base import Context, Option, OptionUsage

NAME = "nat"
PUBLIC_PATH_ASSUMPTION = "nat design: the responder's public address or public load balancer is not priced."


class NatPublic(Option):
    """A VPC pair's flows between public addresses, through the initiator's NAT gateway."""

    name = NAME

    def usage(self, ctx: Context, rows: np.ndarray) -> OptionUsage:
        f = ctx.flows
        usage = own_nat.processing(ctx, rows & ~f.ipv6, f.initiator("vpc"), workload_az=f.initiator("az"),
                                   workload_account=f.initiator("account"))  # fmt: skip
        usage.charges += transfer.regional_both_ways(
            ctx, rows & (f.src.region == f.dst.region), component="Data transfer between public addresses (same region)"
        )
        usage.charges.append(
            transfer.inter_region(
                ctx, rows, component="Inter-region data transfer (internet path)", payer=f.src.account
            )
        )
        if rows.any():
            usage.assumptions.append(PUBLIC_PATH_ASSUMPTION)
        return usage


OPTION = NatPublic()
