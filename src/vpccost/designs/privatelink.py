"""PrivateLink: for each VPC pair, the responding side publishes an endpoint service behind a Network
Load Balancer, and the initiator's VPC holds an interface endpoint to it in each of its AZs. AWS services
in the VPC's region are reached through interface endpoints too; the internet, AWS public addresses and
services in other regions through NAT gateways.

Metered: interface endpoints per AZ-hour and their data processing (bytes in both directions, tiered over
all interface endpoints in the region), paid by the consumer; one NLB per provider VPC per hour, and its
NLCU-hours (1 GB processed per NLCU-hour, traffic assumed spread evenly over the period, so NLCU-hours
equal the GB processed), paid by the provider; across regions the sender's inter-region rate.
Cross-AZ through PrivateLink is free. Overlapping CIDRs do not matter.
"""

from __future__ import annotations

import numpy as np

from vpccost.designs.common import (
    InterfaceEndpoints,
    NatGateways,
    meter_inter_region,
    meter_intra_vpc,
    meter_outside,
    nat_in_own_vpc,
    vpc_to_vpc,
)
from vpccost.model.estate import Estate
from vpccost.model.usage import DesignUsage, Settings, UsageBuilder

NAME = "privatelink"


def usage(estate: Estate, options: Settings) -> DesignUsage:
    b = UsageBuilder(NAME, estate, options)
    meter_intra_vpc(b)
    between = vpc_to_vpc(b)
    endpoints = InterfaceEndpoints(b)
    meter_endpoint_services(b, between, endpoints)
    nat = NatGateways(b)
    meter_outside(b, nat, lambda vpc: nat_in_own_vpc(b, vpc), endpoints=endpoints)
    endpoints.meter_endpoints()
    nat.meter_gateways()
    return b.usage


def meter_endpoint_services(b: UsageBuilder, rows: np.ndarray, endpoints: InterfaceEndpoints) -> None:
    """The selected VPC-to-VPC flows over PrivateLink: the responder's endpoint service behind its NLB, an
    interface endpoint in the initiator's VPC (its hours are metered by `endpoints.meter_endpoints()`)."""
    f = b.flows
    estate = b.estate
    consumer = f.initiator("vpc")
    provider = f.responder("vpc")
    endpoints.process(rows, consumer, provider, b.vpc_ids, grouped_as="endpoint-services")
    b.per_gb(
        "Network Load Balancer capacity (NLCU-hours)",
        "nlb_nlcu_hours",
        rows,
        region=b.vpc_region[provider],
        payer=b.vpc_owner[provider],
        resource=provider,
        resource_names=b.vpc_resources("nlb"),
    )
    for code in np.unique(provider[rows]).tolist():
        vpc = estate.vpcs[code]
        b.hourly("Network Load Balancer", "nlb_hours", region=vpc.region, payer=vpc.account, resource=f"{vpc.id}/nlb")
    if rows.any():
        b.assume(
            "privatelink design: a VPC's interface endpoints to other VPCs' endpoint services are reported "
            "together (resource vpc-…/vpce:endpoint-services); their AZ-hours count every endpoint."
        )
        b.assume(
            "privatelink design: NLCU-hours equal the GB each NLB processes (1 GB per NLCU-hour, traffic spread "
            "evenly over the period; connection counts assumed not to dominate)."
        )
    meter_inter_region(b, rows, component="Inter-region data transfer (PrivateLink)", payer=f.src.account)
