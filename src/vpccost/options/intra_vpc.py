"""Traffic inside one VPC: rows whose two sides are the same VPC and that cross AZs pay regional transfer each
way, identically in every design (no connection option carries them)."""

from __future__ import annotations

from vpccost.model.estate import VPC
from vpccost.options import transfer
from vpccost.options.base import Context, OptionUsage


def usage(ctx: Context) -> OptionUsage:
    f = ctx.flows
    inside = (f.src.kind == VPC) & (f.dst.kind == VPC) & (f.src.vpc == f.dst.vpc)
    result = OptionUsage()
    crossing = transfer.crosses_az(ctx, inside, result)
    result.charges += transfer.regional_both_ways(ctx, crossing, component="Cross-AZ data transfer within a VPC")
    return result
