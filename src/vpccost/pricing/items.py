"""The item registry: every priced thing vpccost knows, once.

An item is one kind of charge (`nat_gateway_bytes`: a GB processed by a NAT gateway). Options meter usage by
item key, a snapshot prices each item per region, and the Price List refresh finds each item's record from
what is written here: its AWS service code, its usage type without the region prefix, and the operation or
product family where several records share a usage type. No other module spells an item key; they import
the constants below.

Usage types carry a region prefix (`EUW2-NatGateway-Bytes`); us-east-1 bills some without one
(`NatGateway-Bytes`), which `unprefixed_in_us_east_1` records. Inter-region transfer names both regions
(`USE1-EUW2-AWS-Out-Bytes`); a global item (Route 53 hosted zones) has no region in its usage type at all.

The prefixes come from the price snapshot's `usage_type_prefixes`, never from the region code: AWS's do not
follow from it (eu-west-1 is `EU`, ap-south-1 `APS3`, ap-southeast-3 `APS4`). `usage_type_prefix` is the one
place a prefix is looked up; a region without a known prefix gets no usage type made up for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

NAT_GATEWAY_HOURS: Final = "nat_gateway_hours"
NAT_GATEWAY_BYTES: Final = "nat_gateway_bytes"
REGIONAL_NAT_GATEWAY_HOURS: Final = "regional_nat_gateway_hours"
REGIONAL_NAT_GATEWAY_BYTES: Final = "regional_nat_gateway_bytes"
PUBLIC_IPV4_IN_USE_HOURS: Final = "public_ipv4_in_use_hours"
PUBLIC_IPV4_IDLE_HOURS: Final = "public_ipv4_idle_hours"
TRANSIT_GATEWAY_ATTACHMENT_HOURS: Final = "transit_gateway_attachment_hours"
TRANSIT_GATEWAY_PEERING_HOURS: Final = "transit_gateway_peering_hours"
TRANSIT_GATEWAY_BYTES: Final = "transit_gateway_bytes"
VPC_ENDPOINT_HOURS: Final = "vpc_endpoint_hours"
VPC_ENDPOINT_BYTES: Final = "vpc_endpoint_bytes"
GWLB_ENDPOINT_HOURS: Final = "gwlb_endpoint_hours"
GWLB_ENDPOINT_BYTES: Final = "gwlb_endpoint_bytes"
VPC_PEERING_OUT_BYTES: Final = "vpc_peering_out_bytes"
VPC_PEERING_IN_BYTES: Final = "vpc_peering_in_bytes"
DATA_TRANSFER_REGIONAL_BYTES: Final = "data_transfer_regional_bytes"
DATA_TRANSFER_INTERNET_OUT_BYTES: Final = "data_transfer_internet_out_bytes"
DATA_TRANSFER_INTER_REGION_BYTES: Final = "data_transfer_inter_region_bytes"
DATA_TRANSFER_XAZ_OUT_BYTES: Final = "data_transfer_xaz_out_bytes"
NLB_HOURS: Final = "nlb_hours"
NLB_NLCU_HOURS: Final = "nlb_nlcu_hours"
ROUTE53_HOSTED_ZONE_MONTHS: Final = "route53_hosted_zone_months"
VPC_LATTICE_SERVICE_HOURS: Final = "vpc_lattice_service_hours"
VPC_LATTICE_BYTES: Final = "vpc_lattice_bytes"
VPC_LATTICE_REQUESTS: Final = "vpc_lattice_requests"
CLOUD_WAN_ATTACHMENT_HOURS: Final = "cloud_wan_attachment_hours"
CLOUD_WAN_CONNECT_ATTACHMENT_HOURS: Final = "cloud_wan_connect_attachment_hours"
CLOUD_WAN_BYTES: Final = "cloud_wan_bytes"
CLOUD_WAN_CORE_NETWORK_EDGE_HOURS: Final = "cloud_wan_core_network_edge_hours"
VPN_CONNECTION_HOURS: Final = "vpn_connection_hours"

_PREFIX_TOKEN = "([A-Z0-9]+)"

GLOBAL_REGION: Final = "global"
"""The region of a global item's price entry."""

