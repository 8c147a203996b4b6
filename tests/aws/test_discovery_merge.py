"""Region views merged into one topology, on API items written by hand in the shapes the EC2 API reference gives
(DescribeVpcs, DescribeSubnets, DescribeRouteTables, DescribeVpcPeeringConnections, DescribeNetworkInterfaces):
objects merged by id, only live ones kept, sorted so two runs agree. tests/aws/test_discovery.py reads a moto estate
end to end."""

from __future__ import annotations

from typing import Any

import pytest

from vpccost.aws.discovery_merge import RegionView, TopologyBuilder, _classify, balancer_arns
from vpccost.inputs.topology import Route, Topology

A, B = "111111111111", "222222222222"


def vpc_item(vpc_id: str, owner: str, *blocks: tuple[str, str], name: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "VpcId": vpc_id,
        "OwnerId": owner,
        "CidrBlock": blocks[0][0],
        "CidrBlockAssociationSet": [{"CidrBlock": cidr, "CidrBlockState": {"State": state}} for cidr, state in blocks],
    }
    if name is not None:
        item["Tags"] = [{"Key": "Name", "Value": name}]
    return item


def build(*views: RegionView, workload_interfaces: bool = False) -> tuple[Topology, list[str]]:
    builder = TopologyBuilder(workload_interfaces=workload_interfaces)
    return builder.build(list(views)), builder.warnings


def test_a_vpc_seen_by_two_accounts_is_read_once_with_the_blocks_in_use() -> None:
    first = RegionView(A, "us-east-1", {"DescribeVpcs": [
        vpc_item("vpc-0a", A, ("10.0.0.0/16", "associated"), ("10.9.0.0/16", "disassociated"), name="orders"),
    ]})  # fmt: skip
    seen_again = [
        vpc_item("vpc-0a", A, ("10.0.0.0/16", "associated")),
        vpc_item("vpc-0b", B, ("10.1.0.0/16", "associated")),
    ]
    second = RegionView(B, "us-east-1", {"DescribeVpcs": seen_again})
    topology, warnings = build(first, second)
    assert [(vpc.id, vpc.name, vpc.account, vpc.cidrs) for vpc in topology.vpcs] == [
        ("vpc-0a", "orders", A, ["10.0.0.0/16"]),
        ("vpc-0b", None, B, ["10.1.0.0/16"]),
    ]
    assert warnings == []


