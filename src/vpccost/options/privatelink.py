"""PrivateLink: for a VPC pair, the responding side publishes an endpoint service behind a Network Load
Balancer, and the initiator's VPC holds an interface endpoint to it in each of its AZs.

Metered: the consumer's interface endpoints per AZ-hour and their data processing (bytes in both directions,
tiered over all interface endpoints in the region), paid by the consumer (`options.interface_endpoint`); one NLB
per provider VPC per hour, counted once however many consumers reach it, and its NLCU-hours (1 GB processed per
NLCU-hour, traffic assumed spread evenly over the period, so NLCU-hours equal the GB processed), paid by the
provider; across regions the sender's inter-region rate. Cross-AZ through PrivateLink is free. Overlapping CIDRs
do not matter.
"""

from __future__ import annotations

import functools

import numpy as np

from vpccost.model.usage import NLB_RESOURCE, Fixed, PerGb
from vpccost.options import interface_endpoint, transfer
from vpccost.options.base import Context, FixedResource, Need, Option, OptionUsage
from vpccost.pricing.items import NLB_HOURS, NLB_NLCU_HOURS

NAME = "privatelink"
NETWORK_LOAD_BALANCER = "Network Load Balancer"


def load_balancer(ctx: Context, provider: int) -> FixedResource:
    """The NLB in front of a provider VPC's endpoint service, paid by the provider."""
    info = ctx.vpcs[provider]
    resource = ctx.vpc_resources(NLB_RESOURCE)[provider]
    return FixedResource((NLB_RESOURCE, provider), (Fixed(NETWORK_LOAD_BALANCER, NLB_HOURS, info.region, info.account,
                                                         resource),))  # fmt: skip


class PrivateLink(Option):
    """A VPC pair's flows through the responder's endpoint service and an interface endpoint of the initiator."""

    name = NAME

    def usage(self, ctx: Context, rows: np.ndarray) -> OptionUsage:
        f = ctx.flows
        consumer, provider = f.initiator("vpc"), f.responder("vpc")
        usage = interface_endpoint.processing(ctx, rows, consumer, provider, ctx.vpc_ids, target_kind="vpc",
                                              grouped_as="endpoint-services")  # fmt: skip
        usage.charges.append(
            PerGb(f"{NETWORK_LOAD_BALANCER} capacity (NLCU-hours)", NLB_NLCU_HOURS, rows, ctx.vpc_region[provider],
                  ctx.vpc_owner[provider], provider, ctx.vpc_resources(NLB_RESOURCE))
        )  # fmt: skip
        usage.needs.append(Need(rows, provider, functools.cache(functools.partial(load_balancer, ctx))))
        if rows.any():
            usage.assumptions += [
                "privatelink design: a VPC's interface endpoints to other VPCs' endpoint services are reported "
                "together (resource vpc-…/vpce:endpoint-services); their AZ-hours count every endpoint.",
                "privatelink design: NLCU-hours equal the GB each NLB processes (1 GB per NLCU-hour, traffic spread "
                "evenly over the period; connection counts assumed not to dominate).",
            ]
        usage.charges.append(
            transfer.inter_region(ctx, rows, component="Inter-region data transfer (PrivateLink)", payer=f.src.account)
        )
        return usage


OPTION = PrivateLink()