Scope = Literal["regional", "inter-region", "global"]


@dataclass(frozen=True)
class Item:
    """One priced thing: what it is, what a bill calls it, and how to find its Price List record."""

    key: str
    service_code: str
    """AWS Price List service code: AmazonVPC, AmazonEC2, AWSDataTransfer, AWSELB, AmazonRoute53, AWSCloudWAN."""
    usage_type: str
    """The usage type without its region prefix: `NatGateway-Hours`, `AWS-Out-Bytes`, `HostedZone`."""
    unit: str
    """The Price List unit, as AWS's records spell it: Hrs, GB, LCU-Hrs, HostedZone, Requests; the AWSCloudWAN
    offer writes hour and GigaBytes."""
    path: str
    """The part of the network the charge pays for (the middle column of the Sankey chart)."""
    scope: Scope = "regional"
    unprefixed_in_us_east_1: bool = False
    """True where us-east-1 bills the usage type without the `USE1-` prefix."""
    operation: str | None = None
    """The AWS operation of the item's records, where it tells items apart."""
    filter_on_operation: bool = False
    """Whether a Price List query must match `operation` (several items share the usage type)."""
    product_family: str | None = None
    """A product family the record must have (several families share the usage type)."""
    free_gb_per_month: Decimal | None = None
    """An account-wide free allowance AWS gives on this item, aggregated over all regions [GB/month]."""
    price_source: str | None = None
    """Where the price comes from instead, for an item whose AWS Price List records a query cannot turn into
    vpccost's price; the Price List refresh makes no query for such an item and says this instead."""

    def usage_type_for(self, region: str, prefixes: Mapping[str, str], to_region: str | None = None) -> str:
        """AWS's usage type for this item in `region` (to `to_region` for inter-region transfer), from the
        regions' usage-type prefixes. A `KeyError` names a region whose prefix is unknown."""
        if self.scope == "global":
            return self.usage_type
        if self.scope == "inter-region":
            if to_region is None:
                raise ValueError(f"{self.key} needs a destination region")
            return f"{_known_prefix(region, prefixes)}-{_known_prefix(to_region, prefixes)}-{self.usage_type}"
        if region == "us-east-1" and self.unprefixed_in_us_east_1:
            return self.usage_type
        return f"{_known_prefix(region, prefixes)}-{self.usage_type}"

    def prefixes_of(self, usage_type: str, region: str) -> tuple[str, ...] | None:
        """The inverse of `usage_type_for`: the usage-type prefixes `usage_type` carries when it is this item's
        usage type in `region` (`("EUW2",)` for `EUW2-NatGateway-Hours`; the source's and the destination's for
        inter-region transfer; `()` for a global item or one us-east-1 bills unprefixed), None when it is not.
        A prefix is one token of capital letters and digits: `EUW2-TS-LoadBalancerUsage` is not an NLB hour."""
        if self.scope == "global" or (
            self.scope == "regional" and region == "us-east-1" and self.unprefixed_in_us_east_1
        ):
            return () if usage_type == self.usage_type else None
        count = 2 if self.scope == "inter-region" else 1
        match = re.fullmatch("-".join([_PREFIX_TOKEN] * count) + "-" + re.escape(self.usage_type), usage_type)
        return None if match is None else match.groups()


def usage_type_prefix(region: str, prefixes: Mapping[str, str]) -> str | None:
    """The prefix AWS's usage types carry for `region` (`EUW2`; `EU` for eu-west-1), or None when `prefixes` (a
    snapshot's `usage_type_prefixes`) does not know it. An unknown prefix is never derived from the region code."""
    return prefixes.get(region)


def regions_without_prefix(regions: Iterable[str], prefixes: Mapping[str, str]) -> list[str]:
    """The regions among `regions` whose usage-type prefix is unknown, each once, in their first order."""
    return [region for region in dict.fromkeys(regions) if usage_type_prefix(region, prefixes) is None]


