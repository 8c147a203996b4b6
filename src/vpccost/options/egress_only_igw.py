"""Straight through the internet gateway: IPv6 traffic a VPC opens leaves through its egress-only internet
gateway, and connections opened from outside (the internet, or a service calling in) enter through its internet
gateway and a public load balancer. Neither processes bytes for a charge: only transfer is paid
(`options.transfer.outside`), by the VPC side's workload account — a participant of a shared VPC too, since
participants pay the data transfer across internet gateways, and an egress-only internet gateway is one."""

from __future__ import annotations

import numpy as np

from vpccost.options import transfer
from vpccost.options.base import Context, Option, OptionUsage

NAME = "egress-only-igw"


class EgressOnlyIgw(Option):
    name = NAME

    def usage(self, ctx: Context, rows: np.ndarray) -> OptionUsage:
        return OptionUsage(charges=transfer.outside(ctx, rows))


OPTION = EgressOnlyIgw()
