"""`vpccost discover` against a moto server on 127.0.0.1: an estate of two accounts and two regions built with
boto3 calls, read back field by field, through the library and the CLI.

Account A (123456789012, moto's default) holds `orders` (us-east-1: two IPv4 blocks and an IPv6 block, three
subnets, NAT gateways, endpoints, route tables, a TGW, a flow log) and `analytics` (eu-west-1, with a second
TGW peered to the first). Account B (222222222222, reached with sts:AssumeRole) holds `payments`, peered with
`orders` across accounts.

moto gaps met here (each noted where it matters): it does not share a TGW with another account (no RAM), so a
TGW attachment from B cannot be built; it gives NAT gateway and endpoint ENIs InterfaceType `interface`, an empty
description and addresses outside their subnet, so the ENI inventory relies on NatGatewayAddresses and
NetworkInterfaceIds; it creates no ENIs for TGW attachments; it leaves VpcEndpointType out for gateway endpoints
and ConnectivityType out for public NAT gateways; it does not return a flow log's DestinationOptions and takes an
S3 destination's prefix for part of the bucket name; it lists peering attachments among
DescribeTransitGatewayVpcAttachments and VPC attachments among DescribeTransitGatewayPeeringAttachments; and
AssumeRole succeeds for roles that do not exist. It does enforce IAM policies once asked to
(`/moto-api/reset-auth`), which gives the partial-failure tests a real AccessDenied and AuthFailure.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import pytest
import yaml

from tests.conftest import REPO, SNAPSHOT, run_cli, run_json
from vpccost.aws.discovery import READ_ONLY_ACTIONS, REGION_STEPS, Discovery, discover
from vpccost.inputs.topology import Topology, Vpc, load_topology, topology_yaml, write_topology

moto_server = pytest.importorskip("moto.server")
ACCOUNT_A = "123456789012"  # moto's default account, for the access key "testing"
ACCOUNT_B = "222222222222"
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
FLOW_LOG_FORMAT = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${bytes} ${az-id} ${flow-direction}"


@pytest.fixture(scope="session")
def endpoint_url() -> Iterator[str]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch, endpoint_url: str, tmp_path: Path) -> None:
    """Fake credentials, no instance metadata, no ~/.aws files: botocore reaches only the moto server."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint_url)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)


@dataclass(frozen=True)
class Estate:
    """Ids of what the estate fixture built."""

    orders: str
    payments: str
    analytics: str
    sandbox: str
    subnets: dict[str, str]
    nat_public: str
    nat_private: str
    nat_public_eni: str
    nat_public_ip: str
    s3_endpoint: str
    sqs_endpoint: str
    sqs_endpoint_eni: str
    payments_service: str
    workload_eni: str
    payments_endpoint: str
    main_table: str
    private_table: str
    pcx_payments: str
    pcx_analytics: str
    pcx_sandbox: str
    tgw: str
    tgw_eu: str
    tgw_vpc_attachment: str
    tgw_peering: str
    flow_log: str
    flow_log_b: str
    ipv6_block: str
    reader_key: tuple[str, str]


def assumed_session(role_arn: str, base: Any | None = None) -> Any:
    sts = (base or boto3.Session(region_name="us-east-1")).client("sts")
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="estate-setup")["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name="us-east-1",
    )