def test_subnets_get_az_ids_from_the_accounts_own_names_and_local_zones_are_left_out() -> None:
    # AZ names map to AZ IDs per account: us-east-1a is use1-az4 in this account
    view = RegionView(A, "us-east-1", {
        "DescribeAvailabilityZones": [{"ZoneName": "us-east-1a", "ZoneId": "use1-az4"}],
        "DescribeVpcs": [vpc_item("vpc-0a", A, ("10.0.0.0/16", "associated"))],
        "DescribeSubnets": [
            {"SubnetId": "subnet-02", "VpcId": "vpc-0a", "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "us-east-1a"},
            {"SubnetId": "subnet-01", "VpcId": "vpc-0a", "CidrBlock": "10.0.1.0/24", "AvailabilityZoneId": "use1-az1"},
            {"SubnetId": "subnet-09", "VpcId": "vpc-0a", "CidrBlock": "10.0.9.0/24",
             "AvailabilityZone": "us-east-1-lax-1a", "AvailabilityZoneId": "use1-lax1-az1"},
        ],
    })  # fmt: skip
    topology, warnings = build(view)
    (vpc,) = topology.vpcs
    assert [(subnet.id, subnet.az) for subnet in vpc.subnets] == [("subnet-01", "use1-az1"), ("subnet-02", "use1-az4")]
    assert vpc.azs == ["use1-az1", "use1-az4"]
    assert warnings == [
        "subnet-09 (us-east-1-lax-1a, use1-lax1-az1) left out: not in an Availability Zone of us-east-1 (Local and "
        "Wavelength Zones are not priced)"
    ]


def test_routes_are_sorted_ipv4_then_ipv6_then_prefix_lists_and_a_blackhole_is_kept() -> None:
    routes = [
        {"DestinationPrefixListId": "pl-63a5400a", "GatewayId": "vpce-0s3"},
        {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-01"},
        {"DestinationCidrBlock": "10.9.0.0/16", "TransitGatewayId": "tgw-01", "State": "blackhole"},
        {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-01"},
        {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"},
        {"DestinationCidrBlock": "10.8.0.0/16"},  # no target: not a route
    ]
    view = RegionView(A, "us-east-1", {
        "DescribeVpcs": [vpc_item("vpc-0a", A, ("10.0.0.0/16", "associated"))],
        "DescribeRouteTables": [{"RouteTableId": "rtb-01", "VpcId": "vpc-0a", "Routes": routes,
                                 "Associations": [{"Main": True, "AssociationState": {"State": "associated"}}]}],
    })  # fmt: skip
    (table,) = build(view)[0].vpcs[0].route_tables
    assert table.main is True
    assert table.routes == [
        Route(destination="0.0.0.0/0", target="nat-01"),
        Route(destination="10.0.0.0/16", target="local"),
        Route(destination="10.9.0.0/16", target="tgw-01", state="blackhole"),
        Route(destination="::/0", target="eigw-01"),
        Route(destination="pl-63a5400a", target="vpce-0s3"),
    ]


def test_peerings_that_carry_no_traffic_yet_are_recorded_with_a_warning_and_deleted_ones_dropped() -> None:
    def peering(peering_id: str, status: str) -> dict[str, Any]:
        return {"VpcPeeringConnectionId": peering_id, "Status": {"Code": status},
                "RequesterVpcInfo": {"VpcId": "vpc-0a", "OwnerId": A, "Region": "us-east-1"},
                "AccepterVpcInfo": {"VpcId": "vpc-0b", "OwnerId": B, "Region": "mars-1"}}  # fmt: skip

    items = [peering("pcx-03", "deleted"), peering("pcx-02", "pending-acceptance"), peering("pcx-01", "active")]
    topology, warnings = build(RegionView(A, "us-east-1", {"DescribeVpcPeeringConnections": items}))
    assert [(p.id, p.status, p.accepter_account, p.accepter_region) for p in topology.peering_connections] == [
        ("pcx-01", "active", B, None),  # an unknown region code is not kept
        ("pcx-02", "pending-acceptance", B, None),
    ]
    assert warnings == [
        "pcx-02 (vpc-0a -> vpc-0b) is pending-acceptance: recorded, but it carries no traffic until it is accepted"
    ]


def test_a_regional_nat_gateway_is_active_in_the_azs_of_its_addresses() -> None:
    # DescribeNatGateways (EC2 API reference, NatGateway and NatGatewayAddress): a regional NAT gateway has no
    # subnet; each of its addresses names the AZ whose outbound traffic it handles (by ID, or by the account's name)
    regional = {"NatGatewayId": "nat-0r", "VpcId": "vpc-0a", "State": "available", "AvailabilityMode": "regional",
                "NatGatewayAddresses": [{"AvailabilityZoneId": "use1-az2"}, {"AvailabilityZone": "us-east-1a"},
                                        {"AvailabilityZoneId": "use1-az2"}]}  # fmt: skip
    zonal = {"NatGatewayId": "nat-0z", "VpcId": "vpc-0a", "State": "available", "SubnetId": "subnet-01",
             "NatGatewayAddresses": [{"AvailabilityZoneId": "use1-az1"}]}  # fmt: skip
    view = RegionView(A, "us-east-1", {
        "DescribeAvailabilityZones": [{"ZoneName": "us-east-1a", "ZoneId": "use1-az4"}],
        "DescribeVpcs": [vpc_item("vpc-0a", A, ("10.0.0.0/16", "associated"))],
        "DescribeSubnets": [
            {"SubnetId": "subnet-01", "VpcId": "vpc-0a", "CidrBlock": "10.0.1.0/24", "AvailabilityZoneId": "use1-az1"},
        ],
        "DescribeNatGateways": [regional, zonal],
    })  # fmt: skip
    topology, _ = build(view)
    gateways = {gateway.id: gateway for gateway in topology.vpcs[0].nat_gateways}
    assert (gateways["nat-0r"].az, gateways["nat-0r"].azs) == (None, ["use1-az2", "use1-az4"])
    assert (gateways["nat-0z"].az, gateways["nat-0z"].azs) == ("use1-az1", [])


@pytest.mark.parametrize(
    ("item", "kind", "resource"),
    [
        ({"InterfaceType": "nat_gateway", "Description": "Interface for NAT Gateway nat-0abc1"}, "nat_gateway",
         "nat-0abc1"),
        ({"InterfaceType": "vpc_endpoint", "Description": "VPC Endpoint Interface vpce-0def2"}, "vpc_endpoint",
         "vpce-0def2"),
        ({"InterfaceType": "transit_gateway", "Description": "Network Interface for Transit Gateway Attachment "
          "tgw-attach-0123"}, "transit_gateway_attachment", "tgw-attach-0123"),
        ({"InterfaceType": "interface", "Description": "ELB net/web/50dc6c495c0c9188"}, "load_balancer",
         "net/web/50dc6c495c0c9188"),  # the balancer as its ARN ends: net/<name>/<id>
        ({"InterfaceType": "interface", "Description": "ELB gwy/fw/1"}, "gateway_load_balancer", "gwy/fw/1"),
        ({"InterfaceType": "interface", "Description": "my instance"}, "workload", None),
        ({"InterfaceType": "natGateway", "Description": "Interface for NAT Gateway nat-0abc1"}, "nat_gateway",
         "nat-0abc1"),  # EC2's own spelling
        ({"InterfaceType": "network_load_balancer", "Description": "ELB net/web/50dc6c495c0c9188"}, "load_balancer",
         "net/web/50dc6c495c0c9188"),
        ({"InterfaceType": "gateway_load_balancer_endpoint", "Description": "VPC Endpoint Interface vpce-0f1"},
         "vpc_endpoint", "vpce-0f1"),
        ({"InterfaceType": "lambda", "Description": "AWS Lambda VPC ENI-orders"}, "workload", None),
    ],
    ids=["nat", "endpoint", "tgw-attachment", "nlb", "gwlb", "workload", "natGateway", "network_load_balancer",
         "gwlb-endpoint", "lambda"],
)  # fmt: skip
def test_an_enis_kind_and_owner_from_its_type_and_the_description_aws_gives_it(
    item: dict[str, Any], kind: str, resource: str | None
) -> None:

    assert _classify(item) == (kind, resource)


def test_the_load_balancers_behind_an_endpoint_service() -> None:
    service = {"NetworkLoadBalancerArns": ["arn:nlb/1"], "GatewayLoadBalancerArns": ["arn:gwlb/2"]}
    assert balancer_arns(service) == ["arn:nlb/1", "arn:gwlb/2"]
    assert balancer_arns({}) == []


def test_enis_are_written_with_the_type_ec2_reports_unless_it_does_not_say_what_they_are() -> None:
    def eni(eni_id: str, interface_type: str, description: str = "") -> dict[str, Any]:
        return {
            "NetworkInterfaceId": eni_id,
            "VpcId": "vpc-0a",
            "SubnetId": "subnet-01",
            "OwnerId": A,
            "InterfaceType": interface_type,
            "Description": description,
            "PrivateIpAddresses": [{"PrivateIpAddress": f"10.0.1.{eni_id[-1]}"}],
        }

    view = RegionView(A, "us-east-1", {
        "DescribeVpcs": [vpc_item("vpc-0a", A, ("10.0.0.0/16", "associated"))],
        "DescribeSubnets": [
            {"SubnetId": "subnet-01", "VpcId": "vpc-0a", "CidrBlock": "10.0.1.0/24", "AvailabilityZoneId": "use1-az1"},
        ],
        "DescribeNatGateways": [{"NatGatewayId": "nat-01", "VpcId": "vpc-0a", "SubnetId": "subnet-01", "State":
                                 "available", "NatGatewayAddresses": [{"NetworkInterfaceId": "eni-02"}]}],
        "DescribeNetworkInterfaces": [
            eni("eni-01", "natGateway", "Interface for NAT Gateway nat-0abc1"),
            eni("eni-02", "interface"),  # named by NAT gateway nat-01, reported as a plain interface
            eni("eni-03", "interface", "ELB app/web/50dc6c495c0c9188"),
            eni("eni-04", "transit_gateway", "Network Interface for Transit Gateway Attachment tgw-attach-0123"),
            eni("eni-05", "gateway_load_balancer_endpoint", "VPC Endpoint Interface vpce-0f1"),
            eni("eni-06", "lambda"),
            eni("eni-07", "interface"),
            eni("eni-08", "some_future_type"),
            eni("eni-09", "some_future_type"),
        ],
    })  # fmt: skip
    topology, warnings = build(view, workload_interfaces=True)
    written = [(interface.id, interface.type, interface.kind) for interface in topology.vpcs[0].interfaces]
    assert written == [
        ("eni-01", "natGateway", "nat_gateway"),
        ("eni-02", "natGateway", "nat_gateway"),
        ("eni-03", "load_balancer", "load_balancer"),
        ("eni-04", "transit_gateway", "transit_gateway_attachment"),
        ("eni-05", "gateway_load_balancer_endpoint", "vpc_endpoint"),
        ("eni-06", "lambda", "workload"),
        ("eni-07", "interface", "workload"),
        ("eni-08", "interface", "workload"),
        ("eni-09", "interface", "workload"),
    ]
    assert warnings == [
        "InterfaceType 'some_future_type' (eni-08) is not one vpccost knows: such ENIs are read as workloads"
    ]
    # without workload interfaces, the middleboxes alone
    topology, _ = build(view)
    assert [interface.id for interface in topology.vpcs[0].interfaces] == [f"eni-0{n}" for n in range(1, 6)]