def unknown_prefix_assumption(region: str) -> str:
    """What an estimate says about transfer to `region` when its usage-type prefix is unknown: the line items keep
    the price entry's `*` where AWS writes the destination's prefix, rather than a usage type AWS never bills."""
    return (
        f"Usage types for transfer to {region} are not known (no public AWS price record shows its usage-type "
        f"prefix): its line items keep '*' in place of that prefix (e.g. USE1-*-AWS-Out-Bytes) and name {region} "
        "as their destination."
    )


def _known_prefix(region: str, prefixes: Mapping[str, str]) -> str:
    """`usage_type_prefix`, or a `KeyError` naming the region whose prefix is unknown."""
    prefix = usage_type_prefix(region, prefixes)
    if prefix is None:
        raise KeyError(f"no usage-type prefix is known for {region}")
    return prefix


_NAT = "NAT gateway"
_TGW = "Transit gateway"
_ENDPOINT = "Interface endpoint"
# The Price List prices the free and the charged requests as two records, and an allowance that renews every hour
# is not a tier it can state: a query would charge every request.
_LATTICE_REQUESTS_SOURCE = (
    "AWS's VPC Lattice pricing page, https://aws.amazon.com/vpc/lattice/pricing/ (the first requests of every hour "
    "are free; the AWS Price List cannot state an hourly allowance)"
)