@pytest.fixture(scope="session")
def estate(endpoint_url: str) -> Estate:
    """Build the estate once (the moto server keeps it for the session)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ENDPOINT_URL", endpoint_url)
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        for name, value in FAKE_CREDENTIALS.items():
            patch.setenv(name, value)
        patch.delenv("AWS_PROFILE", raising=False)
        return _build_estate()


def _build_estate() -> Estate:
    a = boto3.Session(region_name="us-east-1")
    b = assumed_session(f"arn:aws:iam::{ACCOUNT_B}:role/admin")
    ec2, ec2_eu, ec2_b = a.client("ec2"), a.client("ec2", region_name="eu-west-1"), b.client("ec2")

    def vpc(client: Any, cidr: str, name: str, **extra: Any) -> str:
        spec = [{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}]
        return str(client.create_vpc(CidrBlock=cidr, TagSpecifications=spec, **extra)["Vpc"]["VpcId"])

    def subnet(client: Any, vpc_id: str, cidr: str, az_id: str, **extra: Any) -> str:
        return str(
            client.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZoneId=az_id, **extra)["Subnet"]["SubnetId"]
        )

    orders = vpc(ec2, "10.0.0.0/16", "orders", AmazonProvidedIpv6CidrBlock=True)
    ec2.associate_vpc_cidr_block(VpcId=orders, CidrBlock="10.10.0.0/16")
    ipv6_block = ec2.describe_vpcs(VpcIds=[orders])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    ipv6_subnet = ipv6_block.replace("::/56", "::/64")
    subnets = {
        "orders-az1": subnet(ec2, orders, "10.0.1.0/24", "use1-az1", Ipv6CidrBlock=ipv6_subnet),
        "orders-az2": subnet(ec2, orders, "10.0.2.0/24", "use1-az2"),
        "orders-az4": subnet(ec2, orders, "10.10.4.0/24", "use1-az4"),
    }
    payments = vpc(ec2_b, "10.1.0.0/16", "payments")
    subnets["payments-az1"] = subnet(ec2_b, payments, "10.1.1.0/24", "use1-az1")
    analytics = vpc(ec2_eu, "10.2.0.0/16", "analytics")
    subnets["analytics-az1"] = subnet(ec2_eu, analytics, "10.2.1.0/24", "euw1-az1")
    sandbox = vpc(ec2, "10.3.0.0/16", "sandbox")

    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat_public = ec2.create_nat_gateway(SubnetId=subnets["orders-az1"], AllocationId=allocation)["NatGateway"]
    nat_private = ec2.create_nat_gateway(SubnetId=subnets["orders-az2"], ConnectivityType="private")["NatGateway"]
    eigw = ec2.create_egress_only_internet_gateway(VpcId=orders)["EgressOnlyInternetGateway"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=orders)

    pcx_payments = ec2.create_vpc_peering_connection(VpcId=orders, PeerVpcId=payments, PeerOwnerId=ACCOUNT_B)
    pcx_payments_id = pcx_payments["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2_b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_payments_id)
    pcx_analytics = ec2.create_vpc_peering_connection(VpcId=orders, PeerVpcId=analytics, PeerRegion="eu-west-1")
    pcx_analytics_id = pcx_analytics["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2_eu.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_analytics_id)
    pcx_sandbox = ec2.create_vpc_peering_connection(VpcId=orders, PeerVpcId=sandbox)  # never accepted
    pcx_sandbox_id = pcx_sandbox["VpcPeeringConnection"]["VpcPeeringConnectionId"]

    tgw = ec2.create_transit_gateway(
        TagSpecifications=[{"ResourceType": "transit-gateway", "Tags": [{"Key": "Name", "Value": "hub"}]}]
    )["TransitGateway"]["TransitGatewayId"]
    tgw_eu = ec2_eu.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    attachment = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=orders, SubnetIds=[subnets["orders-az1"], subnets["orders-az2"]]
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    peering = ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=tgw, PeerTransitGatewayId=tgw_eu, PeerAccountId=ACCOUNT_A, PeerRegion="eu-west-1"
    )["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    ec2_eu.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=peering)

    main_table = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [orders]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"][0]["RouteTableId"]
    ec2.create_route(RouteTableId=main_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    private_table = ec2.create_route_table(VpcId=orders)["RouteTable"]["RouteTableId"]
    for name in ("orders-az1", "orders-az2"):
        ec2.associate_route_table(RouteTableId=private_table, SubnetId=subnets[name])
    routes: list[dict[str, str]] = [
        {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat_public["NatGatewayId"]},
        {"DestinationCidrBlock": "10.1.0.0/16", "VpcPeeringConnectionId": pcx_payments_id},
        {"DestinationCidrBlock": "10.2.0.0/16", "VpcPeeringConnectionId": pcx_analytics_id},
        {"DestinationCidrBlock": "10.20.0.0/16", "TransitGatewayId": tgw},
        {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": eigw["EgressOnlyInternetGatewayId"]},
    ]
    for route in routes:
        ec2.create_route(RouteTableId=private_table, **route)
    s3_endpoint = ec2.create_vpc_endpoint(
        VpcId=orders, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway", RouteTableIds=[private_table]
    )["VpcEndpoint"]["VpcEndpointId"]
    sqs_endpoint = ec2.create_vpc_endpoint(
        VpcId=orders,
        ServiceName="com.amazonaws.us-east-1.sqs",
        VpcEndpointType="Interface",
        SubnetIds=[subnets["orders-az1"], subnets["orders-az2"]],
        PrivateDnsEnabled=True,
    )["VpcEndpoint"]

    # PrivateLink: payments (account B) publishes a service behind an NLB; orders holds an endpoint to it
    balancer = b.client("elbv2").create_load_balancer(
        Name="payments-api", Type="network", Scheme="internal", Subnets=[subnets["payments-az1"]]
    )["LoadBalancers"][0]["LoadBalancerArn"]
    service = ec2_b.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[balancer])
    payments_service = service["ServiceConfiguration"]["ServiceName"]
    payments_endpoint = ec2.create_vpc_endpoint(
        VpcId=orders, ServiceName=payments_service, VpcEndpointType="Interface", SubnetIds=[subnets["orders-az1"]]
    )["VpcEndpoint"]["VpcEndpointId"]

    workload_eni = ec2.create_network_interface(SubnetId=subnets["orders-az2"], Description="orders api")

    a.client("s3").create_bucket(Bucket="vpccost-flow-logs-a")
    flow_log = ec2.create_flow_logs(
        ResourceIds=[orders],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::vpccost-flow-logs-a",  # moto reads a /prefix as part of the bucket name
        LogFormat=FLOW_LOG_FORMAT,
        MaxAggregationInterval=60,
    )["FlowLogIds"][0]
    b.client("s3").create_bucket(Bucket="vpccost-flow-logs-b")
    flow_log_b = ec2_b.create_flow_logs(
        ResourceIds=[payments],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::vpccost-flow-logs-b",
    )["FlowLogIds"][0]

    # for the partial-failure tests: a reader in A, and a role in B that may not read flow logs
    iam = a.client("iam")
    iam.create_user(UserName="reader")
    allow = {"Effect": "Allow", "Action": ["ec2:Describe*", "sts:*", "elasticloadbalancing:Describe*"], "Resource": "*"}
    iam.put_user_policy(
        UserName="reader", PolicyName="read", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [allow]})
    )
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    trust = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_A}:root"}, "Action": "sts:AssumeRole"}
    iam_b = b.client("iam")
    iam_b.create_role(
        RoleName="audit-no-flow-logs",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [trust]}),
    )
    deny = {"Effect": "Deny", "Action": "ec2:DescribeFlowLogs", "Resource": "*"}
    iam_b.put_role_policy(
        RoleName="audit-no-flow-logs",
        PolicyName="read",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [allow, deny]}),
    )
    return Estate(
        orders=orders,
        payments=payments,
        analytics=analytics,
        sandbox=sandbox,
        subnets=subnets,
        nat_public=nat_public["NatGatewayId"],
        nat_private=nat_private["NatGatewayId"],
        nat_public_eni=nat_public["NatGatewayAddresses"][0]["NetworkInterfaceId"],
        nat_public_ip=nat_public["NatGatewayAddresses"][0]["PrivateIp"],
        s3_endpoint=s3_endpoint,
        sqs_endpoint=sqs_endpoint["VpcEndpointId"],
        sqs_endpoint_eni=sqs_endpoint["NetworkInterfaceIds"][0],
        payments_service=payments_service,
        workload_eni=workload_eni["NetworkInterface"]["NetworkInterfaceId"],
        payments_endpoint=payments_endpoint,
        main_table=main_table,
        private_table=private_table,
        pcx_payments=pcx_payments_id,
        pcx_analytics=pcx_analytics_id,
        pcx_sandbox=pcx_sandbox_id,
        tgw=tgw,
        tgw_eu=tgw_eu,
        tgw_vpc_attachment=attachment,
        tgw_peering=peering,
        flow_log=flow_log,
        flow_log_b=flow_log_b,
        ipv6_block=ipv6_block,
        reader_key=(key["AccessKeyId"], key["SecretAccessKey"]),
    )


@pytest.fixture(scope="session")
def found(estate: Estate, endpoint_url: str) -> Discovery:
    """One discovery of both accounts in both regions (read-only: every test may share it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ENDPOINT_URL", endpoint_url)
        for name, value in FAKE_CREDENTIALS.items():
            patch.setenv(name, value)
        base = boto3.Session(region_name="us-east-1")
        return discover(base, role_arns=[f"arn:aws:iam::{ACCOUNT_B}:role/audit"], regions=["us-east-1", "eu-west-1"])


def by_id(topology: Topology, vpc_id: str) -> Vpc:
    vpc = topology.find(vpc_id)
    assert isinstance(vpc, Vpc), vpc_id
    return vpc


def test_vpcs_cidrs_and_subnets_with_az_ids(found: Discovery, estate: Estate) -> None:
    assert found.accounts == [ACCOUNT_A, ACCOUNT_B]
    assert found.regions_read == 4  # 2 accounts × 2 regions
    orders = by_id(found.topology, estate.orders)
    assert (orders.name, orders.account, orders.region) == ("orders", ACCOUNT_A, "us-east-1")
    # both IPv4 associations and the Amazon-provided IPv6 block
    assert orders.cidrs == ["10.0.0.0/16", "10.10.0.0/16", estate.ipv6_block]
    assert orders.azs == ["use1-az1", "use1-az2", "use1-az4"]
    subnets = {subnet.id: subnet for subnet in orders.subnets}
    az1 = subnets[estate.subnets["orders-az1"]]
    assert (az1.cidr, az1.az, az1.ipv6_cidr) == ("10.0.1.0/24", "use1-az1", estate.ipv6_block.replace("/56", "/64"))
    assert (subnets[estate.subnets["orders-az4"]].cidr, subnets[estate.subnets["orders-az4"]].az) == (
        "10.10.4.0/24",
        "use1-az4",
    )
    payments = by_id(found.topology, estate.payments)
    assert (payments.name, payments.account, payments.cidrs, payments.azs) == (
        "payments",
        ACCOUNT_B,
        ["10.1.0.0/16"],
        ["use1-az1"],
    )
    analytics = by_id(found.topology, estate.analytics)
    assert (analytics.region, analytics.azs) == ("eu-west-1", ["euw1-az1"])
    # moto gives every account a default VPC in every region: 4 of them beside the 4 built here
    assert len(found.topology.vpcs) == 8
    assert [vpc.id for vpc in found.topology.vpcs] == sorted(vpc.id for vpc in found.topology.vpcs)


def test_route_tables(found: Discovery, estate: Estate) -> None:
    tables = {table.id: table for table in by_id(found.topology, estate.orders).route_tables}
    main = tables[estate.main_table]
    assert main.main
    assert main.subnets == []
    assert {(route.destination, route.target) for route in main.routes} >= {("0.0.0.0/0", main.routes[0].target)}
    assert any(route.target.startswith("igw-") and route.destination == "0.0.0.0/0" for route in main.routes)
    private = tables[estate.private_table]
    assert not private.main
    assert private.subnets == sorted([estate.subnets["orders-az1"], estate.subnets["orders-az2"]])
    targets = {route.destination: route.target for route in private.routes}
    assert targets["0.0.0.0/0"] == estate.nat_public
    assert targets["10.1.0.0/16"] == estate.pcx_payments
    assert targets["10.2.0.0/16"] == estate.pcx_analytics
    assert targets["10.20.0.0/16"] == estate.tgw
    assert targets["::/0"].startswith("eigw-")
    assert targets["10.0.0.0/16"] == "local"
    # the S3 gateway endpoint adds a route from S3's prefix list to itself
    prefix_lists = [route for route in private.routes if route.destination.startswith("pl-")]
    assert [route.target for route in prefix_lists] == [estate.s3_endpoint]
    assert all(route.state == "active" for route in private.routes)
    # sorted as a reader scans them: IPv4 by address, then IPv6, then prefix lists
    assert [route.destination for route in private.routes][:-1] == [
        "0.0.0.0/0",
        "10.0.0.0/16",
        "10.1.0.0/16",
        "10.2.0.0/16",
        "10.10.0.0/16",
        "10.20.0.0/16",
        "::/0",
        estate.ipv6_block,
    ]


def test_nat_gateways_endpoints_and_the_eni_inventory(found: Discovery, estate: Estate) -> None:
    orders = by_id(found.topology, estate.orders)
    gateways = {gateway.id: gateway for gateway in orders.nat_gateways}
    public, private = gateways[estate.nat_public], gateways[estate.nat_private]
    assert (public.az, public.subnet, public.connectivity, public.availability_mode) == (
        "use1-az1",
        estate.subnets["orders-az1"],
        "public",
        "zonal",
    )
    assert (private.az, private.connectivity) == ("use1-az2", "private")
    endpoints = {endpoint.id: endpoint for endpoint in orders.endpoints}
    s3 = endpoints[estate.s3_endpoint]
    assert (s3.type, s3.service_name, s3.service, s3.route_tables, s3.subnets, s3.azs, s3.private_dns) == (
        "gateway",
        "com.amazonaws.us-east-1.s3",
        "s3",
        [estate.private_table],
        [],
        [],
        False,  # moto says True; a gateway endpoint has no DNS names
    )
    sqs = endpoints[estate.sqs_endpoint]
    assert (sqs.type, sqs.service, sqs.azs, sqs.private_dns, sqs.provider_vpc) == (
        "interface",
        "sqs",
        ["use1-az1", "use1-az2"],
        True,
        None,
    )
    assert sqs.subnets == sorted([estate.subnets["orders-az1"], estate.subnets["orders-az2"]])
    interfaces = {interface.id: interface for interface in orders.interfaces}
    nat_eni = interfaces[estate.nat_public_eni]
    # moto reports InterfaceType `interface`; the NAT gateway names the ENI, and EC2's own type for one is written
    assert (nat_eni.type, nat_eni.kind, nat_eni.resource, nat_eni.az, nat_eni.ips) == (
        "natGateway",
        "nat_gateway",
        estate.nat_public,
        "use1-az1",
        [estate.nat_public_ip],
    )
    assert (interfaces[estate.sqs_endpoint_eni].type, interfaces[estate.sqs_endpoint_eni].resource) == (
        "vpc_endpoint",
        estate.sqs_endpoint,
    )
    # middleboxes only by default: the 2 NAT gateways' ENIs, the SQS endpoint's 2 (one per subnet) and the
    # payments endpoint's 1
    assert sorted(interface.type for interface in orders.interfaces) == ["natGateway"] * 2 + ["vpc_endpoint"] * 3


def test_a_privatelink_endpoint_names_the_vpc_behind_the_service(found: Discovery, estate: Estate) -> None:
    # found through B's endpoint service configuration and its NLB's VPC (elbv2 DescribeLoadBalancers)
    endpoint = next(e for e in by_id(found.topology, estate.orders).endpoints if e.id == estate.payments_endpoint)
    assert (endpoint.type, endpoint.service_name, endpoint.service, endpoint.provider_vpc, endpoint.azs) == (
        "interface",
        estate.payments_service,
        None,
        estate.payments,
        ["use1-az1"],
    )


def test_workload_interfaces_are_listed_when_asked(estate: Estate) -> None:
    found = discover(regions=["us-east-1"], workload_interfaces=True)
    interfaces = {interface.id: interface for interface in by_id(found.topology, estate.orders).interfaces}
    workload = interfaces[estate.workload_eni]
    assert (workload.type, workload.kind, workload.az, workload.resource) == ("interface", "workload", "use1-az2", None)
    assert len(interfaces) == 6  # the 5 middlebox ENIs and the workload's


def test_peerings_are_merged_across_accounts_and_regions(found: Discovery, estate: Estate) -> None:
    # pcx_payments is seen from A and from B, pcx_analytics from us-east-1 and eu-west-1: one entry each
    peerings = {peering.id: peering for peering in found.topology.peering_connections}
    assert sorted(peerings) == sorted([estate.pcx_payments, estate.pcx_analytics, estate.pcx_sandbox])
    payments = peerings[estate.pcx_payments]
    assert (payments.requester, payments.accepter, payments.status) == (estate.orders, estate.payments, "active")
    assert (payments.requester_account, payments.accepter_account) == (ACCOUNT_A, ACCOUNT_B)
    analytics = peerings[estate.pcx_analytics]
    assert (analytics.requester_region, analytics.accepter_region, analytics.status) == (
        "us-east-1",
        "eu-west-1",
        "active",
    )
    sandbox = peerings[estate.pcx_sandbox]
    assert sandbox.status == "pending-acceptance"
    assert any(estate.pcx_sandbox in warning and "pending-acceptance" in warning for warning in found.warnings)


def test_transit_gateways_and_their_attachments(found: Discovery, estate: Estate) -> None:
    gateways = {gateway.id: gateway for gateway in found.topology.transit_gateways}
    assert sorted(gateways) == sorted([estate.tgw, estate.tgw_eu])
    hub, hub_eu = gateways[estate.tgw], gateways[estate.tgw_eu]
    assert (hub.name, hub.account, hub.region, hub_eu.region) == ("hub", ACCOUNT_A, "us-east-1", "eu-west-1")
    attachments = {attachment.id: attachment for attachment in hub.attachments}
    vpc_attachment = attachments[estate.tgw_vpc_attachment]
    assert (vpc_attachment.type, vpc_attachment.vpc, vpc_attachment.account, vpc_attachment.state) == (
        "vpc",
        estate.orders,
        ACCOUNT_A,
        "available",
    )
    assert vpc_attachment.subnets == sorted([estate.subnets["orders-az1"], estate.subnets["orders-az2"]])
    peering = attachments[estate.tgw_peering]
    assert (peering.type, peering.peer_transit_gateway, peering.peer_region, peering.peer_account) == (
        "peering",
        estate.tgw_eu,
        "eu-west-1",
        ACCOUNT_A,
    )
    # each side of a TGW peering holds (and pays for) the attachment
    [back] = hub_eu.attachments
    assert (back.id, back.peer_transit_gateway, back.peer_region) == (estate.tgw_peering, estate.tgw, "us-east-1")


def test_flow_logs(found: Discovery, estate: Estate) -> None:
    logs = {log.id: log for log in found.topology.flow_logs}
    assert sorted(logs) == sorted([estate.flow_log, estate.flow_log_b])
    log = logs[estate.flow_log]
    assert (log.resource, log.traffic_type, log.destination_type, log.destination) == (
        estate.orders,
        "ALL",
        "s3",
        "arn:aws:s3:::vpccost-flow-logs-a",
    )
    assert (log.log_format, log.max_aggregation_interval_s, log.account, log.region) == (
        FLOW_LOG_FORMAT,
        60,
        ACCOUNT_A,
        "us-east-1",
    )
    assert logs[estate.flow_log_b].account == ACCOUNT_B


def test_the_written_topology_loads_back_the_same_and_is_deterministic(
    found: Discovery, tmp_path: Path, estate: Estate
) -> None:
    for name in ("topology.yaml", "topology.json"):
        path = tmp_path / name
        write_topology(found.topology, path)
        assert load_topology(path) == found.topology
    again = discover(regions=["us-east-1", "eu-west-1"], role_arns=[f"arn:aws:iam::{ACCOUNT_B}:role/audit"])
    # the default credentials' account is not read when only roles are given
    assert again.accounts == [ACCOUNT_B]
    both = discover(
        boto3.Session(region_name="us-east-1"),
        "missing-profile",
        role_arns=[f"arn:aws:iam::{ACCOUNT_B}:role/audit"],
        regions=["eu-west-1", "us-east-1"],
    )
    assert topology_yaml(both.topology.model_copy(update={"discovery_warnings": []})) == topology_yaml(
        found.topology.model_copy(update={"discovery_warnings": []})
    )
    assert any("profile missing-profile" in warning for warning in both.warnings)


def test_the_same_account_through_two_sources_is_read_once(estate: Estate) -> None:
    steps: list[tuple[int, int]] = []
    twice = discover(
        boto3.Session(region_name="us-east-1"),
        boto3.Session(region_name="eu-west-1"),
        regions=["us-east-1"],
        progress=lambda done, total, what: steps.append((done, total)),
    )
    assert twice.accounts == [ACCOUNT_A]
    assert twice.regions_read == 1
    # one account × one region × 14 calls, reported one by one
    assert steps == [(done, 14) for done in range(1, 15)]


def test_the_cli_writes_the_topology(estate: Estate, tmp_path: Path) -> None:
    output = tmp_path / "topology.yaml"
    result = run_cli(
        "discover", "--role-arn", f"arn:aws:iam::{ACCOUNT_B}:role/audit", "--regions", "us-east-1", "--output", output
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    topology = load_topology(output)
    # only role B was given: payments and B's default VPC in us-east-1
    assert sorted(vpc.account for vpc in topology.vpcs) == [ACCOUNT_B, ACCOUNT_B]
    assert "discovered 2 VPCs" in result.stderr
    assert output.read_text().startswith(f"# vpccost discover: accounts {ACCOUNT_B}\n")
    assert "AccessKeyId" not in result.stderr and "testing" not in result.stderr


@pytest.fixture
def iam_enforced(endpoint_url: str, estate: Estate) -> Iterator[None]:
    """moto checks every request against IAM policies while this runs (and stops afterwards)."""

    def reset_auth(count: str) -> None:
        request = urllib.request.Request(
            f"{endpoint_url}/moto-api/reset-auth",
            data=count.encode(),
            method="POST",
            headers={"Content-Type": "text/plain"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    reset_auth("0")
    try:
        yield
    finally:
        reset_auth("inf")


def write_profile(tmp_path: Path, name: str, key: tuple[str, str]) -> None:
    (tmp_path / "aws-config").write_text(
        f"[profile {name}]\naws_access_key_id = {key[0]}\naws_secret_access_key = {key[1]}\nregion = us-east-1\n"
    )


@pytest.mark.usefixtures("iam_enforced")
def test_a_denied_call_loses_only_what_it_reads(estate: Estate, tmp_path: Path) -> None:
    write_profile(tmp_path, "reader", estate.reader_key)
    output = tmp_path / "topology.yaml"
    result = run_cli(
        "discover",
        "--profile",
        "reader",
        "--role-arn",
        f"arn:aws:iam::{ACCOUNT_B}:role/audit-no-flow-logs",
        "--regions",
        "us-east-1",
        "--output",
        output,
    )
    assert result.exit_code == 0, result.stderr
    topology = load_topology(output)
    assert {estate.orders, estate.payments} <= {vpc.id for vpc in topology.vpcs}
    # B's flow logs could not be read; A's could
    assert [log.id for log in topology.flow_logs] == [estate.flow_log]
    denied = [warning for warning in topology.discovery_warnings if "DescribeFlowLogs" in warning]
    assert denied == [warning for warning in denied if warning.startswith(f"{ACCOUNT_B} us-east-1:")]
    assert len(denied) == 1 and "AccessDenied" in denied[0]
    assert f"warning: {denied[0]}" in result.stderr
    assert estate.reader_key[1] not in result.stderr + output.read_text()


@pytest.mark.usefixtures("iam_enforced")
def test_an_account_whose_credentials_fail_is_reported_and_the_rest_kept(estate: Estate, tmp_path: Path) -> None:
    write_profile(tmp_path, "reader", estate.reader_key)
    # the default credentials ("testing") are no IAM user's: with IAM enforced, AWS refuses them
    found = discover(boto3.Session(region_name="us-east-1"), "reader", regions=["us-east-1"])
    assert found.accounts == [ACCOUNT_A]
    assert found.found_anything


@pytest.mark.usefixtures("iam_enforced")
def test_nothing_discovered_exits_2_and_writes_nothing(estate: Estate, tmp_path: Path) -> None:
    output = tmp_path / "topology.yaml"
    result = run_cli("discover", "--regions", "us-east-1", "--output", output)
    assert result.exit_code == 2
    assert "nothing could be discovered" in result.stderr
    assert "region not read" in result.stderr or "account not read" in result.stderr
    assert not output.exists()


def test_the_readme_lists_every_action_discover_calls() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## AWS access", 1)[1].split("\n## ", 1)[0]
    for action in READ_ONLY_ACTIONS:
        assert f"`{action}`" in section, action
    assert len(REGION_STEPS) == 14


def test_the_discovered_file_is_plain_yaml(found: Discovery, tmp_path: Path) -> None:
    document = yaml.safe_load(topology_yaml(found.topology, comment="first line\nsecond line"))
    assert set(document) == {"vpcs", "peering_connections", "transit_gateways", "flow_logs", "discovery_warnings"}
    assert all("route_tables" in vpc or vpc["cidrs"] == ["172.31.0.0/16"] for vpc in document["vpcs"])


def test_the_discovered_estate_is_priced_as_it_is(found: Discovery, estate: Estate, tmp_path: Path) -> None:
    """The as-is design, priced from what discovery found. orders' private route table (two of its three subnets)
    sends 10.2.0.0/16 over the active inter-region peering with analytics; its main table (the third subnet)
    would send it to the internet gateway, so the tables disagree and the path of most subnets is used; S3 goes
    through the gateway endpoint in the private table."""
    topology = tmp_path / "topology.yaml"
    write_topology(found.topology, topology)
    traffic = tmp_path / "traffic.csv"
    traffic.write_text(f"src,dst,gb\n{estate.orders},{estate.analytics},10\n{estate.orders},aws:s3,100\n")
    document = run_json("compare", traffic, "--topology", topology, "--pricing", SNAPSHOT, "--service-access", "design")
    as_is = next(design for design in document["designs"] if design["design"] == "as-is")
    assert as_is["feasible"] is True, as_is["problems"]
    # 10 GB from us-east-1 to eu-west-1 over peering at the sender's inter-region rate, $0.02/GB (the bundled
    # snapshot) = $0.20; S3 through the free gateway endpoint, so orders needs no NAT gateway: $0.20 in all
    assert as_is["total_usd"] == "0.20"
    assert [item["usage_type"] for item in as_is["line_items"]] == [
        "USE1-EU-AWS-Out-Bytes"
    ]  # AWS writes eu-west-1 as EU
    assert any("disagree" in note for note in document["assumptions"])
    # with their own service access, every pure design sends S3 through NAT gateways, so each costs more than the
    # estate as it is
    savings = document["recommendation"]["saving_vs_as_is_usd"]
    assert all(saving.startswith("-") for saving in savings.values())
