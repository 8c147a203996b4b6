"""Facts about AWS that every layer reads: the commercial regions with their display names and the prefix of
their availability-zone IDs, which AWS services a gateway endpoint reaches, and what each type of network
interface is to flow-log counting.

AZ IDs (`use1-az1`) name the same physical zone in every account, unlike AZ names (`us-east-1a`), so
vpccost works with IDs. The prefix says which region an AZ ID belongs to.

A network interface's type (EC2's `InterfaceType`, the flow-log field `interface-type`, the topology's
`interfaces[].type`) says whether the ENI is a middlebox, whose records are not edges of the traffic matrix,
and which kind: `INTERFACE_TYPES` is that rule, read by the topology, discovery and flow-log counting alike.
"""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

# region code -> (display name, AZ ID prefix)
REGIONS: dict[str, tuple[str, str]] = {
    "us-east-1": ("US East (N. Virginia)", "use1"),
    "us-east-2": ("US East (Ohio)", "use2"),
    "us-west-1": ("US West (N. California)", "usw1"),
    "us-west-2": ("US West (Oregon)", "usw2"),
    "ca-central-1": ("Canada (Central)", "cac1"),
    "ca-west-1": ("Canada West (Calgary)", "caw1"),
    "mx-central-1": ("Mexico (Central)", "mxc1"),
    "sa-east-1": ("South America (Sao Paulo)", "sae1"),
    "eu-west-1": ("Europe (Ireland)", "euw1"),
    "eu-west-2": ("Europe (London)", "euw2"),
    "eu-west-3": ("Europe (Paris)", "euw3"),
    "eu-central-1": ("Europe (Frankfurt)", "euc1"),
    "eu-central-2": ("Europe (Zurich)", "euc2"),
    "eu-north-1": ("Europe (Stockholm)", "eun1"),
    "eu-south-1": ("Europe (Milan)", "eus1"),
    "eu-south-2": ("Europe (Spain)", "eus2"),
    "il-central-1": ("Israel (Tel Aviv)", "ilc1"),
    "me-south-1": ("Middle East (Bahrain)", "mes1"),
    "me-central-1": ("Middle East (UAE)", "mec1"),
    "af-south-1": ("Africa (Cape Town)", "afs1"),
    "ap-east-1": ("Asia Pacific (Hong Kong)", "ape1"),
    "ap-east-2": ("Asia Pacific (Taipei)", "ape2"),
    "ap-south-1": ("Asia Pacific (Mumbai)", "aps1"),
    "ap-south-2": ("Asia Pacific (Hyderabad)", "aps2"),
    "ap-southeast-1": ("Asia Pacific (Singapore)", "apse1"),
    "ap-southeast-2": ("Asia Pacific (Sydney)", "apse2"),
    "ap-southeast-3": ("Asia Pacific (Jakarta)", "apse3"),
    "ap-southeast-4": ("Asia Pacific (Melbourne)", "apse4"),
    "ap-southeast-5": ("Asia Pacific (Malaysia)", "apse5"),
    "ap-southeast-6": ("Asia Pacific (New Zealand)", "apse6"),
    "ap-southeast-7": ("Asia Pacific (Thailand)", "apse7"),
    "ap-northeast-1": ("Asia Pacific (Tokyo)", "apne1"),
    "ap-northeast-2": ("Asia Pacific (Seoul)", "apne2"),
    "ap-northeast-3": ("Asia Pacific (Osaka)", "apne3"),
}

PUBLIC_ADDRESS_SERVICES = frozenset({"ec2", "amazon"})
"""`aws:ec2` and `aws:amazon` are AWS public addresses that are not a named service: no endpoint reaches them."""

GATEWAY_ENDPOINT_SERVICES = frozenset({"s3", "dynamodb"})
"""The services a (free) gateway endpoint reaches."""

_AZ_ID = re.compile(r"^(?P<prefix>[a-z]+[0-9]+)-az[0-9]+$")


def is_region(code: str) -> bool:
    return code in REGIONS


def region_name(code: str) -> str:
    return REGIONS[code][0] if code in REGIONS else code


def az_id_region(az_id: str) -> str | None:
    """The region an AZ ID belongs to (`use1-az4` -> `us-east-1`), or None if the ID is not well formed
    or its prefix is not a known region's."""
    match = _AZ_ID.match(az_id)
    if match is None:
        return None
    prefix = match.group("prefix")
    for code, (_, az_prefix) in REGIONS.items():
        if az_prefix == prefix:
            return code
    return None


IP_FAMILIES: Final = {4: "IPv4", 6: "IPv6"}
"""IP version → the family's name, in the order AWS's route quotas and route tables count them."""