ITEMS: Mapping[str, Item] = {
    item.key: item
    for item in (
        Item(NAT_GATEWAY_HOURS, "AmazonEC2", "NatGateway-Hours", "Hrs", _NAT, unprefixed_in_us_east_1=True,
             operation="NatGateway"),
        Item(NAT_GATEWAY_BYTES, "AmazonEC2", "NatGateway-Bytes", "GB", _NAT, unprefixed_in_us_east_1=True,
             operation="NatGateway"),
        Item(REGIONAL_NAT_GATEWAY_HOURS, "AmazonEC2", "RegionalNatGateway-Hours", "Hrs", _NAT,
             unprefixed_in_us_east_1=True),
        Item(REGIONAL_NAT_GATEWAY_BYTES, "AmazonEC2", "RegionalNatGateway-Bytes", "GB", _NAT),
        Item(PUBLIC_IPV4_IN_USE_HOURS, "AmazonVPC", "PublicIPv4:InUseAddress", "Hrs", _NAT),
        Item(PUBLIC_IPV4_IDLE_HOURS, "AmazonVPC", "PublicIPv4:IdleAddress", "Hrs", _NAT),
        Item(TRANSIT_GATEWAY_ATTACHMENT_HOURS, "AmazonVPC", "TransitGateway-Hours", "Hrs", _TGW,
             operation="TransitGatewayVPC", filter_on_operation=True),
        Item(TRANSIT_GATEWAY_PEERING_HOURS, "AmazonVPC", "TransitGateway-Hours", "Hrs", _TGW,
             operation="TransitGatewayPeering", filter_on_operation=True),
        Item(TRANSIT_GATEWAY_BYTES, "AmazonVPC", "TransitGateway-Bytes", "GB", _TGW),
        Item(VPC_ENDPOINT_HOURS, "AmazonVPC", "VpcEndpoint-Hours", "Hrs", _ENDPOINT),
        Item(VPC_ENDPOINT_BYTES, "AmazonVPC", "VpcEndpoint-Bytes", "GB", _ENDPOINT),
        Item(GWLB_ENDPOINT_HOURS, "AmazonVPC", "VpcEndpoint-GWLBE-Hours", "Hrs", "Gateway Load Balancer endpoint"),
        Item(GWLB_ENDPOINT_BYTES, "AmazonVPC", "VpcEndpoint-GWLBE-Bytes", "GB", "Gateway Load Balancer endpoint"),
        Item(VPC_PEERING_OUT_BYTES, "AmazonVPC", "VpcPeering-Out-Bytes", "GB", "VPC peering"),
        Item(VPC_PEERING_IN_BYTES, "AmazonVPC", "VpcPeering-In-Bytes", "GB", "VPC peering"),
        Item(DATA_TRANSFER_REGIONAL_BYTES, "AWSDataTransfer", "DataTransfer-Regional-Bytes", "GB",
             "Within a region"),
        Item(DATA_TRANSFER_INTERNET_OUT_BYTES, "AWSDataTransfer", "DataTransfer-Out-Bytes", "GB", "Internet",
             unprefixed_in_us_east_1=True, free_gb_per_month=Decimal(100)),
        Item(DATA_TRANSFER_INTER_REGION_BYTES, "AWSDataTransfer", "AWS-Out-Bytes", "GB", "Between regions",
             scope="inter-region"),
        # The meter AWSDataTransfer publishes for bytes between AZs through EC2 addresses and ELB ($0.00 where
        # published); cross-AZ traffic between VPC resources is billed as DataTransfer-Regional-Bytes.
        Item(DATA_TRANSFER_XAZ_OUT_BYTES, "AWSDataTransfer", "DataTransfer-xAZ-Out-Bytes", "GB", "Within a region"),
        Item(NLB_HOURS, "AWSELB", "LoadBalancerUsage", "Hrs", "PrivateLink load balancer",
             unprefixed_in_us_east_1=True, operation="LoadBalancing:Network",
             product_family="Load Balancer-Network"),
        Item(NLB_NLCU_HOURS, "AWSELB", "LCUUsage", "LCU-Hrs", "PrivateLink load balancer",
             unprefixed_in_us_east_1=True, operation="LoadBalancing:Network",
             product_family="Load Balancer-Network"),
        Item(ROUTE53_HOSTED_ZONE_MONTHS, "AmazonRoute53", "HostedZone", "HostedZone", _ENDPOINT, scope="global"),
        Item(VPC_LATTICE_SERVICE_HOURS, "AmazonVPC", "VPCLattice-Service-Hourly", "Hrs", "VPC Lattice"),
        Item(VPC_LATTICE_BYTES, "AmazonVPC", "VPCLattice-DataProcessing-Bytes", "GB", "VPC Lattice"),
        Item(VPC_LATTICE_REQUESTS, "AmazonVPC", "VPCLattice-RequestCount", "Requests", "VPC Lattice",
             price_source=_LATTICE_REQUESTS_SOURCE),
        Item(CLOUD_WAN_ATTACHMENT_HOURS, "AWSCloudWAN", "CloudWAN-Attachment-Hours", "hour", "Cloud WAN",
             operation="CloudWANVPC", filter_on_operation=True),
        Item(CLOUD_WAN_CONNECT_ATTACHMENT_HOURS, "AWSCloudWAN", "CloudWAN-Attachment-Hours", "hour", "Cloud WAN",
             operation="CloudWANConnect", filter_on_operation=True),
        Item(CLOUD_WAN_BYTES, "AWSCloudWAN", "CloudWAN-Bytes", "GigaBytes", "Cloud WAN", operation="CloudWANVPC",
             filter_on_operation=True),
        Item(CLOUD_WAN_CORE_NETWORK_EDGE_HOURS, "AWSCloudWAN", "CloudWAN-CoreNetworkEdge-Hours", "Hrs", "Cloud WAN"),
        Item(VPN_CONNECTION_HOURS, "AmazonVPC", "VPN-Usage-Hours:ipsec.1", "Hrs", "Site-to-Site VPN",
             unprefixed_in_us_east_1=True),
    )
}  # fmt: skip
"""Item key -> the item."""


def item(key: str) -> Item:
    """The registered item `key`; a `KeyError` naming the known keys when it is not one."""
    try:
        return ITEMS[key]
    except KeyError:
        raise KeyError(f"unknown item {key!r}; known items: {', '.join(sorted(ITEMS))}") from None
