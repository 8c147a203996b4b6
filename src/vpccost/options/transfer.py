"""Data transfer: the charges for bytes crossing an AZ, a region or the edge of AWS, whichever option carries
them. Every option that moves bytes between AZs, regions or to the internet states its transfer through these
rules, so each is written once.

- Cross-AZ: the sender pays `out` and the receiver pays `in`, each on the full volume, on their own VPCs.
  A side without a known AZ counts as crossing (the estimate then errs high, and says so).
- Inter-region: the sending region's rate to the receiving region; receiving is free.
- Outside AWS: internet egress (tiered) on bytes a VPC sends to the internet; nothing between a VPC and a
  named service in its region; regional transfer on the VPC's side to AWS public addresses (`aws:ec2`,
  `aws:amazon`) in its region; the sender's inter-region rate to services elsewhere. Paid by the VPC side's
  workload account, or by the NAT gateways' owner on connections through them (`own_nat.transfer_payer`).
"""

from __future__ import annotations

import numpy as np

from vpccost.model.codes import NONE
from vpccost.model.estate import VPC
from vpccost.model.usage import PerGb
from vpccost.options.base import Context, OptionUsage
from vpccost.pricing.items import (
    DATA_TRANSFER_INTER_REGION_BYTES,
    DATA_TRANSFER_INTERNET_OUT_BYTES,
    DATA_TRANSFER_REGIONAL_BYTES,
)
from vpccost.units import format_decimal


def vpc_to_vpc(ctx: Context) -> np.ndarray:
    """Flows between two different VPCs."""
    f = ctx.flows
    rows: np.ndarray = (f.src.kind == VPC) & (f.dst.kind == VPC) & (f.src.vpc != f.dst.vpc)
    return rows


def crosses_az(ctx: Context, rows: np.ndarray, usage: OptionUsage) -> np.ndarray:
    """The selected flows whose two sides are in different AZs (an unknown AZ counts as crossing: stated)."""
    f = ctx.flows
    unknown = (f.src.az == NONE) | (f.dst.az == NONE)
    if (rows & unknown).any():
        gb = format_decimal(ctx.gb(rows & unknown))
        note = f"{gb} GB of traffic between VPC resources without a known AZ on both sides is priced as crossing AZs."
        if note not in usage.assumptions:
            usage.assumptions.append(note)
    crossing: np.ndarray = rows & (unknown | (f.src.az != f.dst.az))
    return crossing


def sender_and_receiver(ctx: Context, rows: np.ndarray, *, component: str, item_out: str, item_in: str) -> list[PerGb]:
    """Transfer paid on both sides: the sender pays `item_out` and the receiver `item_in`, each on the full
    volume, metered on their own VPCs and accounts."""
    f = ctx.flows
    return [
        PerGb(f"{component} (out)", item_out, rows, f.src.region, f.src.account, f.src.vpc, ctx.vpc_transfer),
        PerGb(f"{component} (in)", item_in, rows, f.dst.region, f.dst.account, f.dst.vpc, ctx.vpc_transfer),
    ]


def regional_both_ways(ctx: Context, rows: np.ndarray, *, component: str) -> list[PerGb]:
    """Regional transfer ($/GB out at the sender and in at the receiver)."""
    return sender_and_receiver(
        ctx, rows, component=component, item_out=DATA_TRANSFER_REGIONAL_BYTES, item_in=DATA_TRANSFER_REGIONAL_BYTES
    )


def inter_region(ctx: Context, rows: np.ndarray, *, component: str, payer: np.ndarray) -> PerGb:
    """Inter-region transfer at the sending region's rate to the receiving region, on the sending VPC."""
    f = ctx.flows
    crossing = rows & (f.src.region != f.dst.region) & (f.src.region != NONE) & (f.dst.region != NONE)
    sender_vpc = np.where(f.src.kind == VPC, f.src.vpc, f.dst.vpc)
    return PerGb(component, DATA_TRANSFER_INTER_REGION_BYTES, crossing, f.src.region, payer, sender_vpc,
                 ctx.vpc_transfer, to_region=f.dst.region)  # fmt: skip


def outside(ctx: Context, rows: np.ndarray, *, payer: np.ndarray | None = None) -> list[PerGb]:
    """Transfer between a VPC and the internet or an AWS service for the selected flows, the same whichever
    way the VPC reaches them; paid by `payer` (per flow account codes), by default the VPC side's workload
    account (the way straight through the internet gateway)."""
    o = ctx.outside
    paid_by = o.vpc_account if payer is None else payer
    return [
        PerGb("Data transfer out to the internet", DATA_TRANSFER_INTERNET_OUT_BYTES, rows & o.vpc_sends & o.to_internet,
              o.vpc_region, paid_by, o.vpc, ctx.vpc_transfer),
        PerGb("Data transfer to AWS public addresses (same region)", DATA_TRANSFER_REGIONAL_BYTES,
              rows & o.public_address & o.same_region, o.vpc_region, paid_by, o.vpc, ctx.vpc_transfer),
        inter_region(ctx, rows & o.is_service & ~o.same_region, component="Inter-region data transfer (AWS service)",
                     payer=paid_by),
    ]  # fmt: skip