InterfaceKind = Literal[
    "workload", "nat_gateway", "transit_gateway_attachment", "vpc_endpoint", "load_balancer", "gateway_load_balancer"
]
"""What an ENI is to flow-log counting: a workload (its records are edges of the matrix) or a kind of middlebox
(its records are reported as the bytes it processed)."""

MIDDLEBOX_KINDS: frozenset[InterfaceKind] = frozenset(get_args(InterfaceKind)) - {"workload"}
NAT_GATEWAY_ENI: Final[InterfaceKind] = "nat_gateway"
TGW_ATTACHMENT_ENI: Final[InterfaceKind] = "transit_gateway_attachment"
VPC_ENDPOINT_ENI: Final[InterfaceKind] = "vpc_endpoint"
FRONT_KINDS: frozenset[InterfaceKind] = MIDDLEBOX_KINDS - {NAT_GATEWAY_ENI, TGW_ATTACHMENT_ENI}
"""Middleboxes that front a service or a provider VPC (endpoints, load balancers): traffic to them belongs to what
stands behind them."""

INTERFACE_TYPES: dict[str, InterfaceKind] = {
    # EC2's InterfaceType, as DescribeNetworkInterfaces reports it (EC2 API reference, NetworkInterface data type:
    # https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html)
    "interface": "workload",
    "natGateway": "nat_gateway",
    "efa": "workload",
    "efa-only": "workload",
    "efs": "workload",
    "trunk": "workload",
    "load_balancer": "load_balancer",
    "network_load_balancer": "load_balancer",
    "vpc_endpoint": "vpc_endpoint",
    "branch": "workload",
    "transit_gateway": "transit_gateway_attachment",
    "lambda": "workload",
    "quicksight": "workload",
    "global_accelerator_managed": "workload",
    "api_gateway_managed": "workload",
    "gateway_load_balancer": "gateway_load_balancer",
    "gateway_load_balancer_endpoint": "vpc_endpoint",
    "iot_rules_managed": "workload",
    "aws_codestar_connections_managed": "workload",
    # the flow-log field `interface-type` (version 11; Amazon VPC User Guide, "Flow log records":
    # https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html) spells NAT gateways its own way
    "nat_gateway": "nat_gateway",
    "regional_nat_gateway": "nat_gateway",
    # the names topology files used before they took EC2's own
    "workload": "workload",
    "transit_gateway_attachment": "transit_gateway_attachment",
}
"""Every network-interface type vpccost reads → what the ENI is to flow-log counting. A NAT gateway, a transit
gateway attachment, an interface or Gateway Load Balancer endpoint and a load balancer (network or gateway) pass
other ENIs' traffic on: middleboxes. Every other ENI — an instance's, EFA, trunk and branch, Lambda's, and the
ENIs services manage for themselves (QuickSight, Global Accelerator, API Gateway, …) — sends and receives its own
traffic: a workload."""

INTERFACE_TYPE_OF_KIND: dict[InterfaceKind, str] = {
    "workload": "interface",
    "nat_gateway": "natGateway",
    "transit_gateway_attachment": "transit_gateway",
    "vpc_endpoint": "vpc_endpoint",
    "load_balancer": "load_balancer",
    "gateway_load_balancer": "gateway_load_balancer",
}
"""EC2's InterfaceType for each kind: the type written for an ENI whose kind is known otherwise (a NAT gateway
naming its ENI, a load balancer's description) when the InterfaceType EC2 reports does not say it."""


def _spelling(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_SHORT_SPELLINGS: dict[str, InterfaceKind] = {
    "nat": "nat_gateway",
    "tgwattachment": "transit_gateway_attachment",
    "interfaceendpoint": "vpc_endpoint",
    "applicationloadbalancer": "load_balancer",
}
"""Shorter names some flow-log pipelines write in `interface-type` for a middlebox: read as what they name."""

_KIND_BY_SPELLING: dict[str, InterfaceKind] = {
    **_SHORT_SPELLINGS,
    **{_spelling(name): kind for name, kind in INTERFACE_TYPES.items()},
}


def interface_kind(name: str) -> InterfaceKind | None:
    """The kind of an interface type spelled exactly as `INTERFACE_TYPES` has it; None for any other name."""
    return INTERFACE_TYPES.get(name)


def interface_kind_of_any_spelling(value: str) -> InterfaceKind | None:
    """The kind of an interface type in any case and punctuation (`NAT_GATEWAY`, `nat-gateway`, `natgateway`);
    None when it is none of `INTERFACE_TYPES`."""
    return _KIND_BY_SPELLING.get(_spelling(value))
